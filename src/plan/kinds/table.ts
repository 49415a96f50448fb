// The table's planner: Change -> step drafts. Tables: created with their columns, keys and checks; dropped; renamed; their comment.
import {
  COLUMN,
  COLUMN_TYPE,
  CONSTRAINT,
  KEY,
  RELATION,
  SCHEMA,
  TABLE,
  TYPE,
  USES,
  allColumns,
  blockedBy,
  defaultSequences,
  draft,
  finalColumns,
  hazard,
  keysBack,
  lockOn,
  lockOnTables,
  named,
  sequenceTokens,
  sequencesAnew,
  sequencesInUse,
  sequencesToo,
  sized,
  typeTokens,
} from '../drafts.js';
import { objectPath, quoteIdent } from '../../model/identifiers.js';
import { sameReplicaIdentity, sameStorage, tableKey, type Table } from '../../model/model.js';
import * as sql from '../sql.js';
import type { KindPlanner } from './registry.js';

export const table: KindPlanner<'table'> = {
  create_table: (c) => {
    const t = c.table;
    const keys = [...(t.primaryKey ? [t.primaryKey] : []), ...Object.values(t.uniques)];
    return draft({
      op: 'create_table',
      object: objectPath(t.schema, t.name),
      phase: 4,
      sql: sql.createTable(t),
      provides: [
        TABLE(t),
        RELATION(t.schema, t.name),
        ...finalColumns(
          t,
          t.columns.map((col) => col.name),
        ),
        ...keys.flatMap((k) => [KEY(tableKey(t), k.columns), RELATION(t.schema, k.name), CONSTRAINT(t, k.name)]),
        ...Object.keys(t.checks).map((n) => CONSTRAINT(t, n)),
        ...t.columns.flatMap((col) => sequenceTokens(t, col)),
      ],
      requires: [SCHEMA(t.schema), ...t.columns.flatMap((col) => typeTokens(col, TYPE)), ...parentOf(t)],
      softRequires: t.columns.flatMap(defaultSequences),
    });
  },

  drop_table: (c, ctx) => {
    const t = c.table;
    const keys = [...(t.primaryKey ? [t.primaryKey] : []), ...Object.values(t.uniques)];
    const name = objectPath(t.schema, t.name);
    return draft({
      op: 'drop_table',
      object: name,
      phase: 3,
      lock: 'ACCESS EXCLUSIVE',
      sql: [sql.dropTable(t)],
      hazards: [
        ...blockedBy(ctx, t, null, 'drop'),
        ...sequencesInUse(ctx, t, t.columns, `table ${name}`, 'drop the table', name),
        hazard(
          'data_loss',
          `drops ${t.partitionBy ? 'partitioned table' : t.partitionOf ? 'partition' : 'table'} ${name}${sequencesToo(t, t.columns)} and every row in it${t.partitionBy ? ', with its partitions' : ''}`,
          { kind: 'rows', table: named(t) },
        ),
        hazard('irreversible', `undoing this step recreates ${name} empty${sequencesAnew(t, t.columns)}${keysBack(ctx, t)}`),
      ],
      removes: [
        TABLE(t),
        RELATION(t.schema, t.name),
        ...t.columns.flatMap((col) => sequenceTokens(t, col)),
        ...allColumns(t),
        ...t.columns.map((col) => COLUMN_TYPE(t, col.name)),
        ...keys.flatMap((k) => [KEY(tableKey(t), k.columns), RELATION(t.schema, k.name)]),
        ...Object.values(t.indexes).flatMap((i) => [
          RELATION(t.schema, i.name),
          ...(i.unique
            ? [
                KEY(
                  tableKey(t),
                  i.keys.map((k) => k.column ?? ''),
                ),
              ]
            : []),
        ]),
      ],
      releases: [SCHEMA(t.schema), ...t.columns.flatMap((col) => typeTokens(col, USES)), ...parentOf(t)],
      softReleases: t.columns.flatMap(defaultSequences),
    });
  },

  rename_table: (c) =>
    draft({
      op: 'rename_table',
      object: objectPath(c.to.schema, c.to.name),
      phase: 3,
      lock: 'ACCESS EXCLUSIVE',
      sql: sql.renameTable(c.from, c.to),
      // Renamed columns have their final names only once their own renames ran.
      provides: [TABLE(c.table), RELATION(c.to.schema, c.to.name), ...c.columns.map((col) => COLUMN(c.table, col))],
      requires: [SCHEMA(c.to.schema)],
      removes: [RELATION(c.from.schema, c.from.name)],
    }),

  attach_partition: (c, ctx) => {
    const t = c.table;
    const of = t.partitionOf!;
    const name = objectPath(t.schema, t.name);
    const parent = objectPath(of.schema, of.table);
    return draft({
      op: 'attach_partition',
      object: name,
      phase: 5,
      ...lockOnTables(ctx, t, [t, { schema: of.schema, name: of.table }], 'ACCESS EXCLUSIVE'),
      sql: [...c.notNull.map((col) => sql.setNotNull(t, col)), ...c.checks.map((k) => sql.addConstraint(t, `CONSTRAINT ${quoteIdent(k.name)} ${k.definition}`)), sql.attachPartition({ ...t, partitionOf: of })],
      hazards: [
        hazard(
          'may_fail',
          `fails if any row of ${name} is outside the bound ${of.bound} of partition of ${parent}${c.checks.length + c.notNull.length > 0 ? `, breaks a check of ${parent} or has a NULL where ${parent} has none` : ''}, or if its columns are not those of ${parent}`,
        ),
        hazard('blocking', `reads every row of ${name} to check the bound, under an ACCESS EXCLUSIVE lock on it (and on a default partition of ${parent}, if any, for rows that now belong here)`),
      ],
      requires: [TABLE(t), TABLE(parent)],
    });
  },

  detach_partition: (c, ctx) => {
    const t = c.table;
    const of = t.partitionOf!;
    return draft({
      op: 'detach_partition',
      object: objectPath(t.schema, t.name),
      phase: 3,
      ...lockOnTables(ctx, t, [t, { schema: of.schema, name: of.table }], 'ACCESS EXCLUSIVE', 'before_renames'),
      sql: [sql.detachPartition({ ...t, partitionOf: of })],
      hazards: [hazard('blocking', `holds an ACCESS EXCLUSIVE lock on ${objectPath(of.schema, of.table)} while it runs: reads and writes of every partition wait`)],
      releases: [TABLE(objectPath(of.schema, of.table))],
    });
  },

  alter_table: (c, ctx) => {
    const t = c.table;
    const persistence = c.from.unlogged !== t.unlogged;
    const identity = !sameReplicaIdentity(c.from.replicaIdentity, t.replicaIdentity);
    const index = typeof t.replicaIdentity === 'object' ? t.replicaIdentity.index : null;
    return draft({
      op: 'alter_table',
      object: objectPath(t.schema, t.name),
      phase: 5,
      // SET LOGGED/UNLOGGED rewrites the table, REPLICA IDENTITY takes its strongest lock too; a storage parameter a lighter one (SHARE UPDATE EXCLUSIVE for most).
      ...(persistence || identity ? lockOn(ctx, t, 'ACCESS EXCLUSIVE') : sameStorage(c.from.storage, t.storage) ? {} : lockOn(ctx, t, 'SHARE UPDATE EXCLUSIVE')),
      sql: sql.alterTableSettings(c.from, t),
      hazards: persistence ? [hazard('table_rewrite', `SET ${t.unlogged ? 'UNLOGGED' : 'LOGGED'} rewrites ${sized(ctx, t)} under an ACCESS EXCLUSIVE lock: reads and writes wait`)] : [],
      requires: [TABLE(t), ...(identity && index !== null ? [RELATION(t.schema, index)] : [])],
    });
  },
};

/** The token of a partition's parent: made before it, dropped after it. */
const parentOf = (t: Table): string[] => (t.partitionOf ? [TABLE(objectPath(t.partitionOf.schema, t.partitionOf.table))] : []);
