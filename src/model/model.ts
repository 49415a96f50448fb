// The Model: the managed objects of a database as PostgreSQL spells them. Plain readonly data.
import { objectPath } from './identifiers.js';
import type { Extension } from './extension.js';
import type { Sequence, SequenceOptions } from './sequence.js';
import type { Routine } from './routine.js';
import type { Trigger } from './trigger.js';
import type { ManagedPolicies, Policy, RowSecurity } from './policy.js';
import type { Domain } from './domain.js';
import type { CompositeType } from './composite.js';
import type { ManagedViews, View } from './view.js';

export type ReferentialAction = 'no action' | 'restrict' | 'cascade' | 'set null' | 'set default';
export type IdentityKind = 'always' | 'by_default';

/** A type used by a column that this tool manages (an enum), for ordering and enum rebuilds. */
export interface TypeRef {
  readonly schema: string;
  readonly name: string;
  readonly array: boolean;
}

export interface Column {
  readonly kind: 'column';
  readonly name: string;
  /** As format_type prints it with an empty search_path: `character varying(20)`, `public.order_status`. */
  readonly type: string;
  readonly typeRef: TypeRef | null;
  readonly nullable: boolean;
  /** As pg_get_expr prints it: `'active'::text`, `now()`; null when there is none. */
  readonly default: string | null;
  readonly identity: IdentityKind | null;
  readonly comment: string | null;
  /**
   * A generated column's expression as pg_get_expr prints it (`GENERATED ALWAYS AS (...)
   * STORED`); absent for a plain column.
   */
  readonly generated?: string;
  /**
   * The column's collation when it is not its type's own, as SQL: `"C"` for one of pg_catalog,
   * `public."german"` for another schema's; absent for the type's own.
   */
  readonly collation?: string;
  /**
   * Sequences OWNED BY this column (what `serial` makes: the default calls nextval of one),
   * in the table's schema as PostgreSQL requires; absent when none. Part of the column: created
   * with it, dropped with it. schema.yaml cannot declare one, so the diff does not compare it
   * and fingerprints leave it out: a serial column and its YAML twin (`default: { sql:
   * nextval(...) }`) are the same column.
   */
  readonly ownedSequences?: readonly OwnedSequence[];
}

/** A sequence owned by a column, as pg_sequence holds it. Numbers are decimal text (int8). */
export interface OwnedSequence extends SequenceOptions {
  readonly name: string;
}

/** When a unique or primary key is checked: present only when DEFERRABLE (and INITIALLY DEFERRED). */
export interface KeyTiming {
  readonly deferrable?: true;
  readonly initiallyDeferred?: true;
}

export interface PrimaryKey extends KeyTiming {
  readonly kind: 'primary_key';
  readonly name: string;
  readonly columns: readonly string[];
}

export interface Unique extends KeyTiming {
  readonly kind: 'unique';
  readonly name: string;
  readonly columns: readonly string[];
  readonly nullsNotDistinct: boolean;
}

export interface Check {
  readonly kind: 'check';
  readonly name: string;
  /** As pg_get_constraintdef prints it, without any NOT VALID: `CHECK ((total >= (0)::numeric))`. */
  readonly definition: string;
  /** Added NOT VALID and not validated since: existing rows are unchecked. */
  readonly notValid?: true;
}

export interface IndexKey {
  /** A column name or an expression as pg_get_indexdef prints it for the key. */
  readonly column: string | null;
  readonly expression: string | null;
  readonly descending: boolean;
  readonly nullsFirst: boolean;
  /** The operator class when it is not the default one (`text_pattern_ops`, `public.gin_trgm_ops`); absent for the default. */
  readonly opclass?: string;
  /** The key's collation when it is not its column's (an expression's: its type's), as SQL (`"C"`); absent otherwise. */
  readonly collation?: string;
}

export interface Index {
  readonly kind: 'index';
  readonly name: string;
  readonly unique: boolean;
  readonly method: string;
  readonly keys: readonly IndexKey[];
  readonly include: readonly string[];
  /** As pg_get_expr prints the predicate; null for a full index. */
  readonly where: string | null;
  /** Left INVALID by a failed or interrupted concurrent build: it must be built again. */
  readonly invalid?: true;
  /**
   * A unique index that counts NULLs as equal (NULLS NOT DISTINCT, PostgreSQL 15+); absent
   * otherwise, and on an index that is not unique, where it means nothing.
   */
  readonly nullsNotDistinct?: true;
  /** Storage parameters (`WITH (fillfactor = 70)`) as pg_class.reloptions holds them, by name; absent when none. */
  readonly with?: Readonly<Record<string, string>>;
  /** COMMENT ON INDEX; absent without one (so Models of indexes without comments do not change). Not part of its definition: a new comment is a comment step. */
  readonly comment?: string;
}

