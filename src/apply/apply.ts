// Run a plan and write its revision file. A plan that fits one transaction runs in one: all of
// it or none. An online plan, or one larger than the server's lock table, runs in groups under
// a session lock, with its progress recorded, and is finished by the next apply if cut short.
// Either way the revision (ledger row and file) is recorded only once every step is done, and
// the file appears in plans/ only after that transaction has committed.
import { mkdir, unlink } from 'node:fs/promises';
import type { Db } from '../db/db.js';
import { introspect, type Introspection } from '../introspect/introspect.js';
import { fingerprint } from '../model/fingerprint.js';
import { qualify, quoteLiteral } from '../model/identifiers.js';
import type { Plan, Step } from '../plan/types.js';
import { Chain, uniqueFileName, verifyApplied, type Applied } from '../revisions/chain.js';
import { formatRevision, isRevisionFileName, newRevisionId } from '../revisions/file.js';
import { plansDirError, readRevisions } from '../revisions/folder.js';
import type { StartedStep } from '../render/pending.js';
import { appliedRevisions, ensureLedger, ensurePending, finishPending, readPending, RECORD_CHECKSUM, recordRevision, startPending, type Pending } from '../revisions/ledger.js';
import { publish, recoverRevisionFiles, revisionPath, TempWriteError, writeTemp } from './files.js';
import { PATIENT, type RunSettings } from '../plan/run-settings.js';
import { GroupError, indexState, knownObjects, lockBudget, runGroups, schedule, type Schedule } from './groups.js';
import { checkedRecord, type ApplyPayload } from './resume.js';
import { ApplyError, inLockedTransaction, runSteps, withSessionLock } from './transaction.js';

export { ApplyError } from './transaction.js';
export { recoverRevisionFiles } from './files.js';

export interface ApplyOptions {
  readonly db: Db;
  readonly plan: Plan;
  readonly plansDir: string;
  readonly message: string;
  readonly now?: Date;
  /** How long to wait for another writer's lock before giving up (default 60 s). */
  readonly lockWaitMs?: number;
  /** Online: every step commits on its own, with these timeouts and retries. */
  readonly online?: RunSettings;
  /** Locks one transaction may take (default: half the server's lock table). */
  readonly lockBudget?: number;
  /** Called before each step runs. */
  readonly onStep?: (index: number, step: Step) => void | Promise<void>;
  /** Called once when the plan has to run in several transactions, saying why. */
  readonly onGroups?: (groups: number, reason: string) => void;
  /**
   * The plan was read from a file (`apply --plan`): its SQL is checked by where it leads.
   * After its steps the database must be the state its `fingerprint.to` names, or nothing
   * is kept (in one transaction) and no revision is recorded.
   */
  readonly saved?: boolean;
  /**
   * What the revision records, when it is not `plan`: the database changed outside schema since
   * its last revision, so `plan` (from the database as it is) runs here while the revision holds
   * the change from the state at the head of the chain, which is what other databases replay.
   * Its steps may be none (then no revision is recorded: `plan` only undoes the drift here), and
   * `plan`'s may be none (then only the revision is recorded: the database already has it).
   */
  readonly records?: Pick<Plan, 'steps' | 'downgrade'> & Partial<Pick<Plan, 'verification'>>;
  /**
   * Called inside the transaction that starts the plan, under the lock and before its first
   * step: a throw rolls it back, and nothing was changed (operations/ checks there that what was
   * consented to, or waived as touching no rows, still holds).
   */
  readonly beforeSteps?: (db: Db) => Promise<void>;
}

export interface ApplyResult {
  /** Null when no revision was recorded (the plan only brought the database back to the state at head). */
  readonly revision: string | null;
  /** Path of the revision file written; null with `revision`. */
  readonly file: string | null;
  readonly durationMs: number;
}

/** How to go on after an apply stopped with work done, for messages. */
const FINISH_OR_ABANDON = 'run `schema apply` again to finish, once the cause is fixed, or `schema apply --abandon` to give it up';

/**
 * Throws unless `applied` is at the single head of `chain`: an apply on a database behind
 * someone else's revisions, or on a folder with two heads, would fork the history.
 */
export function assertAtHead(chain: Chain, applied: readonly Applied[], plansDir: string): void {
  const head = chain.head();
  if (!head || applied.some((a) => a.revision === head.revision)) return;
  const waiting = chain.ordered.filter((r) => !applied.some((a) => a.revision === r.revision));
  throw new ApplyError(
    `this database is behind the revisions in ${plansDir}: ${waiting.length} revision${waiting.length === 1 ? '' : 's'} (up to ${head.revision}, ${head.fileName}) not applied here`,
    null,
    'run `schema upgrade` first, then plan again',
  );
}

