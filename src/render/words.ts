// Phrases every rendering shares, so text, markdown and SQL say the same thing.
import type { Execution, Step, Summary, Verification } from '../plan/types.js';

/** "Plan: 3 to add, 1 to change, 2 to destroy." */
export function summaryLine(s: Summary): string {
  return `Plan: ${s.add} to add, ${s.change} to change, ${s.destroy} to destroy.`;
}

const PLURALS: Record<string, string> = { policy: 'policies', 'materialized view': 'materialized views' };
const plural = (kind: string, n: number): string => (n === 1 ? kind : (PLURALS[kind] ?? `${kind}s`));

/** "2 views, 1 function not managed (left as they are)." or "" when there are none. */
export function unmanagedLine(counts: Readonly<Record<string, number>>): string {
  const parts = Object.entries(counts)
    .filter(([, n]) => n > 0)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([kind, n]) => `${n} ${plural(kind, n)}`);
  return parts.length === 0 ? '' : `${parts.join(', ')} not managed (left as they are).`;
}

/** Text safe inside a one-line `--` SQL comment: no line break can end the comment early. */
export function commentText(text: string): string {
  return text.replace(/[\r\n\u2028\u2029]/g, (ch) => (ch === '\n' ? '\\n' : ch === '\r' ? '\\r' : ' '));
}

/**
 * Text from a file, safe to print on a terminal: a control character (an escape sequence that
 * would move the cursor, recolour or erase what was printed, a carriage return that would print
 * over a line) or a bidirectional override (which reorders what is seen) is shown as its code,
 * `\u{1b}`, so what a person reads is what the text holds. Line breaks and tabs stay.
 */
export function visible(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (ch) => `\\u{${ch.codePointAt(0)!.toString(16)}}`);
}

/** What the proof did not cover: objects not managed, so not rebuilt in the scratch database. Null when none. */
export function unprovenLine(v: Verification): string | null {
  const counted = unmanagedLine(v.unproven ?? {});
  if (!counted) return null;
  return `Not part of the proof: ${counted.replace(/ not managed \(left as they are\)\.$/, '')} in the database, which schema does not manage and did not rebuild there; a step can still fail on them (a view on a dropped column, for instance).`;
}

/** "Verified up and down on ..." or what went wrong, then what the proof did not cover. */
export function verificationLines(v: Verification): string[] {
  const unproven = unprovenLine(v);
  if (v.ok) return [`Verified up and down on ${v.where}: the plan reaches the desired state and its downgrade the starting one.`, ...(unproven ? [unproven] : [])];
  return [`Verification failed on ${v.where}:`, ...v.problems.map((p) => `  - ${p}`), ...(unproven ? [unproven] : [])];
}

/** Said when apply will not run the plan in one transaction; null when it will. */
export function executionLine(e: Execution | undefined): string | null {
  if (!e || e.atomic) return null;
  return `Not atomic: ${e.reason ?? `it runs in ${e.transactions} transactions`}. If it is cut short, the steps done stay done: \`schema apply\` run again finishes it, \`schema apply --abandon\` gives it up.`;
}

/** "SHARE ROW EXCLUSIVE (public.users), outside a transaction", or "" for a step nobody waits on. */
export function lockWords(step: Step): string {
  const lock = step.lock ? `${step.lock}${step.lock_on && step.lock_on.length > 0 ? ` (${step.lock_on.join(', ')})` : ''}` : null;
  return [...(lock ? [lock] : []), ...(step.concurrently ? ['outside a transaction'] : [])].join(', ');
}
