// Did-you-mean: the closest known name to a misspelt one, when one is close enough.
import { closest, distance } from 'fastest-levenshtein';

/** The candidate closest to `name`, if it is within a third of the name's length (min 1 edit). */
export function didYouMean(name: string, candidates: Iterable<string>): string | null {
  const list = [...candidates].filter((c) => c !== name);
  if (list.length === 0) return null;
  const best = closest(name.toLowerCase(), list.map((c) => c.toLowerCase()));
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
