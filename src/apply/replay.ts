// Replay revision files: each revision's own SQL, in its own transaction under the advisory
// lock, with the ledger row added (upgrade) or removed (downgrade) in the same transaction.
import type { Db } from '../db/db.js';
import { introspect } from '../introspect/introspect.js';
import { fingerprint } from '../model/fingerprint.js';
import { quoteLiteral } from '../model/identifiers.js';
import type { Model } from '../model/model.js';
import { runsOnline, type Step } from '../plan/types.js';
import { commentText } from '../render/words.js';
import { groupedSql, stepByStepSql, stepsAsSql } from '../render/sql.js';
import type { Chain, Revision } from '../revisions/chain.js';
import {
  appliedRevisions,
  ensureLedger,
  ensurePending,
  finishPending,
  LEDGER_DDL,
  readPending,
  recordRevision,
  guardSql,
  recordRevisionSql,
  removeRevision,
  removeRevisionSql,
  startPending,
  type Pending,
} from '../revisions/ledger.js';
import { driftedStart, startOfPending, stateToRecord, type DriftedStart } from './chain-state.js';
import { scheduleOn } from './apply.js';
import { PATIENT, type RunSettings } from '../plan/run-settings.js';
import { runGroups, stepByStep, type Group, type Schedule } from './groups.js';
import { ApplyError, inLockedTransaction, runSteps, SESSION_LOCK_SQL, SESSION_UNLOCK_SQL, withSessionLock } from './transaction.js';

export type Direction = 'upgrade' | 'downgrade';

export interface ReplayOptions {
  readonly lockWaitMs?: number;
  /** Timeouts and retries for a revision with steps outside a transaction (default: 5 s, 3 retries). */
  readonly settings?: RunSettings;
  /** Locks one transaction may take (default: half the server's lock table), as for `apply`. */
  readonly lockBudget?: number;
  readonly onStep?: (index: number, step: Step) => void | Promise<void>;
  /** Called once, before the first step, when the revision runs in several transactions, saying why. */
  readonly onGroups?: (groups: number, reason: string) => void;
  /**
   * After an upgrade whose state the chain cannot tell from the database alone (see
   * chain-state.ts): work it out by a replay without data and record it (verify/'s
   * `recordReplayedState`). Without one, that state is left unrecorded, as a script leaves it.
   */
  readonly replayState?: ReplayState;
  /**
   * Called inside the transaction that starts the revision, under the lock and before its first
   * step, with the steps it runs: a throw rolls it back (operations/ checks consent there).
   */
  readonly beforeSteps?: (db: Db, steps: readonly Step[]) => Promise<void>;
}

/** Works out and records the state after `revision` ran on a database that had drifted (`start`). */
export type ReplayState = (db: Db, revision: Revision, start: DriftedStart) => Promise<void>;

export const ONLINE_DEFAULTS: RunSettings = { lockTimeout: '5s', statementTimeout: null, lockRetries: 3 };

const label = (r: Revision): string => `revision ${r.revision} (${r.fileName})`;
const stepsOf = (r: Revision, direction: Direction): readonly Step[] => (direction === 'upgrade' ? r.upgrade : r.downgrade);

/**
 * How a revision's steps run, as `apply` ran them: a revision with steps that cannot run in a
 * transaction came from an online plan, one step per transaction; any other in one transaction,
 * split where the locks it takes would overflow the server's lock table.
 */
export async function replaySchedule(db: Db, steps: readonly Step[], lockBudget?: number): Promise<Schedule> {
  return scheduleOn(db, steps, steps.some(runsOnline), lockBudget);
}

/** Timeouts for a revision run in groups: an online one's, else none (as `apply` runs a split plan). */
const settingsFor = (steps: readonly Step[], settings: RunSettings | undefined): RunSettings => (steps.some(runsOnline) ? (settings ?? ONLINE_DEFAULTS) : PATIENT);

const article = (word: string): string => (/^[aeiou]/.test(word) ? 'an' : 'a');

/**
 * The refusal for work left unfinished. An unfinished apply blocks every replay: finished
 * later, it would record its revision after a parent a replay may have undone or moved past.
 * An unfinished upgrade blocks a downgrade (and the other way round, and an apply): finishing it
 * first would do something else than was asked; only the same command finishes it.
 */
