// Columns: dropped, added, altered with what changed (decided once: `columnChanges`). A column
// that becomes generated is dropped and added again, and what stands on it is rebuilt. Pure.
import { columnNamed, type Column, type Table } from '../../model/model.js';
import { mentionsColumn } from '../../model/sql-tokens.js';
import type { Change, ColumnAspect } from '../changes.js';
import { add, type TableFacts } from '../facts.js';

/** What differs between two spellings of a column (empty: the same column). */
export function columnChanges(a: Column, b: Column): ColumnAspect[] {
  const out: ColumnAspect[] = [];
  if (a.type !== b.type) out.push('type');
  if (a.nullable !== b.nullable) out.push('nullability');
  if (a.default !== b.default) out.push('default');
  if (a.identity !== b.identity) out.push('identity');
  if (a.comment !== b.comment) out.push('comment');
  if (a.generated !== b.generated) out.push('generated');
  if (a.collation !== b.collation) out.push('collation');
  return out;
}

export function sameColumn(a: Column, b: Column): boolean {
  return columnChanges(a, b).length === 0;
}

/**
 * A column that becomes generated is dropped and added again (PostgreSQL cannot add an
 * expression to a column), and what stands on it goes with it: rebuild those too.
 */
export function rebuildOn(tkey: string, bt: Table, columns: ReadonlySet<string>, facts: TableFacts): void {
  const on = (names: readonly string[], texts: ReadonlyArray<string | null> = []): boolean => names.some((n) => columns.has(n)) || texts.some((t) => t !== null && [...columns].some((c) => mentionsColumn(t, c)));
  for (const c of columns) add(facts.retypedColumns, tkey, c);
  for (const u of Object.values(bt.uniques)) if (on(u.columns)) facts.forced.add(`${tkey}\u0000${u.name}`);
  for (const c of Object.values(bt.checks)) if (on([], [c.definition])) facts.forced.add(`${tkey}\u0000${c.name}`);
  for (const i of Object.values(bt.indexes)) {
    if (on([...i.keys.flatMap((k) => (k.column === null ? [] : [k.column])), ...i.include], [i.where, ...i.keys.map((k) => k.expression)])) facts.forced.add(`${tkey}\u0000${i.name}`);
  }
}

/** The column changes of a table both states have; the names of the columns that become generated. */
export function diffColumns(tkey: string, bt: Table, dt: Table, changes: Change[], facts: TableFacts): Set<string> {
  for (const c of bt.columns) {
    if (!columnNamed(dt, c.name)) {
      changes.push({ kind: 'drop_column', table: bt, column: c });
      add(facts.droppedColumns, tkey, c.name);
    }
  }
  const regenerated = new Set<string>();
  for (const c of dt.columns) {
    const old = columnNamed(bt, c.name);
    if (!old) changes.push({ kind: 'add_column', table: dt, column: c });
    else {
      const changed = columnChanges(old, c);
      if (changed.length === 0) continue;
      changes.push({ kind: 'alter_column', table: dt, from: old, to: c, changed });
      if (changed.includes('type') || changed.includes('collation')) add(facts.retypedColumns, tkey, c.name);
      if (c.generated !== undefined && changed.includes('generated')) regenerated.add(c.name);
    }
  }
  rebuildOn(tkey, bt, regenerated, facts);
  return regenerated;
}
