// `schema pull`: a database made by hand becomes schema.yaml. Each case of test/cases/pull.ts is
// made, pulled with the CLI, planned against itself (nothing to do), applied into an empty
// database (the same catalog as the original, compared with pg_dump and with the catalog itself),
// and the pulled file of the copy is the same file.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PULL_CASES } from './cases/pull.js';
import { scratch, type Scratch } from './support/scratch.js';
import { BIN } from './support/cli.js';

let dir: string;
const dbs: Scratch[] = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'schema-pull-'));
});
afterEach(async () => {
  for (const s of dbs.splice(0)) await s.drop();
  await rm(dir, { recursive: true, force: true });
});

async function database(label: string, sql = ''): Promise<Scratch> {
  const s = await scratch(label);
  dbs.push(s);
  // Written as people write it, with public on the search path; the connection's own path is put back.
  if (sql) await s.db.exec(`SET search_path = public;\n${sql};\nSET search_path = '';`);
  return s;
}

function cli(...args: string[]): { status: number; stdout: string; stderr: string } {
  const r = spawnSync('node', [BIN, ...args, '--no-color'], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** What a database's tables, enums, keys, indexes and comments are, as PostgreSQL prints them (no ledger). */
const CATALOG = `WITH user_class AS (SELECT c.* FROM pg_class c WHERE c.relnamespace::regnamespace::text NOT IN ('schema_tool', 'pg_catalog', 'information_schema', 'pg_toast'))
SELECT json_build_object(
  'schemas', (SELECT json_agg(x ORDER BY x) FROM (SELECT nspname::text AS x FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' AND nspname NOT IN ('information_schema', 'schema_tool')) s),
  'enums', (SELECT json_agg(x ORDER BY x) FROM (SELECT t.typnamespace::regnamespace::text || '.' || t.typname || ':' || (SELECT string_agg(e.enumlabel, '|' ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = t.oid) AS x FROM pg_type t WHERE t.typtype = 'e') s),
  'columns', (SELECT json_agg(x ORDER BY x) FROM (SELECT concat_ws(' ', c.oid::regclass::text, a.attnum, quote_ident(a.attname), format_type(a.atttypid, a.atttypmod), a.attnotnull, a.attidentity, pg_get_expr(d.adbin, d.adrelid), col_description(c.oid, a.attnum)) AS x
     FROM user_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum WHERE c.relkind = 'r') s),
  'constraints', (SELECT json_agg(x ORDER BY x) FROM (SELECT conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid) AS x FROM pg_constraint WHERE conrelid IN (SELECT oid FROM user_class)) s),
  'indexes', (SELECT json_agg(x ORDER BY x) FROM (SELECT pg_get_indexdef(indexrelid) AS x FROM pg_index WHERE indrelid IN (SELECT oid FROM user_class)) s),
  'views', (SELECT json_agg(x ORDER BY x) FROM (SELECT c.oid::regclass::text || ': ' || pg_get_viewdef(c.oid, true) AS x FROM user_class c WHERE c.relkind = 'v') s),
  'comments', (SELECT json_agg(x ORDER BY x) FROM (SELECT c.oid::regclass::text || ': ' || obj_description(c.oid, 'pg_class') AS x FROM user_class c WHERE obj_description(c.oid, 'pg_class') IS NOT NULL) s)
) AS catalog`;

/** The .sql files under `root`, by path relative to it, sorted. */
function sqlFilesIn(root: string): string[] {
  return (readdirSync(root, { recursive: true }) as string[]).filter((f) => f.endsWith('.sql')).sort();
}

async function catalogOf(s: Scratch): Promise<unknown> {
  return (await s.db.query<{ catalog: unknown }>(CATALOG))[0]!.catalog;
}

/** pg_dump --schema-only of the tables and views, without its random \\restrict key, comments and blank lines; null without pg_dump. */
function dumpOf(s: Scratch): string | null {
  const r = spawnSync('pg_dump', ['--schema-only', '--no-owner', '--exclude-schema=schema_tool', s.url], { encoding: 'utf8' });
  if (r.error) return null;
  expect(r.status, r.stderr).toBe(0);
  return r.stdout
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('--') && !/^\\(un)?restrict /.test(l))
    .join('\n');
}

describe('pull adopts a database made by hand', () => {
  it.each(PULL_CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const original = await database('pulled', c.sql);
    const pulled = cli('pull', '--url', original.url);
    expect(pulled.status, pulled.stderr).toBe(0);
    expect(pulled.stdout).toMatch(
      /^Wrote schema\.yaml \(\d+ tables?, \d+ enums?(, \d+ domains?)?(, \d+ types?)?(, \d+ sequences?)?(, \d+ extensions?)?(, \d+ views?)?(, \d+ materialized views?)?(, \d+ functions?)?(, \d+ triggers?)?(, \d+ polic(y|ies))?\)/,
    );
    for (const note of c.notes ?? []) expect(pulled.stderr).toContain(`note: ${note}`);
    if (!c.notes) expect(pulled.stderr).not.toContain('note:');
    if (c.skipped) expect(pulled.stderr).toContain(`Not pulled (schema does not manage them yet): ${c.skipped}`);
    if (c.files) {
      expect(sqlFilesIn(dir)).toEqual([...c.files].sort());
      for (const f of c.files) expect(await readFile(join(dir, 'schema.yaml'), 'utf8')).toContain(`file: ${f}\n`);
    }
    expect(cli('validate').status).toBe(0);
    // Adopted: the file is the database, so there is nothing to do.
    const plan = cli('plan', '--url', original.url, '--format', 'json');
    expect(plan.status, plan.stderr).toBe(0);
    expect((JSON.parse(plan.stdout) as { steps: unknown[] }).steps).toEqual([]);
    if (c.adoptOnly) return;
    // Built anew from the file: the same catalog.
    const copy = await database('copy');
    const applied = cli('apply', '--url', copy.url, '--auto-approve', '-m', 'adopt');
    expect(applied.status, applied.stderr).toBe(0);
    expect(await catalogOf(copy)).toEqual(await catalogOf(original));
    const [a, b] = [dumpOf(original), dumpOf(copy)];
    if (a !== null) expect(b).toBe(a);
    // And the copy pulls as the same file (but for the line saying where and when).
    const first = await readFile(join(dir, 'schema.yaml'), 'utf8');
    const firstSql = await Promise.all(sqlFilesIn(dir).map((f) => readFile(join(dir, f), 'utf8')));
    expect(cli('pull', '--url', copy.url, '--force').status).toBe(0);
    const body = (text: string): string => text.replace(/^# Pulled .*\n/, '');
    expect(body(await readFile(join(dir, 'schema.yaml'), 'utf8'))).toBe(body(first));
    expect(await Promise.all(sqlFilesIn(dir).map((f) => readFile(join(dir, f), 'utf8')))).toEqual(firstSql);
  });
});

const SHOP = PULL_CASES[0]!.sql;

describe('choosing what to pull', () => {
  it('--exclude leaves out a schema, and the foreign keys into it, saying so', async () => {
    const db = await database('pick', SHOP);
    const r = cli('pull', '--url', db.url, '--exclude', 'sales.*', '--schema', '-');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).not.toContain('sales.');
    expect(r.stdout).toContain('  track:');
    expect(existsSync(join(dir, 'schema.yaml'))).toBe(false);
    const only = cli('pull', '--url', db.url, '--include', 'sales.invoice*', '--schema', '-');
    expect(only.status, only.stderr).toBe(0);
    expect(only.stdout.match(/^ {2}\S.*:$/gm)).toEqual(['  sales.invoice:', '  sales.invoice_line:']);
    expect(only.stderr).toContain('note: sales.invoice.invoice_customer_fkey: left out: it references sales.customer, which is not pulled');
    expect(only.stderr).toContain('note: sales.invoice_line.invoice_line_track_id_fkey: left out: it references public.track, which is not pulled');
    // A pattern without a dot names tables in any schema.
    const bare = cli('pull', '--url', db.url, '--include', 'invoice', '--schema', '-');
    expect(bare.stdout.match(/^ {2}\S.*:$/gm)).toEqual(['  sales.invoice:']);
  });

  it('a column whose enum is left out is named', async () => {
    const db = await database('pickenum', SHOP);
    const r = cli('pull', '--url', db.url, '--include', 'public.track', '--schema', '-');
    expect(r.stderr).toContain('note: public.track.media: its type public.media_kind is an enum that is not pulled: add it with --include');
  });
});

