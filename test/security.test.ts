// Untrusted input is inert: each hostile schema file of test/cases/hostile.ts is validated,
// planned (text, JSON, markdown, --verify) and checked against a real database, and the database, its
// sessions and the outputs are then held to what a stranger's pull request must not reach.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { fileWith, HOSTILE_CASES, SECRETS, TARGET_SQL, type HostileCase } from './cases/hostile.js';
import { adminUrl, urlFor } from './support/scratch.js';

const BIN = new URL('../bin/run.js', import.meta.url).pathname;
/** Longer than any command here needs, far shorter than the sleeps the cases ask for. */
const BOUND_MS = 90_000;

interface Run {
  readonly status: number;
  /** Standard output and error, as a person sees them. */
  readonly out: string;
  readonly stdout: string;
  readonly ms: number;
}

const BATCH = new URL('./support/cli-batch.mjs', import.meta.url).pathname;

/**
 * Several commands at once, in `cwd`, each as `schema` runs it (with --no-color), in one node
 * process instead of one each (see support/cli-batch.mjs): node and oclif start once a case.
 */
function clis(cwd: string, commands: readonly (readonly string[])[]): Promise<Run[]> {
  return new Promise((resolve, reject) => {
    const argvs = JSON.stringify(commands.map((args) => [...args, '--no-color']));
    execFile('node', [BATCH, argvs], { cwd, encoding: 'utf8', timeout: BOUND_MS * 2, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1' } }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`cli-batch failed: ${error.message}\n${stderr}`));
      resolve(JSON.parse(stdout) as Run[]);
    });
  });
}

function cli(cwd: string, args: readonly string[]): Promise<Run> {
  const started = Date.now();
  return new Promise((resolve) => {
    execFile('node', [BIN, ...args, '--no-color'], { cwd, encoding: 'utf8', timeout: BOUND_MS * 2, env: { ...process.env, NO_COLOR: '1' } }, (error, stdout, stderr) => {
      const status = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ status, out: `${stdout}${stderr}`, stdout, ms: Date.now() - started });
    });
  });
}

async function admin<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/**
 * Everything a plan must not change, read as the superuser: the catalog (relations, columns,
 * constraints, types, functions, schemas), the rows of every user table, the sequence, large
 * objects, settings kept for this database and for the role that plans (the plans run as the
 * same superuser; other test files set and drop settings of roles of their own meanwhile), and
 * advisory locks held.
 */
const FINGERPRINT = `SELECT json_build_object(
  'relations', (SELECT json_agg(c.relnamespace::regnamespace::text || '.' || c.relname || ':' || c.relkind::text ORDER BY 1) FROM pg_class c WHERE c.relnamespace NOT IN ('pg_catalog'::regnamespace, 'information_schema'::regnamespace, 'pg_toast'::regnamespace) AND c.relpersistence <> 't'),
  'columns', (SELECT json_agg(a.attrelid::regclass::text || '.' || a.attname || ':' || format_type(a.atttypid, a.atttypmod) ORDER BY 1) FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid WHERE c.relnamespace = 'public'::regnamespace AND a.attnum > 0),
  'constraints', (SELECT json_agg(conname || ':' || pg_get_constraintdef(oid) ORDER BY 1) FROM pg_constraint WHERE connamespace = 'public'::regnamespace),
  'types', (SELECT json_agg(typnamespace::regnamespace::text || '.' || typname ORDER BY 1) FROM pg_type WHERE typnamespace NOT IN ('pg_catalog'::regnamespace, 'information_schema'::regnamespace, 'pg_toast'::regnamespace) AND typnamespace::regnamespace::text NOT LIKE 'pg_temp%' AND typnamespace::regnamespace::text NOT LIKE 'pg_toast_temp%'),
  'functions', (SELECT json_agg(p.oid::regprocedure::text ORDER BY 1) FROM pg_proc p WHERE p.pronamespace NOT IN ('pg_catalog'::regnamespace, 'information_schema'::regnamespace)),
  'schemas', (SELECT json_agg(nspname ORDER BY 1) FROM pg_namespace WHERE nspname NOT LIKE 'pg_temp%' AND nspname NOT LIKE 'pg_toast_temp%'),
  't', (SELECT md5(string_agg(x::text, ',' ORDER BY x.id)) FROM public.t x),
  'victim', (SELECT json_agg(x ORDER BY x) FROM public.victim x),
  'secrets', (SELECT json_agg(s) FROM public.secrets),
  'counter', (SELECT json_build_object('last', last_value, 'called', is_called) FROM public.counter),
  'large_objects', (SELECT count(*) FROM pg_largeobject_metadata),
  'role_settings', (SELECT json_agg(setconfig::text ORDER BY 1) FROM pg_db_role_setting s WHERE s.setdatabase = (SELECT oid FROM pg_database WHERE datname = current_database()) OR (s.setdatabase = 0 AND s.setrole IN (0, (SELECT oid FROM pg_roles WHERE rolname = current_user)))),
  'advisory_locks', (SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database WHERE l.locktype = 'advisory' AND d.datname = current_database())
) AS f`;