/** Checks every apply makes under the lock (inside its transaction), before its first step. */
async function checkStart(db: Db, plan: Plan, chain: Chain, plansDir: string, lockWaitMs: number): Promise<void> {
  // First: another apply may have committed while this one waited for the lock.
  const before = await introspect(db, { lockTimeoutMs: lockWaitMs, inTransaction: true });
  if (fingerprint(before.model) !== plan.fingerprint.from) {
    throw new ApplyError('the database changed since this plan was made', null, 'run `schema plan` again and review the new plan');
  }
  const applied = await appliedRevisions(db);
  verifyApplied(chain, applied);
  assertAtHead(chain, applied, plansDir);
}

/** A saved plan whose steps did not lead to the state it names: edited since it was made. */
function notWhereItSays(committed: boolean): ApplyError {
  return new ApplyError(
    committed
      ? 'the saved plan does not lead where it says: after its steps the database is not the state the plan was made for (was the file edited?); its steps ran in separate transactions and stay, but no revision was recorded'
      : 'the saved plan does not lead where it says: after its steps the database would not be the state the plan was made for (was the file edited?); it was rolled back and nothing was changed',
    null,
    committed ? 'run `schema drift` and `schema plan` to see what changed, and plan again from schema.yaml' : 'make the plan again with `schema plan --format json`, review it, and apply that file unedited',
  );
}

/** The database once every step is done; for a saved plan, checked to be the state it names. */
async function arrived(db: Db, payload: ApplyPayload, committed: boolean): Promise<Introspection> {
  // Still inside the apply's transaction unless its steps were committed group by group.
  const after = await introspect(db, { inTransaction: !committed });
  if (payload.expectTo !== undefined && fingerprint(after.model) !== payload.expectTo) throw notWhereItSays(committed);
  return after;
}

/**
 * Inside the last transaction of an apply: the file under a temporary name in `plansDir`, the
 * ledger row, and the end of any pending record. Returns the temporary path (renamed once
 * committed). Throws TempWriteError when the file cannot be written (nothing is committed then).
 */
async function record(db: Db, revision: string, payload: ApplyPayload, plansDir: string, started: number, pending: boolean, after: Introspection): Promise<string | null> {
  if (payload.unrecorded) {
    if (pending) await finishPending(db, revision);
    return null;
  }
  const tempPath = await writeTemp(plansDir, payload.fileName, payload.text);
  await recordRevision(db, {
    revision,
    parents: payload.parents,
    file: payload.fileName,
    checksum: payload.checksum,
    message: payload.message,
    durationMs: Date.now() - started,
    fingerprint: fingerprint(after.model),
    snapshot: after.model,
  });
  if (pending) await finishPending(db, revision);
  return tempPath;
}

/** The revision file could not be written: what happened to the revision, and the way on. */
function unwritten(error: TempWriteError, revision: string, plansDir: string, committedSteps: number | null): ApplyError {
  const outcome =
    committedSteps === null
      ? 'the plan was rolled back: nothing was changed, and no revision is recorded'
      : `the ${committedSteps === 1 ? 'step is' : `${committedSteps} steps are`} done and kept in the database, but revision ${revision} is not recorded yet`;
  const again = committedSteps === null ? 'then run `schema apply` again' : 'then run `schema apply` again: it records the revision and writes its file, and runs nothing again';
  return new ApplyError(`${error.message}; ${outcome}`, null, `make writing in ${plansDir} possible again (free space, fix permissions, or move what is in the way), ${again}`);
}

/**
 * Apply `plan` and write its revision file (of `records` when given). Never call with nothing to
 * run and nothing to record. One transaction
 * when it fits: every step, the ledger row and the file, or nothing. In groups otherwise:
 * progress is kept, the revision is recorded when the last group is done. The advisory lock is
 * taken first (waited for outside any transaction) and held until the file is in place, so a
 * command that reads the ledger and plans/ under it never sees a revision whose file is still
 * being written.
 */
export async function applyPlan(options: ApplyOptions): Promise<ApplyResult> {
  return withSessionLock(options.db, options.lockWaitMs ?? 60_000, () => applyLocked(options));
}

