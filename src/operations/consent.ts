// Consent for hazards, enforced where the use cases run, so a program gets it as the CLI does.
// Consent is about data: a hazard that needs consent (data_loss, lossy_type_change) measured
// as touching no rows needs none, and the person is told so. What was waived that way is
// counted again inside the transaction that runs the step: if rows have appeared since, the
// transaction is rolled back and consent is asked for after all.
import type { Db } from '../db/db.js';
import { ApplyError } from '../apply/apply.js';
import { consentHazards, rowsTouched } from '../checks/touched.js';
import { UserError } from '../errors.js';
import { CONSENT_HAZARDS, touchesNoRows, type Hazard, type HazardCode, type Step } from '../plan/types.js';
import type { Consent, Ui } from './ui.js';

/** What is being consented to, for the messages: `apply these 3 steps`, `this plan`. */
export interface ConsentWords {
  readonly action: string;
  readonly subject: string;
  /** What a refusal leaves behind (default: `nothing was changed`). */
  readonly outcome?: string;
}

/** The codes consented to: given in advance, or all of them when the person said yes. */
export type Consented = ReadonlySet<HazardCode>;

const have = (subject: string): string => (subject.startsWith('these') ? 'have' : 'has');

function describe(steps: readonly Step[], codes: readonly HazardCode[]): string {
  const count = (code: HazardCode): number => steps.filter((s) => s.hazards.some((h) => h.code === code)).length;
  return codes.map((h) => `${h} (${count(h)} step${count(h) === 1 ? '' : 's'})`).join(', ');
}

const refusal = (steps: readonly Step[], codes: readonly HazardCode[], words: ConsentWords): [string, string] => [
  `refusing to ${words.action}: ${words.subject} ${have(words.subject)} hazards that need consent: ${describe(steps, codes)}; ${words.outcome ?? 'nothing was changed'}`,
  `review them above, then pass --allow-hazards ${codes.join(',')}`,
];

/** `data_loss: 0 rows here, no consent needed (drop_column public.users.nick)`, for each hazard waived. */
export function waivedLines(steps: readonly Step[]): string[] {
  return steps.flatMap((s) =>
    consentHazards(s)
      .filter(touchesNoRows)
      .map((h) => `${h.code}: 0 rows here, no consent needed (${s.op} ${s.object})`),
  );
}

/**
 * Consent to run `steps`, which the person has just been shown. Hazards measured as touching no
 * rows need none. Otherwise: with someone to ask (`ui.confirm`) and no `autoApprove`, ask; else
 * (a program, or --auto-approve) every hazard that needs consent must be in `allowHazards`. `deferred`: the steps run
 * later on a database that is not there yet to count (an upgrade's revisions), so a hazard not
 * allowed in advance is left to `checkInTransaction`, which counts it right before it runs.
 * Throws UserError (nothing changed) when there is no consent.
 */
export async function requireConsent(steps: readonly Step[], words: ConsentWords, consent: Consent, ui: Ui, options: { readonly deferred?: boolean } = {}): Promise<Consented> {
  const allowed = new Set(consent.allowHazards ?? []);
  const needing = steps.map((s) => ({ ...s, hazards: consentHazards(s).filter((h) => !touchesNoRows(h)) }));
  for (const line of waivedLines(steps)) ui.note?.(line);
  const missing = CONSENT_HAZARDS.filter((code) => !allowed.has(code) && needing.some((s) => s.hazards.some((h) => h.code === code)));
  if (consent.autoApprove || !ui.confirm) {
    if (missing.length > 0 && !options.deferred) {
      const [message, hint] = refusal(needing, missing, words);
      throw new UserError(message, hint);
    }
    return allowed;
  }
  const question =
    missing.length > 0
      ? `${words.subject[0]!.toUpperCase()}${words.subject.slice(1)} ${have(words.subject)} hazards that need consent: ${describe(needing, missing)}.\nType 'yes' to accept them and ${words.action}: `
      : `${words.action[0]!.toUpperCase()}${words.action.slice(1)}? Only 'yes' will be accepted: `;
  if (!(await ui.confirm(question))) throw new UserError(`${words.action.split(' ')[0]} cancelled; nothing was changed`);
  // What the person was asked about; what was waived as touching no rows is still counted again in the transaction.
  return new Set([...allowed, ...missing]);
}

/**
 * Inside the transaction that runs `steps`, before the first: every hazard that needs consent
 * and was not consented to must touch no rows now (counted, not estimated). Throws ApplyError
 * (the transaction rolls back) when one does, or when what it touches cannot be counted.
 */
export async function checkInTransaction(db: Db, steps: readonly Step[], consented: Consented, words: ConsentWords, ui: Ui, options: { readonly say?: boolean } = {}): Promise<void> {
  const touching: Step[] = [];
  const waived: string[] = [];
  for (const step of steps) {
    const open = consentHazards(step).filter((h) => !consented.has(h.code));
    const found: Hazard[] = [];
    for (const h of open) {
      const rows = await rowsTouched(db, step, h);
      if (rows === 0) waived.push(`${h.code}: 0 rows here, no consent needed (${step.op} ${step.object})`);
      else found.push({ ...h, message: rows === null ? h.message : `${h.message} (${rows.toLocaleString('en-US')} row${rows === 1 ? '' : 's'} here)` });
    }
    if (found.length > 0) touching.push({ ...step, hazards: found });
  }
  if (touching.length > 0) {
    const codes = CONSENT_HAZARDS.filter((code) => touching.some((s) => s.hazards.some((h) => h.code === code)));
    const [message, hint] = refusal(touching, codes, words);
    throw new ApplyError(message, null, hint);
  }
  // One line a step and code, though a file may declare a hazard its SQL also carries.
  if (options.say !== false) for (const line of new Set(waived)) ui.note?.(line);
}
