// The executable as a user meets it: exit codes, what goes to stdout and stderr, refusals that
// change nothing, errors without stack traces, and every way of naming the database.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cp, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { modelOf, runBefore } from './support/cases.js';
import { scratch, type Scratch } from './support/scratch.js';

const ROOT = new URL('..', import.meta.url).pathname;
const BIN = join(ROOT, 'bin/run.js');
const ANSI = /\u001b\[/;
const STACK = /^\s+at .+:\d+:\d+\)?$/m;

let s: Scratch;
let cwd: string;
beforeEach(async () => {
  s = await scratch('cli');
  cwd = await mkdtemp(join(tmpdir(), 'schema-cli-'));
});
afterEach(async () => {
  await s.drop();
  await rm(cwd, { recursive: true, force: true });
});

/** Run `schema` in the test's folder, with no DATABASE_URL unless given. */
function schema(args: string[], env: Record<string, string> = {}): SpawnSyncReturns<string> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'DATABASE_URL' && k !== 'FORCE_COLOR'));
  return spawnSync('node', [BIN, ...args], { cwd, encoding: 'utf8', env: { ...clean, ...env }, timeout: 120_000 });
}

const USERS = `
tables:
  users:
    columns:
      id: { type: integer, primary_key: true }
      email: text
`;

describe('plan', () => {
  it('the example: plan --format json, apply --auto-approve, then plan --detailed-exitcode exits 0', async () => {
    await cp(join(ROOT, 'schema.yaml'), join(cwd, 'schema.yaml'));
    const planned = schema(['plan', '--url', s.url, '--format', 'json']);
    expect(planned.status).toBe(0);
    expect(planned.stderr).toBe(`Using ${s.url}\n`);
    const json = JSON.parse(planned.stdout) as { format_version: number; summary: object; steps: { op: string; object: string; sql: string[]; hazards: unknown[] }[]; downgrade: unknown[] };
    expect(json.format_version).toBe(1);
    expect(json.summary).toEqual({ add: 9, change: 0, destroy: 0 });
    expect(json.steps.map((st) => `${st.op} ${st.object}`)).toEqual([
      'create_schema billing',
      'create_enum public.order_status',
      'create_table public.users',
      'create_table public.orders',
      'create_table billing.invoices',
      'create_index public.users.users_created_at_idx',
      'create_index public.orders.orders_user_id_status_idx',
      'create_index public.orders.orders_pending_idx',
      'add_foreign_key public.orders.orders_user_id_fkey',
    ]);
    expect(json.downgrade.length).toBe(6);
    const changes = schema(['plan', '--url', s.url, '--detailed-exitcode']);
    expect(changes.status).toBe(2);
    const applied = schema(['apply', '--url', s.url, '--auto-approve', '-m', 'initial']);
    expect(applied.status, applied.stderr).toBe(0);
    expect(applied.stdout).toMatch(/Applied 9 steps in \d+ ms\. Revision [0-9a-f]{12} written to plans\/\d{8}T\d{6}Z_initial\.sql/);
    const again = schema(['plan', '--url', s.url, '--detailed-exitcode']);
    expect(again.stdout).toContain('No changes. The database matches the schema.');
    expect(again.status).toBe(0);
  });

  it('prints no colour when not on a terminal or with NO_COLOR, and the text summary line', async () => {
    await writeFile(join(cwd, 'schema.yaml'), USERS);
    const r = schema(['plan', '--url', s.url], { NO_COLOR: '1' });
    expect(r.stdout).not.toMatch(ANSI);
    expect(r.stderr).not.toMatch(ANSI);
    expect(r.stdout).toContain('+  1. create_table public.users');
    expect(r.stdout).toContain('Plan: 1 to add, 0 to change, 0 to destroy.');
    for (const format of ['markdown', 'sql']) expect(schema(['plan', '--url', s.url, '--format', format]).stdout).not.toMatch(ANSI);
  });

  it('takes the database from DATABASE_URL, then from .env, announcing which', async () => {
    await writeFile(join(cwd, 'schema.yaml'), USERS);
    const fromEnv = schema(['plan'], { DATABASE_URL: s.url });
    expect(fromEnv.stderr).toBe(`Using ${s.url} (from DATABASE_URL)\n`);
    expect(fromEnv.stdout).toContain('create_table public.users');
    await writeFile(join(cwd, '.env'), `# local settings\nDATABASE_URL="${s.url}"\n`);
    const fromFile = schema(['plan']);
    expect(fromFile.stderr).toBe(`Using ${s.url} (from DATABASE_URL in .env)\n`);
    expect(fromFile.status).toBe(0);
  });
});