describe('pull writes nothing it should not', () => {
  it('an existing file is kept unless --force; the database is not changed', async () => {
    const db = await database('keep', 'CREATE TABLE t (id integer)');
    await writeFile(join(dir, 'schema.yaml'), 'tables: {}\n');
    const r = cli('pull', '--url', db.url);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('error: schema.yaml exists already; nothing was written');
    expect(r.stderr).toContain('hint: pass --force to overwrite it');
    expect(await readFile(join(dir, 'schema.yaml'), 'utf8')).toBe('tables: {}\n');
    const forced = cli('pull', '--url', db.url, '--force');
    expect(forced.status, forced.stderr).toBe(0);
    expect(await readFile(join(dir, 'schema.yaml'), 'utf8')).toContain('  t:\n    columns:\n      id: integer\n');
    const ledger = await db.db.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_namespace WHERE nspname = 'schema_tool'");
    expect(ledger[0]!.n).toBe(0);
  });

  it('on the embedded database that does not exist yet: an empty file, and no .schema/ made', async () => {
    const r = spawnSync('node', [BIN, 'pull', '--schema', '-', '--no-color'], { cwd: dir, encoding: 'utf8', env: { ...process.env, DATABASE_URL: '', PGHOST: '', PGDATABASE: '' } });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/\n\{\}\n$/);
    expect(existsSync(join(dir, '.schema'))).toBe(false);
  });
});

