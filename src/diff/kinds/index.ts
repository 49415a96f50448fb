// Indexes (those no constraint owns): compared by name, renamed when only the name differs; an
// INVALID one is built again. Pure.
import type { Index, Table } from '../../model/model.js';
import type { Change } from '../changes.js';
import { add, diffNamed, keySignature, sameList, type TableFacts } from '../facts.js';

export function sameIndex(a: Index, b: Index): boolean {
  return (
    // An INVALID index (a failed concurrent build) is never the index wanted: build it again.
    !a.invalid &&
    !b.invalid &&
    a.unique === b.unique &&
    (a.nullsNotDistinct ?? false) === (b.nullsNotDistinct ?? false) &&
    a.method === b.method &&
    a.where === b.where &&
    sameList(a.include, b.include) &&
    a.keys.length === b.keys.length &&
    a.keys.every((k, i) => {
      const o = b.keys[i]!;
      return k.column === o.column && k.expression === o.expression && k.descending === o.descending && k.nullsFirst === o.nullsFirst && k.opclass === o.opclass && k.collation === o.collation;
    }) &&
    JSON.stringify(a.with ?? {}) === JSON.stringify(b.with ?? {})
  );
}

export function diffIndexes(tkey: string, bt: Table, dt: Table, changes: Change[], facts: TableFacts): void {
  const indexes = diffNamed(tkey, bt.indexes, dt.indexes, sameIndex, facts);
  for (const i of indexes.dropped) {
    changes.push({ kind: 'drop_index', table: bt, index: i });
    if (i.unique && i.where === null && i.keys.every((k) => k.column !== null)) add(facts.droppedKeys, tkey, keySignature(i.keys.map((k) => k.column!)));
  }
  for (const [a, b] of indexes.renamed) changes.push({ kind: 'rename_index', table: dt, from: a.name, to: b.name });
  for (const i of indexes.added) changes.push({ kind: 'create_index', table: dt, index: i });
  // Comments: of an index made anew (when it has one), renamed or kept whose comment differs.
  const made = new Set(indexes.added.map((i) => i.name));
  const renamedTo = new Map(indexes.renamed.map(([a, b]) => [b.name, a]));
  for (const i of Object.values(dt.indexes)) {
    const before = made.has(i.name) ? undefined : (renamedTo.get(i.name) ?? bt.indexes[i.name]);
    if ((before?.comment ?? null) !== (i.comment ?? null)) changes.push({ kind: 'comment_index', table: dt, index: i });
  }
}

/** The comments of the indexes of a table the plan makes. */
export const indexComments = (dt: Table): Change[] => Object.values(dt.indexes).flatMap((index) => (index.comment === undefined ? [] : [{ kind: 'comment_index' as const, table: dt, index }]));
