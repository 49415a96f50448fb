// Changes that cannot run in one transaction: CREATE/DROP INDEX CONCURRENTLY, or more objects
// than the server's lock table holds at once. The steps run in groups, each group in its own
// transaction (or alone, outside any), with lock_timeout and statement_timeout set and a step
// retried when it timed out waiting for a lock. Progress is recorded with each group, so an
// interrupted run is finished by the next one; a half-built (INVALID) index is rebuilt.
import type { Db } from '../db/db.js';
import { qualify } from '../model/identifiers.js';
import { timeouts, type RunSettings } from '../plan/run-settings.js';
import type { Execution, Step } from '../plan/types.js';
import { markDone } from '../revisions/ledger.js';
import { LOCK_NOT_AVAILABLE } from '../db/locks.js';
import { ApplyError, runSteps, type Numbering } from './transaction.js';
export { lockBudget } from '../db/locks.js';

export interface Group {
  /** Index of the first step, and one past the last. */
  readonly from: number;
  readonly to: number;
  /** False for a step that must run outside a transaction. */
  readonly transactional: boolean;
}

/** What the catalog knows of a table a step touches, for the lock estimate. */
export interface TableObjects {
  /** Objects that go with it when it is dropped (itself, indexes, TOAST, constraints, types, defaults...). */
  readonly dependents: number;
  /** The table, its indexes and its TOAST table and index. */
  readonly relations: number;
}

/** By the path the step names (its object, or a table of `lock_on`). */
export type KnownObjects = ReadonlyMap<string, TableObjects>;

const tablesOf = (s: Step): readonly string[] => s.lock_on ?? [s.object];

/**
 * Locks a step takes in the server's lock table, estimated: from the real objects where the
 * catalog knows them (a dropped table locks everything that goes with it; a step on a table,
 * the table and its indexes, twice over for a rewrite), else a flat guess.
 */
export function locksOf(s: Step, known: KnownObjects = new Map()): number {
  if (s.op === 'drop_table') {
    const k = known.get(s.object);
    return k ? k.dependents + 2 : 8;
  }
  // A new table: itself, its TOAST table and index, the indexes of its keys, an identity's
  // sequence, its row and array types, each in the modes its statement takes (measured: 16 for
  // a table of 9 columns with an identity, a primary key and a unique key; a table of 60
  // columns with several keys takes more, so this is generous).
  if (s.op === 'create_table') return 24;
  // A step on a table the catalog does not know yet (made by the plan): the table in a mode of
  // the step's own, its new index or constraint, and what the constraint references.
  return tablesOf(s).reduce((n, t) => {
    const k = known.get(t);
    return n + (k ? 2 * k.relations + 2 : 8);
  }, 0);
}

/**
 * Steps in groups: consecutive transactional steps together unless they would take more locks
 * than `budget`; each concurrent step alone.
 */
export function groupSteps(steps: readonly Step[], budget: number, known: KnownObjects = new Map()): Group[] {
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
    const cost = locksOf(s, known);
    if (locks + cost > budget && i > from) {
      out.push({ from, to: i, transactional: true });
      from = i;
      locks = 0;
    }
    locks += cost;
  });
  if (from < steps.length) out.push({ from, to: steps.length, transactional: true });
  return out;
}

/** Each step on its own, committed alone: how an online plan runs. */
export const stepByStep = (steps: readonly Step[]): Group[] => steps.map((s, i) => ({ from: i, to: i + 1, transactional: !s.concurrently }));

/**
 * The objects of the existing tables the steps touch, in one catalog query. Paths the server
 * cannot resolve (new tables, enums, schemas) are left out; so is everything when the query fails.
 */
export async function knownObjects(db: Db, steps: readonly Step[]): Promise<KnownObjects> {
  const paths = [...new Set(steps.flatMap(tablesOf))];
  if (paths.length === 0) return new Map();
  try {
    const rows = await db.query<{ path: string; dependents: number; relations: number }>(
      `SELECT p.path,
          (WITH RECURSIVE d(classid, objid) AS (
              SELECT 'pg_catalog.pg_class'::pg_catalog.regclass::oid, c.oid
              UNION
              SELECT dep.classid, dep.objid FROM pg_catalog.pg_depend dep JOIN d ON dep.refclassid = d.classid AND dep.refobjid = d.objid
                WHERE dep.deptype IN ('n', 'a', 'i'))
            SELECT count(*) FROM d)::int AS dependents,
          (1 + (SELECT count(*) FROM pg_catalog.pg_index i WHERE i.indrelid = c.oid) + CASE WHEN c.reltoastrelid <> 0 THEN 2 ELSE 0 END)::int AS relations
        FROM unnest($1::text[]) AS p(path)
        CROSS JOIN LATERAL (SELECT pg_catalog.parse_ident(p.path) AS part) x
        JOIN pg_catalog.pg_class c ON c.oid = pg_catalog.to_regclass(pg_catalog.quote_ident(x.part[1]) || '.' || pg_catalog.quote_ident(x.part[2]))
        WHERE c.relkind IN ('r', 'p')`,
      [paths],
    );
    return new Map(rows.map((r) => [r.path, { dependents: Number(r.dependents), relations: Number(r.relations) }]));
  } catch {
    return new Map();
  }
}

export interface Schedule {
  readonly groups: readonly Group[];
  readonly execution: Execution;
}

