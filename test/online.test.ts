// Online-safe execution, checked in the server's own lock table: while an online step runs,
// its backend holds no ACCESS EXCLUSIVE lock and other sessions keep writing. Interrupted
// online applies are finished by the next one (a half-built index rebuilt), lock timeouts are
// retried, revisions with CONCURRENTLY replay outside a transaction, and waiting for another
// apply names it.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Chalk } from 'chalk';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkSchema } from '../src/operations/schema-file.js';
import { driftOf, readStatus, replayScriptFor } from '../src/operations/status.js';
import { planAgainst } from '../src/operations/plan.js';
import { applyPlan, interruptedApply, resumeApply, scheduleOn, startedStep } from '../src/apply/apply.js';
import { abandonedLine, abandonLines } from '../src/render/pending.js';
import { knownObjects, locksOf as lockEstimate } from '../src/apply/groups.js';
import { PATIENT as PATIENT_SETTINGS, type RunSettings } from '../src/plan/run-settings.js';
import { lockHolder } from '../src/apply/transaction.js';
import { runRevision, runRevisions } from '../src/apply/replay.js';
import { connect, type Db } from '../src/db/db.js';
import { renderJson } from '../src/render/json.js';
import { renderMarkdown } from '../src/render/markdown.js';
import { renderSql } from '../src/render/sql.js';
import { renderText } from '../src/render/text.js';
import type { Step } from '../src/plan/types.js';
import { appliedRevisions } from '../src/revisions/ledger.js';
import { revisionsToUpgrade } from '../src/revisions/chain.js';
import { BEFORE, DESIRED, DONE, ONLY_USERS_RENAMED, onlineCases, PAYMENTS, type OnlineCase } from './cases/online.js';
import { describeSteps, modelOf, runBefore } from './support/cases.js';
import { adminUrl, scratch, type Scratch } from './support/scratch.js';
import { BIN, REAL_BIN } from './support/cli.js';

const SETTINGS: RunSettings = { lockTimeout: '5s', statementTimeout: null, lockRetries: 3 };

let s: Scratch;
let plansDir: string;
const clients: pg.Client[] = [];

async function session(): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: s.url });
  c.on('error', () => undefined);
  await c.connect();
  clients.push(c);
  return c;
}

beforeEach(async () => {
  s = await scratch('online');
  plansDir = await mkdtemp(join(tmpdir(), 'schema-online-'));
  await runBefore(s.db, BEFORE);
});
afterEach(async () => {
  for (const c of clients.splice(0)) await c.end().catch(() => undefined);
  await s.drop();
  await rm(plansDir, { recursive: true, force: true });
});

const planOnline = async (db: Db = s.db) => (await planAgainst(db, checkSchema('schema.yaml', DESIRED), { online: true })).plan;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The lock modes a backend holds (granted) or waits for, on `table`. */
async function locksOf(observer: pg.Client, pid: number, table: string): Promise<{ mode: string; granted: boolean }[]> {
  const r = await observer.query<{ mode: string; granted: boolean }>(`SELECT mode, granted FROM pg_locks WHERE pid = $1 AND locktype = 'relation' AND relation = $2::regclass ORDER BY mode`, [pid, table]);
  return r.rows;
}

async function waitFor<T>(what: string, probe: () => Promise<T | null>, ms = 20_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== null) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** Plan a case's desired state on BEFORE (and its own SQL) and check the plan's shape. */
async function runOnlineCase(c: OnlineCase): Promise<void> {
  if (c.before) await runBefore(s.db, c.before);
  const plan = (await planAgainst(s.db, checkSchema('schema.yaml', c.desired), c.online ? { online: true } : {})).plan;
  const ops = describeSteps(plan.steps);
  if (c.steps) expect(ops).toEqual(c.steps);
  if (c.locks) expect(plan.steps.map((st) => st.lock)).toEqual(c.locks);
  if (c.shape) expect(plan.steps.map((st) => [`${st.op} ${st.object}`, st.lock ?? null, st.lock_on ?? null])).toEqual(c.shape);
  const find = (steps: readonly Step[], key: string) => steps.find((st) => (key.includes(' ') ? `${st.op} ${st.object}` === key : st.op === key));
  for (const [key, fields] of Object.entries(c.step ?? {})) expect(find(plan.steps, key), key).toMatchObject(fields);
  for (const [key, fields] of Object.entries(c.downgrade ?? {})) expect(find(plan.downgrade, key), `downgrade ${key}`).toMatchObject(fields);
  for (const [first, then] of c.order ?? []) {
    expect(ops.indexOf(first), first).toBeGreaterThanOrEqual(0);
    expect(ops.indexOf(first), `${first} before ${then}`).toBeLessThan(ops.indexOf(then));
  }
  const sql = plan.steps.flatMap((st) => st.sql);
  for (const statement of c.sql ?? []) expect(sql).toContain(statement);
  const text = c.text ? renderText(plan, new Chalk({ level: 0 })) : '';
  for (const line of c.text ?? []) expect(text).toContain(line);
  for (const code of c.noHazards ?? []) expect(plan.steps.flatMap((st) => st.hazards.map((h) => h.code))).not.toContain(code);
}

