// Tables: the members of a table both states have, each kind by its own pass, in this order
// (columns, primary key, uniques, checks, indexes), then its comment. Pure. Tables themselves
// are created, dropped and renamed by diff.ts; foreign keys have their own pass (foreign-key.ts).
import { sameReplicaIdentity, sameStorage, type Table } from '../../model/model.js';
import type { Change } from '../changes.js';
import type { TableFacts } from '../facts.js';
import { diffChecks } from './check.js';
import { diffColumns } from './column.js';
import { diffIndexes } from './index.js';
import { diffPrimaryKey } from './primary-key.js';
import { diffUniques } from './unique.js';

/** Two tables are the same table by name; their members are compared one by one. */
export const sameTable = (a: Table, b: Table): boolean => a.schema === b.schema && a.name === b.name && a.comment === b.comment;

export function diffTable(tkey: string, bt: Table, dt: Table, changes: Change[], facts: TableFacts): void {
  const regenerated = diffColumns(tkey, bt, dt, changes, facts);
  diffPrimaryKey(tkey, bt, dt, regenerated, changes, facts);
  diffUniques(tkey, bt, dt, changes, facts);
  diffChecks(tkey, bt, dt, changes, facts);
  diffIndexes(tkey, bt, dt, changes, facts);
  if (bt.comment !== dt.comment || bt.unlogged !== dt.unlogged || !sameStorage(bt.storage, dt.storage) || !sameReplicaIdentity(bt.replicaIdentity, dt.replicaIdentity))
    changes.push({ kind: 'alter_table', table: dt, from: bt });
}
