// Unique constraints: compared by name, renamed when only the name differs. Pure.
import type { Table, Unique } from '../../model/model.js';
import type { Change } from '../changes.js';
import { add, diffNamed, keySignature, sameList, sameTiming, type TableFacts } from '../facts.js';

export const sameUnique = (a: Unique, b: Unique): boolean => sameList(a.columns, b.columns) && a.nullsNotDistinct === b.nullsNotDistinct && sameTiming(a, b);

export function diffUniques(tkey: string, bt: Table, dt: Table, changes: Change[], facts: TableFacts): void {
  const uniques = diffNamed(tkey, bt.uniques, dt.uniques, sameUnique, facts);
  for (const u of uniques.dropped) {
    changes.push({ kind: 'drop_unique', table: bt, unique: u });
    add(facts.droppedKeys, tkey, keySignature(u.columns));
  }
  for (const [a, b] of uniques.renamed) changes.push({ kind: 'rename_constraint', table: dt, from: a.name, to: b.name, constraint: b });
  for (const u of uniques.added) changes.push({ kind: 'add_unique', table: dt, unique: u });
}
