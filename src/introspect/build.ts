// Catalog rows -> Model. Pure: unit-tested without a server.
import { objectPath } from '../model/identifiers.js';
import type { Check, Column, Dependent, ForeignKey, Index, Model, PartitionOf, PrimaryKey, ReplicaIdentity, Table, TypeDependent, Unique, Unmanaged } from '../model/model.js';
import type { CatalogRows, DependentRow, ExtensionRow, OccupiedSchemaRow, TableRow, TakenNameRow, TypeDependentRow, UnmanagedRow, UnmanagedTableRow } from './catalog.js';
import { buildColumn } from './kinds/column.js';
import { buildConstraint } from './kinds/constraint.js';
import { buildEnums } from './kinds/enum.js';
import { buildIndex } from './kinds/index.js';
import type { AvailableExtension, Extension } from '../model/extension.js';
import { buildExtensions } from './kinds/extension.js';
import { buildSequences } from './kinds/sequence.js';
import { buildViews } from './kinds/view.js';
import { buildRoutines } from './kinds/function.js';
import { buildTriggers } from './kinds/trigger.js';
import { buildPolicies } from './kinds/policy.js';
import { buildDomains } from './kinds/domain.js';
import { buildCompositeTypes } from './kinds/composite.js';

export { buildColumn } from './kinds/column.js';
export { buildConstraint } from './kinds/constraint.js';
export { buildEnums } from './kinds/enum.js';
export { buildIndex } from './kinds/index.js';
export { buildOwnedSequence } from './kinds/owned-sequence.js';

interface MutableTable {
  schema: string;
  name: string;
  comment: string | null;
  unlogged?: true;
  storage?: Record<string, string>;
  replicaIdentity?: ReplicaIdentity;
  columns: Column[];
  primaryKey: PrimaryKey | null;
  uniques: Record<string, Unique>;
  checks: Record<string, Check>;
  indexes: Record<string, Index>;
  foreignKeys: Record<string, ForeignKey>;
  partitionBy?: string;
  partitionOf?: PartitionOf;
  inherited?: { primaryKey: PrimaryKey | null; uniques: Record<string, Unique>; checks: Record<string, Check>; indexes: Record<string, Index>; foreignKeys: Record<string, ForeignKey> };
}

/** reloptions (`fillfactor=70`) as name -> value; the value is all after the first `=`. */
export function storageOptions(options: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const o of options) {
    const at = o.indexOf('=');
    if (at > 0) out[o.slice(0, at)] = o.slice(at + 1);
  }
  return out;
}
/** Where a member goes: the table's own, or its copies of its parent's. */
const home = (t: MutableTable, inherited: boolean | undefined): Pick<MutableTable, 'primaryKey' | 'uniques' | 'checks' | 'indexes' | 'foreignKeys'> =>
  inherited ? (t.inherited ??= { primaryKey: null, uniques: {}, checks: {}, indexes: {}, foreignKeys: {} }) : t;

/**
 * Group column, constraint and index rows into tables keyed by object path. Tables come from
 * `tables` rows when given, else from the column rows (the spelling transaction's case).
 */
export function buildTables(rows: Pick<CatalogRows, 'columns' | 'constraints' | 'indexes'> & { readonly tables?: readonly TableRow[] }): Record<string, Table> {
  const tables = new Map<string, MutableTable>();
  const ensure = (schema: string, name: string, comment: string | null = null): MutableTable => {
    const key = objectPath(schema, name);
    let t = tables.get(key);
    if (!t) {
      t = { schema, name, comment, columns: [], primaryKey: null, uniques: {}, checks: {}, indexes: {}, foreignKeys: {} };
      tables.set(key, t);
    }
    return t;
  };
  for (const row of rows.tables ?? []) {
    const t = ensure(row.schema, row.table, row.comment);
    if (row.unlogged) t.unlogged = true;
    if (row.options && row.options.length > 0) t.storage = storageOptions(row.options);
    if (row.replica_identity === 'f') t.replicaIdentity = 'full';
    else if (row.replica_identity === 'n') t.replicaIdentity = 'nothing';
    else if (row.replica_identity === 'i' && row.replica_index) t.replicaIdentity = { index: row.replica_index };
    if (row.partition_by) t.partitionBy = row.partition_by;
    if (row.parent_schema && row.parent_table && row.bound) t.partitionOf = { schema: row.parent_schema, table: row.parent_table, bound: row.bound };
  }
  for (const row of rows.columns) {
    const t = rows.tables ? tables.get(objectPath(row.schema, row.table)) : ensure(row.schema, row.table);
    // A partition's columns are its parent's (see Table.partitionOf).
    if (!t?.partitionOf) t?.columns.push(buildColumn(row));
  }
  // Without a list of tables (the spelling's temporary ones), a table is any that has a column,
  // a constraint or an index: a check that reads no column may sit on a table with none.
  const tableOf = (schema: string, name: string): MutableTable | undefined => (rows.tables ? tables.get(objectPath(schema, name)) : ensure(schema, name));
  for (const row of rows.constraints) {
    const t = tableOf(row.schema, row.table);
    if (!t) continue;
    const c = buildConstraint(row);
    const m = home(t, row.inherited);
    if (c.kind === 'primary_key') m.primaryKey = c;
    else if (c.kind === 'unique') m.uniques[c.name] = c;
    else if (c.kind === 'check') m.checks[c.name] = c;
    else m.foreignKeys[c.name] = c;
  }
  for (const row of rows.indexes) {
    const t = tableOf(row.schema, row.table);
    if (t) home(t, row.inherited).indexes[row.name] = buildIndex(row);
  }
  const out: Record<string, Table> = {};
  for (const [key, t] of tables) out[key] = { kind: 'table', ...t };
  return out;
}

