// Tables: the members of a table both states have, each kind by its own pass, in this order
// (columns, primary key, uniques, checks, indexes), then its comment. Pure. Tables themselves
// are created, dropped and renamed by diff.ts; foreign keys have their own pass (foreign-key.ts).
import type { Table } from '../../model/model.js';
import type { Change } from '../changes.js';
import type { TableFacts } from '../facts.js';
import { diffChecks } from './check.js';
import { diffColumns } from './column.js';
import { diffIndexes } from './index.js';
import { diffPrimaryKey } from './primary-key.js';
import { diffUniques } from './unique.js';

/** Two tables are the same table by name; their members are compared one by one. */
export const sameTable = (a: Table, b: Table): boolean => a.schema === b.schema && a.name === b.name && a.comment === b.comment && (a.partitionBy ?? null) === (b.partitionBy ?? null) && samePartitionOf(a, b);

/** Both are partitions of the same parent with the same bound, or neither is a partition. */
export const samePartitionOf = (a: Table, b: Table): boolean =>
  a.partitionOf === undefined || b.partitionOf === undefined
    ? a.partitionOf === b.partitionOf
    : a.partitionOf.schema === b.partitionOf.schema && a.partitionOf.table === b.partitionOf.table && a.partitionOf.bound === b.partitionOf.bound;

/**
 * A table can neither become partitioned nor stop being so in place, nor change its partition
 * key: it is made again (the plan's loader refuses this first: desired/target-checks.ts).
 */
export const remade = (bt: Table, dt: Table): boolean => (bt.partitionBy ?? null) !== (dt.partitionBy ?? null);

/**
 * The table as the diff of its members sees it today. A partition's columns are its parent's
 * (the Model lists none): one that leaves its parent keeps them, and a table that becomes a
 * partition gets its parent's, so neither has column changes of its own.
 */
export function asCompared(bt: Table, dt: Table, parentColumns: Table['columns'] | undefined): Table {
  if (bt.partitionOf && !dt.partitionOf) return { ...bt, columns: parentColumns ?? [] };
  if (!bt.partitionOf && dt.partitionOf) return { ...bt, columns: [] };
  return bt;
}

export function diffTable(tkey: string, bt: Table, dt: Table, changes: Change[], facts: TableFacts): void {
  const regenerated = diffColumns(tkey, bt, dt, changes, facts);
  diffPrimaryKey(tkey, bt, dt, regenerated, changes, facts);
  diffUniques(tkey, bt, dt, changes, facts);
  diffChecks(tkey, bt, dt, changes, facts);
  diffIndexes(tkey, bt, dt, changes, facts);
  if (bt.comment !== dt.comment) changes.push({ kind: 'alter_table', table: dt, fromComment: bt.comment });
  if (!samePartitionOf(bt, dt)) {
    if (bt.partitionOf) changes.push({ kind: 'detach_partition', table: bt });
    if (dt.partitionOf) changes.push({ kind: 'attach_partition', table: dt });
  }
}
