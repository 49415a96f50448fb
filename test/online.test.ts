// Online-safe execution, checked in the server's own lock table: while an online step runs,
// its backend holds no ACCESS EXCLUSIVE lock and other sessions keep writing. Interrupted
// online applies are finished by the next one (a half-built index rebuilt), lock timeouts are
// retried, revisions with CONCURRENTLY replay outside a transaction, and waiting for another
// apply names it.
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkSchema, planAgainst, readStatus } from '../src/api.js';
import { applyPlan, interruptedApply, resumeApply } from '../src/apply/apply.js';
import type { RunSettings } from '../src/apply/groups.js';
import { runRevision } from '../src/apply/replay.js';
import { connect, type Db } from '../src/db/db.js';
import { revisionsToUpgrade } from '../src/revisions/chain.js';
import { describeSteps, modelOf, runBefore } from './support/cases.js';
import { adminUrl, scratch, type Scratch } from './support/scratch.js';

const BIN = new URL('../bin/run.js', import.meta.url).pathname;
const SETTINGS: RunSettings = { lockTimeout: '5s', statementTimeout: null, lockRetries: 3 };

const BEFORE = `
CREATE TABLE users (id integer PRIMARY KEY, email text);
INSERT INTO users SELECT g, 'u' || g FROM generate_series(1, 2000) g;
CREATE TABLE orders (id integer PRIMARY KEY, user_id integer, total numeric);
INSERT INTO orders SELECT g, g % 2000 + 1, g FROM generate_series(1, 5000) g;`;

const DESIRED = `
tables:
  users:
    columns:
      id: { type: integer, primary_key: true }
      email: { type: text, nullable: false, unique: true }
  orders:
    columns:
      id: { type: integer, primary_key: true }
      user_id: integer
      total: numeric
    checks:
      orders_total_check: total >= 0
    indexes:
      orders_user_idx: { columns: [user_id] }
    foreign_keys:
      orders_user_fk: { columns: [user_id], references: users }
`;

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
  const r = await observer.query<{ mode: string; granted: boolean }>(
    `SELECT mode, granted FROM pg_locks WHERE pid = $1 AND locktype = 'relation' AND relation = $2::regclass ORDER BY mode`,
    [pid, table],
  );
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

describe('an online plan', () => {
  it('builds and validates outside long locks, each step marked with its lock', async () => {
    const plan = await planOnline();
    expect(describeSteps(plan.steps)).toEqual([
      'add_check public.users.users_email_not_null',
      'validate_constraint public.users.users_email_not_null',
      'alter_column public.users.email',
      'drop_check public.users.users_email_not_null',
      'create_index public.users.users_email_key',
      'add_unique public.users.users_email_key',
      'add_check public.orders.orders_total_check',
      'validate_constraint public.orders.orders_total_check',
      'create_index public.orders.orders_user_idx',
      'add_foreign_key public.orders.orders_user_fk',
      'validate_constraint public.orders.orders_user_fk',
    ]);
    expect(plan.steps.map((st) => st.lock)).toEqual([
      'ACCESS EXCLUSIVE',
      'SHARE UPDATE EXCLUSIVE',
      'ACCESS EXCLUSIVE',
      'ACCESS EXCLUSIVE',
      'SHARE UPDATE EXCLUSIVE',
      'ACCESS EXCLUSIVE',
      'ACCESS EXCLUSIVE',
      'SHARE UPDATE EXCLUSIVE',
      'SHARE UPDATE EXCLUSIVE',
      'SHARE ROW EXCLUSIVE',
      'SHARE UPDATE EXCLUSIVE',
    ]);
    const sql = plan.steps.flatMap((st) => st.sql);
    expect(sql).toContain('CREATE INDEX CONCURRENTLY orders_user_idx ON public.orders USING btree (user_id)');
    expect(sql).toContain('ALTER TABLE public.orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES public.users (id) NOT VALID');
    expect(sql).toContain('ALTER TABLE public.users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_key');
    // Nothing that scans or builds is left under ACCESS EXCLUSIVE or SHARE: no blocking hazards.
    expect(plan.steps.flatMap((st) => st.hazards.map((h) => h.code))).not.toContain('blocking');
  });

  it('takes no ACCESS EXCLUSIVE lock while an index builds concurrently, and writes go on', async () => {
    const old = await session();
    const writer = await session();
    const observer = await session();
    // A transaction that saw the table: CREATE INDEX CONCURRENTLY waits for it to end.
    await old.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
    await old.query('SELECT count(*) FROM public.orders');
    const plan = (await planAgainst(s.db, checkSchema('schema.yaml', DESIRED.replace(/    checks:[\s\S]*$/, '    indexes:\n      orders_user_idx: { columns: [user_id] }\n').replace('email: { type: text, nullable: false, unique: true }', 'email: text')), { online: true })).plan;
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
      const done = await resumeApply(db, SETTINGS);
      expect(await readdir(plansDir)).toEqual([done.file.split('/').pop()]);
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
      const script = spawnSync('node', [BIN, 'upgrade', '--sql', '--url', byScript.url, '--plans-dir', plansDir], { encoding: 'utf8' });
      // The session lock around the whole revision; each concurrent build on its own, never inside BEGIN.
      expect(script.stdout).toMatch(/SELECT pg_catalog\.pg_advisory_lock\(\d+, 1\);\n\nBEGIN;\n-- step 1\/\d+/);
      expect(script.stdout).toMatch(/COMMIT;\n\n-- step \d+\/\d+: create_index public\.orders\.orders_user_idx\nCREATE INDEX CONCURRENTLY orders_user_idx/);
      const psql = spawnSync('psql', [byScript.url, '-q', '-f', '-'], { input: script.stdout, encoding: 'utf8' });
      if (!psql.error) {
        expect(psql.status, psql.stderr).toBe(0);
        expect(await modelOf(byScript.db)).toEqual(await modelOf(s.db));
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
