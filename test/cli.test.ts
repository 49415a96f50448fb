// The executable as a user meets it: exit codes, what goes to stdout and stderr, refusals that
// change nothing, errors without stack traces, and every way of naming the database.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cp, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import type { Plan } from '../src/plan/types.js';
import { savedPlanChecksum } from '../src/render/json.js';
import { modelOf, runBefore } from './support/cases.js';
import { adminUrl, scratch, type Scratch } from './support/scratch.js';
import { BIN } from './support/cli.js';

const ROOT = new URL('..', import.meta.url).pathname;
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
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'DATABASE_URL' && k !== 'FORCE_COLOR' && !/^PG[A-Z]+$/.test(k)));
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

  it('sslmode as psql reads it: prefer falls back on a server without SSL, require says it has none; no driver warning', async () => {
    await writeFile(join(cwd, 'schema.yaml'), USERS);
    const prefer = schema(['plan', '--url', `${s.url}?sslmode=prefer`]);
    expect(prefer.status, prefer.stderr).toBe(0);
    expect(prefer.stdout).toContain('create_table public.users');
    expect(prefer.stderr).toBe(`Using ${s.url}?sslmode=prefer\n`);
    const ssl = (await s.db.query<{ ssl: string }>('SHOW ssl'))[0]!.ssl;
    if (ssl === 'off') {
      const require = schema(['plan', '--url', `${s.url}?sslmode=require`]);
      expect(require.status).toBe(1);
      expect(require.stderr).toContain(`error: cannot connect to ${s.url}?sslmode=require: The server does not support SSL connections`);
      expect(require.stderr).not.toContain('SECURITY WARNING');
    }
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

  it('an unknown hazard name is an error as the flags are read, before anything connects or plans', () => {
    const r = schema(['apply', '--url', s.url, '--auto-approve', '--allow-hazards', 'data-loss']);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('error: --allow-hazards: unknown hazard "data-loss". Did you mean "data_loss"?\nhint: hazard codes: data_loss, lossy_type_change, may_fail, table_rewrite, blocking, irreversible\n');
    expect(r.stdout).toBe('');
  });

  it('a saved plan runs as it was made: --online with --plan is refused before anything is read', () => {
    const r = schema(['apply', '--url', s.url, '--auto-approve', '--plan', 'nowhere.json', '--online']);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('error: --online cannot be used with --plan: a saved plan runs as it was made\nhint: make the plan with `schema plan --online --format json`, then apply that file\n');
  });

  it('a timeout flag longer than PostgreSQL holds is an error as the flags are read, not a server error mid-apply', () => {
    const r = schema(['apply', '--url', s.url, '--auto-approve', '--online', '--lock-timeout', '99999999999h']);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('error: --lock-timeout: "99999999999h" is longer than PostgreSQL allows for a timeout (2147483647 ms, about 24 days)\nhint: write at most 596h (35791min); 0s turns the timeout off\n');
    expect(r.stdout).toBe('');
    // A bare number is told what it lacks, as in schema.yaml.
    const bare = schema(['apply', '--url', s.url, '--auto-approve', '--online', '--lock-timeout', '30']);
    expect(bare.stderr).toBe('error: --lock-timeout: 30 needs a unit, like 30s\nhint: write it like 5s, 500ms, 10min or 1h (0s for no limit)\n');
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
  it('validate reports every problem with file:line:col, in one round: a misspelt type and a default that does not fit are errors together', async () => {
    await writeFile(
      join(cwd, 'schema.yaml'),
      `tables:\n  users:\n    columns:\n      id: { type: integr, primary_key: true }\n      email: { type: text, nulable: false }\n      name: varchr(10)\n      age: { type: integer, default: abc }\n      active: { type: boolean, default: maybe }\n    indexes:\n      users_mail_idx: { columns: [mail] }\n`,
    );
    for (const command of ['validate', 'plan']) {
      const r = schema(command === 'plan' ? [command, '--url', s.url] : [command]);
      expect(r.status).toBe(1);
      expect(r.stderr.split('\n').filter((l) => /^schema\.yaml:\d+:\d+: /.test(l))).toEqual([
        'schema.yaml:4:19: unknown type "integr". Did you mean "integer"?',
        'schema.yaml:5:28: tables.users.columns.email: unknown key "nulable". Did you mean "nullable"?',
        'schema.yaml:6:13: unknown type "varchr(10)". Did you mean "varchar"?',
        'schema.yaml:7:38: default of column "age": the default \'abc\' does not fit type integer: invalid input syntax for type integer: "abc"',
        'schema.yaml:8:41: default of column "active": the default \'maybe\' does not fit type boolean: invalid input syntax for type boolean: "maybe"',
        'schema.yaml:10:35: index "users_mail_idx": table "users" has no column "mail". Did you mean "email"?',
      ]);
      expect(r.stderr).toContain('error: 6 problems in schema.yaml; nothing was run');
      expect(r.stderr).not.toMatch(STACK);
      expect(r.stdout).toBe('');
    }
  });

  it('plan stops at bad input before it touches the database', async () => {
    await writeFile(join(cwd, 'schema.yaml'), `tables:\n  t:\n    columns:\n      x: { type: int, default: { sql: "1; DROP TABLE t" } }\n`);
    const r = schema(['plan']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^schema\.yaml:4:\d+: default of column "x": a ";" ends a statement/m);
    expect(existsSync(join(cwd, '.schema'))).toBe(false);
  });

  it('a file that is not UTF-8: the line and column of the bad byte, not a name quietly changed', async () => {
    // Latin-1 é in a column name, after a UTF-8 é in a comment on an earlier line.
    const text = Buffer.concat([Buffer.from('# café\ntables:\n  t:\n    columns:\n      id: integer\n      caf'), Buffer.from([0xe9]), Buffer.from(': text\n')]);
    await writeFile(join(cwd, 'schema.yaml'), text);
    for (const command of ['validate', 'plan']) {
      const r = schema([command]);
      expect(r.status).toBe(1);
      expect(r.stderr).toBe('schema.yaml:6:10: the file is not UTF-8 here (a byte that is no character)\n  hint: save the file as UTF-8\nerror: 1 problem in schema.yaml; nothing was run\n');
    }
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
    expect(schema(['apply', '--auto-approve', '-m', 'users']).status).toBe(0);
    expect(readFileSync(join(cwd, '.schema', '.gitignore'), 'utf8')).toContain('*');
    const again = schema(['plan', '--detailed-exitcode']);
    expect(again.status).toBe(0);
    expect(again.stdout).toContain('No changes.');
  });

  // Each a test of its own: a PGlite starts slowly on a busy machine.
  const NOTHING = '.schema/ does not exist yet, so there is nothing there: reading it as the empty database it would be, without creating it';
  it.each([
    ['plan', ['plan', '--format', 'json'], 0, (out: string) => expect((JSON.parse(out) as { steps: { op: string; object: string }[] }).steps.map((st) => [st.op, st.object])).toEqual([['create_table', 'public.users']])],
    ['drift', ['drift'], 0, (out: string) => expect(out).toBe('No revision is applied to this database, so there is nothing to compare with.\n')],
    ['check', ['check'], 1, (out: string) => expect(out).toBe('')],
  ] as const)('%s reads the empty database .schema/ would be, and creates nothing', async (_name, args, status, stdout) => {
    await writeFile(join(cwd, 'schema.yaml'), USERS);
    const r = schema([...args]);
    expect(r.status, r.stderr).toBe(status);
    expect(r.stderr).toContain(NOTHING);
    expect(r.stderr).not.toMatch(STACK);
    stdout(r.stdout);
    if (args[0] === 'check') expect(r.stderr).toContain('schema.yaml has 1 change that no revision holds');
    expect(existsSync(join(cwd, '.schema'))).toBe(false);
  });

  it('commands that only read make no .schema/ when there is none', async () => {
    await writeFile(join(cwd, 'schema.yaml'), USERS);
    const current = schema(['current']);
    expect(current.status, current.stderr).toBe(0);
    expect(current.stdout).toBe('base (no revision applied; no database yet: .schema/ does not exist)\n');
    expect(schema(['history']).status).toBe(0);
    expect(schema(['heads']).status).toBe(0);
    expect(existsSync(join(cwd, '.schema'))).toBe(false);
  });
});

describe('the server named as psql takes it', () => {
  it('PGHOST, PGPORT, PGUSER and PGDATABASE, a keyword/value conninfo, and postgres:///db each reach the server', async () => {
    await writeFile(join(cwd, 'schema.yaml'), USERS);
    const database = new URL(s.url).pathname.slice(1);
    const fromEnv = schema(['plan', '--format', 'json'], { PGHOST: '127.0.0.1', PGPORT: '5432', PGUSER: 'postgres', PGDATABASE: database });
    expect(fromEnv.status, fromEnv.stderr).toBe(0);
    expect(fromEnv.stderr).toContain(`Using postgresql://postgres@127.0.0.1:5432/${database} (from PGHOST, PGPORT, PGUSER, PGDATABASE)`);
    await runBefore(s.db, 'CREATE TABLE users (id integer PRIMARY KEY, email text)');
    const conninfo = schema(['plan', '--url', `host=127.0.0.1 port=5432 dbname=${database} user=postgres`, '--detailed-exitcode']);
    expect(conninfo.stderr).toContain(`Using postgresql://postgres@127.0.0.1:5432/${database}\n`);
    expect(conninfo.status, conninfo.stderr).toBe(0);
    const bare = schema(['plan', '--url', `postgres:///${database}`, '--detailed-exitcode'], { PGHOST: '127.0.0.1', PGUSER: 'postgres' });
    expect(bare.stderr).toContain(`Using postgres://postgres@127.0.0.1/${database}\n`);
    expect(bare.status, bare.stderr).toBe(0);
    expect(existsSync(join(cwd, '.schema'))).toBe(false);
  }, 300_000);
});

describe('validate: types from extensions, and only the flags it uses', () => {
  const EXTENSION_TYPES = `tables:\n  users:\n    columns:\n      email: citext\n      tags: { type: hstore }\n`;

  it('a type it does not know is a warning that plan checks it, exit 0; plan then finds it in the database, or says it is not there', async () => {
    await writeFile(join(cwd, 'schema.yaml'), EXTENSION_TYPES);
    const r = schema(['validate']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr.split('\n').filter((l) => /^schema\.yaml:\d+:\d+: /.test(l))).toEqual([
      'schema.yaml:4:14: warning: type "citext" is neither built in nor an enum of this file: `schema plan` will check it against the database',
      'schema.yaml:5:21: warning: type "hstore" is neither built in nor an enum of this file: `schema plan` will check it against the database',
    ]);
    expect(r.stdout).toBe('schema.yaml is valid.\n');
    const missing = schema(['plan', '--url', s.url]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('schema.yaml:4:14: unknown type "citext".');
    await runBefore(s.db, 'CREATE EXTENSION citext; CREATE EXTENSION hstore');
    const planned = schema(['plan', '--url', s.url]);
    expect(planned.status, planned.stderr).toBe(0);
    expect(planned.stdout).toContain('email public.citext');
  });

  it('a misspelt built-in type is an error offline, with its did-you-mean; plan accepts it where the database has a domain so named', async () => {
    await writeFile(join(cwd, 'schema.yaml'), `tables:\n  t:\n    columns:\n      a: posint\n      b: integr\n`);
    const r = schema(['validate']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('schema.yaml:4:10: unknown type "posint". Did you mean "point"?\n  hint: if the database has a type "posint" (a domain, or an extension\'s type), `schema plan` accepts it there\n');
    expect(r.stderr).toContain('schema.yaml:5:10: unknown type "integr". Did you mean "integer"?\n');
    expect(r.stderr).toContain('error: 2 problems in schema.yaml; nothing was run');
    expect(r.stdout).toBe('');
    await runBefore(s.db, 'CREATE DOMAIN posint AS integer CHECK (VALUE > 0)');
    const planned = schema(['plan', '--url', s.url]);
    expect(planned.status).toBe(1);
    expect(planned.stderr.split('\n').filter((l) => /^schema\.yaml:\d+:\d+: /.test(l))).toEqual(['schema.yaml:5:10: unknown type "integr". Did you mean "integer"?']);
    await writeFile(join(cwd, 'schema.yaml'), `tables:\n  t:\n    columns:\n      a: posint\n      b: integer\n`);
    const fixed = schema(['plan', '--url', s.url]);
    expect(fixed.status, fixed.stderr).toBe(0);
    expect(fixed.stdout).toContain('a public.posint');
  });

  it('offers no --url or --plans-dir, which it would ignore', async () => {
    const help = schema(['validate', '--help']);
    expect(help.stdout).toContain('--schema');
    expect(help.stdout).not.toContain('--url');
    expect(help.stdout).not.toContain('--plans-dir');
    await writeFile(join(cwd, 'schema.yaml'), USERS);
    const r = schema(['validate', '--url', s.url]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('error: Nonexistent flag: --url');
  });
});

describe('--plans-dir that cannot be the folder of revisions', () => {
  beforeEach(async () => {
    await writeFile(join(cwd, 'schema.yaml'), USERS);
    await writeFile(join(cwd, 'notes.txt'), 'not a folder\n');
  });

  it('a file, or a path through a file: one clear error naming it, and apply says so before it connects', () => {
    const plan = schema(['plan', '--url', s.url, '--plans-dir', 'notes.txt']);
    expect(plan.status).toBe(1);
    expect(plan.stderr).toContain('error: the plans folder notes.txt is a file, not a folder\nhint: pass --plans-dir with the folder of revision files (default ./plans)');
    const unreachable = 'postgres://postgres@127.0.0.1:1/x';
    const apply = schema(['apply', '--url', unreachable, '--auto-approve', '--plans-dir', 'notes.txt/plans']);
    expect(apply.status).toBe(1);
    expect(apply.stderr).toBe('error: the plans folder notes.txt/plans is inside notes.txt, which is a file\nhint: pass --plans-dir with the folder of revision files (default ./plans)\n');
    for (const r of [plan, apply]) expect(r.stderr).not.toMatch(/internal error|ENOTDIR|ENOENT/);
  });

  it('a folder that is not there: upgrade refuses naming it, history says so, apply creates it', () => {
    const upgrade = schema(['upgrade', '--url', s.url, '--plans-dir', 'migrations']);
    expect(upgrade.status).toBe(1);
    expect(upgrade.stderr).toBe('error: --plans-dir migrations: no such folder, so there are no revisions to upgrade\nhint: check the path; `schema apply --plans-dir migrations` creates it with the first revision\n');
    const history = schema(['history', '--plans-dir', 'migrations']);
    expect(history.status).toBe(0);
    expect(history.stderr).toContain('note: --plans-dir migrations does not exist: no revisions yet (`schema apply` creates it)');
    expect(schema(['apply', '--url', s.url, '--auto-approve', '--plans-dir', 'migrations']).status).toBe(0);
    expect(existsSync(join(cwd, 'migrations'))).toBe(true);
    expect(schema(['upgrade', '--url', s.url, '--plans-dir', 'migrations']).stdout).toMatch(/^Nothing to upgrade/);
  });
});

describe('saved plans are checked by their checksum and by where they lead', () => {
  it('a step edited in the file is rolled back, nothing is recorded; the plan as made applies', async () => {
    await runBefore(s.db, `CREATE TABLE victim (id integer); INSERT INTO victim VALUES (1);`);
    await writeFile(join(cwd, 'schema.yaml'), `${USERS}  victim:\n    columns:\n      id: integer\n`);
    const saved = schema(['plan', '--url', s.url, '--format', 'json']);
    expect(saved.status, saved.stderr).toBe(0);
    const plan = JSON.parse(saved.stdout) as Plan;
    await writeFile(join(cwd, 'plan.json'), saved.stdout);
    const before = await modelOf(s.db);

    // Edited by hand, even with a statement that leaves every managed object as it was: refused before it connects.
    (plan.steps[0]!.sql as string[]).push('DELETE FROM public.victim');
    await writeFile(join(cwd, 'edited.json'), JSON.stringify(plan));
    const edited = schema(['apply', '--url', s.url, '--plan', 'edited.json', '--auto-approve']);
    expect(edited.status).toBe(1);
    expect(edited.stderr).toBe(
      'error: edited.json was edited after `schema plan` saved it: its checksum does not match what it holds\nhint: save the plan again with `schema plan --format json > plan.json`, review it, and apply that file as it is\n',
    );
    // So is one whose words were changed: the summary and the counts are covered too.
    const relabelled = JSON.parse(saved.stdout) as Plan;
    await writeFile(join(cwd, 'relabelled.json'), JSON.stringify({ ...relabelled, summary: { add: 5, change: 0, destroy: 0 }, unmanaged: { view: 9 } }));
    expect(schema(['apply', '--url', s.url, '--plan', 'relabelled.json', '--auto-approve']).stderr).toContain('error: relabelled.json was edited after `schema plan` saved it');
    const { checksum: _, ...unsigned } = JSON.parse(saved.stdout) as Plan & { checksum: string };
    await writeFile(join(cwd, 'unsigned.json'), JSON.stringify(unsigned));
    expect(schema(['apply', '--url', s.url, '--plan', 'unsigned.json', '--auto-approve']).stderr).toContain('error: unsigned.json has no checksum, so it cannot be told apart from an edited plan');

    // Edited on purpose, checksum and all: still checked by where its steps lead.
    (plan.steps[0]!.sql as string[]).splice(-1, 1, 'DROP TABLE public.victim');
    await writeFile(join(cwd, 'tampered.json'), JSON.stringify({ ...plan, checksum: savedPlanChecksum(plan) }));
    const refused = schema(['apply', '--url', s.url, '--plan', 'tampered.json', '--auto-approve']);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain(
      'error: the saved plan does not lead where it says: after its steps the database would not be the state the plan was made for (was the file edited?); it was rolled back and nothing was changed',
    );
    expect(await modelOf(s.db)).toEqual(before);
    expect(await s.db.query('SELECT id FROM public.victim')).toEqual([{ id: 1 }]);
    expect(existsSync(join(cwd, 'plans')) ? await readdir(join(cwd, 'plans')) : []).toEqual([]);

    const applied = schema(['apply', '--url', s.url, '--plan', 'plan.json', '--auto-approve']);
    expect(applied.status, applied.stderr).toBe(0);
    expect(await readdir(join(cwd, 'plans'))).toHaveLength(1);
  });
});

describe('planning with a role or session that may not create', () => {
  let role: string;
  let admin: pg.Client;
  beforeEach(async () => {
    role = `schema_reader_${randomBytes(4).toString('hex')}`;
    admin = new pg.Client({ connectionString: adminUrl() });
    await admin.connect();
    await admin.query(`CREATE ROLE ${role} LOGIN PASSWORD 'pw'`);
    // PUBLIC may connect and make temporary tables; this role may create nothing that stays.
    await admin.query(`REVOKE CREATE ON DATABASE "${s.name}" FROM PUBLIC`);
    await runBefore(s.db, 'REVOKE CREATE ON SCHEMA public FROM PUBLIC');
    await writeFile(join(cwd, 'schema.yaml'), `enums:\n  mood: [ok]\n${USERS.slice(1)}  billing.invoices:\n    columns:\n      id: integer\n`);
  });
  afterEach(async () => {
    await s.db.exec(`REVOKE ALL ON SCHEMA schema_tool FROM ${role}; REVOKE ALL ON ALL TABLES IN SCHEMA schema_tool FROM ${role}`).catch(() => undefined);
    await admin.query(`DROP OWNED BY ${role}`).catch(() => undefined);
    await admin.query(`DROP ROLE IF EXISTS ${role}`).catch(() => undefined);
    await admin.end();
  });
  const as = (user: string): string => {
    const url = new URL(s.url);
    url.username = user;
    url.password = 'pw';
    return url.toString();
  };

  it('without CREATE: plans all the same, a new enum and schema spelled as temporary stand-ins', () => {
    const r = schema(['plan', '--url', as(role)]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('CREATE SCHEMA billing;');
    expect(r.stdout).toContain("CREATE TYPE public.mood AS ENUM ('ok');");
  });

  it('without TEMPORARY either: one error naming the role and the database, not the file', async () => {
    await admin.query(`REVOKE TEMPORARY ON DATABASE "${s.name}" FROM PUBLIC`);
    const r = schema(['plan', '--url', as(role)]);
    expect(r.status).toBe(1);
    expect(r.stderr).not.toMatch(/^schema\.yaml:/m);
    expect(r.stderr).toContain(
      `error: planning needs a role that may make (and roll back) temporary tables and types in database "${s.name}", and role "${role}" may not: permission denied to create temporary tables in database "${s.name}"`,
    );
    expect(r.stderr).toContain(`hint: grant it what planning makes (all of it rolled back): GRANT TEMPORARY ON DATABASE ${s.name} TO ${role};`);
  });

  it('in a read-only session: the same error, saying so', async () => {
    await admin.query(`ALTER DATABASE "${s.name}" SET default_transaction_read_only = on`);
    const r = schema(['plan', '--url', s.url]);
    expect(r.status).toBe(1);
    expect(r.stderr).not.toMatch(/^schema\.yaml:/m);
    expect(r.stderr).toMatch(
      /error: planning needs a role that may make \(and roll back\) temporary tables and types in database "[^"]+", and this session of role "[^"]+" is read-only: cannot execute CREATE [A-Z]+ in a read-only transaction/,
    );
    expect(r.stderr).toContain('hint: this session is read-only (default_transaction_read_only, or a standby)');
  });

  it('that may not read the ledger: the grants it needs', async () => {
    await writeFile(join(cwd, 'first.yaml'), USERS);
    expect(schema(['apply', '--url', s.url, '--schema', 'first.yaml', '--auto-approve', '-m', 'users']).status).toBe(0);
    const r = schema(['plan', '--url', as(role)]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('error: permission denied for schema schema_tool');
    expect(r.stderr).toContain(
      `hint: this role may not read the ledger of applied revisions (schema schema_tool); an owner can grant it: GRANT USAGE ON SCHEMA schema_tool TO ${role}; GRANT SELECT ON ALL TABLES IN SCHEMA schema_tool TO ${role};`,
    );
  });
});

describe('words that are not a command', () => {
  it('a stray argument, an unknown command: one message, exit 1; `help COMMAND` shows its help', () => {
    const stray = schema(['apply', 'add users']);
    expect(stray.status).toBe(1);
    expect(stray.stderr).toBe('error: `schema apply` takes no argument "add users"\nhint: to give the revision a message, write -m "add users"; see `schema apply --help`\n');
    const typo = schema(['plann']);
    expect(typo.status).toBe(1);
    expect(typo.stderr).toBe('error: unknown command "plann"\nhint: did you mean `schema plan`? (`schema --help` lists the commands)\n');
    expect(schema(['current', 'extra']).status).toBe(1);
    const help = schema(['help', 'plan']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Show what it takes to bring the database to schema.yaml.');
    expect(existsSync(join(cwd, '.schema'))).toBe(false);
  });
});