const runId = (): string => inject('runId');
let template: string;
const made: string[] = [];

beforeAll(async () => {
  template = `schema_test_${runId()}_hostile_tpl`;
  await admin(adminUrl(), (c) => c.query(`CREATE DATABASE "${template}"`));
  await admin(urlFor(template), (c) => c.query(TARGET_SQL));
});

/** The least-privilege role of docs/security.md, made once a run (roles belong to the whole server). */
const ciRole = (): string => `schema_ci_${runId()}`;

afterAll(async () => {
  await admin(adminUrl(), async (c) => {
    for (const name of [...made, template]) await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await c.query(`DROP ROLE IF EXISTS "${ciRole()}"`);
  });
});

async function target(label: string): Promise<string> {
  const name = `schema_test_${runId()}_hostile_${label}`;
  made.push(name);
  await admin(adminUrl(), (c) => c.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`));
  return urlFor(name);
}

async function attack(c: HostileCase, i: number): Promise<void> {
  const url = await target(String(i));
  const dir = await mkdtemp(join(tmpdir(), 'schema-hostile-'));
  // A bystander: another session the attack may try to signal.
  const bystander = new pg.Client({ connectionString: url });
  await bystander.connect();
  try {
    const pid = (await bystander.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    await writeFile(join(dir, 'schema.yaml'), c.yaml({ pid }));
    const before = await admin(url, (a) => a.query(FINGERPRINT));
    // All at once: one case's commands overlap as CI jobs would (in one node process).
    const [validate, text, json, markdown, check, drift, verify] = await clis(dir, [
      ['validate'],
      ['plan', '--url', url],
      ['plan', '--url', url, '--format', 'json'],
      ['plan', '--url', url, '--format', 'markdown'],
      ['check', '--url', url],
      ['drift', '--url', url],
      ['plan', '--url', url, '--verify', '--format', 'json'],
    ]);
    const runs = { validate: validate!, text: text!, json: json!, markdown: markdown!, check: check!, drift: drift!, verify: verify! };
    expect(runs.text.status, runs.text.out).toBe(c.exit);
    // The text plan is wrapped at 80 columns off a terminal: its continuation lines joined back.
    if (c.says) expect(runs.text.out.replace(/\n {4,}(?=\S)/g, ' ')).toContain(c.says);
    for (const [name, run] of Object.entries(runs)) {
      for (const secret of SECRETS) expect(run.out, `${name} printed ${secret}`).not.toContain(secret);
      expect(run.out, name).not.toMatch(/internal error|report it|Maximum call stack/);
      expect(run.ms, `${name} took ${run.ms} ms`).toBeLessThan(BOUND_MS);
    }
    // Nothing in the target changed, and the other session is still there.
    const after = await admin(url, (a) => a.query(FINGERPRINT));
    expect(after.rows[0].f).toEqual(before.rows[0].f);
    await expect(bystander.query('SELECT 1 AS one')).resolves.toMatchObject({ rows: [{ one: 1 }] });
    // The pull-request comment renders no link, image, mention or HTML from the file.
    // (Outside the SQL block: a fenced code block renders nothing.)
    const md = runs.markdown.out.replace(/^(`{3,})sql\n[\s\S]*?\n\1$/m, '');
    expect(md).not.toMatch(/\]\(https?:|<img|(^|[^`])@someone|(^|[^`])#12\b/);
    expect(md.match(/<\/details>/g)?.length ?? 0).toBeLessThanOrEqual(1);
  } finally {
    await bystander.end().catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
}

