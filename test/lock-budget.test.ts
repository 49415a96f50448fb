// The lock budget (issue 13): planning and applying a large schema never hold more locks at
// once than the budget, so they cannot fill the server's shared lock table and make another
// session fail with "out of shared memory". The budget is set small here so that a schema the
// suite can afford needs several batches; the default (half the lock table) does the same at
// 10,000 tables (`npm run bench`).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../src/db/db.js';
import { applyPlan, checkSchema, planAgainst } from '../src/index.js';
import { scratch, type Scratch } from './support/scratch.js';

const TABLES = 60;
const BUDGET = 120;

/**
 * 60 tables, each with an identity, a unique key, a default, a check and a partial index written
 * its own way: every text is read twice by the spelling, and each new table takes about 16 locks.
 */
const YAML = `tables:\n${Array.from(
  { length: TABLES },
  (_x, i) => `  t${i}:
    columns:
      id: { type: bigint, identity: always, primary_key: true }
      email: { type: text, unique: true }
      n: { type: integer, default: { sql: "${i} * 2" } }
      label: { type: varchar(20), default: "x${i}" }
    checks:
      t${i}_n: n > -${i} AND label IN ('x${i}', 'y')
    indexes:
      t${i}_n_big: { columns: [n], where: "n > ${i}" }
`,
).join('')}`;

/** The database as a test sees it: every statement, then how many locks this session holds right after it. */
function counting(db: Db): { db: Db; peak: () => number; reset: () => void } {
  let peak = 0;
  const probe = async (): Promise<void> => {
    try {
      const [row] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_catalog.pg_locks WHERE pid = pg_catalog.pg_backend_pid()');
      peak = Math.max(peak, row?.n ?? 0);
    } catch {
      // In a transaction that has failed, nothing more is held than before the failure.
    }
  };
  const wrapped: Db = {
    target: db.target,
    query: async <T extends object>(sql: string, params?: readonly unknown[]) => {
      const rows = await db.query<T>(sql, params);
      await probe();
      return rows;
    },
    exec: async <T extends object>(script: string) => {
      const rows = await db.exec<T>(script);
      await probe();
      return rows;
    },
    run: (sql) => db.run(sql),
    close: () => db.close(),
  };
  return { db: wrapped, peak: () => peak, reset: () => void (peak = 0) };
}

let s: Scratch;
let plansDir: string;
beforeAll(async () => {
  s = await scratch('lockbudget');
  plansDir = await mkdtemp(join(tmpdir(), 'schema-lock-budget-'));
});
afterAll(async () => {
  await s.drop();
  await rm(plansDir, { recursive: true, force: true });
});

describe('the lock budget', () => {
  it('planning and applying 60 tables hold at most the budget at any time, while another session takes locks without an error', async () => {
    const schema = checkSchema('schema.yaml', YAML);
    const watched = counting(s.db);

    // Without a budget small enough, planning takes far more: the test can tell.
    const unbounded = await planAgainst(watched.db, schema, { lockBudget: 100_000 });
    expect(watched.peak()).toBeGreaterThan(BUDGET * 2);

    // Another session keeps taking locks the whole time.
    const other = new pg.Client({ connectionString: s.url });
    await other.connect();
    const errors: string[] = [];
    let running = true;
    const busy = (async () => {
      for (let i = 0; running; i++) {
        try {
          await other.query('BEGIN');
          await other.query(`CREATE TEMP TABLE busy_${i} (a integer PRIMARY KEY, b text)`);
          await other.query('ROLLBACK');
        } catch (error) {
          errors.push(String(error));
          await other.query('ROLLBACK').catch(() => undefined);
        }
      }
    })();
    try {
      watched.reset();
      const planned = await planAgainst(watched.db, schema, { lockBudget: BUDGET });
      expect(watched.peak()).toBeLessThanOrEqual(BUDGET);
      // Batches change nothing in the outcome: the same plan as in one go.
      expect(planned.plan.steps.map((st) => st.sql)).toEqual(unbounded.plan.steps.map((st) => st.sql));

      watched.reset();
      await applyPlan({ db: watched.db, plan: planned.plan, plansDir, message: 'sixty tables', lockBudget: BUDGET, dataChecks: false });
      expect(watched.peak()).toBeLessThanOrEqual(BUDGET);
    } finally {
      running = false;
      await busy;
      await other.end();
    }
    expect(errors).toEqual([]);

    // Applied as planned: planning again finds nothing to do.
    const again = await planAgainst(s.db, schema, { lockBudget: BUDGET });
    expect(again.plan.steps).toEqual([]);
    const [{ n }] = (await s.db.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace")) as [{ n: number }];
    expect(n).toBe(TABLES);
  }, 120_000);
});