async function applyLocked(options: ApplyOptions): Promise<ApplyResult> {
  const { db, plan, plansDir } = options;
  await recoverRevisionFiles(db, plansDir);
  const chain = Chain.of(await readRevisions(plansDir));
  const head = chain.head();
  const created = options.now ?? new Date();
  const id = newRevisionId();
  const parents = head ? [head.revision] : [];
  const records = options.records ?? plan;
  const { text, checksum } = formatRevision(records, { id, parents, created, message: options.message });
  const fileName = uniqueFileName(chain, created, options.message);
  await mkdir(plansDir, { recursive: true }).catch((error: unknown) => {
    throw plansDirError(plansDir, error);
  });
  const lockWaitMs = options.lockWaitMs ?? 60_000;
  const started = Date.now();

  const { groups, execution } = await scheduleOn(db, plan.steps, Boolean(options.online), options.lockBudget);
  const payload: ApplyPayload = {
    fileName,
    text,
    checksum,
    parents,
    message: options.message,
    fingerprint: plan.fingerprint,
    groups,
    ...(options.saved ? { expectTo: plan.fingerprint.to } : {}),
    // Only a drifted database has nothing to record: its plan brings it back to the state at head.
    ...(options.records && options.records.steps.length === 0 ? { unrecorded: true as const } : {}),
  };

  if (groups.length <= 1 && (groups[0]?.transactional ?? true) && !options.online) {
    let tempPath: string | null = null;
    try {
      await inLockedTransaction(db, lockWaitMs, async () => {
        await checkStart(db, plan, chain, plansDir, lockWaitMs);
        await options.beforeSteps?.(db);
        await ensureLedger(db);
        try {
          await runSteps(db, plan.steps, 'the plan', options.onStep);
        } catch (error) {
          if (error instanceof ApplyError) throw new ApplyError(`${error.message}, and no revision file was written`, error.failedStep, null, error.code);
          throw error;
        }
        tempPath = await record(db, id, payload, plansDir, started, false, await arrived(db, payload, false));
      });
    } catch (error) {
      if (tempPath) await unlink(tempPath).catch(() => undefined);
      if (error instanceof TempWriteError) throw unwritten(error, id, plansDir, null);
      throw error;
    }
    return result(tempPath, payload, plansDir, id, started);
  }

  options.onGroups?.(groups.length, execution.reason ?? '');
  await db.exec('BEGIN');
  try {
    if (options.online?.lockTimeout) await db.exec(`SET LOCAL lock_timeout = ${quoteLiteral(options.online.lockTimeout)}`);
    await checkStart(db, plan, chain, plansDir, lockWaitMs);
    await options.beforeSteps?.(db);
    await ensurePending(db);
    await startPending(db, { revision: id, direction: 'apply', steps: plan.steps, payload });
    await db.exec('COMMIT');
  } catch (error) {
    await db.exec('ROLLBACK').catch(() => undefined);
    throw error;
  }
  return finishApply(db, { revision: id, direction: 'apply', steps: plan.steps, done: 0, payload, started_at: '' }, plansDir, options.online ?? PATIENT, started, options.onStep);
}

/**
 * How `apply` will run `steps` on this database: online one step per transaction; else one
 * transaction, split where the locks it takes (estimated from the real objects) would overflow
 * the server's lock table, with steps that cannot run in a transaction on their own.
 */
export async function scheduleOn(db: Db, steps: readonly Step[], online: boolean, budget?: number): Promise<Schedule> {
  if (online) return schedule(steps, { online, budget: 0 });
  const [known, lockTable] = await Promise.all([knownObjects(db, steps), budget === undefined ? lockBudget(db) : null]);
  return schedule(steps, { online, budget: budget ?? lockTable!.budget, known });
}

/** Remove the pending record of an apply that changed nothing; false when it cannot be (the connection is gone). */
async function clearUntouched(db: Db, revision: string): Promise<boolean> {
  try {
    const left = await readPending(db);
    if (left?.revision === revision && left.done === 0) await finishPending(db, revision);
    return true;
  } catch {
    return false;
  }
}

/** Run what is left of `pending` (its payload checked, see resume.ts) and record its revision, writing the file in `plansDir`. */
async function finishApply(db: Db, pending: Pending, plansDir: string, settings: RunSettings, started: number, onStep?: (index: number, step: Step) => void | Promise<void>): Promise<ApplyResult> {
  const payload = pending.payload as ApplyPayload;
  // The groups announced when the apply started; the same ones run when it is finished.
  try {
    await runGroups(db, pending.revision, pending.steps, payload.groups, pending.done, settings, 'the plan', onStep, FINISH_OR_ABANDON);
  } catch (error) {
    // Stopped before its first step changed anything: there is nothing to finish, so nothing pending.
    if (error instanceof GroupError && !error.changed && !(await clearUntouched(db, pending.revision))) {
      throw new ApplyError(
        `${error.message.replace(/nothing was changed$/, 'nothing was changed in the schema')}, but the record of this unfinished apply (revision ${pending.revision}) remains: ${FINISH_OR_ABANDON}`,
        error.failedStep,
        null,
        error.code,
      );
    }
    throw error;
  }
  let after: Introspection;
  try {
    after = await arrived(db, payload, true);
  } catch (error) {
    // Its steps are committed; recording nothing, there is nothing left to finish either.
    await finishPending(db, pending.revision).catch(() => undefined);
    throw error;
  }
  await db.exec('BEGIN');
  let written: string | null;
  try {
    written = await record(db, pending.revision, payload, plansDir, started, true, after);
    await db.exec('COMMIT');
  } catch (error) {
    await db.exec('ROLLBACK').catch(() => undefined);
    if (!payload.unrecorded && isRevisionFileName(payload.fileName)) await unlink(revisionPath(plansDir, payload.fileName, true)).catch(() => undefined);
    if (error instanceof TempWriteError) throw unwritten(error, pending.revision, plansDir, pending.steps.length);
    throw error;
  }
  return result(written, payload, plansDir, pending.revision, started);
}