export function buildDependent(row: DependentRow): Dependent {
  const what =
    row.on_table === null
      ? `${row.kind} ${objectPath(row.dependent_schema, row.dependent_name)}`
      : row.kind === 'default'
        ? `default of ${objectPath(row.dependent_schema, row.on_table, row.dependent_name)}`
        : `${row.kind} ${objectPath(row.dependent_name)} on ${objectPath(row.dependent_schema, row.on_table)}`;
  // One using the column's sequence does not mind the column's type; nor does a default naming a table.
  const blocksRetype = row.kind !== 'foreign key' && row.kind !== 'default' && !row.sequence;
  const through = row.sequence ? ` (using sequence ${objectPath(row.schema, row.sequence)})` : '';
  return { schema: row.schema, table: row.table, column: row.column, what: what + through, own: row.own, blocksRetype, ...(row.sequence ? { sequence: row.sequence } : {}) };
}

/** `function public.f`, `policy p on public.t`, or what PostgreSQL calls it (`operator public.===(...)`). */
function typeDependentWhat(row: TypeDependentRow): string {
  if (row.dependent_schema === null || row.dependent_name === null) return `${row.kind} ${row.identity ?? '?'}`;
  if (row.on_schema === null || row.on_table === null) return `${row.kind} ${objectPath(row.dependent_schema, row.dependent_name)}`;
  return `${row.kind} ${objectPath(row.dependent_name)} on ${objectPath(row.on_schema, row.on_table)}`;
}

/** Users of an enum are its type dependents; users of a table's row type stand on the table as a whole. */
export function buildTypeDependents(rows: readonly TypeDependentRow[]): { readonly types: TypeDependent[]; readonly tables: Dependent[] } {
  const types: TypeDependent[] = [];
  const tables: Dependent[] = [];
  for (const row of rows) {
    const what = typeDependentWhat(row);
    const on = row.on_schema !== null && row.on_table !== null ? { schema: row.on_schema, table: row.on_table } : null;
    if (row.type_kind === 'enum') types.push({ schema: row.schema, name: row.name, what, on });
    else tables.push({ schema: row.schema, table: row.name, column: null, what, own: on?.schema === row.schema && on.table === row.name, blocksRetype: false });
  }
  return { types, tables };
}

/** What the catalog says besides the unmanaged counts: all optional, for rows read by older code. */
export interface UnmanagedExtras {
  readonly typeDependents?: readonly TypeDependentRow[];
  readonly occupied?: readonly OccupiedSchemaRow[];
  readonly taken?: readonly TakenNameRow[];
}

export function buildUnmanaged(rows: readonly UnmanagedRow[], tables: readonly UnmanagedTableRow[] = [], dependents: readonly DependentRow[] = [], extras: UnmanagedExtras = {}): Unmanaged {
  const counts: Record<string, number> = {};
  const occupied = new Set<string>((extras.occupied ?? []).map((r) => r.schema));
  for (const row of rows) {
    counts[row.kind] = (counts[row.kind] ?? 0) + row.count;
    occupied.add(row.schema);
  }
  const typeDependents = buildTypeDependents(extras.typeDependents ?? []);
  return {
    counts,
    occupiedSchemas: [...occupied].sort(),
    tables: tables.map(({ schema, name, kind }) => ({ schema, name, kind })),
    dependents: [...dependents.map(buildDependent), ...typeDependents.tables],
    typeDependents: typeDependents.types,
    taken: (extras.taken ?? []).map(({ schema, name, kind, relation, type }) => ({ schema, name, kind, relation, type })),
  };
}

/** How big a table is, as far as the catalog knows. */
export interface TableSize {
  readonly bytes: number | null;
  /** `bytes` is the catalog's count of pages (the table was locked), not the size read from disk. */
  readonly estimated?: boolean;
  readonly rows: number | null;
}