export interface ForeignKey {
  readonly kind: 'foreign_key';
  readonly name: string;
  readonly columns: readonly string[];
  readonly references: { readonly schema: string; readonly table: string; readonly columns: readonly string[] };
  readonly onDelete: ReferentialAction;
  /**
   * The columns `set null` or `set default` on delete sets (`ON DELETE SET NULL (tenant_id)`,
   * PostgreSQL 15+); absent when it sets every column of the key.
   */
  readonly onDeleteColumns?: readonly string[];
  readonly onUpdate: ReferentialAction;
  readonly match: 'simple' | 'full';
  readonly deferrable: boolean;
  readonly initiallyDeferred: boolean;
  /** Added NOT VALID and not validated since: existing rows are unchecked. */
  readonly notValid?: true;
}

export interface Table {
  readonly kind: 'table';
  readonly schema: string;
  readonly name: string;
  /** In column order. */
  readonly columns: readonly Column[];
  readonly primaryKey: PrimaryKey | null;
  readonly uniques: Readonly<Record<string, Unique>>;
  readonly checks: Readonly<Record<string, Check>>;
  readonly indexes: Readonly<Record<string, Index>>;
  readonly foreignKeys: Readonly<Record<string, ForeignKey>>;
  readonly comment: string | null;
  /** UNLOGGED: not written to the WAL, emptied after a crash, not replicated; absent for a logged table. */
  readonly unlogged?: true;
  /**
   * Storage parameters (`WITH (fillfactor = 70)`, pg_class.reloptions), name -> value as
   * PostgreSQL stores the text; absent when none is set.
   */
  readonly storage?: Readonly<Record<string, string>>;
  /** REPLICA IDENTITY other than DEFAULT: what logical replication sends of an updated or deleted row. */
  readonly replicaIdentity?: ReplicaIdentity;
  /** A partitioned table's key as pg_get_partkeydef prints it (`RANGE (payment_date)`); absent on others. */
  readonly partitionBy?: string;
  /**
   * A partition: its parent and bound. Its columns are its parent's, so the Model lists none
   * (column changes are made on the parent), and what it inherits (indexes, keys, checks,
   * foreign keys of the parent) is not its own.
   */
  readonly partitionOf?: PartitionOf;
  /**
   * A partition's copies of its parent's keys, checks, indexes and foreign keys, under the names
   * the partition has for them (read from the catalog; absent otherwise). Not its own, so not
   * compared: what DETACH leaves on it as its own (diff/kinds/table.ts asCompared).
   */
  readonly inherited?: InheritedMembers;
}

export interface InheritedMembers {
  readonly primaryKey: PrimaryKey | null;
  readonly uniques: Readonly<Record<string, Unique>>;
  readonly checks: Readonly<Record<string, Check>>;
  readonly indexes: Readonly<Record<string, Index>>;
  readonly foreignKeys: Readonly<Record<string, ForeignKey>>;
}

export interface PartitionOf {
  readonly schema: string;
  readonly table: string;
  /** As pg_get_expr(relpartbound) prints it: `FOR VALUES FROM ('2022-01-01') TO ('2022-02-01')`, or `DEFAULT`. */
  readonly bound: string;
}

export type ReplicaIdentity = 'full' | 'nothing' | { readonly index: string };

export const sameReplicaIdentity = (a: ReplicaIdentity | undefined, b: ReplicaIdentity | undefined): boolean => (typeof a === 'object' && typeof b === 'object' ? a.index === b.index : a === b);

/**
 * Two tables' storage parameters are the same: the same names with the same texts. `off` and
 * `false` mean the same to PostgreSQL, but it keeps the text it was given, and so does the file.
 */
export function sameStorage(a: Readonly<Record<string, string>> | undefined, b: Readonly<Record<string, string>> | undefined): boolean {
  const x = a ?? {};
  const y = b ?? {};
  const keys = Object.keys(x);
  return keys.length === Object.keys(y).length && keys.every((k) => y[k] === x[k]);
}

export interface EnumType {
  readonly kind: 'enum';
  readonly schema: string;
  readonly name: string;
  readonly values: readonly string[];
}

/**
 * The managed part of a database. Keys of `tables` and `enums` are object paths
 * (`public.users`). `schemas` are the non-system schemas that exist (or must exist).
 */