/** The file published (from its temporary path, null when nothing was recorded), and the revision it holds. */
async function result(tempPath: string | null, payload: ApplyPayload, plansDir: string, revision: string, started: number): Promise<ApplyResult> {
  const file = tempPath === null ? null : await publish(tempPath, plansDir, payload.fileName, revision);
  return { revision: file === null ? null : revision, file, durationMs: Date.now() - started };
}

/** An apply cut short, if there is one: its revision, and how far it got. */
export async function interruptedApply(db: Db): Promise<Pending | null> {
  const pending = await readPending(db);
  return pending?.direction === 'apply' ? pending : null;
}

/**
 * Give up the apply `revision` that was cut short: its record goes, and with it any revision file
 * it had started to write in `plansDir`. What its finished steps did stays in the database;
 * `schema plan` then plans from the database as it is. Returns the record that was dropped.
 * Works on any record, changed or not (it is the way out of one that cannot be finished).
 */
export async function abandonApply(db: Db, revision: string, plansDir: string, lockWaitMs = 60_000): Promise<Pending> {
  return withSessionLock(db, lockWaitMs, async () => {
    const pending = await interruptedApply(db);
    if (!pending || pending.revision !== revision) throw new ApplyError(`there is no unfinished apply of revision ${revision} to abandon (did another command finish or abandon it?)`);
    await finishPending(db, revision);
    const fileName = pending.payload['fileName'];
    if (typeof fileName === 'string' && isRevisionFileName(fileName)) await unlink(revisionPath(plansDir, fileName, true)).catch(() => undefined);
    return pending;
  });
}

/**
 * What the first step not done of `pending` left, read from the catalog: a concurrent build or
 * drop runs outside a transaction, so when it failed or was cut off it may have left its index
 * INVALID, or even finished before its progress was recorded. Null for any other step, or when
 * the index is as it was before the step.
 */
export async function startedStep(db: Db, pending: Pending): Promise<StartedStep | null> {
  const target = pending.steps[pending.done]?.concurrently;
  if (!target) return null;
  const state = await indexState(db, target.schema, target.index);
  const index = qualify(target.schema, target.index);
  if (state === 'invalid') return { index, creates: target.creates, state: 'invalid' };
  const finished = target.creates ? state === 'valid' : state === 'absent';
  return finished ? { index, creates: target.creates, state: 'finished' } : null;
}

export interface ResumeOptions {
  readonly lockWaitMs?: number;
  readonly onStep?: (index: number, step: Step) => void | Promise<void>;
  /**
   * The checksum of the record consent was given for (see `recordChecksum`): refused, with
   * nothing run, when the record found under the lock is another.
   */
  readonly consentedTo?: string;
}

/**
 * Finish an apply that was cut short, from the step where it stopped, writing its revision file
 * in `plansDir`. Its record is checked first (see resume.ts); nothing runs when it fails.
 */
export async function resumeApply(db: Db, plansDir: string, settings: RunSettings, options: ResumeOptions = {}): Promise<ApplyResult> {
  const started = Date.now();
  return withSessionLock(db, options.lockWaitMs ?? 60_000, async () => {
    await recoverRevisionFiles(db, plansDir);
    const pending = await interruptedApply(db);
    if (!pending) throw new ApplyError('there is no interrupted apply to finish');
    await checkedRecord(db, pending);
    if (options.consentedTo !== undefined && pending.payload[RECORD_CHECKSUM] !== options.consentedTo) {
      throw new ApplyError(`the record of the unfinished apply of revision ${pending.revision} changed after it was shown; nothing was run`, null, 'run `schema apply` again to see it as it is now');
    }
    return finishApply(db, pending, plansDir, settings, started, options.onStep);
  });
}