export function unfinishedError(pending: Pending, forScript = false, wanted?: Direction | 'apply'): ApplyError {
  const what = `${article(pending.direction)} ${pending.direction} of revision ${pending.revision} is unfinished (it stopped after step ${pending.done} of ${pending.steps.length})`;
  if (pending.direction === 'apply') {
    return new ApplyError(`${what}; upgrade and downgrade wait until it is done`, null, 'run `schema apply` to finish it first');
  }
  if (wanted && wanted !== pending.direction) {
    return new ApplyError(`${what}; ${article(wanted)} ${wanted} cannot start until it is done`, null, `run \`schema ${pending.direction}\` to finish it first`);
  }
  return new ApplyError(`${what}${forScript ? '; a script would start from the wrong place' : ''}`, null, `run \`schema ${pending.direction}\` (without --sql) to finish it first`);
}

/** Is `revision` ready to run this way, by the ledger? Throws ApplyError when not. Runs under the lock. */
async function checkReady(db: Db, revision: Revision, direction: Direction): Promise<void> {
  const pending = await readPending(db);
  if (pending) throw unfinishedError(pending, false, direction);
  const applied = await appliedRevisions(db);
  const ids = new Set(applied.map((a) => a.revision));
  if (direction === 'upgrade') {
    if (ids.has(revision.revision)) throw new ApplyError(`${label(revision)} is already applied (did another upgrade run?)`);
    const missing = revision.parents.filter((p) => !ids.has(p));
    if (missing.length > 0) throw new ApplyError(`${label(revision)} follows ${missing.join(', ')}, which this database has not applied`);
  } else {
    if (!ids.has(revision.revision)) throw new ApplyError(`${label(revision)} is not applied to this database`);
    const child = applied.find((a) => a.parents.includes(revision.revision));
    if (child) throw new ApplyError(`${label(revision)} cannot be undone before ${child.revision} (${child.file}), which follows it`);
  }
}

/**
 * The ledger change that closes a revision run, inside the last transaction. An upgrade records
 * the state the chain defines (see chain-state.ts); when only a replay can tell it, what to run
 * once the transaction has committed is returned.
 */
async function recordRun(db: Db, revision: Revision, direction: Direction, started: number, start: DriftedStart | null, replayState: ReplayState | undefined): Promise<(() => Promise<void>) | null> {
  if (direction === 'downgrade') {
    await removeRevision(db, revision.revision);
    return null;
  }
  const after = await introspect(db);
  const state = stateToRecord(revision, start, after.model);
  await recordRevision(db, {
    revision: revision.revision,
    parents: revision.parents,
    file: revision.fileName,
    checksum: revision.checksum,
    message: revision.message,
    durationMs: Date.now() - started,
    fingerprint: state.model && fingerprint(state.model),
    snapshot: state.model,
  });
  return state.replay && start && replayState ? () => replayState(db, revision, start) : null;
}

/**
 * Run one revision one way, in the transactions `apply` ran it in (see `replaySchedule`). All
 * or nothing when its steps fit one transaction (the steps and the ledger change commit
 * together); in groups otherwise, with progress kept (finished by `resumeRun`), the ledger
 * changed once the last group is done.
 */
export async function runRevision(db: Db, revision: Revision, direction: Direction, options: ReplayOptions = {}): Promise<number> {
  const started = Date.now();
  const steps = stepsOf(revision, direction);
  const lockWaitMs = options.lockWaitMs ?? 60_000;
  await withSessionLock(db, lockWaitMs, async () => {
    const { groups, execution } = await replaySchedule(db, steps, options.lockBudget);
    if (execution.atomic) {
      const later = await inLockedTransaction(db, lockWaitMs, async () => {
        await checkReady(db, revision, direction);
        await options.beforeSteps?.(db, steps);
        await ensureLedger(db);
        const start = direction === 'upgrade' ? await driftedStart(db) : null;
        const outcome = direction === 'upgrade' ? `${label(revision)} was rolled back and is not applied` : `the downgrade of ${label(revision)} was rolled back, so it is still applied`;
        await runSteps(db, steps, label(revision), options.onStep, outcome);
        return recordRun(db, revision, direction, started, start, options.replayState);
      });
      // A state that needs a scratch replay is worked out after the commit, with no table locks held.
      await later?.();
      return;
    }
    await db.exec('BEGIN');
    try {
      await checkReady(db, revision, direction);
      await options.beforeSteps?.(db, steps);
      await ensurePending(db);
      const start = direction === 'upgrade' ? await driftedStart(db) : null;
      await startPending(db, { revision: revision.revision, direction, steps, payload: { groups, ...(start ? { drifted: start } : {}) } });
      await db.exec('COMMIT');
    } catch (error) {
      await db.exec('ROLLBACK').catch(() => undefined);
      throw error;
    }
    options.onGroups?.(groups.length, execution.reason ?? '');
    await finishRun(db, revision, direction, 0, groups, settingsFor(steps, options.settings), started, options);
  });
  return Date.now() - started;
}

