// Tables: the members of a table both states have, each kind by its own pass, in this order
// (columns, primary key, uniques, checks, indexes), then its comment. Pure. Tables themselves
// are created, dropped and renamed by diff.ts; foreign keys have their own pass (foreign-key.ts).
import { canonicalJson } from '../../model/fingerprint.js';
import { implicitName, objectPath } from '../../model/identifiers.js';
import { sameReplicaIdentity, sameStorage, type InheritedMembers, type Model, type Table } from '../../model/model.js';
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

/** The two members are the same but for their names. */
const sameButName = <T extends { readonly name: string }>(a: T, b: T): boolean => canonicalJson({ ...a, name: '' }) === canonicalJson({ ...b, name: '' });

/**
 * The copies of `parent`'s members a partition `name` has, under the names PostgreSQL gives
 * them (ChooseIndexName: `<partition>_pkey`, `<partition>_<columns>_key`, `..._idx`; checks and
 * foreign keys keep their names): what a Model read from a file cannot know (see Table.inherited).
 */
function copiesOf(parent: Table, name: string): InheritedMembers {
  const columns = (keys: readonly string[]): string => keys.join('_');
  const byName = <T extends { readonly name: string }>(list: readonly T[]): Record<string, T> => Object.fromEntries(list.map((x) => [x.name, x]));
  return {
    primaryKey: parent.primaryKey && { ...parent.primaryKey, name: implicitName(name, null, 'pkey') },
    uniques: byName(Object.values(parent.uniques).map((u) => ({ ...u, name: implicitName(name, columns(u.columns), 'key') }))),
    checks: parent.checks,
    indexes: byName(Object.values(parent.indexes).map((i) => ({ ...i, name: implicitName(name, columns(i.keys.map((k) => k.column ?? 'expr')), i.unique ? 'key' : 'idx') }))),
    foreignKeys: parent.foreignKeys,
  };
}

/**
 * The database as the diff of tables' members sees it today. A partition's columns are its
 * parent's (the Model lists none). One that leaves its parent keeps them, and its copies of the
 * parent's keys, checks, indexes and foreign keys become its own. A table that becomes a
 * partition gets its parent's columns, and ATTACH makes those of its members the parent has
 * too (by definition, whatever their names) its copies of the parent's.
 */
export function asCompared(base: Model, desired: Model): Model {
  let tables: Record<string, Table> | null = null;
  for (const [key, bt] of Object.entries(base.tables)) {
    const dt = desired.tables[key];
    if (!dt || remade(bt, dt) || !!bt.partitionOf === !!dt.partitionOf) continue;
    tables ??= { ...base.tables };
    if (bt.partitionOf) {
      const parent = base.tables[objectPath(bt.partitionOf.schema, bt.partitionOf.table)];
      const inh = bt.inherited ?? (parent ? copiesOf(parent, bt.name) : undefined);
      tables[key] = {
        ...bt,
        columns: parent?.columns ?? [],
        primaryKey: bt.primaryKey ?? inh?.primaryKey ?? null,
        uniques: { ...inh?.uniques, ...bt.uniques },
        checks: { ...inh?.checks, ...bt.checks },
        indexes: { ...inh?.indexes, ...bt.indexes },
        foreignKeys: { ...inh?.foreignKeys, ...bt.foreignKeys },
      };
    } else {
      const parent = desired.tables[objectPath(dt.partitionOf!.schema, dt.partitionOf!.table)];
      const others = <T extends { readonly name: string }>(mine: Readonly<Record<string, T>>, theirs: Readonly<Record<string, T>> | undefined, same = sameButName<T>): Record<string, T> =>
        Object.fromEntries(Object.entries(mine).filter(([, x]) => !Object.values(theirs ?? {}).some((y) => same(x, y))));
      tables[key] = {
        ...bt,
        columns: [],
        primaryKey: bt.primaryKey && parent?.primaryKey && sameButName(bt.primaryKey, parent.primaryKey) ? null : bt.primaryKey,
        uniques: others(bt.uniques, parent?.uniques),
        checks: others(bt.checks, parent?.checks, (a, b) => a.name === b.name && a.definition === b.definition),
        indexes: others(bt.indexes, parent?.indexes),
        foreignKeys: others(bt.foreignKeys, parent?.foreignKeys),
      };
    }
  }
  return tables ? { ...base, tables } : base;
}

/** `before`: the table as it is before `asCompared`, for what an attach needs first (see Change). */
export function diffTable(tkey: string, bt: Table, dt: Table, changes: Change[], facts: TableFacts, before: Table = bt, parent?: Table): void {
  const regenerated = diffColumns(tkey, bt, dt, changes, facts);
  diffPrimaryKey(tkey, bt, dt, regenerated, changes, facts);
  diffUniques(tkey, bt, dt, changes, facts);
  diffChecks(tkey, bt, dt, changes, facts);
  diffIndexes(tkey, bt, dt, changes, facts);
  if (bt.comment !== dt.comment || bt.unlogged !== dt.unlogged || !sameStorage(bt.storage, dt.storage) || !sameReplicaIdentity(bt.replicaIdentity, dt.replicaIdentity))
    changes.push({ kind: 'alter_table', table: dt, from: bt });
  if (!samePartitionOf(bt, dt)) {
    if (bt.partitionOf) changes.push({ kind: 'detach_partition', table: bt });
    if (dt.partitionOf) {
      // A partition moved to other bounds keeps its copies of its parent's checks when it is detached.
      const have = { ...before.checks, ...(before.inherited?.checks ?? (bt.partitionOf ? parent?.checks : {})) };
      const checks = Object.values(parent?.checks ?? {}).filter((c) => !have[c.name]);
      const nullable = new Set(before.columns.filter((c) => c.nullable).map((c) => c.name));
      const notNull = bt.partitionOf ? [] : (parent?.columns ?? []).filter((c) => !c.nullable && nullable.has(c.name)).map((c) => c.name);
      changes.push({ kind: 'attach_partition', table: dt, checks, notNull });
    }
  }
}
