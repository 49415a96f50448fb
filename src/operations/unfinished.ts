// Work cut short: an apply is finished from where it stopped, or abandoned; an upgrade or
// downgrade of one revision is finished. Each needs consent, enforced here (see consent.ts), so
// a program that calls these gets the same questions and refusals as `schema apply` and
// `schema upgrade`/`downgrade`: the hazards of what is left (stated in the record, and read
// again from its SQL) need consent, and with someone to ask, the person is asked first.
import { abandonApply, resumeApply, startedStep, type ApplyResult } from '../apply/apply.js';
import { resumeRun, type ReplayOptions } from '../apply/replay.js';
import { checkedRecord, stepsLeft } from '../apply/resume.js';
import type { Db } from '../db/db.js';
import type { Step } from '../plan/types.js';
import type { RunSettings } from '../plan/run-settings.js';
import type { StartedStep } from '../render/pending.js';
import type { Revision } from '../revisions/chain.js';
import { RECORD_CHECKSUM, type Pending } from '../revisions/ledger.js';
import { recordReplayedState } from '../verify/scratch-replay.js';
import { requireConsent, type ConsentWords } from './consent.js';
import { SILENT, type Consent, type Ui } from './ui.js';

/** What finishing and abandoning are asked as. */
export const FINISH_WORDS: ConsentWords = { action: 'finish it', subject: 'what is left' };
export const ABANDON_WORDS: ConsentWords = { action: 'abandon it', subject: 'it' };

export interface UnfinishedRequest {
  readonly consent?: Consent;
  readonly ui?: Ui;
  /** How long to wait for another writer's lock (default 60 s). */
  readonly lockWaitMs?: number;
}

/**
 * The steps an apply cut short has left, once its record is checked (ApplyError, nothing run,
 * when it was changed): what is shown before consent is asked to finish it.
 */
export async function unfinishedSteps(db: Db, pending: Pending): Promise<Step[]> {
  await checkedRecord(db, pending);
  return stepsLeft(pending);
}

/**
 * Finish the apply `pending` from where it stopped, writing its revision file in `plansDir`,
 * with consent for the hazards of what is left (UserError, nothing run, without it). Refused
 * when the record found under the lock is not the one consent was given for.
 */
export async function finishApply(
  db: Db,
  pending: Pending,
  request: UnfinishedRequest & { readonly plansDir: string; readonly settings: RunSettings; readonly onStep?: (index: number, step: Step) => void | Promise<void> },
): Promise<ApplyResult> {
  const { consent = {}, ui = SILENT } = request;
  await requireConsent(await unfinishedSteps(db, pending), FINISH_WORDS, consent, ui);
  return resumeApply(db, request.plansDir, request.settings, {
    ...(request.lockWaitMs !== undefined ? { lockWaitMs: request.lockWaitMs } : {}),
    consentedTo: String(pending.payload[RECORD_CHECKSUM]),
    ...(request.onStep ? { onStep: request.onStep } : {}),
  });
}

/** What the first step not done of the apply `pending` left in the catalog (an index built or dropped concurrently), for what is shown before abandoning it. */
export async function abandonView(db: Db, pending: Pending): Promise<StartedStep | null> {
  return startedStep(db, pending);
}

/**
 * Give up the apply `pending` with consent (UserError, nothing changed, without it): its record
 * goes, and any revision file it had started; the steps it finished stay done.
 */
export async function abandonUnfinishedApply(db: Db, pending: Pending, request: UnfinishedRequest & { readonly plansDir: string }): Promise<Pending> {
  const { consent = {}, ui = SILENT } = request;
  await requireConsent([], ABANDON_WORDS, consent, ui);
  return abandonApply(db, pending.revision, request.plansDir, request.lockWaitMs);
}

/**
 * Finish the upgrade or downgrade of `revision` that `pending` records as cut short, with consent
 * for the hazards of its steps not done (UserError, nothing run, without it). Returns the time
 * it took, in ms.
 */
export async function finishRun(db: Db, pending: Pending, revision: Revision, request: UnfinishedRequest & Pick<ReplayOptions, 'settings'>): Promise<number> {
  const { consent = {}, ui = SILENT } = request;
  await requireConsent(pending.steps.slice(pending.done), FINISH_WORDS, consent, ui);
  return resumeRun(db, revision, {
    ...(request.lockWaitMs !== undefined ? { lockWaitMs: request.lockWaitMs } : {}),
    ...(request.settings ? { settings: request.settings } : {}),
    replayState: recordReplayedState,
  });
}
