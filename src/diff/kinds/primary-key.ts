// Primary keys: renamed when only the name differs, else dropped and added. Pure.
import type { PrimaryKey, Table } from '../../model/model.js';
import type { Change } from '../changes.js';
import { add, keySignature, sameList, sameTiming, type TableFacts } from '../facts.js';

export const samePrimaryKey = (a: PrimaryKey, b: PrimaryKey): boolean => sameList(a.columns, b.columns) && sameTiming(a, b);

/** `regenerated`: columns dropped and added again (they take the key with them). */
export function diffPrimaryKey(tkey: string, bt: Table, dt: Table, regenerated: ReadonlySet<string>, changes: Change[], facts: TableFacts): void {
  const bpk = bt.primaryKey;
  const dpk = dt.primaryKey;
  if (bpk && dpk && samePrimaryKey(bpk, dpk) && !bpk.columns.some((c) => regenerated.has(c))) {
    if (bpk.name !== dpk.name) changes.push({ kind: 'rename_constraint', table: dt, from: bpk.name, to: dpk.name, constraint: dpk });
    return;
  }
  if (bpk) {
    changes.push({ kind: 'drop_primary_key', table: bt, key: bpk });
    add(facts.droppedKeys, tkey, keySignature(bpk.columns));
  }
  if (dpk) changes.push({ kind: 'add_primary_key', table: dt, key: dpk });
}
