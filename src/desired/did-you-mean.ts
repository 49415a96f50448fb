// Did-you-mean: the closest known name to a misspelt one, when one is close enough.
import { closest, distance } from 'fastest-levenshtein';

/** The candidate closest to `name`, if it is within a third of the name's length (min 1 edit). */
export function didYouMean(name: string, candidates: Iterable<string>): string | null {
  const list = [...candidates].filter((c) => c !== name);
  if (list.length === 0) return null;
  const best = closest(
    name.toLowerCase(),
    list.map((c) => c.toLowerCase()),
  );
  const match = list.find((c) => c.toLowerCase() === best) ?? null;
  if (match === null) return null;
  const limit = Math.max(1, Math.floor(name.length / 3));
  return distance(name.toLowerCase(), best) <= limit ? match : null;
}

/** " Did you mean `x`?" or "". */
export function suggestion(name: string, candidates: Iterable<string>): string {
  const best = didYouMean(name, candidates);
  return best === null ? '' : ` Did you mean "${best}"?`;
}

/** Two names one keystroke apart: one letter added, dropped, changed, or two neighbours swapped. */
function oneSlip(a: string, b: string): boolean {
  if (distance(a, b) <= 1) return true;
  if (a.length !== b.length) return false;
  const diff = [...a].flatMap((ch, i) => (ch === b[i] ? [] : [i]));
  return diff.length === 2 && diff[1] === diff[0]! + 1 && a[diff[0]!] === b[diff[1]!] && a[diff[1]!] === b[diff[0]!];
}

/**
 * The candidate `name` is a typo of (one slip away, ignoring case), if any: stricter than
 * didYouMean, for telling a misspelt name from a different one (`integr` from `citext`).
 * Of several, the longest: a dropped letter is the likeliest slip (`timestampz`).
 */
export function nearMiss(name: string, candidates: Iterable<string>): string | null {
  const lower = name.toLowerCase();
  let best: string | null = null;
  for (const c of candidates) {
    if (c.toLowerCase() !== lower && oneSlip(lower, c.toLowerCase()) && (best === null || c.length > best.length)) best = c;
  }
  return best;
}
