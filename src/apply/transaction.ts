// How changes run: one transaction under the tool's advisory lock, steps one statement at a
// time, and a failure reported as the step and statement that failed, with everything rolled
// back. Shared by apply (a fresh plan) and upgrade/downgrade (revision files).
import type { Db } from '../db/db.js';
import { WRITER_LOCK_KEYS as LOCK_KEYS } from '../db/locks.js';
import type { Step } from '../plan/types.js';

/**
 * The same lock, taken by a hand-run script (waits as long as it takes), outside any transaction:
 * a session that waits inside an open transaction holds back another's CREATE INDEX
 * CONCURRENTLY, which waits for every older transaction to end.
 */
export const SESSION_LOCK_SQL = `SELECT pg_catalog.pg_advisory_lock(${LOCK_KEYS[0]}, ${LOCK_KEYS[1]})`;
export const SESSION_UNLOCK_SQL = `SELECT pg_catalog.pg_advisory_unlock(${LOCK_KEYS[0]}, ${LOCK_KEYS[1]})`;

export class ApplyError extends Error {
  constructor(
    message: string,
    /** 0-based index of the failed step, when a step failed. */
    readonly failedStep: number | null = null,
    readonly hint: string | null = null,
    /** The server's SQLSTATE, when the server refused a statement. */
    readonly code: string | null = null,
  ) {
    super(message);
    this.name = 'ApplyError';
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The server process holding the advisory lock in this database, if another one does. */
export async function lockHolder(db: Db): Promise<number | null> {
  // Advisory locks belong to one database: a holder in another database on the server is no one's business here.
  const rows = await db.query<{ pid: number }>(
    `SELECT l.pid FROM pg_catalog.pg_locks l
      WHERE l.locktype = 'advisory' AND l.classid = $1 AND l.objid = $2 AND l.objsubid = 2 AND l.granted
        AND l.pid <> pg_catalog.pg_backend_pid()
        AND l.database = (SELECT d.oid FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database())`,
    [...LOCK_KEYS],
  );
  return rows[0]?.pid ?? null;
}

function busy(pid: number | null, waitMs: number): ApplyError {
  const who = pid !== null ? ` (server process ${pid})` : '';
  return new ApplyError(`another schema command is changing this database${who}; waited ${Math.round(waitMs / 1000)} s`, null, 'try again when it has finished');
}

/** Take the session-level lock, trying every 200 ms; never called inside a transaction. */
async function takeLock(db: Db, waitMs: number): Promise<void> {
  const started = Date.now();
  for (;;) {
    const rows = await db.query<{ ok: boolean }>('SELECT pg_catalog.pg_try_advisory_lock($1, $2) AS ok', [...LOCK_KEYS]);
    if (rows[0]?.ok) return;
    if (Date.now() - started >= waitMs) throw busy(await lockHolder(db), waitMs);
    await sleep(200);
  }
}

/**
 * Run `fn` holding the advisory lock for the whole session (across transactions, and around
 * statements that cannot run in one); released when `fn` ends, or by the server when the
 * connection goes. Waited for outside any transaction (see SESSION_LOCK_SQL); a nested call
 * takes it again at once and gives that back.
 */
export async function withSessionLock<T>(db: Db, lockWaitMs: number, fn: () => Promise<T>): Promise<T> {
  await takeLock(db, lockWaitMs);
  try {
    return await fn();
  } finally {
    await db.query('SELECT pg_catalog.pg_advisory_unlock($1, $2)', [...LOCK_KEYS]).catch(() => undefined);
  }
}

/**
 * Run `fn` in a transaction holding the advisory lock: committed when it returns, rolled back
 * when it throws. The lock is waited for before the transaction opens (see SESSION_LOCK_SQL).
 */
export async function inLockedTransaction<T>(db: Db, lockWaitMs: number, fn: () => Promise<T>): Promise<T> {
  return withSessionLock(db, lockWaitMs, async () => {
    await db.exec('BEGIN');
    let result: T;
    try {
      result = await fn();
    } catch (error) {
      await db.exec('ROLLBACK').catch(() => undefined);
      throw error;
    }
    await db.exec('COMMIT');
    return result;
  });
}

/** Where a slice of steps sits in the whole: its first step's index, and how many there are. */
export interface Numbering {
  readonly first: number;
  readonly total: number;
}

/** How many rows a batch of a backfill step filled (its statement returns `filled` for each row it updated). */
const filledBy = (rows: readonly Record<string, unknown>[]): number => rows.filter((r) => r['filled'] === true || r['filled'] === 't').length;

/**
 * Run steps in order, statement by statement.
 * A `backfill` step's statement fills one batch: it is run again until it fills no row, in
 * this transaction; with `oneBatch`, once (the caller commits and runs it again), and the rows
 * it filled are returned. A failure throws ApplyError naming the step,
 * its statement and the server's reason (`what` says whose steps: "the plan", "revision x";
 * `outcome` what the rollback leaves, for the transaction these steps run in).
 * `numbering` places the steps in a larger whole, so messages count as the user does.
 */
export async function runSteps(
  db: Db,
  steps: readonly Step[],
  what: string,
  onStep?: (index: number, step: Step) => void | Promise<void>,
  outcome = 'the database is as it was',
  numbering: Numbering = { first: 0, total: steps.length },
  oneBatch = false,
): Promise<number> {
  let filled = 0;
  for (const [i, step] of steps.entries()) {
    await onStep?.(i, step);
    for (const statement of step.sql) {
      try {
        if (step.op !== 'backfill') await db.exec(statement);
        else if (oneBatch) filled = filledBy(await db.exec(statement));
        else while (filledBy(await db.exec(statement)) > 0);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        const code = (error as { code?: string | null }).code ?? null;
        const n = numbering.first + i;
        throw new ApplyError(
          `${what}: step ${n + 1} of ${numbering.total} failed (${step.op} ${step.object}): ${reason}\n` +
            `  statement: ${statement.split('\n')[0]}${statement.includes('\n') ? ' ...' : ''}\n` +
            `  ${i} step${i === 1 ? '' : 's'} before it rolled back, ${steps.length - i - 1} not run: ${outcome}`,
          n,
          null,
          code,
        );
      }
    }
  }
  return filled;
}
