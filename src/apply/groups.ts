// Changes that cannot run in one transaction: CREATE/DROP INDEX CONCURRENTLY, or more objects
// than the server's lock table holds at once. The steps run in groups, each group in its own
// transaction (or alone, outside any), with lock_timeout and statement_timeout set and a step
// retried when it timed out waiting for a lock. Progress is recorded with each group, so an
// interrupted run is finished by the next one; a half-built (INVALID) index is rebuilt.
import type { Db } from '../db/db.js';
import { qualify, quoteLiteral } from '../model/identifiers.js';
import type { Step } from '../plan/types.js';
import { markDone } from '../revisions/ledger.js';
import { ApplyError, runSteps } from './transaction.js';

export interface RunSettings {
  /** Per statement: how long to wait for a lock (`5s`); null to wait as long as it takes. */
  readonly lockTimeout: string | null;
  /** Per statement: how long it may run; null for no limit. */
  readonly statementTimeout: string | null;
  /** How many times a step that timed out on its lock is tried again. */
  readonly lockRetries: number;
}

export const PATIENT: RunSettings = { lockTimeout: null, statementTimeout: null, lockRetries: 0 };

export interface Group {
  /** Index of the first step, and one past the last. */
  readonly from: number;
  readonly to: number;
  /** False for a step that must run outside a transaction. */
  readonly transactional: boolean;
}

/** Locks a step takes, roughly: its table, the table's indexes, TOAST and sequences. */
const locksOf = (s: Step): number => (s.op === 'create_table' || s.op === 'drop_table' ? 8 : 4);

/**
 * Steps in groups: consecutive transactional steps together unless they would take more locks
 * than `budget`; each concurrent step alone.
 */
export function groupSteps(steps: readonly Step[], budget: number): Group[] {
  const out: Group[] = [];
  let from = 0;
  let locks = 0;
  steps.forEach((s, i) => {
    if (s.concurrently) {
      if (i > from) out.push({ from, to: i, transactional: true });
      out.push({ from: i, to: i + 1, transactional: false });
      from = i + 1;
      locks = 0;
      return;
    }
    if (locks + locksOf(s) > budget && i > from) {
      out.push({ from, to: i, transactional: true });
      from = i;
      locks = 0;
    }
    locks += locksOf(s);
  });
  if (from < steps.length) out.push({ from, to: steps.length, transactional: true });
  return out;
}

/** How many locks one transaction may take: half the server's shared lock table. */
export async function lockBudget(db: Db): Promise<{ budget: number; table: number }> {
  const rows = await db.query<{ n: number }>(
    `SELECT (current_setting('max_locks_per_transaction')::int * (current_setting('max_connections')::int + current_setting('max_prepared_transactions')::int))::int AS n`,
  );
  const table = Number(rows[0]?.n ?? 6400);
  return { budget: Math.max(16, Math.floor(table / 2)), table };
}

function timeouts(settings: RunSettings, local: boolean): string {
  const set = local ? 'SET LOCAL' : 'SET';
  return [
    `${set} lock_timeout = ${quoteLiteral(settings.lockTimeout ?? '0')}`,
    `${set} statement_timeout = ${quoteLiteral(settings.statementTimeout ?? '0')}`,
  ].join('; ');
}

const LOCK_NOT_AVAILABLE = '55P03';
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function indexState(db: Db, schema: string, index: string): Promise<'valid' | 'invalid' | 'absent'> {
  const rows = await db.query<{ valid: boolean }>(
    'SELECT i.indisvalid AS valid FROM pg_catalog.pg_index i WHERE i.indexrelid = pg_catalog.to_regclass($1)',
    [qualify(schema, index)],
  );
  return rows.length === 0 ? 'absent' : rows[0]!.valid ? 'valid' : 'invalid';
}

/** A concurrent step, made safe to run again: a finished build is kept, a half-built one dropped. */
async function runConcurrently(db: Db, step: Step, what: string, index: number, total: number): Promise<void> {
  const target = step.concurrently!;
  const state = await indexState(db, target.schema, target.index);
  if (target.creates && state === 'valid') return;
  if (!target.creates && state === 'absent') return;
  if (target.creates && state === 'invalid') await db.exec(`DROP INDEX CONCURRENTLY IF EXISTS ${qualify(target.schema, target.index)}`);
  await runSteps(db, [step], what).catch((error: unknown) => {
    throw error instanceof ApplyError ? new ApplyError(error.message.replace('step 1 of 1', `step ${index + 1} of ${total}`), index, null, error.code) : error;
  });
}

/**
 * Run `steps[start..]` in groups, recording progress under `revision` after each. A group
 * that timed out on a lock is rolled back and tried again (up to `lockRetries` times);
 * any other failure stops, with what is done kept and recorded.
 */
export async function runGroups(
  db: Db,
  revision: string,
  steps: readonly Step[],
  groups: readonly Group[],
  start: number,
  settings: RunSettings,
  what: string,
  onStep?: (index: number, step: Step) => void | Promise<void>,
): Promise<void> {
  for (const group of groups) {
    if (group.to <= start) continue;
    const from = Math.max(group.from, start);
    const part = steps.slice(from, group.to);
    for (let attempt = 0; ; attempt++) {
      try {
        if (group.transactional) {
          await db.exec(`BEGIN; ${timeouts(settings, true)}`);
          try {
            await runSteps(db, part, what, (i, step) => onStep?.(from + i, step));
            await markDone(db, revision, group.to);
            await db.exec('COMMIT');
          } catch (error) {
            await db.exec('ROLLBACK').catch(() => undefined);
            throw error;
          }
        } else {
          await onStep?.(from, part[0]!);
          await db.exec(timeouts(settings, false));
          try {
            await runConcurrently(db, part[0]!, what, from, steps.length);
          } finally {
            await db.exec('RESET lock_timeout; RESET statement_timeout').catch(() => undefined);
          }
          await markDone(db, revision, group.to);
        }
        break;
      } catch (error) {
        const code = (error as { code?: string | null }).code ?? null;
        if (code === LOCK_NOT_AVAILABLE && attempt < settings.lockRetries) {
          await sleep(Math.min(8000, 500 * 2 ** attempt));
          continue;
        }
        const reason = error instanceof Error ? error.message : String(error);
        throw new ApplyError(
          `${reason.split('\n')[0]}${code === LOCK_NOT_AVAILABLE ? ` (still waiting for a lock after ${attempt + 1} tr${attempt === 0 ? 'y' : 'ies'})` : ''}\n` +
            (from === 0 ? '  nothing was changed' : `  steps 1 to ${from} are done and kept; run the same command again to finish, once the cause is fixed`),
          error instanceof ApplyError ? error.failedStep : from,
          null,
          code,
        );
      }
    }
  }
}