export interface Model {
  readonly schemas: readonly string[];
  readonly enums: Readonly<Record<string, EnumType>>;
  readonly tables: Readonly<Record<string, Table>>;
  /**
   * Sequences of their own, by object path; absent from a desired Model whose file has no
   * `sequences:` (the file then leaves them as they are) and from a database without any.
   */
  readonly sequences?: Readonly<Record<string, Sequence>>;
  /**
   * Extensions, by name (plpgsql left out); absent from a desired Model whose file has no
   * `extensions:` (the file then leaves them as they are) and from a database without any.
   */
  readonly extensions?: Readonly<Record<string, Extension>>;
  /**
   * Views, by object path; absent from a desired Model whose file has no `views:` (the file
   * then leaves them as they are) and from a database without any.
   */
  readonly views?: Readonly<Record<string, View>>;
  /**
   * Only in a desired Model: which views the file declares (`views:`, `materialized_views:`);
   * absent: plain views, when `views` is present (files written before materialized views).
   */
  readonly managedViews?: ManagedViews;
  /**
   * Functions and procedures, by object path with their identity arguments; absent from a
   * desired Model whose file has no `functions:` (the file then leaves them as they are) and
   * from a database without any.
   */
  readonly functions?: Readonly<Record<string, Routine>>;
  /**
   * Triggers on the managed tables, by `schema.table.name`; absent from a desired Model whose
   * file has no `triggers:` (the file then leaves them as they are) and from a database without any.
   */
  readonly triggers?: Readonly<Record<string, Trigger>>;
  /**
   * Policies on the managed tables, by `schema.table.name`; absent from a database without any.
   * A desired Model keeps those of a table without `policies:` as the database has them (plan/plan.ts).
   */
  readonly policies?: Readonly<Record<string, Policy>>;
  /** Tables with row-level security enabled or forced, by object path; absent when none has. */
  readonly rowSecurity?: Readonly<Record<string, RowSecurity>>;
  /** Only in a desired Model before planning: what the file says of row-level security (see ManagedPolicies). */
  readonly managedPolicies?: ManagedPolicies;
  /**
   * Domains, by object path; absent from a desired Model whose file has no `domains:` (the file
   * then leaves them as they are) and from a database without any.
   */
  readonly domains?: Readonly<Record<string, Domain>>;
  /**
   * Composite types of their own (not tables' row types), by object path; absent from a desired
   * Model whose file has no `types:` (the file then leaves them as they are) and from a database without any.
   */
  readonly types?: Readonly<Record<string, CompositeType>>;
}

/** A table this tool leaves alone: partitioned, a partition, or in an inheritance tree. */
export interface UnmanagedTable {
  readonly schema: string;
  readonly name: string;
  /** For people: `partitioned table`, `partition`, `inheriting table`, `inheritance parent`. */
  readonly kind: string;
}

/** What a database holds that this tool does not manage, counted per kind ("2 views"). */
export interface Unmanaged {
  readonly counts: Readonly<Record<string, number>>;
  /** Schemas holding unmanaged objects: never dropped by a plan. */
  readonly occupiedSchemas: readonly string[];
  /** The unmanaged tables by name, so schema.yaml cannot claim one. */
  readonly tables?: readonly UnmanagedTable[];
  /** Unmanaged objects standing on managed tables and columns (and on a table's row type). */
  readonly dependents?: readonly Dependent[];
  /** Unmanaged objects using a managed enum. */
  readonly typeDependents?: readonly TypeDependent[];
  /** Relation and type names held by objects this tool does not manage. */
  readonly taken?: readonly TakenName[];
}

/**
 * An object this tool does not manage that uses a managed enum (a function taking it, a
 * domain over it, a view casting to it): PostgreSQL refuses to drop the type while it exists,
 * and a rebuilt enum would leave it on the old version, which then cannot be dropped either.
 */
export interface TypeDependent {
  /** The enum. */
  readonly schema: string;
  readonly name: string;
  /** For people: `function public.f`, `domain public.d`. */
  readonly what: string;
  /** The table it belongs to (a policy or trigger on it): it goes when that table is dropped. */
  readonly on: { readonly schema: string; readonly table: string } | null;
}

/** A name in the database that a table, enum or index of the file cannot take. */
export interface TakenName {
  readonly schema: string;
  readonly name: string;
  /** For people: `view`, `sequence`, `domain`... */
  readonly kind: string;
  /** A relation's name: no table, index or key may have it. */
  readonly relation: boolean;
  /** A type's name: no table or enum may have it. */
  readonly type: boolean;
}

/**
 * An object this tool does not manage that uses a managed table or column (a view, a
 * function with an SQL body, a policy, a trigger, a foreign key of an unmanaged table):
 * PostgreSQL refuses to drop, and mostly to retype, what it uses while it exists.
 */
export interface Dependent {
  readonly schema: string;
  readonly table: string;
  /** Null when it uses the table as a whole. */
  readonly column: string | null;
  /** For people: `view public.v`, `policy p on public.t`. */
  readonly what: string;
  /** It belongs to the table itself (a policy or trigger on it), so it goes with the table. */
  readonly own: boolean;
  /** Retyping the column fails too (PostgreSQL rebuilds a foreign key instead). */
  readonly blocksRetype: boolean;
  /** It uses a sequence the column owns (in the table's schema), not the column itself: it keeps the sequence alive. */
  readonly sequence?: string;
}

/** The schema holding the tool's own ledger: never introspected, never in a plan. */
export const LEDGER_SCHEMA = 'schema_tool';

export function tableKey(t: { readonly schema: string; readonly name: string }): string {
  return objectPath(t.schema, t.name);
}

export function columnNamed(table: Table, name: string): Column | undefined {
  return table.columns.find((c) => c.name === name);
}