/** Run `fn`s at most `n` at a time. */
function limited(n: number): <T>(fn: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (fn) => {
    // A slot freed is handed straight to the next waiting, so no more than n ever run.
    if (running >= n) await new Promise<void>((go) => waiting.push(go));
    else running++;
    try {
      return await fn();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else running--;
    }
  };
}

/** Two cases at a time (each in its own database): one waits on the server while the other computes. */
const slot = limited(2);

describe('hostile schema files change nothing, leak nothing, disturb no one', () => {
  it.concurrent.each(HOSTILE_CASES.map((c, i) => [c.name, c, i] as const))('%s', async (_name, c, i) => slot(() => attack(c, i)), 240_000);
});

/** A database's URL, as another user. */
function as(url: string, user: string): string {
  const u = new URL(url);
  u.username = user;
  u.password = '';
  return u.toString();
}

const CI_CHANGE = `enums:
  mood: [happy, sad]
  billing.kind: [a, b]
tables:
  t:
    columns:
      id: { type: integer, primary_key: true }
      a: text
      n: smallint
      m: { type: mood, nullable: false, default: happy }
      k: { type: "billing.kind[]", default: { sql: "ARRAY['a'::billing.kind]" } }
    checks:
      t_n_big: n > 5
    indexes:
      t_lower_a: { unique: true, columns: [{ expression: lower(a) }] }
  secrets:
    columns:
      s: text
`;