describe('long bodies as .sql files', () => {
  const LONG = `CREATE TABLE film (film_id integer PRIMARY KEY, title text NOT NULL, length smallint);
CREATE VIEW film_list AS SELECT film_id, title, length, length * 60 AS seconds, upper(title) AS loud, lower(title) AS quiet,
  length > 120 AS long_one, length < 60 AS short_one, title || ' (' || length || ')' AS label, length / 2 AS half FROM film`;

  it('an existing .sql file is kept unless --force; --inline keeps every body in schema.yaml', async () => {
    const db = await database('sqlfiles', LONG);
    await mkdir(join(dir, 'views'));
    await writeFile(join(dir, 'views', 'public.film_list.sql'), 'SELECT 1;\n');
    const r = cli('pull', '--url', db.url);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`error: ${join('views', 'public.film_list.sql')} exists already; nothing was written`);
    expect(r.stderr).toContain('hint: pass --force to overwrite them');
    expect(existsSync(join(dir, 'schema.yaml'))).toBe(false);
    expect(await readFile(join(dir, 'views', 'public.film_list.sql'), 'utf8')).toBe('SELECT 1;\n');
    const inline = cli('pull', '--url', db.url, '--inline');
    expect(inline.status, inline.stderr).toBe(0);
    expect(await readFile(join(dir, 'schema.yaml'), 'utf8')).toContain('  film_list:\n    sql: |\n');
    const forced = cli('pull', '--url', db.url, '--force');
    expect(forced.status, forced.stderr).toBe(0);
    expect(forced.stdout).toContain('and 1 .sql file beside it');
    expect(await readFile(join(dir, 'schema.yaml'), 'utf8')).toContain('  film_list:\n    file: views/public.film_list.sql\n');
    expect(await readFile(join(dir, 'views', 'public.film_list.sql'), 'utf8')).toContain('upper(film.title) AS loud');
    const plan = cli('plan', '--url', db.url, '--format', 'json');
    expect((JSON.parse(plan.stdout) as { steps: unknown[] }).steps).toEqual([]);
    // --schema - prints one file: every body inline.
    const printed = cli('pull', '--url', db.url, '--schema', '-');
    expect(printed.stdout).toContain('    sql: |\n');
    expect(printed.stdout).not.toContain('file:');
  });

  it('--schema naming a folder: one file per top-level key, the .sql files in it; plan has nothing to do, and apply builds the same', async () => {
    const db = await database('folder', LONG);
    const r = cli('pull', '--url', db.url, '--schema', 'db/');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('Wrote db/tables.yaml, db/views.yaml (1 table, 0 enums, 1 view) and 1 .sql file beside it.');
    expect(await readFile(join(dir, 'db', 'views.yaml'), 'utf8')).toContain('  film_list:\n    file: views/public.film_list.sql\n');
    expect(existsSync(join(dir, 'db', 'views', 'public.film_list.sql'))).toBe(true);
    const plan = cli('plan', '--schema', 'db', '--url', db.url, '--format', 'json');
    expect((JSON.parse(plan.stdout) as { steps: unknown[] }).steps).toEqual([]);
    const copy = await database('foldercopy');
    expect(cli('apply', '--schema', 'db', '--url', copy.url, '--auto-approve', '-m', 'adopt').status).toBe(0);
    expect(await catalogOf(copy)).toEqual(await catalogOf(db));
    const again = cli('pull', '--url', db.url, '--schema', 'db');
    expect(again.status).toBe(1);
    expect(again.stderr).toContain(`error: ${join('db', 'tables.yaml')} (and 2 more files) exists already; nothing was written`);
  });
});