export interface RunAllOptions extends Omit<ReplayOptions, 'onStep' | 'onGroups' | 'beforeSteps'> {
  readonly beforeSteps?: (db: Db, revision: Revision, steps: readonly Step[]) => Promise<void>;
  readonly onStep?: (revision: Revision, index: number, step: Step) => void | Promise<void>;
  readonly onGroups?: (revision: Revision, groups: number, reason: string) => void;
  /** Called when a revision has committed, with how long it took. */
  readonly onDone?: (revision: Revision, ms: number) => void;
}

export interface RunAllResult {
  /** The revisions this call ran, in order. */
  readonly ran: readonly Revision[];
  /** Those another run had already run this way by the time the lock was taken (skipped). */
  readonly skipped: readonly Revision[];
}

/**
 * Run `revisions` one way, in order, each with `runRevision` (so each commits on its own), all
 * under one session-level advisory lock waited for outside any transaction. Under the lock the
 * ledger is read again: a revision another run has meanwhile applied (upgrade) or undone
 * (downgrade) is skipped, so two runs started together do the work once. A failure throws
 * ApplyError saying which revision failed and was rolled back, and where the database stands:
 * on the last revision that committed.
 */
export async function runRevisions(db: Db, chain: Chain, revisions: readonly Revision[], direction: Direction, options: RunAllOptions = {}): Promise<RunAllResult> {
  return withSessionLock(db, options.lockWaitMs ?? 60_000, async () => {
    const now = new Set((await appliedRevisions(db)).map((a) => a.revision));
    const done = (r: Revision): boolean => (direction === 'upgrade' ? now.has(r.revision) : !now.has(r.revision));
    const skipped = revisions.filter(done);
    const left = revisions.filter((r) => !done(r));
    for (const [k, r] of left.entries()) {
      let ms: number;
      try {
        ms = await runRevision(db, r, direction, {
          ...options,
          onStep: (i, step) => options.onStep?.(r, i, step),
          onGroups: (n, reason) => options.onGroups?.(r, n, reason),
          beforeSteps: options.beforeSteps && ((d, steps) => options.beforeSteps!(d, r, steps)),
        });
      } catch (error) {
        if (!(error instanceof ApplyError)) throw error;
        throw new ApplyError(`${error.message}\n  ${standing(chain, now, left.slice(0, k), left.length, direction)}`, error.failedStep, error.hint, error.code);
      }
      if (direction === 'upgrade') now.add(r.revision);
      else now.delete(r.revision);
      options.onDone?.(r, ms);
    }
    return { ran: left, skipped };
  });
}

/** Where the database stands after `ran` committed (of `total`), for a failure's message. */
function standing(chain: Chain, applied: ReadonlySet<string>, ran: readonly Revision[], total: number, direction: Direction): string {
  const at = chain.currentOf(applied);
  const where = at.length === 0 ? 'base' : at.map(label).join(', ');
  const last = ran[ran.length - 1];
  if (!last) return `the database is still at ${where}`;
  const count = `${ran.length} of ${total} revisions ran`;
  if (direction === 'downgrade') return `the database is at ${where}: the downgrade of ${ran.map((r) => r.revision).join(', ')} committed (${count})`;
  const lastOne = at.length === 1 && at[0]!.revision === last.revision;
  return lastOne ? `the database is at ${where}, the last revision that committed (${count})` : `the database is at ${where}; the last revision that committed is ${label(last)} (${count})`;
}

async function finishRun(
  db: Db,
  revision: Revision,
  direction: Direction,
  done: number,
  groups: readonly Group[],
  settings: RunSettings,
  started: number,
  options: Pick<ReplayOptions, 'onStep' | 'replayState'>,
): Promise<void> {
  const steps = stepsOf(revision, direction);
  await runGroups(db, revision.revision, steps, groups, done, settings, label(revision), options.onStep);
  await db.exec('BEGIN');
  let later: (() => Promise<void>) | null;
  try {
    later = await recordRun(db, revision, direction, started, await startOfPending(db, revision.revision), options.replayState);
    await finishPending(db, revision.revision);
    await db.exec('COMMIT');
  } catch (error) {
    await db.exec('ROLLBACK').catch(() => undefined);
    throw error;
  }
  await later?.();
}

/** An upgrade or downgrade cut short, if there is one. */
export async function interruptedRun(db: Db): Promise<Pending | null> {
  const pending = await readPending(db);
  return pending && pending.direction !== 'apply' ? pending : null;
}