describe('an online plan', () => {
  // Plan shapes as data (test/cases/online.ts): steps, locks, order.
  for (const c of onlineCases) it(c.name, () => runOnlineCase(c));

  it('takes no ACCESS EXCLUSIVE lock while an index builds concurrently, and writes go on', async () => {
    const old = await session();
    const writer = await session();
    const observer = await session();
    // A transaction that saw the table: CREATE INDEX CONCURRENTLY waits for it to end.
    await old.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
    await old.query('SELECT count(*) FROM public.orders');
    const plan = (
      await planAgainst(
        s.db,
        checkSchema('schema.yaml', DESIRED.replace(/    checks:[\s\S]*$/, '    indexes:\n      orders_user_idx: { columns: [user_id] }\n').replace('email: { type: text, nullable: false, unique: true }', 'email: text')),
        { online: true },
      )
    ).plan;
    expect(describeSteps(plan.steps)).toEqual(['create_index public.orders.orders_user_idx']);
    const pid = (await s.db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid'))[0]!.pid;
    const applying = applyPlan({ db: s.db, plan, plansDir, message: 'index', online: SETTINGS });
    await waitFor('the build to wait for the old transaction', async () => {
      const r = await observer.query(`SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND query LIKE 'CREATE INDEX CONCURRENTLY%' AND wait_event_type = 'Lock'`, [pid]);
      return r.rowCount ? true : null;
    });
    const held = await locksOf(observer, pid, 'public.orders');
    expect(held.map((l) => l.mode)).toEqual(['ShareUpdateExclusiveLock']);
    await writer.query(`SET statement_timeout = '2s'`);
    await writer.query(`INSERT INTO public.orders VALUES (900001, 1, 1)`); // not blocked
    await old.query('COMMIT');
    await applying;
    expect((await modelOf(s.db)).tables['public.orders']!.indexes['orders_user_idx']).toBeDefined();
  });

  it('validates a foreign key under SHARE UPDATE EXCLUSIVE, while inserts go on', async () => {
    const holder = await session();
    const writer = await session();
    const observer = await session();
    const plan = await planOnline();
    const validate = plan.steps.findIndex((st) => st.op === 'validate_constraint' && st.object === 'public.orders.orders_user_fk');
    const pid = (await s.db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid'))[0]!.pid;
    const applying = applyPlan({
      db: s.db,
      plan,
      plansDir,
      message: 'online',
      online: { ...SETTINGS, lockTimeout: '30s' },
      onStep: async (i) => {
        // Just before the validation: another session holds SHARE UPDATE EXCLUSIVE, so it must wait.
        if (i === validate) await holder.query('BEGIN; LOCK TABLE public.orders IN SHARE UPDATE EXCLUSIVE MODE');
      },
    });
    const waiting = await waitFor('the validation to wait for its lock', async () => {
      const l = await locksOf(observer, pid, 'public.orders');
      return l.some((x) => !x.granted) ? l : null;
    });
    expect(waiting.filter((l) => !l.granted).map((l) => l.mode)).toEqual(['ShareUpdateExclusiveLock']);
    expect(waiting.map((l) => l.mode)).not.toContain('AccessExclusiveLock');
    await writer.query(`SET statement_timeout = '2s'`);
    await writer.query(`INSERT INTO public.orders VALUES (900002, 2, 5)`);
    await holder.query('COMMIT');
    await applying;
    const again = await planOnline();
    expect(again.steps).toEqual([]);
  });

  it('an interrupted online apply is finished by the next apply, rebuilding a half-built index', async () => {
    const old = await session();
    const killer = await session();
    const plan = await planOnline();
    const build = plan.steps.findIndex((st) => st.concurrently && st.object === 'public.orders.orders_user_idx');
    const pid = (await s.db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid'))[0]!.pid;
    await old.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
    const cut = applyPlan({
      db: s.db,
      plan,
      plansDir,
      message: 'cut',
      online: SETTINGS,
      onStep: async (i) => {
        if (i !== build) return;
        await old.query('SELECT count(*) FROM public.orders'); // the build will wait for this transaction
        setTimeout(() => void killer.query('SELECT pg_terminate_backend($1)', [pid]), 1000); // ... and be cut off while it waits
      },
    });
    await expect(cut).rejects.toThrow();
    await old.query('COMMIT');
    const db = await connect(s.target);
    try {
      const pending = await interruptedApply(db);
      expect(pending?.done).toBe(build);
      const invalid = await db.query<{ valid: boolean }>(`SELECT indisvalid AS valid FROM pg_index WHERE indexrelid = to_regclass('public.orders_user_idx')`);
      expect(invalid).toEqual([{ valid: false }]);
      expect(await readdir(plansDir)).toEqual([]);
      const done = await resumeApply(db, plansDir, SETTINGS);
      expect(await readdir(plansDir)).toEqual([done.file!.split('/').pop()]);
      expect(await interruptedApply(db)).toBeNull();
      expect((await planOnline(db)).steps).toEqual([]);
      const status = await readStatus(db, plansDir);
      expect(status.current.map((r) => r.revision)).toEqual([done.revision]);
    } finally {
      await db.close();
    }
  });

  it('retries a step that timed out on its lock, and says so when it gives up', async () => {
    const holder = await session();
    const plan = (await planAgainst(s.db, checkSchema('schema.yaml', DESIRED.replace(/    checks:[\s\S]*$/, '    indexes:\n      orders_user_idx: { columns: [user_id] }\n')), { online: true })).plan;
    await holder.query('BEGIN; LOCK TABLE public.users IN ACCESS EXCLUSIVE MODE');
    const giveUp = applyPlan({ db: s.db, plan, plansDir, message: 'impatient', online: { lockTimeout: '200ms', statementTimeout: null, lockRetries: 1 } });
    await expect(giveUp).rejects.toThrow(/canceling statement due to lock timeout \(still waiting for a lock after 2 tries\)\n  nothing was changed/);
    // It stopped before its first step: nothing to finish later.
    expect(await interruptedApply(s.db)).toBeNull();
    expect(await readdir(plansDir)).toEqual([]);
    setTimeout(() => void holder.query('COMMIT'), 700);
    const done = await applyPlan({ db: s.db, plan, plansDir, message: 'patient', online: { lockTimeout: '200ms', statementTimeout: null, lockRetries: 10 } });
    expect(done.revision).toMatch(/^[0-9a-f]{12}$/);
  });

  it('upgrade replays a revision with CONCURRENTLY outside a transaction, and so does its --sql script', async () => {
    await applyPlan({ db: s.db, plan: await planOnline(), plansDir, message: 'online', online: SETTINGS });
    const fresh = await scratch('onlinefresh');
    try {
      await runBefore(fresh.db, BEFORE);
      const status = await readStatus(fresh.db, plansDir);
      const [revision] = revisionsToUpgrade(status.chain, status.appliedIds);
      expect(revision!.upgrade.filter((st) => st.concurrently).map((st) => st.object)).toEqual(['public.users.users_email_key', 'public.orders.orders_user_idx']);
      await runRevision(fresh.db, revision!, 'upgrade');
      expect(await modelOf(fresh.db)).toEqual(await modelOf(s.db));
    } finally {
      await fresh.drop();
    }
    const byScript = await scratch('onlinescript');
    try {
      await runBefore(byScript.db, BEFORE);
      const script = spawnSync('node', [BIN, 'upgrade', '--sql', '--replay-on-server', '--url', byScript.url, '--plans-dir', plansDir], { encoding: 'utf8' });
      // The session lock around the whole revision, the ledger checked first in a transaction of
      // its own; each concurrent build on its own, never inside BEGIN.
      expect(script.stdout).toMatch(/DO \$\$ BEGIN PERFORM pg_catalog\.pg_advisory_lock\(\d+, 1\); END \$\$;\nBEGIN;\n[^]*?DO \$schema\$\n[^]*?\n\$schema\$;\nCOMMIT;\n\nBEGIN;\n-- step 1\/\d+/);
      expect(script.stdout).toMatch(/COMMIT;\n\n-- step \d+\/\d+: create_index public\.orders\.orders_user_idx\nCREATE INDEX CONCURRENTLY orders_user_idx/);
      const psql = spawnSync('psql', [byScript.url, '-q', '-f', '-'], { input: script.stdout, encoding: 'utf8' });
      if (!psql.error) {
        expect(psql.status, psql.stderr).toBe(0);
        // Quiet: no result table of the lock calls or the checks.
        expect(psql.stdout).toBe('');
        expect(await modelOf(byScript.db)).toEqual(await modelOf(s.db));
        // The state the script recorded is the one the database reached.
        expect(await driftOf(byScript.db, await readStatus(byScript.db, plansDir))).toMatchObject({ unknown: false, changes: [] });
      }
    } finally {
      await byScript.drop();
    }
  });
});

describe('more than one transaction holds', () => {
  it('splits a plan larger than the lock budget into groups, says so, and completes', async () => {
    const yaml = `tables:\n${Array.from({ length: 12 }, (_x, i) => `  t${i}:\n    columns:\n      id: { type: integer, primary_key: true }\n`).join('')}`;
    const { plan } = await planAgainst(s.db, checkSchema('schema.yaml', yaml));
    const reasons: string[] = [];
    await applyPlan({ db: s.db, plan, plansDir, message: 'many', lockBudget: 20, onGroups: (_n, reason) => reasons.push(reason) });
    expect(reasons).toEqual([expect.stringMatching(/^the plan takes more locks than one transaction may hold on this server \(about 20\); it runs in \d+ transactions$/)]);
    expect(Object.keys((await modelOf(s.db)).tables)).toHaveLength(12);
    expect(await readdir(plansDir)).toHaveLength(1);
  });
});

describe('waiting for another apply', () => {
  it('gives up after --lock-wait, naming the process that holds the lock in this database', async () => {
    // An apply on another database of the server holds the same advisory key: not the one in the way.
    const elsewhere = await scratch('online-other');
    const other = new pg.Client({ connectionString: elsewhere.url });
    await other.connect();
    clients.push(other);
    await other.query('SELECT pg_advisory_lock(1936286565, 1)');
    const holder = await session();
    const holderPid = (await holder.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    await holder.query('SELECT pg_advisory_lock(1936286565, 1)');
    const cwd = await mkdtemp(join(tmpdir(), 'schema-wait-'));
    try {
      await import('node:fs/promises').then((fs) => fs.writeFile(join(cwd, 'schema.yaml'), DESIRED));
      const started = Date.now();
      const r = spawnSync('node', [BIN, 'apply', '--url', s.url, '--auto-approve', '--lock-wait', '1', '--no-color'], { cwd, encoding: 'utf8' });
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(`error: another schema command is changing this database (server process ${holderPid}); waited 1 s`);
      expect(Date.now() - started).toBeLessThan(30_000);
    } finally {
      await rm(cwd, { recursive: true, force: true });
      await other.end().catch(() => undefined);
      await elsewhere.drop();
    }
    void adminUrl;
  });
});

describe('two upgrades at once', () => {
  /** BEFORE as YAML, with one more table: a revision without concurrent steps. */
  const NOTES = `
tables:
  users:
    columns:
      id: { type: integer, primary_key: true }
      email: text
  orders:
    columns:
      id: { type: integer, primary_key: true }
      user_id: integer
      total: numeric
  notes:
    columns:
      id: { type: integer, primary_key: true }
`;

  it('the second waits for the lock outside any transaction, so the first builds its indexes CONCURRENTLY unhindered; then it has nothing left to do', async () => {
    await applyPlan({ db: s.db, plan: (await planAgainst(s.db, checkSchema('schema.yaml', NOTES))).plan, plansDir, message: 'notes' });
    const online = (await planAgainst(s.db, checkSchema('schema.yaml', `${DESIRED}  notes:\n    columns:\n      id: { type: integer, primary_key: true }\n`), { online: true })).plan;
    await applyPlan({ db: s.db, plan: online, plansDir, message: 'online', online: SETTINGS });
    const prod = await scratch('twoupgrades');
    const cwd = await mkdtemp(join(tmpdir(), 'schema-two-'));
    try {
      await runBefore(prod.db, BEFORE);
      const status = await readStatus(prod.db, plansDir);
      const revisions = revisionsToUpgrade(status.chain, status.appliedIds);
      expect(revisions.map((r) => r.upgrade.some((st) => st.concurrently))).toEqual([false, true]);
      const observer = await session();
      const first = (await prod.db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid'))[0]!.pid;
      let second: Promise<{ status: number | null; stdout: string; stderr: string }> | null = null;
      let released = 0;
      const ran = await runRevisions(prod.db, status.chain, revisions, 'upgrade', {
        onStep: async (r, i) => {
          if (r !== revisions[0] || i !== 0) return;
          // The second run starts while the first holds the lock, and reads the database before
          // anything is applied: it waits for the lock with both revisions still to run.
          second = new Promise((resolve) => {
            const child = spawn('node', [REAL_BIN, 'upgrade', '--url', prod.url, '--plans-dir', plansDir, '--auto-approve', '--lock-wait', '20', '--no-color'], { cwd });
            let stdout = '';
            let stderr = '';
            child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
            child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
            child.on('close', (code) => resolve({ status: code, stdout, stderr }));
          });
          await waitFor('the second upgrade to wait for the lock', async () => {
            const rows = await observer.query(`SELECT 1 FROM pg_stat_activity WHERE datname = $2 AND pid <> $1 AND application_name = 'schema' AND query LIKE '%pg_try_advisory%'`, [first, prod.name]);
            return rows.rows.length > 0 ? true : null;
          });
          released = Date.now();
        },
      });
      // The concurrent builds did not wait for the second run's lock wait (20 s) to end.
      expect(Date.now() - released).toBeLessThan(15_000);
      expect(ran.ran.map((r) => r.revision)).toEqual(revisions.map((r) => r.revision));
      const r = await second!;
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toContain(`Nothing to upgrade: the database is at ${revisions[1]!.revision}.`);
      expect((await appliedRevisions(prod.db)).map((a) => a.revision)).toEqual(revisions.map((r) => r.revision));
      expect(await modelOf(prod.db)).toEqual(await modelOf(s.db));
      // A run that read the database before the other one ran finds, under the lock, nothing left.
      expect(await runRevisions(prod.db, status.chain, revisions, 'upgrade')).toEqual({ ran: [], skipped: revisions });
    } finally {
      await prod.drop();
      await rm(cwd, { recursive: true, force: true });
    }
  }, 60_000);
});

/** Run the CLI in a folder holding `yaml` as schema.yaml. */
async function cli(args: string[], yaml = DESIRED): Promise<ReturnType<typeof spawnSync>> {
  const cwd = await mkdtemp(join(tmpdir(), 'schema-cli-'));
  try {
    await writeFile(join(cwd, 'schema.yaml'), yaml);
    return spawnSync('node', [BIN, ...args, '--url', s.url, '--plans-dir', plansDir, '--no-color'], { cwd, encoding: 'utf8', timeout: 60_000 });
  } finally {
    await rm(cwd, { recursive: true, force: true });
  }
}

describe('the SQL script of an online plan', () => {
  it('keeps CONCURRENTLY outside BEGIN/COMMIT, runs with psql -v ON_ERROR_STOP=1, and is the markdown SQL block', async () => {
    const r = await cli(['plan', '--online', '--format', 'sql', '--no-data-checks']);
    expect(r.status, String(r.stderr)).toBe(0);
    const script = String(r.stdout);
    expect(script).toMatch(/^-- Plan: .*\n-- 2 steps cannot run inside a transaction: each step commits on its own/);
    expect(script).toMatch(/COMMIT;\n\n-- step 5\/11: create_index public\.users\.users_email_key\n(-- hazard [^\n]*\n)*CREATE UNIQUE INDEX CONCURRENTLY users_email_key/);
    expect(script).not.toMatch(/BEGIN;\n-- step \d+\/\d+: create_index/);
    const plan = await planOnline();
    expect(renderMarkdown(plan)).toContain(renderSql(plan).trimEnd());
    const psql = spawnSync('psql', [s.url, '-q', '-v', 'ON_ERROR_STOP=1', '-f', '-'], { input: script, encoding: 'utf8' });
    if (!psql.error) {
      expect(psql.status, psql.stderr).toBe(0);
      expect((await planOnline()).steps).toEqual([]);
    }
  });
});

describe('the SQL script of an online plan, under a lock', () => {
  it('sets lock_timeout and statement_timeout from the settings, so psql stops instead of queueing behind a lock', async () => {
    const r = await cli(['plan', '--format', 'sql', '--no-data-checks'], `settings:\n  online: true\n  lock_timeout: 1s\n  statement_timeout: 10min\n${DESIRED}`);
    expect(r.status, String(r.stderr)).toBe(0);
    const script = String(r.stdout);
    expect(script).toContain("\nSET lock_timeout = '1s'; SET statement_timeout = '10min';\n");
    const holder = await session();
    await holder.query('BEGIN; LOCK TABLE public.users IN ACCESS SHARE MODE');
    const psql = spawnSync('psql', [s.url, '-q', '-v', 'ON_ERROR_STOP=1', '-f', '-'], { input: script, encoding: 'utf8', timeout: 60_000 });
    await holder.query('ROLLBACK');
    if (!psql.error) {
      expect(psql.status).toBe(3);
      expect(psql.stderr).toContain('canceling statement due to lock timeout');
    }
    // Without --online the script is one transaction and sets nothing.
    expect(String((await cli(['plan', '--format', 'sql', '--no-data-checks'])).stdout)).not.toContain('lock_timeout');
  });
});

describe('locks on a second table', () => {
  it('a foreign key from a new table waits for the SHARE ROW EXCLUSIVE lock it takes on the table it references (its plan: test/cases/online.ts)', async () => {
    await runBefore(s.db, DONE);
    const plan = (await planAgainst(s.db, checkSchema('schema.yaml', PAYMENTS), { online: true })).plan;
    // An open UPDATE on users holds ROW EXCLUSIVE: the key must wait for it, in pg_locks.
    const writer = await session();
    const observer = await session();
    const pid = (await s.db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid'))[0]!.pid;
    const applying = applyPlan({
      db: s.db,
      plan,
      plansDir,
      message: 'payments',
      online: { ...SETTINGS, lockTimeout: '30s' },
      onStep: async (i) => {
        if (i === 1) await writer.query('BEGIN; UPDATE public.users SET email = email WHERE id = 1');
      },
    });
    const waiting = await waitFor('the foreign key to wait for its lock on users', async () => {
      const l = await locksOf(observer, pid, 'public.users');
      return l.some((x) => !x.granted) ? l : null;
    });
    expect(waiting.filter((l) => !l.granted).map((l) => l.mode)).toEqual(['ShareRowExclusiveLock']);
    await writer.query('COMMIT');
    await applying;
    expect((await modelOf(s.db)).tables['public.payments']!.foreignKeys['payments_user_fk']).toBeDefined();
  });

  it('applies a plan that renames the referenced table and keeps the key (its plan: test/cases/online.ts)', async () => {
    await runBefore(s.db, `ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id)`);
    const plan2 = (await planAgainst(s.db, checkSchema('schema.yaml', ONLY_USERS_RENAMED))).plan;
    await applyPlan({ db: s.db, plan: plan2, plansDir, message: 'rename users' });
    expect((await modelOf(s.db)).tables['public.orders']!.foreignKeys['orders_user_fk']).toMatchObject({ references: { table: 'people' } });
  });
});

describe('reading the database under a lock timeout', () => {
  it('gives up waiting for a table lock, naming the table and the process that holds it', async () => {
    await runBefore(s.db, `ALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total >= 0)`);
    const holder = await session();
    const holderPid = (await holder.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    await holder.query('BEGIN; LOCK TABLE public.orders IN ACCESS EXCLUSIVE MODE');
    const started = Date.now();
    await expect(planAgainst(s.db, checkSchema('schema.yaml', DESIRED), { lockTimeoutMs: 500 })).rejects.toThrow(
      new RegExp(`^reading the database waited 500 ms for a table lock: public\\.orders is held in ACCESS EXCLUSIVE mode by server process ${holderPid} \\(`),
    );
    expect(Date.now() - started).toBeLessThan(5000);
    // The session is left as it was: no lock_timeout behind.
    expect(await s.db.query('SELECT current_setting($1) AS v', ['lock_timeout'])).toEqual([{ v: '0' }]);
    const r = await cli(['apply', '--auto-approve', '--lock-wait', '1']);
    expect(r.status).toBe(1);
    expect(String(r.stderr)).toContain(`error: reading the database waited 1 s for a table lock: public.orders is held in ACCESS EXCLUSIVE mode by server process ${holderPid} (`);
  });

  it('an apply waits for another one up to --lock-wait, naming it, instead of waiting behind its table locks', async () => {
    await runBefore(s.db, `ALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total >= 0)`);
    // Another apply mid-way: the writers' lock, and a table it is changing.
    const other = await session();
    const otherPid = (await other.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    await other.query('SELECT pg_advisory_lock(1936286565, 1)');
    await other.query('BEGIN; LOCK TABLE public.orders IN ACCESS EXCLUSIVE MODE');
    const started = Date.now();
    const r = await cli(['apply', '--auto-approve', '--lock-wait', '1']);
    expect(r.status).toBe(1);
    expect(String(r.stderr)).toContain(`error: another schema command is changing this database (server process ${otherPid}); waited 1 s`);
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('names only a holder of the writers lock in this database, never one in another database on the server', async () => {
    const elsewhere = await scratch('onlineelsewhere');
    try {
      await elsewhere.db.query('SELECT pg_advisory_lock(1936286565, 1)');
      expect(await lockHolder(s.db)).toBeNull();
      const here = await session();
      const herePid = (await here.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
      await here.query('SELECT pg_advisory_lock(1936286565, 1)');
      expect(await lockHolder(s.db)).toBe(herePid);
    } finally {
      await elsewhere.drop();
    }
  });
});

describe('a plan split for the lock table', () => {
  /** A lock budget that holds two of MANY's new tables (24 locks each, estimated) in one transaction. */
  const SPLIT = 50;
  const MANY = `tables:\n${Array.from({ length: 12 }, (_x, i) => `  t${i}:\n    columns:\n      id: { type: integer, primary_key: true }\n`).join('')}`;

  it('says in the plan that it is not atomic, and finishing an interrupted one runs the groups it announced', async () => {
    const { plan } = await planAgainst(s.db, checkSchema('schema.yaml', MANY));
    const { groups, execution } = await scheduleOn(s.db, plan.steps, false, SPLIT);
    expect(groups.length).toBeGreaterThan(2);
    expect(execution).toEqual({ atomic: false, transactions: groups.length, reason: `the plan takes more locks than one transaction may hold on this server (about ${SPLIT}); it runs in ${groups.length} transactions` });
    const shown = { ...plan, execution };
    const line = `Not atomic: ${execution.reason!}. If it is cut short, the steps done stay done: \`schema apply\` run again finishes it, \`schema apply --abandon\` gives it up.`;
    expect(renderText(shown, new Chalk({ level: 0 }))).toContain(line);
    expect(renderMarkdown(shown)).toContain(`> [!IMPORTANT]\n> ${line}`);
    expect(JSON.parse(renderJson(shown)).execution).toEqual(execution);

    const killer = await session();
    const pid = (await s.db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid'))[0]!.pid;
    const cut = applyPlan({
      db: s.db,
      plan,
      plansDir,
      message: 'many',
      lockBudget: SPLIT,
      onStep: async (i) => {
        if (i === 5) await killer.query('SELECT pg_terminate_backend($1)', [pid]);
      },
    });
    await expect(cut).rejects.toThrow();
    const db = await connect(s.target);
    try {
      const pending = await interruptedApply(db);
      const cutIn = groups.find((g) => g.from <= 5 && 5 < g.to)!;
      expect(pending?.done).toBe(cutIn.from);
      expect(pending?.payload['groups']).toEqual(groups);
      // Each group is one transaction: the steps left commit once per group, not once per step.
      const xids = new Set<string>();
      await resumeApply(db, plansDir, PATIENT_SETTINGS, { onStep: async () => void xids.add((await db.query<{ x: string }>('SELECT txid_current()::text AS x'))[0]!.x) });
      expect(xids.size).toBe(groups.filter((g) => g.from >= cutIn.from).length);
      expect(xids.size).toBeLessThan(plan.steps.length - cutIn.from);
      expect(Object.keys((await modelOf(db)).tables)).toHaveLength(12);
    } finally {
      await db.close();
    }
  });

  it('upgrade and downgrade replay a revision split for the lock table in the same transactions and say so; so do its script and plan --format sql', async () => {
    const { plan } = await planAgainst(s.db, checkSchema('schema.yaml', MANY));
    const { groups, execution } = await scheduleOn(s.db, plan.steps, false, SPLIT);
    expect(groups.length).toBeGreaterThan(2);
    const planSql = renderSql({ ...plan, execution }, undefined, groups);
    expect(planSql).toContain(`\n-- Not atomic: ${execution.reason!}; each commits on its own; it stops at the first error (psql's ON_ERROR_STOP, set below): then plan again.\n\\set ON_ERROR_STOP on\n`);
    expect(planSql.match(/^BEGIN;$/gm)).toHaveLength(groups.length);
    await applyPlan({ db: s.db, plan, plansDir, message: 'many', lockBudget: SPLIT });

    const prod = await scratch('splitreplay');
    const byScript = await scratch('splitscript');
    try {
      await runBefore(prod.db, BEFORE);
      await runBefore(byScript.db, BEFORE);
      const status = await readStatus(prod.db, plansDir);
      const [revision] = revisionsToUpgrade(status.chain, status.appliedIds);
      const xid = async () => (await prod.db.query<{ x: string }>('SELECT txid_current()::text AS x'))[0]!.x;
      const said: string[] = [];
      const up = new Set<string>();
      const { ran } = await runRevisions(prod.db, status.chain, [revision!], 'upgrade', {
        lockBudget: SPLIT,
        onGroups: (_r, n, reason) => said.push(`${n}: ${reason}`),
        onStep: async () => void up.add(await xid()),
      });
      expect(ran).toEqual([revision]);
      expect(said).toEqual([`${groups.length}: ${execution.reason!}`]);
      expect(up.size, 'one transaction per group').toBe(groups.length);
      expect(await modelOf(prod.db)).toEqual(await modelOf(s.db));
      expect((await appliedRevisions(prod.db)).map((a) => a.revision)).toEqual([revision!.revision]);

      const back = await scheduleOn(prod.db, revision!.downgrade, false, SPLIT);
      expect(back.groups.length).toBeGreaterThan(2);
      const down = new Set<string>();
      await runRevision(prod.db, revision!, 'downgrade', { lockBudget: SPLIT, onStep: async () => void down.add(await xid()) });
      expect(down.size).toBe(back.groups.length);
      expect(Object.keys((await modelOf(prod.db)).tables).sort()).toEqual(['public.orders', 'public.users']);
      expect(await appliedRevisions(prod.db)).toEqual([]);

      // The script: the ledger checked in a transaction of its own, each group in its own, the ledger row last.
      const script = (await replayScriptFor(byScript.db, [revision!], 'upgrade', { lockBudget: SPLIT })).text;
      expect(script).toContain(`-- Not atomic: ${execution.reason!}.\nDO $$ BEGIN PERFORM pg_catalog.pg_advisory_lock(`);
      expect(script.match(/^BEGIN;$/gm)).toHaveLength(groups.length + 2);
      const psql = spawnSync('psql', [byScript.url, '-q', '-f', '-'], { input: script, encoding: 'utf8' });
      if (!psql.error) {
        expect(psql.status, psql.stderr).toBe(0);
        expect(await modelOf(byScript.db)).toEqual(await modelOf(s.db));
        expect((await appliedRevisions(byScript.db)).map((a) => a.revision)).toEqual([revision!.revision]);
      }
    } finally {
      await prod.drop();
      await byScript.drop();
    }
  });

  it('estimates the locks of a dropped table from its real objects', async () => {
    await runBefore(
      s.db,
      `CREATE TABLE wide (id integer PRIMARY KEY, a text, b text UNIQUE, c integer CHECK (c > 0), d integer DEFAULT 1);
      CREATE INDEX wide_a ON wide (a); CREATE INDEX wide_c ON wide (c); CREATE INDEX wide_d ON wide (d); CREATE INDEX wide_ad ON wide (a, d)`,
    );
    const { plan } = await planAgainst(s.db, checkSchema('schema.yaml', DESIRED));
    const drop = plan.steps.find((st) => st.op === 'drop_table' && st.object === 'public.wide')!;
    const estimate = lockEstimate(drop, await knownObjects(s.db, plan.steps));
    await s.db.exec('BEGIN; DROP TABLE public.wide');
    const taken = await s.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_locks WHERE pid = pg_backend_pid() AND locktype IN ('relation', 'object')`);
    await s.db.exec('ROLLBACK');
    expect(taken[0]!.n).toBeGreaterThan(8);
    expect(estimate).toBeGreaterThanOrEqual(taken[0]!.n);
    expect(estimate).toBeLessThan(taken[0]!.n * 2);
  });
});

describe('an unfinished apply', () => {
  const UNIQUE = DESIRED.replace('email: { type: text, nullable: false, unique: true }', 'email: { type: text, unique: true }').replace(/    checks:[\s\S]*$/, '');

  it('a concurrent build that fails says what it left, keeps the record, and apply --abandon gives it up', async () => {
    await runBefore(s.db, `UPDATE users SET email = 'same' WHERE id <= 2`);
    const plan = (await planAgainst(s.db, checkSchema('schema.yaml', UNIQUE), { online: true })).plan;
    expect(describeSteps(plan.steps)).toEqual(['create_index public.users.users_email_key', 'add_unique public.users.users_email_key']);
    const failed = applyPlan({ db: s.db, plan, plansDir, message: 'unique', online: SETTINGS });
    await expect(failed).rejects.toThrow(
      'the plan: step 1 of 2 failed (create_index public.users.users_email_key): could not create unique index "users_email_key"\n' +
        '  no step before it was done; step 1 ran outside a transaction and left the index public.users_email_key INVALID (half built: it is dropped and built again when the apply is finished); ' +
        'run `schema apply` again to finish, once the cause is fixed, or `schema apply --abandon` to give it up',
    );
    const pending = await interruptedApply(s.db);
    expect(pending?.done).toBe(0);

    // apply says how to give it up; without a terminal it asks nothing and stops.
    const asked = await cli(['apply'], UNIQUE);
    expect(asked.status).toBe(1);
    expect(String(asked.stdout)).toContain(`An earlier apply (revision ${pending!.revision}) stopped after step 0 of 2; it is finished first (\`schema apply --abandon\` gives it up instead).`);
    const notAsked = await cli(['apply', '--abandon']);
    expect(notAsked.status).toBe(1);
    expect(String(notAsked.stderr)).toContain('error: not on a terminal, so there is no one to ask; nothing was changed');
    expect(await interruptedApply(s.db)).not.toBeNull();

    const r = await cli(['apply', '--abandon', '--auto-approve'], 'not: [valid yaml');
    expect(r.status, String(r.stderr)).toBe(0);
    expect(String(r.stdout)).toContain(
      `An apply (revision ${pending!.revision}, started ${pending!.started_at.slice(0, 19)}) stopped after step 0 of 2.\nNone of its steps was done.\n` +
        'Started, and left the index public.users_email_key INVALID (half built: `schema plan` drops it and builds it again):\n  1. create_index public.users.users_email_key\n' +
        'Not run:\n  2. add_unique public.users.users_email_key\n',
    );
    expect(String(r.stdout)).toContain(
      `Abandoned the apply of revision ${pending!.revision}: its record is gone and no revision file was written; none of its steps was done, step 1 left the index public.users_email_key INVALID, step 2 was not run. ` +
        '`schema plan` now shows how to get from the database as it is to schema.yaml (it drops the INVALID index public.users_email_key and builds it again).',
    );
    expect(await interruptedApply(s.db)).toBeNull();
    expect(await readdir(plansDir)).toEqual([]);
    // The plan now starts from the database as it is, the INVALID index included.
    const again = (await planAgainst(s.db, checkSchema('schema.yaml', UNIQUE), { online: true })).plan;
    expect(describeSteps(again.steps)).toEqual(['drop_index public.users.users_email_key', 'create_index public.users.users_email_key', 'add_unique public.users.users_email_key']);
    const none = await cli(['apply', '--abandon', '--auto-approve']);
    expect(String(none.stdout)).toContain('There is no unfinished apply: nothing to abandon.');
  });

  it('apply --abandon tells a concurrent step that finished unrecorded, or a drop left INVALID, from one not run', async () => {
    const plan = (await planAgainst(s.db, checkSchema('schema.yaml', UNIQUE), { online: true })).plan;
    const pending = { revision: 'abc123abc123', direction: 'apply' as const, steps: plan.steps, done: 0, payload: {}, started_at: '2026-01-01 10:00:00+00' };
    expect(await startedStep(s.db, pending)).toBeNull();
    expect(abandonLines(pending).slice(1)).toEqual(['None of its steps was done.', 'Not run:', '  1. create_index public.users.users_email_key', '  2. add_unique public.users.users_email_key']);
    // The build ran to the end, but the process died before its progress was recorded.
    await runBefore(s.db, 'CREATE UNIQUE INDEX users_email_key ON users (email)');
    const finished = await startedStep(s.db, pending);
    expect(finished).toEqual({ index: 'public.users_email_key', creates: true, state: 'finished' });
    expect(abandonLines(pending, finished).slice(2)).toEqual([
      'Ran to the end but not recorded as done (the index public.users_email_key exists):',
      '  1. create_index public.users.users_email_key',
      'Not run:',
      '  2. add_unique public.users.users_email_key',
    ]);
    expect(abandonedLine(pending, finished)).toContain('none of its steps was done, step 1 ran to the end and stays, step 2 was not run. `schema plan` now shows how to get from the database as it is to schema.yaml.');
    // A concurrent drop cut short, the last step of its plan, after one step done.
    await runBefore(s.db, "UPDATE pg_index SET indisvalid = false WHERE indexrelid = 'public.users_email_key'::regclass");
    const dropping = { ...pending, steps: [plan.steps[1]!, { ...plan.steps[0]!, op: 'drop_index' as const, concurrently: { schema: 'public', index: 'users_email_key', creates: false } }], done: 1 };
    const invalid = await startedStep(s.db, dropping);
    expect(invalid).toEqual({ index: 'public.users_email_key', creates: false, state: 'invalid' });
    expect(abandonLines(dropping, invalid).slice(1)).toEqual([
      'Done, and kept in the database (abandoning does not undo them):',
      '  1. add_unique public.users.users_email_key',
      'Started, and left the index public.users_email_key INVALID, not yet dropped (`schema plan` drops it):',
      '  2. drop_index public.users.users_email_key',
    ]);
    expect(abandonedLine(dropping, invalid)).toContain(
      'step 1 stays done in the database, step 2 left the index public.users_email_key INVALID. `schema plan` now shows how to get from the database as it is to schema.yaml (it drops the INVALID index public.users_email_key).',
    );
  });

  it('a concurrent build cut off is not "nothing was changed": it names the index and the way on', async () => {
    const old = await session();
    const killer = await session();
    const yaml = DESIRED.replace(/    checks:[\s\S]*$/, '    indexes:\n      orders_user_idx: { columns: [user_id] }\n').replace('email: { type: text, nullable: false, unique: true }', 'email: text');
    const plan = (await planAgainst(s.db, checkSchema('schema.yaml', yaml), { online: true })).plan;
    expect(describeSteps(plan.steps)).toEqual(['create_index public.orders.orders_user_idx']);
    const pid = (await s.db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid'))[0]!.pid;
    await old.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
    await old.query('SELECT count(*) FROM public.orders');
    const cut = applyPlan({
      db: s.db,
      plan,
      plansDir,
      message: 'cut',
      online: SETTINGS,
      onStep: () => void setTimeout(() => void killer.query('SELECT pg_terminate_backend($1)', [pid]), 1000),
    });
    const error = (await cut.catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(/^the plan: step 1 of 1 failed \(create_index public\.orders\.orders_user_idx\): terminating connection/);
    expect(error.message).toContain(
      '  no step before it was done; step 1 ran outside a transaction and may have left the index public.orders_user_idx INVALID; run `schema apply` again to finish, once the cause is fixed, or `schema apply --abandon` to give it up',
    );
    expect(error.message).not.toContain('nothing was changed');
    await old.query('COMMIT');
    const db = await connect(s.target);
    try {
      expect((await interruptedApply(db))?.revision).toMatch(/^[0-9a-f]{12}$/);
    } finally {
      await db.close();
    }
  });

  it('a transactional step that fails in an online plan is counted in the whole plan', async () => {
    await runBefore(s.db, `UPDATE users SET email = NULL WHERE id = 7`);
    const failed = applyPlan({ db: s.db, plan: await planOnline(), plansDir, message: 'nulls', online: SETTINGS });
    await expect(failed).rejects.toThrow(
      'the plan: step 2 of 11 failed (validate_constraint public.users.users_email_not_null): check constraint "users_email_not_null" of relation "users" is violated by some row\n' +
        '  step 1 is done and kept; run `schema apply` again to finish, once the cause is fixed, or `schema apply --abandon` to give it up',
    );
    expect((await interruptedApply(s.db))?.done).toBe(1);
  });

  it('a bad number of retries or a zero check timeout says what it must be', async () => {
    const retries = await cli(['apply', '--lock-retries', '-3']);
    expect(retries.status).toBe(1);
    expect(String(retries.stderr)).toBe('error: --lock-retries must be at least 0, not -3\n');
    const timeout = await cli(['plan', '--check-timeout', '0']);
    expect(String(timeout.stderr)).toBe('error: --check-timeout must be at least 1, not 0\n');
    const wait = await cli(['apply', '--lock-wait', 'soon']);
    expect(String(wait.stderr)).toBe('error: --lock-wait must be a whole number, not "soon"\n');
  });
});
