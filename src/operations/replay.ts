// The upgrade and downgrade use cases: the revisions' hazards that need consent, with what they
// touch here counted, consent required (see consent.ts), then each revision run in its own
// transaction, where a hazard not consented to is counted again before its first step: a
// revision whose hazards touch no rows runs, and only one that would really lose data waits
// for consent. The CLI's `schema upgrade` and `schema downgrade` and a program get the same.
import { runRevisions, type Direction, type RunAllOptions, type RunAllResult } from '../apply/replay.js';
import { consentHazards, rowsTouched } from '../checks/touched.js';
import type { Db } from '../db/db.js';
import type { Chain, Revision } from '../revisions/chain.js';
import type { Step } from '../plan/types.js';
import { recordReplayedState } from '../verify/scratch-replay.js';
import { checkInTransaction, requireConsent, type ConsentWords } from './consent.js';
import { SILENT, type Consent, type Ui } from './ui.js';

const stepsOf = (r: Revision, direction: Direction): readonly Step[] => (direction === 'upgrade' ? r.upgrade : r.downgrade);

/** How long showing a figure may wait for a lock or a count; the count that matters is the one in the transaction. */
const FIGURE_TIMEOUT = '2s';

/** `count` in a read-only transaction that waits at most FIGURE_TIMEOUT; the server's reason when it could not. */
async function countBriefly(db: Db, count: () => Promise<number | null>): Promise<number | null | string> {
  try {
    await db.exec(`BEGIN READ ONLY; SET LOCAL statement_timeout = '${FIGURE_TIMEOUT}'; SET LOCAL lock_timeout = '${FIGURE_TIMEOUT}'`);
    const n = await count();
    await db.exec('COMMIT');
    return n;
  } catch (error) {
    await db.exec('ROLLBACK').catch(() => undefined);
    return error instanceof Error ? error.message : String(error);
  }
}

/**
 * The revisions with a figure on each hazard that needs consent: the rows its step touches in
 * the database as it is now (`here now: 3 rows`), or that its table is not there yet (a table an
 * earlier revision makes: it is counted when that revision has run). Reads only.
 */
export async function revisionFigures(db: Db, revisions: readonly Revision[], direction: Direction): Promise<Revision[]> {
  const out: Revision[] = [];
  for (const r of revisions) {
    const steps: Step[] = [];
    for (const step of stepsOf(r, direction)) {
      const hazards = [];
      for (const h of step.hazards) {
        if (!consentHazards({ hazards: [h] }).length) {
          hazards.push(h);
          continue;
        }
        const rows = await countBriefly(db, () => rowsTouched(db, step, h));
        const figure =
          typeof rows === 'string'
            ? `here now: not counted, ${rows}`
            : rows === null
              ? 'here now: not counted, its table is not there yet or the SQL does not say which'
              : `here now: ${rows.toLocaleString('en-US')} row${rows === 1 ? '' : 's'}`;
        hazards.push({ ...h, message: `${h.message} (${figure})` });
      }
      steps.push({ ...step, hazards });
    }
    out.push(direction === 'upgrade' ? { ...r, upgrade: steps } : { ...r, downgrade: steps });
  }
  return out;
}

export interface ReplayRequest extends Omit<RunAllOptions, 'beforeSteps' | 'replayState'> {
  readonly consent?: Consent;
  readonly ui?: Ui;
  /** What is consented to, for the messages (default: `upgrade these 3 revisions`). */
  readonly words?: ConsentWords;
}

/** `upgrade this revision`, `downgrade these 2 revisions`. */
export function replayWords(revisions: readonly Revision[], direction: Direction): ConsentWords {
  const n = revisions.length;
  return { action: `${direction} ${n === 1 ? 'this revision' : `these ${n} revisions`}`, subject: n === 1 ? (direction === 'upgrade' ? 'this revision' : 'this downgrade') : `these ${n} revisions` };
}

/**
 * Run `revisions` one way with consent (see the top of this file): asked once for all of them
 * (or given in advance), and, for what was not consented to, checked revision by revision,
 * inside its transaction. A revision refused there is rolled back; those before it stay done.
 */
export async function runRevisionsWithConsent(db: Db, chain: Chain, revisions: readonly Revision[], direction: Direction, request: ReplayRequest = {}): Promise<RunAllResult> {
  const { consent = {}, ui = SILENT, words = replayWords(revisions, direction), ...options } = request;
  const consented = await requireConsent(
    revisions.flatMap((r) => stepsOf(r, direction)),
    words,
    consent,
    ui,
    { deferred: true },
  );
  return runRevisions(db, chain, revisions, direction, {
    ...options,
    replayState: recordReplayedState,
    // One revision: the words it was shown with. Several: the one refused, rolled back, after those that ran.
    beforeSteps: (d, r, steps) =>
      checkInTransaction(d, steps, consented, revisions.length === 1 ? words : { action: `${direction} revision ${r.revision} (${r.fileName})`, subject: 'it', outcome: 'it was rolled back' }, ui),
  });
}