describe('apply refuses without consent and changes nothing', () => {
  beforeEach(async () => {
    await runBefore(s.db, `CREATE TABLE users (id integer PRIMARY KEY, email text, legacy text); INSERT INTO users VALUES (1, 'a', 'b');`);
    await writeFile(join(cwd, 'schema.yaml'), USERS);
  });

  it('a plan with data_loss needs --allow-hazards data_loss', async () => {
    const before = await modelOf(s.db);
    const refused = schema(['apply', '--url', s.url, '--auto-approve']);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('error: refusing to apply this step: this plan has hazards that need consent: data_loss (1 step); nothing was changed');
    expect(refused.stderr).toContain('hint: review them above, then pass --allow-hazards data_loss');
    expect(refused.stderr).not.toMatch(STACK);
    expect(await modelOf(s.db)).toEqual(before);
    expect(existsSync(join(cwd, 'plans'))).toBe(false);
    const allowed = schema(['apply', '--url', s.url, '--auto-approve', '--allow-hazards', 'data_loss', '-m', 'drop legacy']);
    expect(allowed.status, allowed.stderr).toBe(0);
    expect(await readdir(join(cwd, 'plans'))).toHaveLength(1);
  });

  it('not on a terminal and without --auto-approve, there is no one to ask', () => {
    const r = schema(['apply', '--url', s.url, '--allow-hazards', 'data_loss']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('error: not on a terminal, so there is no one to ask; nothing was changed');
    expect(r.stderr).toContain('hint: pass --auto-approve to go ahead without asking');
  });

  it('an unknown hazard name is an error', () => {
    const r = schema(['apply', '--url', s.url, '--auto-approve', '--allow-hazards', 'data-loss']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('error: --allow-hazards: unknown hazard "data-loss"');
  });

  it('a saved plan applies, and is refused once the database has moved', async () => {
    const saved = schema(['plan', '--url', s.url, '--format', 'json']);
    await writeFile(join(cwd, 'plan.json'), saved.stdout);
    await runBefore(s.db, 'CREATE TABLE intruder (id integer)');
    const stale = schema(['apply', '--url', s.url, '--plan', 'plan.json', '--auto-approve', '--allow-hazards', 'data_loss']);
    expect(stale.status).toBe(1);
    expect(stale.stderr).toContain('error: the database changed since this plan was made');
    await runBefore(s.db, 'DROP TABLE intruder');
    const fresh = schema(['apply', '--url', s.url, '--plan', 'plan.json', '--auto-approve', '--allow-hazards', 'data_loss']);
    expect(fresh.status, fresh.stderr).toBe(0);
    expect((await modelOf(s.db)).tables['public.users']!.columns.map((c) => c.name)).toEqual(['email', 'id']);
  });
});

describe('bad input: one clear message, exit 1, no stack trace', () => {
  it('validate reports every problem with file:line:col', async () => {
    await writeFile(
      join(cwd, 'schema.yaml'),
      `tables:\n  users:\n    columns:\n      id: { type: integr, primary_key: true }\n      email: { type: text, nulable: false }\n    indexes:\n      users_mail_idx: { columns: [mail] }\n`,
    );
    const r = schema(['validate']);
    expect(r.status).toBe(1);
    expect(r.stderr.split('\n').filter((l) => /^schema\.yaml:\d+:\d+: /.test(l))).toEqual([
      'schema.yaml:4:19: unknown type "integr". Did you mean "integer"?',
      'schema.yaml:5:28: tables.users.columns.email: unknown key "nulable". Did you mean "nullable"?',
      'schema.yaml:7:35: index "users_mail_idx": table "users" has no column "mail". Did you mean "email"?',
    ]);
    expect(r.stderr).toContain('error: 3 problems in schema.yaml; nothing was run');
    expect(r.stderr).not.toMatch(STACK);
    expect(r.stdout).toBe('');
  });

  it('plan stops at bad input before it touches the database', async () => {
    await writeFile(join(cwd, 'schema.yaml'), `tables:\n  t:\n    columns:\n      x: { type: int, default: { sql: "1; DROP TABLE t" } }\n`);
    const r = schema(['plan']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^schema\.yaml:4:\d+: default of column "x": a ";" ends a statement/m);
    expect(existsSync(join(cwd, '.schema'))).toBe(false);
  });

  it('a missing schema file, a bad URL, an unreachable server and an unknown flag', async () => {
    const missing = schema(['plan', '--url', s.url]);
    expect(missing.stderr).toContain('error: no schema file at schema.yaml');
    expect(missing.stderr).toContain('hint: create one (see the README), or pass --schema path/to/schema.yaml');
    await writeFile(join(cwd, 'schema.yaml'), USERS);
    const bad = schema(['plan', '--url', 'not-a-url']);
    expect(bad.stderr).toContain('error: --url is not a URL: not-a-url (expected postgres://user@host:5432/database)');
    const mysql = schema(['plan', '--url', 'mysql://root@localhost/x']);
    expect(mysql.stderr).toContain('error: --url must be a postgres:// URL, not mysql://...');
    const down = schema(['plan', '--url', 'postgres://postgres:secret@127.0.0.1:1/x']);
    expect(down.stderr).toMatch(/error: cannot connect to postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:1\/x: .*ECONNREFUSED/);
    expect(down.stderr).not.toContain('secret');
    const flag = schema(['plan', '--frmat', 'json']);
    expect(flag.stderr).toContain('error: Nonexistent flag: --frmat');
    for (const r of [missing, bad, mysql, down, flag]) {
      expect(r.status).toBe(1);
      expect(r.stderr).not.toMatch(STACK);
    }
  });
});

describe('the embedded database', () => {
  it('without --url or DATABASE_URL, plan and apply use a PGlite kept in .schema/', async () => {
    await writeFile(join(cwd, 'schema.yaml'), USERS);
    const planned = schema(['plan']);
    expect(planned.status, planned.stderr).toBe(0);
    expect(planned.stderr).toContain('Using the embedded PostgreSQL (PGlite) in .schema/');
    expect(planned.stdout).toContain('create_table public.users');
    expect(readFileSync(join(cwd, '.schema', '.gitignore'), 'utf8')).toContain('*');
    expect(schema(['apply', '--auto-approve', '-m', 'users']).status).toBe(0);
    const again = schema(['plan', '--detailed-exitcode']);
    expect(again.status).toBe(0);
    expect(again.stdout).toContain('No changes.');
  });
});
