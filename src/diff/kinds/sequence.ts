// Sequences of their own: created, altered (only what differs), dropped. A desired Model
// without `sequences` (the file has no `sequences:`) leaves them all as they are. Pure.
import { objectPath } from '../../model/identifiers.js';
import type { Model } from '../../model/model.js';
import type { Sequence } from '../../model/sequence.js';

/** What an `alter_sequence` changes. */
export type SequenceAspect = 'type' | 'increment' | 'min' | 'max' | 'start' | 'cache' | 'cycle' | 'owned_by';

export type SequenceChange =
  | { readonly kind: 'create_sequence'; readonly sequence: Sequence }
  /** `changed`: what differs between `from` and `to`, never empty. */
  | { readonly kind: 'alter_sequence'; readonly from: Sequence; readonly to: Sequence; readonly changed: readonly SequenceAspect[] }
  | { readonly kind: 'drop_sequence'; readonly sequence: Sequence };

const owner = (s: Sequence): string | null => (s.ownedBy === null ? null : objectPath(s.schema, s.ownedBy.table, s.ownedBy.column));

/** What differs between two states of a sequence (empty: the same). */
export function sequenceChanges(a: Sequence, b: Sequence): SequenceAspect[] {
  const out: SequenceAspect[] = [];
  if (a.type !== b.type) out.push('type');
  if (a.increment !== b.increment) out.push('increment');
  if (a.min !== b.min) out.push('min');
  if (a.max !== b.max) out.push('max');
  if (a.start !== b.start) out.push('start');
  if (a.cache !== b.cache) out.push('cache');
  if (a.cycle !== b.cycle) out.push('cycle');
  if (owner(a) !== owner(b)) out.push('owned_by');
  return out;
}

export const sameSequence = (a: Sequence, b: Sequence): boolean => sequenceChanges(a, b).length === 0;

/**
 * The sequence changes from `base` to `desired`. A sequence owned by a column the plan drops
 * (or by a column of a table it drops) goes with it: it is not dropped again.
 */
export function diffSequences(base: Model, desired: Model): SequenceChange[] {
  const wanted = desired.sequences;
  if (wanted === undefined) return [];
  const have = base.sequences ?? {};
  const out: SequenceChange[] = [];
  for (const [key, to] of Object.entries(wanted)) {
    const from = have[key];
    if (!from) {
      out.push({ kind: 'create_sequence', sequence: to });
      continue;
    }
    const changed = sequenceChanges(from, to);
    if (changed.length > 0) out.push({ kind: 'alter_sequence', from, to, changed });
  }
  const columnStays = (s: Sequence): boolean => {
    const t = s.ownedBy === null ? undefined : desired.tables[objectPath(s.schema, s.ownedBy.table)];
    return s.ownedBy === null || (t?.columns.some((c) => c.name === s.ownedBy!.column) ?? false);
  };
  for (const [key, s] of Object.entries(have)) if (!wanted[key] && columnStays(s)) out.push({ kind: 'drop_sequence', sequence: s });
  return out;
}