/** Finish an upgrade or downgrade of one revision that was cut short. */
export async function resumeRun(db: Db, revision: Revision, options: ReplayOptions = {}): Promise<number> {
  const started = Date.now();
  await withSessionLock(db, options.lockWaitMs ?? 60_000, async () => {
    const pending = await interruptedRun(db);
    if (!pending || pending.revision !== revision.revision) throw new ApplyError(`there is no interrupted run of ${label(revision)} to finish`);
    // The groups it started with (absent in records of older versions: one step each).
    const groups = (pending.payload['groups'] as readonly Group[] | undefined) ?? stepByStep(pending.steps);
    await finishRun(db, revision, pending.direction as Direction, pending.done, groups, settingsFor(pending.steps, options.settings), started, options);
  });
  return Date.now() - started;
}

/** For an upgrade script: the Model after each revision (null where it could not be computed), and why not. */
export interface ScriptStates {
  readonly after: readonly (Model | null)[];
  /** Said in the script's header when some state is missing. */
  readonly note: string | null;
  /** Where the revisions' SQL ran to work the states out (see `statesAfter`); null when it did not run. */
  readonly where: string | null;
}

/** The session lock in a psql script, taken and given back without printing a result table. */
const SCRIPT_LOCK = `DO $$ BEGIN PERFORM ${SESSION_LOCK_SQL.replace(/^SELECT /, '')}; END $$;`;
const SCRIPT_UNLOCK = `DO $$ BEGIN PERFORM ${SESSION_UNLOCK_SQL.replace(/^SELECT /, '')}; END $$;`;

/**
 * The script that does what `runRevision` does, for a person to run with psql: each revision
 * in its own transaction under the same lock, first checking that the ledger is where the
 * script expects it (so a script run on a database at another revision stops before it
 * changes anything), and with its ledger row (for an upgrade, with the state after it when
 * `states` has it, as `runRevision` records it). A revision that `runRevision` runs in
 * several transactions (`schedules`, one per revision, from `replaySchedule`; without them,
 * one step per transaction when some step cannot run inside one) runs in the same ones, under
 * a session lock, with the ledger checked first and changed last. Runs nothing.
 */
export function replayScript(revisions: readonly Revision[], direction: Direction, states: ScriptStates | null = null, schedules: readonly Schedule[] | null = null): string {
  const out = [
    `-- schema ${direction}: ${revisions.length} revision${revisions.length === 1 ? '' : 's'}, for psql (it stops at the first error)`,
    '-- Each revision first checks that this database is where the script expects it, and stops with',
    '-- an error, before it changes anything, when it is not.',
    ...(states?.note ? [`-- ${commentText(states.note)}`] : []),
    '\\set ON_ERROR_STOP on',
    // The ledger is made IF NOT EXISTS: no NOTICE for each revision that finds it there.
    'SET client_min_messages = warning;',
    // psql reads quotes as the server does: with this off (set on the database or role), a
    // backslash would end a string early for psql where the parser that checked the file saw none,
    // and what follows could be read as a psql command (`\!` runs a shell).
    'SET standard_conforming_strings = on;',
    '',
  ];
  revisions.forEach((r, n) => {
    const steps = stepsOf(r, direction);
    const snapshot = states?.after[n] ?? null;
    const ledger =
      direction === 'upgrade' ? `${recordRevisionSql({ ...r, file: r.fileName, fingerprint: snapshot && fingerprint(snapshot), snapshot }, quoteLiteral)};` : `${removeRevisionSql(r.revision, quoteLiteral)};`;
    const guard = [...(direction === 'upgrade' && n === 0 ? LEDGER_DDL.map((s) => `${s};`) : []), `${guardSql({ ...r, file: r.fileName }, direction)};`];
    out.push(`-- ${commentText(`${label(r)}: ${r.message}`)}`);
    const schedule = schedules?.[n];
    const blocks = schedule ? (schedule.execution.atomic ? null : groupedSql(steps, schedule.groups)) : stepByStepSql(steps);
    if (!blocks) {
      out.push(SCRIPT_LOCK, 'BEGIN;', ...guard);
      if (steps.length > 0) out.push(stepsAsSql(steps));
      out.push(ledger, 'COMMIT;', SCRIPT_UNLOCK, '');
      return;
    }
    // Not one transaction: each group on its own (a step that cannot run in one, bare), under a session lock.
    if (schedule?.execution.reason) out.push(`-- ${commentText(`Not atomic: ${schedule.execution.reason}.`)}`);
    out.push(SCRIPT_LOCK, 'BEGIN;', ...guard, 'COMMIT;', '', ...blocks.flatMap((text) => [text, '']));
    out.push('BEGIN;', ledger, 'COMMIT;', SCRIPT_UNLOCK, '');
  });
  return out.join('\n');
}