/** The groups steps run in and why, in words (pure: the budget and the catalog's figures come in). */
export function schedule(steps: readonly Step[], options: { readonly online: boolean; readonly budget: number; readonly known?: KnownObjects }): Schedule {
  const groups = options.online ? stepByStep(steps) : groupSteps(steps, options.budget, options.known);
  if (groups.length <= 1 && (groups[0]?.transactional ?? true)) return { groups, execution: { atomic: true, transactions: 1, reason: null } };
  const concurrent = steps.filter((s) => s.concurrently).length;
  const outside = `${concurrent === 1 ? 'a step' : `${concurrent} steps`} cannot run inside a transaction`;
  let reason: string;
  if (options.online) {
    reason = `online: ${steps.length} steps, each committed on its own${concurrent > 0 ? ` (${concurrent} outside any transaction)` : ''}`;
  } else {
    const byLocks =
      groupSteps(
        steps.filter((s) => !s.concurrently),
        options.budget,
        options.known,
      ).length > 1;
    const why = [...(byLocks ? [`the plan takes more locks than one transaction may hold on this server (about ${options.budget})`] : []), ...(concurrent > 0 ? [outside] : [])];
    reason = `${why.join(', and ')}; it runs in ${groups.length} transactions`;
  }
  return { groups, execution: { atomic: false, transactions: groups.length, reason } };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function indexState(db: Db, schema: string, index: string): Promise<'valid' | 'invalid' | 'absent'> {
  const rows = await db.query<{ valid: boolean }>('SELECT i.indisvalid AS valid FROM pg_catalog.pg_index i WHERE i.indexrelid = pg_catalog.to_regclass($1)', [qualify(schema, index)]);
  return rows.length === 0 ? 'absent' : rows[0]!.valid ? 'valid' : 'invalid';
}

/** A concurrent step, made safe to run again: a finished build is kept, a half-built one dropped. */
async function runConcurrently(db: Db, step: Step, what: string, numbering: Numbering): Promise<void> {
  const target = step.concurrently!;
  const state = await indexState(db, target.schema, target.index);
  if (target.creates && state === 'valid') return;
  if (!target.creates && state === 'absent') return;
  if (target.creates && state === 'invalid') await db.exec(`DROP INDEX CONCURRENTLY IF EXISTS ${qualify(target.schema, target.index)}`);
  await runSteps(db, [step], what, undefined, undefined, numbering);
}

/**
 * What a concurrent step that failed left behind: a build or drop cut short leaves its index
 * INVALID. Null when nothing is left (or the index is as it was).
 */
async function leftBehind(db: Db, step: Step): Promise<string | null> {
  const target = step.concurrently!;
  const index = qualify(target.schema, target.index);
  const state = await indexState(db, target.schema, target.index).catch(() => null);
  if (state === null) return `may have left the index ${index} INVALID`;
  if (state !== 'invalid') return null;
  return target.creates ? `left the index ${index} INVALID (half built: it is dropped and built again when the apply is finished)` : `left the index ${index} INVALID, not yet dropped`;
}

/** A failure of steps run in groups: what was done before it, and whether the database changed. */
export class GroupError extends ApplyError {
  constructor(
    message: string,
    failedStep: number | null,
    code: string | null,
    /** Steps done and committed before the failure. */
    readonly done: number,
    /** False only when the database is exactly as before the run. */
    readonly changed: boolean,
  ) {
    super(message, failedStep, null, code);
  }
}

/** The default way on after a failure, for messages. */
const RUN_AGAIN = 'run the same command again to finish, once the cause is fixed';

/**
 * Run `steps[start..]` in groups, recording progress under `revision` after each. A group
 * that timed out on a lock is rolled back and tried again (up to `lockRetries` times);
 * any other failure stops, with what is done kept and recorded, and throws GroupError saying
 * what remains and `next` (how to go on).
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
  next: string = RUN_AGAIN,
): Promise<void> {
  // Batches of a backfill committed before a failure: the database changed, even at the first step.
  let filledSome = false;
  for (const group of groups) {
    if (group.to <= start) continue;
    const from = Math.max(group.from, start);
    const part = steps.slice(from, group.to);
    const numbering = { first: from, total: steps.length };
    for (let attempt = 0; ; attempt++) {
      try {
        if (group.transactional) {
          // A backfill alone in its group commits batch by batch; the group is done once a batch fills nothing.
          const batches = part.length === 1 && part[0]!.op === 'backfill';
          for (let batch = 0; ; batch++) {
            await db.exec(`BEGIN; ${timeouts(settings, true)}`);
            try {
              const filled = await runSteps(db, part, what, batch === 0 ? (i, step) => onStep?.(from + i, step) : undefined, undefined, numbering, batches);
              const more = batches && filled > 0;
              if (!more) await markDone(db, revision, group.to);
              await db.exec('COMMIT');
              if (!more) break;
              filledSome = true;
            } catch (error) {
              await db.exec('ROLLBACK').catch(() => undefined);
              throw error;
            }
          }
        } else {
          await onStep?.(from, part[0]!);
          await db.exec(timeouts(settings, false));
          try {
            await runConcurrently(db, part[0]!, what, numbering);
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
        const partial = group.transactional ? null : await leftBehind(db, part[0]!);
        const remains =
          from === 0 && partial === null && !filledSome
            ? ['nothing was changed']
            : [
                from === 0 ? 'no step before it was done' : from === 1 ? 'step 1 is done and kept' : `steps 1 to ${from} are done and kept`,
                ...(partial ? [`step ${from + 1} ran outside a transaction and ${partial}`] : []),
                next,
              ];
        throw new GroupError(
          `${reason.split('\n')[0]}${code === LOCK_NOT_AVAILABLE ? ` (still waiting for a lock after ${attempt + 1} tr${attempt === 0 ? 'y' : 'ies'})` : ''}\n  ${remains.join('; ')}`,
          error instanceof ApplyError ? error.failedStep : from,
          code,
          from,
          from > 0 || partial !== null || filledSome,
        );
      }
    }
  }
}
