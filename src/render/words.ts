// Phrases every rendering shares, so text, markdown and SQL say the same thing.
import type { Step, Summary, Verification } from '../plan/types.js';

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

/** "Verified up and down on ..." or what went wrong. */
export function verificationLines(v: Verification): string[] {
  if (v.ok) return [`Verified up and down on ${v.where}: the plan reaches the desired state and its downgrade the starting one.`];
  return [`Verification failed on ${v.where}:`, ...v.problems.map((p) => `  - ${p}`)];
}

/** "SHARE UPDATE EXCLUSIVE, outside a transaction", or "" for a step nobody waits on. */
export function lockWords(step: Step): string {
  return [...(step.lock ? [step.lock] : []), ...(step.concurrently ? ['outside a transaction'] : [])].join(', ');
}