describe('the plan path under the least-privilege role (CONNECT, TEMPORARY, SELECT)', () => {
  it('plans with figures, checks and reads the chain; apply is refused by the server', async () => {
    const url = await target('ci');
    const role = ciRole();
    await admin(url, async (c) => {
      await c.query(`DO $$ BEGIN CREATE ROLE "${role}" LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$`);
      await c.query(`GRANT CONNECT, TEMPORARY ON DATABASE "${new URL(url).pathname.slice(1)}" TO "${role}"`);
      await c.query(`GRANT USAGE ON SCHEMA public TO "${role}"; GRANT SELECT ON ALL TABLES IN SCHEMA public TO "${role}"`);
    });
    const ci = as(url, role);
    const dir = await mkdtemp(join(tmpdir(), 'schema-ci-role-'));
    try {
      await writeFile(join(dir, 'schema.yaml'), CI_CHANGE);
      const before = await admin(url, (a) => a.query(FINGERPRINT));
      const plan = await cli(dir, ['plan', '--url', ci, '--format', 'json']);
      expect(plan.status, plan.out).toBe(0);
      const doc = JSON.parse(plan.stdout) as { steps: { op: string; object: string; hazards: { code: string; message: string; rows?: number; fails?: boolean }[] }[] };
      expect(doc.steps.map((st) => `${st.op} ${st.object}`)).toEqual([
        'drop_table public.victim',
        'create_schema billing',
        'create_enum public.mood',
        'create_enum billing.kind',
        'alter_column public.t.n',
        'add_column public.t.m',
        'add_column public.t.k',
        'add_check public.t.t_n_big',
        'create_index public.t.t_lower_a',
      ]);
      const hazard = (object: string, code: string) => doc.steps.find((st) => st.object === object)!.hazards.find((h) => h.code === code)!;
      // Figures from the real rows, read by the role: 2 rows lost, 5 rows violating the check, none in the index's way.
      expect(hazard('public.victim', 'data_loss')).toMatchObject({ rows: 2 });
      expect(hazard('public.t.t_n_big', 'may_fail')).toMatchObject({ rows: 5, fails: true });
      expect(hazard('public.t.t_lower_a', 'may_fail')).toMatchObject({ rows: 0 });
      expect(hazard('public.t.n', 'lossy_type_change')).toMatchObject({ rows: 0 });
      const text = await cli(dir, ['plan', '--url', ci]);
      expect(text.out).toContain("ALTER TABLE public.t ADD COLUMN k billing.kind[] DEFAULT ARRAY['a'::billing.kind];");
      // A plan certain to fail on today's data is refused before it starts.
      const refused = await cli(dir, ['apply', '--url', ci, '--auto-approve', '--allow-hazards', 'data_loss,lossy_type_change', '-m', 'ci']);
      expect(refused.status).toBe(1);
      expect(refused.out).toContain("Step 8 will fail on today's data");
      // The server refuses what the role may not do; nothing changed either way.
      await writeFile(join(dir, 'schema.yaml'), CI_CHANGE.replace('n > 5', 'n > 0'));
      const apply = await cli(dir, ['apply', '--url', ci, '--auto-approve', '--allow-hazards', 'data_loss,lossy_type_change', '-m', 'ci']);
      expect(apply.status).toBe(1);
      expect(apply.out).toMatch(/permission denied|must be owner/);
      expect((await admin(url, (a) => a.query(FINGERPRINT))).rows[0].f).toEqual(before.rows[0].f);
      // Applied by its owner, the chain reads the same for the role once it may read the ledger.
      const applied = await cli(dir, ['apply', '--url', url, '--auto-approve', '--allow-hazards', 'data_loss,lossy_type_change', '-m', 'owner']);
      expect(applied.status, applied.out).toBe(0);
      await admin(url, (c) => c.query(`GRANT USAGE ON SCHEMA schema_tool, billing TO "${role}"; GRANT SELECT ON ALL TABLES IN SCHEMA schema_tool, public TO "${role}"`));
      for (const args of [['plan'], ['check'], ['drift'], ['history'], ['current']]) {
        const run = await cli(dir, [...args, '--url', ci]);
        expect(run.status, `${args[0]}: ${run.out}`).toBe(0);
      }
      expect((await cli(dir, ['plan', '--url', ci])).out).toContain('No changes');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 240_000);
});

describe('settings the database or role sets do not change how the file is read', () => {
  it('standard_conforming_strings off, another DateStyle, IntervalStyle, TimeZone and search_path: what is stored is what the file says, and the plan goes empty', async () => {
    const url = await target('settings');
    const database = new URL(url).pathname.slice(1);
    await admin(url, (c) =>
      c.query(
        `ALTER DATABASE "${database}" SET standard_conforming_strings = off; ALTER DATABASE "${database}" SET DateStyle = 'SQL, DMY'; ` +
          `ALTER DATABASE "${database}" SET IntervalStyle = 'sql_standard'; ALTER DATABASE "${database}" SET TimeZone = 'Pacific/Chatham'; ` +
          `ALTER DATABASE "${database}" SET search_path = 'evil'; ALTER DATABASE "${database}" SET bytea_output = 'escape'`,
      ),
    );
    const dir = await mkdtemp(join(tmpdir(), 'schema-settings-'));
    try {
      const yaml = fileWith(
        `    checks:\n      t_path: "p <> 'D:\\\\old\\\\x'"\n`,
        `      p: { type: text, default: 'C:\\temp\\new' }\n      d: { type: date, default: '2024-03-04' }\n      i: { type: interval, default: '1 day 02:00:00' }\n      b: { type: bytea, default: '\\x41' }\n`,
      );
      await writeFile(join(dir, 'schema.yaml'), yaml);
      const applied = await cli(dir, ['apply', '--url', url, '--auto-approve']);
      expect(applied.status, applied.out).toBe(0);
      // Read with PostgreSQL's defaults: exactly the file's values, no tab or newline in the path.
      const stored = await admin(url, async (c) => {
        await c.query("SET standard_conforming_strings = on; SET DateStyle = 'ISO, MDY'; SET IntervalStyle = 'postgres'; SET bytea_output = 'hex'");
        await c.query('INSERT INTO public.t (id) VALUES (1000)');
        return (await c.query("SELECT p, d::text AS d, i::text AS i, b::text AS b, (SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 't_path') AS c FROM public.t WHERE id = 1000")).rows[0];
      });
      expect(stored).toEqual({ p: 'C:\\temp\\new', d: '2024-03-04', i: '1 day 02:00:00', b: '\\x41', c: "CHECK ((p <> 'D:\\old\\x'::text))" });
      const again = await cli(dir, ['plan', '--url', url]);
      expect(again.out).toContain('No changes');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
