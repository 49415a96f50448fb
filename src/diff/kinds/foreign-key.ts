// Foreign keys: dropped and added again whenever anything they stand on changes, renamed when
// only their name does. Pure.
import { objectPath } from '../../model/identifiers.js';
import type { ForeignKey, Model } from '../../model/model.js';
import type { Change } from '../changes.js';
import { keySignature, pairRenames, sameList, type TableFacts } from '../facts.js';

export function sameForeignKey(a: ForeignKey, b: ForeignKey): boolean {
  return (
    sameList(a.columns, b.columns) &&
    a.references.schema === b.references.schema &&
    a.references.table === b.references.table &&
    sameList(a.references.columns, b.references.columns) &&
    a.onDelete === b.onDelete &&
    sameList(a.onDeleteColumns ?? [], b.onDeleteColumns ?? []) &&
    a.onUpdate === b.onUpdate &&
    a.match === b.match &&
    a.deferrable === b.deferrable &&
    a.initiallyDeferred === b.initiallyDeferred
  );
}

export function diffForeignKeys(base: Model, desired: Model, changes: Change[], facts: TableFacts): void {
  const readd = new Set<string>(); // desired table key \0 fk name
  const renamedTo = new Set<string>();
  for (const [tkey, bt] of Object.entries(base.tables)) {
    const dt = desired.tables[tkey];
    const standsOnChange = (fk: ForeignKey): boolean => {
      const refKey = objectPath(fk.references.schema, fk.references.table);
      return (
        fk.columns.some((c) => facts.droppedColumns.get(tkey)?.has(c) || facts.retypedColumns.get(tkey)?.has(c)) ||
        fk.references.columns.some((c) => facts.droppedColumns.get(refKey)?.has(c) || facts.retypedColumns.get(refKey)?.has(c)) ||
        facts.droppedKeys.get(refKey)?.has(keySignature(fk.references.columns)) === true ||
        !desired.tables[refKey] ||
        facts.forced.has(`${tkey}\u0000${fk.name}`)
      );
    };
    // A key that only changed its name is renamed: no re-check of every row under lock.
    const gone = Object.values(bt.foreignKeys).filter((fk) => dt && !dt.foreignKeys[fk.name] && !standsOnChange(fk));
    const arriving = dt ? Object.values(dt.foreignKeys).filter((fk) => !bt.foreignKeys[fk.name]) : [];
    const renames = pairRenames(gone, arriving, sameForeignKey);
    for (const [from, to] of renames) {
      changes.push({ kind: 'rename_constraint', table: dt!, from: from.name, to: to.name, constraint: to });
      renamedTo.add(`${tkey}\u0000${to.name}`);
      if (from.notValid) changes.push({ kind: 'validate_constraint', table: dt!, constraint: to });
    }
    const renamedFrom = new Set(renames.map(([from]) => from.name));
    for (const fk of Object.values(bt.foreignKeys)) {
      if (renamedFrom.has(fk.name)) continue;
      const wanted = dt?.foreignKeys[fk.name];
      if (!dt || !wanted || !sameForeignKey(fk, wanted) || standsOnChange(fk)) {
        changes.push({ kind: 'drop_foreign_key', table: bt, foreignKey: fk });
        if (dt && wanted) readd.add(`${tkey}\u0000${fk.name}`);
      } else if (fk.notValid) {
        changes.push({ kind: 'validate_constraint', table: dt, constraint: wanted });
      }
    }
  }
  for (const [tkey, dt] of Object.entries(desired.tables)) {
    const bt = base.tables[tkey];
    for (const fk of Object.values(dt.foreignKeys)) {
      if (renamedTo.has(`${tkey}\u0000${fk.name}`)) continue;
      if (!bt || !bt.foreignKeys[fk.name] || readd.has(`${tkey}\u0000${fk.name}`)) {
        changes.push({ kind: 'add_foreign_key', table: dt, foreignKey: fk });
      }
    }
  }
}