export interface Introspection {
  readonly model: Model;
  /** By table object path; not part of the Model (it is not desired state). */
  readonly sizes: Readonly<Record<string, TableSize>>;
  readonly unmanaged: Unmanaged;
  /** `schema.name` of every type columns may use in the target. */
  readonly knownTypes: ReadonlySet<string>;
  readonly serverVersion: number;
  /** Extensions installed, with their schemas: what a copy of the schema needs first. */
  readonly extensions: readonly ExtensionRow[];
  /** What the server could install: where CREATE EXTENSION puts each and which version it makes. */
  readonly availableExtensions: readonly AvailableExtension[];
  /** The updates the server has scripts for, of the extensions installed: `name\0from\0to` (plan/drafts.ts extensionUpdate). */
  readonly extensionUpdates: ReadonlySet<string>;
  /** The types of each installed extension, as columns spell their types (`public.citext`). */
  readonly extensionTypes: Readonly<Record<string, readonly string[]>>;
  /** By index object path: the CREATE INDEX statement of each index of a managed table (not the Model: see IndexRow). */
  readonly indexDefinitions: Readonly<Record<string, string>>;
  /** The user's functions (not an extension's), in creation order: a copy needs those managed tables call (`called`) and what they call in turn. */
  readonly functions: readonly UsedFunction[];
}

/** A function of the user's, as PostgreSQL would create it again. */
export interface UsedFunction {
  /** For people: `public.my_fn(a integer)`. */
  readonly signature: string;
  /** pg_get_functiondef's CREATE OR REPLACE FUNCTION statement. */
  readonly definition: string;
  /** A default, check or index of a managed table calls it: a copy cannot do without it. */
  readonly called: boolean;
}

/** The user's functions; a plain function's definition is the one the routines' query read. */
function buildUsedFunctions(rows: CatalogRows): UsedFunction[] {
  const definitions = new Map((rows.routines ?? []).map((r) => [`${objectPath(r.schema, r.name)}(${r.identity})`, r.definition]));
  return (rows.functions ?? []).map((row) => {
    const signature = `${objectPath(row.schema, row.name)}(${row.arguments})`;
    return { signature, definition: row.definition ?? definitions.get(signature) ?? '', called: row.called ?? true };
  });
}

/** The Model's `extensions`, only when the database has any besides plpgsql (so Models without them do not change). */
const withExtensions = (extensions: Record<string, Extension>): { extensions?: Record<string, Extension> } => (Object.keys(extensions).length > 0 ? { extensions } : {});

function extensionTypes(rows: CatalogRows): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const r of rows.extension_types ?? []) (out[r.name] ??= []).push(r.type);
  return out;
}

export function buildIntrospection(rows: CatalogRows): Introspection {
  return {
    model: {
      schemas: rows.schemas.map((s) => s.name),
      enums: buildEnums(rows.enums),
      tables: buildTables(rows),
      ...((rows.sequences ?? []).length > 0 ? { sequences: buildSequences(rows.sequences ?? []) } : {}),
      ...withExtensions(buildExtensions(rows.extensions ?? [])),
      ...((rows.views ?? []).length > 0 ? { views: buildViews(rows.views ?? []) } : {}),
      ...((rows.routines ?? []).length > 0 ? { functions: buildRoutines(rows.routines ?? []) } : {}),
      ...((rows.triggers ?? []).length > 0 ? { triggers: buildTriggers(rows.triggers ?? []) } : {}),
      ...withPolicies(rows.policies ?? []),
      ...((rows.domains ?? []).length > 0 ? { domains: buildDomains(rows.domains ?? []) } : {}),
      ...((rows.composite_types ?? []).length > 0 ? { types: buildCompositeTypes(rows.composite_types ?? []) } : {}),
    },
    sizes: Object.fromEntries(
      rows.tables.map((t) => [objectPath(t.schema, t.table), { bytes: t.bytes === null ? null : Number(t.bytes), rows: t.rows === null ? null : Number(t.rows), ...(t.bytes_estimated ? { estimated: true } : {}) }]),
    ),
    unmanaged: buildUnmanaged(rows.unmanaged, rows.unmanaged_tables, rows.dependents, {
      typeDependents: rows.type_dependents ?? [],
      occupied: rows.occupied_schemas ?? [],
      taken: rows.taken_names ?? [],
    }),
    knownTypes: new Set(rows.types.map((t) => `${t.schema}.${t.name}`)),
    serverVersion: rows.server_version,
    extensions: rows.extensions ?? [],
    extensionUpdates: new Set((rows.extension_updates ?? []).map((u) => `${u.name}\u0000${u.source}\u0000${u.target}`)),
    extensionTypes: extensionTypes(rows),
    availableExtensions: (rows.available_extensions ?? []).map((a) => ({ name: a.name, version: a.default_version, schema: a.schema ?? rows.current_schema ?? 'public' })),
    functions: buildUsedFunctions(rows),
    indexDefinitions: Object.fromEntries(rows.indexes.flatMap((i) => (i.definition ? [[objectPath(i.schema, i.table, i.name), i.definition]] : []))),
  };
}

/** Policies and row-level security as the Model holds them: each record only when not empty. */
function withPolicies(rows: CatalogRows['policies'] & object): Pick<Model, 'policies' | 'rowSecurity'> {
  const { policies, rowSecurity } = buildPolicies(rows);
  return { ...(Object.keys(policies).length > 0 ? { policies } : {}), ...(Object.keys(rowSecurity).length > 0 ? { rowSecurity } : {}) };
}
