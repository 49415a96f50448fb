// The catalog read: the queries of the kinds of object (introspect/kinds/, listed by
// introspect/kinds/registry.ts) and those of what this tool leaves alone, for the whole
// database in one round trip (never one per table). Each returns a JSON array so pg and PGlite
// hand back identical rows. The same queries read the temporary tables of the spelling
// transaction (scope 'temp'), so both sides of a diff are spelled by the same functions.
import type { ColumnRow } from './kinds/column.js';
import type { ConstraintRow } from './kinds/constraint.js';
import type { EnumRow } from './kinds/enum.js';
import type { IndexRow } from './kinds/index.js';
import { kindQueries } from './kinds/registry.js';
import type { SchemaRow } from './kinds/schema.js';
import { availableExtensionsSql, extensionTypesSql, extensionUpdatesSql, type AvailableExtensionRow, type ExtensionRow, type ExtensionTypeRow, type ExtensionUpdateRow } from './kinds/extension.js';
import type { SequenceRow } from './kinds/sequence.js';
export type { AvailableExtensionRow, ExtensionRow, ExtensionUpdateRow } from './kinds/extension.js';
import type { TableRow } from './kinds/table.js';
import type { ViewRow } from './kinds/view.js';
import type { RoutineRow } from './kinds/function.js';
import { managedTrigger, type TriggerRow } from './kinds/trigger.js';
import type { PolicyRow } from './kinds/policy.js';
import type { DomainRow } from './kinds/domain.js';
import type { CompositeTypeRow } from './kinds/composite.js';
export type { ViewRow } from './kinds/view.js';
import { asJsonArray, cls, notExtensionMember, ownedSequence, plainTable, relationScope, schemaFilter, tableKind } from './scope.js';

export type { Scope } from './scope.js';
export { columnsSql, type ColumnRow } from './kinds/column.js';
export { constraintsSql, type ConstraintRow } from './kinds/constraint.js';
export { enumsSql, type EnumRow } from './kinds/enum.js';
export { indexesSql, type IndexKeyRow, type IndexRow } from './kinds/index.js';
export type { OwnedSequenceRow } from './kinds/owned-sequence.js';
export { schemasSql, type SchemaRow } from './kinds/schema.js';
export { tablesSql, type TableRow } from './kinds/table.js';

export interface UnmanagedRow {
  readonly kind: string;
  readonly schema: string;
  readonly count: number;
}
export interface UnmanagedTableRow {
  readonly schema: string;
  readonly name: string;
  readonly kind: string;
}
export interface DependentRow {
  readonly schema: string;
  readonly table: string;
  /** Null when the object stands on the table as a whole. */
  readonly column: string | null;
  readonly kind: string;
  readonly dependent_schema: string;
  readonly dependent_name: string;
  /** The table a policy, trigger, rule, foreign key or default is on. */
  readonly on_table: string | null;
  readonly own: boolean;
  /** The sequence of `column` (OWNED BY it) that it uses, when it uses that rather than the column. */
  readonly sequence: string | null;
}
export interface FunctionRow {
  readonly schema: string;
  readonly name: string;
  /** As pg_get_function_identity_arguments prints them: `a integer, b text`. */
  readonly arguments: string;
  /**
   * pg_get_functiondef: one CREATE OR REPLACE FUNCTION statement. Null for a plain function,
   * whose routine row (introspect/kinds/function.ts) has it: the catalog reads it once.
   */
  readonly definition: string | null;
  /** A default, generated column, check or index of a managed table calls it (absent in rows read by older code: true). */
  readonly called?: boolean;
}
/** A schema holding anything besides managed tables and enums (an extension, an operator...). */
export interface OccupiedSchemaRow {
  readonly schema: string;
}
/**
 * An object this tool does not manage that uses a managed enum or a managed table's row type
 * (a function taking or returning it, a domain over it, a view casting to it...).
 */
export interface TypeDependentRow {
  /** The enum, or the table whose row type is used. */
  readonly schema: string;
  readonly name: string;
  readonly type_kind: 'enum' | 'table';
  readonly kind: string;
  readonly dependent_schema: string | null;
  readonly dependent_name: string | null;
  /** The table a policy, trigger or rule is on. */
  readonly on_schema: string | null;
  readonly on_table: string | null;
  /** pg_identify_object's identity, for the kinds named no other way. */
  readonly identity: string | null;
}
/** A relation or type name the file cannot take: the database has an object of it already. */
export interface TakenNameRow {
  readonly schema: string;
  readonly name: string;
  /** For people: `view`, `sequence`, `domain`, `index on public.m`... */
  readonly kind: string;
  /** It is a relation's name (a table, an index or a primary key cannot have it). */
  readonly relation: boolean;
  /** It is a type's name (a table or an enum cannot have it). */
  readonly type: boolean;
}
export interface TypeNameRow {
  readonly schema: string;
  readonly name: string;
}

export interface CatalogRows {
  readonly server_version: number;
  readonly schemas: SchemaRow[];
  readonly enums: EnumRow[];
  /** Absent in rows read before sequences were managed. */
  readonly sequences?: SequenceRow[];
  /** Absent in rows read before views were managed. */
  readonly views?: ViewRow[];
  /** Functions and procedures (managed: introspect/kinds/function.ts). Absent in rows read before they were managed. */
  readonly routines?: RoutineRow[];
  /** Triggers (managed: introspect/kinds/trigger.ts). Absent in rows read before they were managed. */
  readonly triggers?: TriggerRow[];
  /** Row-level security and policies (managed: introspect/kinds/policy.ts). Absent in rows read before they were managed. */
  readonly policies?: PolicyRow[];
  /** Domains (managed: introspect/kinds/domain.ts). Absent in rows read before they were managed. */
  readonly domains?: DomainRow[];
  /** Composite types of their own (managed: introspect/kinds/composite.ts). Absent in rows read before they were managed. */
  readonly composite_types?: CompositeTypeRow[];
  readonly tables: TableRow[];
  readonly columns: ColumnRow[];
  readonly constraints: ConstraintRow[];
  readonly indexes: IndexRow[];
  readonly unmanaged: UnmanagedRow[];
  readonly unmanaged_tables: UnmanagedTableRow[];
  readonly dependents: DependentRow[];
  readonly type_dependents?: TypeDependentRow[];
  readonly occupied_schemas?: OccupiedSchemaRow[];
  readonly taken_names?: TakenNameRow[];
  readonly types: TypeNameRow[];
  readonly extensions: ExtensionRow[];
  /** Absent in rows read before extensions were managed. */
  readonly available_extensions?: AvailableExtensionRow[];
  readonly current_schema?: string | null;
  readonly extension_updates?: ExtensionUpdateRow[];
  readonly extension_types?: ExtensionTypeRow[];
  readonly functions: FunctionRow[];
}

/** Kinds left alone that live in a schema of their own: the kind, its catalog and its namespace column. */
const OWN_SCHEMA_KINDS: readonly (readonly [string, string, string])[] = [
  ['statistics object', 'pg_statistic_ext', 'stxnamespace'],
  ['collation', 'pg_collation', 'collnamespace'],
  ['text search configuration', 'pg_ts_config', 'cfgnamespace'],
  ['operator', 'pg_operator', 'oprnamespace'],
];

/** What the tool leaves alone, counted per kind and schema. */
export function unmanagedSql(): string {
  const inUserSchema = schemaFilter('n');
  return `SELECT kind, schema, count(*)::int AS count FROM (
      -- Rules (other than a view's), extended statistics, collations, text search configurations and operators are not managed.
      SELECT 'rule' AS kind, n.nspname AS schema
        FROM pg_catalog.pg_rewrite r JOIN pg_catalog.pg_class c ON c.oid = r.ev_class JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        WHERE r.rulename <> '_RETURN' AND ${inUserSchema}
${OWN_SCHEMA_KINDS.map(
  ([kind, catalog, namespace]) => `      UNION ALL
      SELECT '${kind}', n.nspname
        FROM pg_catalog.${catalog} x JOIN pg_catalog.pg_namespace n ON n.oid = x.${namespace}
        WHERE ${inUserSchema} AND ${notExtensionMember(`pg_catalog.${catalog}`, 'x.oid')}
`,
).join('')}      UNION ALL
      SELECT CASE c.relkind WHEN 'm' THEN 'materialized view' WHEN 'f' THEN 'foreign table' ELSE ${tableKind()} END AS kind, n.nspname AS schema
        FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        WHERE ${inUserSchema} AND ${notExtensionMember('pg_catalog.pg_class', 'c.oid')}
          -- Sequences and views are managed: introspect/kinds/sequence.ts, introspect/kinds/view.ts. Materialized
          -- views are counted: left alone by a file without materialized_views: (plan/plan.ts drops the count otherwise).
          -- Composite types are managed (introspect/kinds/composite.ts).
          AND (c.relkind IN ('m', 'f') OR (c.relkind IN ('r', 'p') AND NOT (${plainTable()})))
      UNION ALL
      -- Functions, procedures and aggregates are managed (introspect/kinds/function.ts): window functions are not.
      SELECT 'window function', n.nspname
        FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
        WHERE p.prokind = 'w' AND ${inUserSchema} AND ${notExtensionMember('pg_catalog.pg_proc', 'p.oid')}
      UNION ALL
      -- Triggers on plain tables are managed (introspect/kinds/trigger.ts): constraint triggers and those on other relations are not.
      SELECT 'trigger', n.nspname
        FROM pg_catalog.pg_trigger tg JOIN pg_catalog.pg_class c ON c.oid = tg.tgrelid
        JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        WHERE NOT tg.tgisinternal AND NOT (${managedTrigger()}) AND ${inUserSchema}
      UNION ALL
      -- Domains are managed (introspect/kinds/domain.ts).
      SELECT CASE t.typtype WHEN 'r' THEN 'range type' ELSE 'type' END, n.nspname
        FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
        WHERE t.typtype IN ('r', 'b') AND ${inUserSchema} AND ${notExtensionMember('pg_catalog.pg_type', 't.oid')}
          AND NOT (t.typtype = 'b' AND t.typcategory = 'A')
      UNION ALL
      -- Exclusion constraints on plain tables are managed (introspect/kinds/constraint.ts, as checks): those on other relations are not.
      SELECT 'exclusion constraint', n.nspname
        FROM pg_catalog.pg_constraint con JOIN pg_catalog.pg_class c ON c.oid = con.conrelid
        JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        WHERE con.contype = 'x' AND NOT (${plainTable()}) AND ${inUserSchema}
      UNION ALL
      -- Policies on plain tables are managed (introspect/kinds/policy.ts): those on other relations are not.
      SELECT 'policy', n.nspname
        FROM pg_catalog.pg_policy pol JOIN pg_catalog.pg_class c ON c.oid = pol.polrelid
        JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        WHERE NOT (${plainTable()}) AND ${inUserSchema}
    ) u GROUP BY 1, 2 ORDER BY 1, 2`;
}

/** The tables left alone (partitioned, partitions, inheritance), so schema.yaml cannot claim one. */
export function unmanagedTablesSql(): string {
  return `SELECT n.nspname AS schema, c.relname AS name, ${tableKind()} AS kind
    FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p') AND NOT (${plainTable()}) AND ${relationScope('database')}
    ORDER BY 1, 2`;
}

/**
 * Objects the tool does not manage that stand on a managed table or one of its columns, or on a
 * managed view (materialized views, functions with SQL bodies, policies, triggers, foreign keys and defaults of unmanaged
 * tables), or on a sequence a column owns (which goes with the column): PostgreSQL refuses to
 * drop or retype what they use while they exist. `own` marks one that belongs to the table
 * itself (dropped with it).
 */
export function dependentsSql(): string {
  return `SELECT n.nspname AS schema, t.relname AS table, a.attname AS column,
      CASE WHEN r.oid IS NOT NULL THEN CASE oc.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' ELSE 'rule' END
        WHEN p.oid IS NOT NULL THEN CASE p.prokind WHEN 'p' THEN 'procedure' ELSE 'function' END
        WHEN pol.oid IS NOT NULL THEN 'policy' WHEN tg.oid IS NOT NULL THEN 'trigger' WHEN ad.oid IS NOT NULL THEN 'default' ELSE 'foreign key' END AS kind,
      coalesce(pn.nspname, on_.nspname) AS dependent_schema,
      coalesce(CASE WHEN r.oid IS NOT NULL AND r.rulename = '_RETURN' THEN oc.relname END, r.rulename, p.proname, pol.polname, tg.tgname, con.conname, ada.attname) AS dependent_name,
      CASE WHEN p.oid IS NULL AND NOT (r.oid IS NOT NULL AND r.rulename = '_RETURN') THEN oc.relname END AS on_table,
      oc.oid IS NOT DISTINCT FROM t.oid AS own,
      CASE WHEN owner.objid IS NOT NULL THEN s.relname END AS sequence
    FROM pg_catalog.pg_depend d
    -- A sequence OWNED BY a column stands for that column: it goes when the column goes.
    LEFT JOIN pg_catalog.pg_class s ON d.refclassid = ${cls('pg_class')} AND s.oid = d.refobjid AND s.relkind = 'S'
    LEFT JOIN pg_catalog.pg_depend owner ON s.oid IS NOT NULL AND owner.classid = ${cls('pg_class')} AND owner.objid = s.oid
      AND owner.refclassid = ${cls('pg_class')} AND owner.deptype = 'a'
    JOIN pg_catalog.pg_class t ON d.refclassid = ${cls('pg_class')} AND t.oid = coalesce(owner.refobjid, d.refobjid)
    JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace
    LEFT JOIN pg_catalog.pg_attribute a ON coalesce(owner.refobjsubid, d.refobjsubid) > 0 AND a.attrelid = t.oid AND a.attnum = coalesce(owner.refobjsubid, d.refobjsubid)
    LEFT JOIN pg_catalog.pg_rewrite r ON d.classid = ${cls('pg_rewrite')} AND r.oid = d.objid
    LEFT JOIN pg_catalog.pg_proc p ON d.classid = ${cls('pg_proc')} AND p.oid = d.objid
    LEFT JOIN pg_catalog.pg_namespace pn ON pn.oid = p.pronamespace
    LEFT JOIN pg_catalog.pg_policy pol ON d.classid = ${cls('pg_policy')} AND pol.oid = d.objid
    LEFT JOIN pg_catalog.pg_trigger tg ON d.classid = ${cls('pg_trigger')} AND tg.oid = d.objid
    LEFT JOIN pg_catalog.pg_constraint con ON d.classid = ${cls('pg_constraint')} AND con.oid = d.objid
    LEFT JOIN pg_catalog.pg_attrdef ad ON d.classid = ${cls('pg_attrdef')} AND ad.oid = d.objid
    LEFT JOIN pg_catalog.pg_attribute ada ON ada.attrelid = ad.adrelid AND ada.attnum = ad.adnum
    LEFT JOIN pg_catalog.pg_class oc ON oc.oid = coalesce(r.ev_class, pol.polrelid, tg.tgrelid, con.conrelid, ad.adrelid)
    LEFT JOIN pg_catalog.pg_namespace on_ ON on_.oid = oc.relnamespace
    WHERE d.deptype = 'n' AND (${plainTable('t')} OR t.relkind = 'v') AND ${relationScope('database', 't', 'n')}
      -- Views are managed (introspect/kinds/view.ts): a view's own rule is planned, not in the way,
      -- unless it calls a sequence a column owns (the plan does not make a view go with a column's sequence).
      AND ((r.oid IS NOT NULL AND NOT (r.rulename = '_RETURN' AND oc.relkind = 'v' AND owner.objid IS NULL AND ${notExtensionMember('pg_catalog.pg_class', 'oc.oid')})) OR p.oid IS NOT NULL OR pol.oid IS NOT NULL OR tg.oid IS NOT NULL
        -- Foreign keys and defaults of managed tables are planned; those of tables left alone are not.
        -- A partition's copy of its parent's key goes with the parent's: only that one is named.
        OR (con.oid IS NOT NULL AND NOT (${plainTable('oc')}) AND con.conparentid = 0)
        OR (ad.oid IS NOT NULL AND NOT (${plainTable('oc')})))
    ORDER BY 1, 2, 3, 4, 5, 6`;
}

/**
 * Schemas holding anything besides the tables and enums this tool manages: an extension and
 * its objects, operators, collations, statistics, views... DROP SCHEMA would refuse, so a plan
 * never drops one. Every object in a schema depends on it in pg_depend, so none is missed.
 */
export function occupiedSchemasSql(): string {
  return `SELECT DISTINCT n.nspname AS schema
    FROM pg_catalog.pg_depend d
    JOIN pg_catalog.pg_namespace n ON d.refclassid = ${cls('pg_namespace')} AND n.oid = d.refobjid
    LEFT JOIN pg_catalog.pg_class c ON d.classid = ${cls('pg_class')} AND c.oid = d.objid
    LEFT JOIN pg_catalog.pg_type t ON d.classid = ${cls('pg_type')} AND t.oid = d.objid
    LEFT JOIN pg_catalog.pg_proc p ON d.classid = ${cls('pg_proc')} AND p.oid = d.objid
    WHERE d.deptype = 'n' AND ${schemaFilter('n')}
      -- Functions, procedures and aggregates are managed (introspect/kinds/function.ts).
      AND NOT (p.oid IS NOT NULL AND p.prokind IN ('f', 'p', 'a') AND ${notExtensionMember('pg_catalog.pg_proc', 'p.oid')})
      -- Sequences are managed too: with their column, or of their own (introspect/kinds/sequence.ts).
      AND NOT (c.oid IS NOT NULL AND ${notExtensionMember('pg_catalog.pg_class', 'c.oid')} AND ((${plainTable()}) OR c.relkind IN ('S', 'v', 'm', 'c')))
      AND NOT (t.oid IS NOT NULL AND t.typtype IN ('e', 'd') AND ${notExtensionMember('pg_catalog.pg_type', 't.oid')})
    ORDER BY 1`;
}

/**
 * Objects the tool does not manage that use a managed enum (or its array type) or a managed
 * table's row type: a function taking or returning it, a domain over it, a view casting to
 * it, a column of a composite type or of a table left alone. PostgreSQL refuses to drop the
 * type while they exist, and a rebuilt enum leaves them on the old version. The columns,
 * defaults, constraints and indexes of managed tables are planned, so they are not listed.
 */
export function typeDependentsSql(): string {
  const ownerOf = `CASE d.classid
      WHEN ${cls('pg_class')} THEN coalesce((SELECT i.indrelid FROM pg_catalog.pg_index i WHERE i.indexrelid = d.objid), d.objid)
      WHEN ${cls('pg_attrdef')} THEN (SELECT ad.adrelid FROM pg_catalog.pg_attrdef ad WHERE ad.oid = d.objid)
      WHEN ${cls('pg_constraint')} THEN (SELECT k.conrelid FROM pg_catalog.pg_constraint k WHERE k.oid = d.objid AND k.contype <> 'x') END`;
  // A domain, range or other type; a domain's constraint stands for its domain.
  const typeOf = `CASE d.classid WHEN ${cls('pg_type')} THEN d.objid
      WHEN ${cls('pg_constraint')} THEN (SELECT nullif(k.contypid, 0) FROM pg_catalog.pg_constraint k WHERE k.oid = d.objid) END`;
  const onTable = `oc.oid IS NOT NULL AND NOT (r.oid IS NOT NULL AND r.rulename = '_RETURN')`;
  return `SELECT tn.nspname AS schema, coalesce(tc.relname, tt.typname) AS name,
      CASE WHEN tt.typtype = 'e' THEN 'enum' ELSE 'table' END AS type_kind,
      CASE WHEN r.oid IS NOT NULL THEN CASE WHEN r.rulename <> '_RETURN' THEN 'rule' WHEN oc.relkind = 'm' THEN 'materialized view' ELSE 'view' END
        WHEN p.oid IS NOT NULL THEN CASE p.prokind WHEN 'p' THEN 'procedure' WHEN 'a' THEN 'aggregate' ELSE 'function' END
        WHEN pol.oid IS NOT NULL THEN 'policy' WHEN tg.oid IS NOT NULL THEN 'trigger'
        WHEN dt.oid IS NOT NULL THEN CASE dt.typtype WHEN 'd' THEN 'domain' WHEN 'r' THEN 'range type' ELSE 'type' END
        WHEN rel.oid IS NOT NULL THEN CASE rel.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' WHEN 'c' THEN 'composite type'
          WHEN 'f' THEN 'foreign table' WHEN 'i' THEN 'index' WHEN 'I' THEN 'index' ELSE ${tableKind('rel')} END
        ELSE io.type END AS kind,
      coalesce(pn.nspname, on_.nspname, dtn.nspname, reln.nspname) AS dependent_schema,
      coalesce(CASE WHEN r.rulename = '_RETURN' THEN oc.relname END, r.rulename, p.proname, pol.polname, tg.tgname, dt.typname, rel.relname) AS dependent_name,
      CASE WHEN ${onTable} THEN on_.nspname END AS on_schema,
      CASE WHEN ${onTable} THEN oc.relname END AS on_table,
      io.identity AS identity
    FROM pg_catalog.pg_depend d
    -- The type itself or its array type.
    JOIN (SELECT t.oid AS ref, t.oid AS type FROM pg_catalog.pg_type t
      UNION ALL SELECT t.typarray, t.oid FROM pg_catalog.pg_type t WHERE t.typarray <> 0) used ON used.ref = d.refobjid
    JOIN pg_catalog.pg_type tt ON tt.oid = used.type
    JOIN pg_catalog.pg_namespace tn ON tn.oid = tt.typnamespace
    LEFT JOIN pg_catalog.pg_class tc ON tc.oid = tt.typrelid
    LEFT JOIN pg_catalog.pg_rewrite r ON d.classid = ${cls('pg_rewrite')} AND r.oid = d.objid
    LEFT JOIN pg_catalog.pg_proc p ON d.classid = ${cls('pg_proc')} AND p.oid = d.objid
    LEFT JOIN pg_catalog.pg_namespace pn ON pn.oid = p.pronamespace
    LEFT JOIN pg_catalog.pg_policy pol ON d.classid = ${cls('pg_policy')} AND pol.oid = d.objid
    LEFT JOIN pg_catalog.pg_trigger tg ON d.classid = ${cls('pg_trigger')} AND tg.oid = d.objid
    LEFT JOIN pg_catalog.pg_class oc ON oc.oid = coalesce(r.ev_class, pol.polrelid, tg.tgrelid)
    LEFT JOIN pg_catalog.pg_namespace on_ ON on_.oid = oc.relnamespace
    LEFT JOIN pg_catalog.pg_type dt ON dt.oid = ${typeOf}
    LEFT JOIN pg_catalog.pg_namespace dtn ON dtn.oid = dt.typnamespace
    LEFT JOIN pg_catalog.pg_class rel ON d.classid = ${cls('pg_class')} AND rel.oid = d.objid
    LEFT JOIN pg_catalog.pg_namespace reln ON reln.oid = rel.relnamespace
    LEFT JOIN pg_catalog.pg_class owner ON owner.oid = ${ownerOf}
    CROSS JOIN LATERAL pg_catalog.pg_identify_object(d.classid, d.objid, 0) io
    WHERE d.refclassid = ${cls('pg_type')} AND d.deptype = 'n'
      AND ((tt.typtype = 'e' AND ${schemaFilter('tn')} AND ${notExtensionMember('pg_catalog.pg_type', 'tt.oid')})
        OR (tc.oid IS NOT NULL AND ${plainTable('tc')} AND ${relationScope('database', 'tc', 'tn')}))
      AND NOT (owner.oid IS NOT NULL AND ${plainTable('owner')} AND ${notExtensionMember('pg_catalog.pg_class', 'owner.oid')})
    ORDER BY 1, 2, 4, 5, 6, 9`;
}

/**
 * Relation and type names the database holds outside what this tool manages (views,
 * sequences, domains, an extension's tables and types, indexes of tables left alone): a
 * table, enum or index of the file cannot take one of them.
 */
export function takenNamesSql(): string {
  return `SELECT n.nspname AS schema, c.relname AS name,
        CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' WHEN 'f' THEN 'foreign table'
          WHEN 'c' THEN 'composite type' WHEN 'S' THEN 'sequence' WHEN 'i' THEN 'index' WHEN 'I' THEN 'index'
          WHEN 'r' THEN CASE WHEN ${plainTable()} THEN 'table' ELSE ${tableKind()} END ELSE ${tableKind()} END AS kind,
        true AS relation, c.relkind IN ('r', 'p', 'v', 'm', 'f', 'c') AS type
      FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE ${schemaFilter('n')} AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'c', 'S', 'i', 'I')
        AND NOT (${notExtensionMember('pg_catalog.pg_class', 'c.oid')} AND ((${plainTable()}) OR (${ownedSequence()})))
        AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class it ON it.oid = i.indrelid
          WHERE i.indexrelid = c.oid AND ${plainTable('it')} AND ${notExtensionMember('pg_catalog.pg_class', 'it.oid')})
    UNION ALL
    SELECT n.nspname, t.typname,
        CASE t.typtype WHEN 'd' THEN 'domain' WHEN 'r' THEN 'range type' WHEN 'm' THEN 'multirange type' WHEN 'e' THEN 'enum' ELSE 'type' END,
        false, true
      FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
      WHERE ${schemaFilter('n')} AND t.typtype IN ('b', 'd', 'e', 'm', 'r') AND t.typrelid = 0
        AND NOT (t.typtype = 'b' AND t.typcategory = 'A')
        AND NOT (t.typtype = 'e' AND ${notExtensionMember('pg_catalog.pg_type', 't.oid')})
    ORDER BY 1, 2`;
}

/** Every type a column may name in the target (for checking schema.yaml against it). */
export function typeNamesSql(): string {
  return `SELECT n.nspname AS schema, t.typname AS name
    FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
    WHERE t.typcategory <> 'A' AND t.typtype <> 'c' AND n.nspname !~ '^pg_(toast|temp_)' AND n.nspname <> 'information_schema'`;
}

/**
 * The user's functions (not an extension's), each marked `called` when defaults, generated
 * columns, checks or index expressions of managed tables call it: a copy of the schema needs
 * those first, and the functions they call in turn, which the catalog does not record for a
 * body written as text (so every one is read). In creation order, which puts a function
 * before those made after it. The definition of a plain function is read once, by the routines'
 * query; only window functions, which that query leaves out, have theirs here.
 */
export function usedFunctionsSql(): string {
  const cls = (name: string): string => `'pg_catalog.${name}'::regclass`;
  return `SELECT n.nspname AS schema, p.proname AS name, pg_catalog.pg_get_function_identity_arguments(p.oid) AS arguments,
      CASE WHEN p.prokind = 'w' THEN pg_catalog.pg_get_functiondef(p.oid) END AS definition,
      EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
        LEFT JOIN pg_catalog.pg_attrdef ad ON d.classid = ${cls('pg_attrdef')} AND ad.oid = d.objid
        LEFT JOIN pg_catalog.pg_constraint con ON d.classid = ${cls('pg_constraint')} AND con.oid = d.objid
        LEFT JOIN pg_catalog.pg_index i ON d.classid = ${cls('pg_class')} AND i.indexrelid = d.objid
        JOIN pg_catalog.pg_class c ON c.oid = coalesce(ad.adrelid, con.conrelid, i.indrelid)
        JOIN pg_catalog.pg_namespace cn ON cn.oid = c.relnamespace
        WHERE d.refclassid = ${cls('pg_proc')} AND d.refobjid = p.oid AND d.deptype = 'n'
          AND ${plainTable()} AND ${relationScope('database', 'c', 'cn')}) AS called
    FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
    WHERE p.prokind IN ('f', 'w') AND ${schemaFilter('n')} AND ${notExtensionMember('pg_catalog.pg_proc', 'p.oid')}
    ORDER BY p.oid`;
}

/** The whole catalog read of a database in one round trip. */
export function catalogSql(serverVersion: number): string {
  const kinds = kindQueries('database', serverVersion).map(([rows, sql]) => `'${rows}', ${asJsonArray(sql)},`);
  return `SELECT json_build_object(
      'server_version', current_setting('server_version_num')::int,
      ${kinds.join('\n      ')}
      'unmanaged', ${asJsonArray(unmanagedSql())},
      'unmanaged_tables', ${asJsonArray(unmanagedTablesSql())},
      'dependents', ${asJsonArray(dependentsSql())},
      'type_dependents', ${asJsonArray(typeDependentsSql())},
      'occupied_schemas', ${asJsonArray(occupiedSchemasSql())},
      'taken_names', ${asJsonArray(takenNamesSql())},
      'types', ${asJsonArray(typeNamesSql())},
      'available_extensions', ${asJsonArray(availableExtensionsSql())},
      'current_schema', current_schema(),
      'extension_updates', ${asJsonArray(extensionUpdatesSql())},
      'extension_types', ${asJsonArray(extensionTypesSql())},
      'functions', ${asJsonArray(usedFunctionsSql())}
    ) AS catalog`;
}

/** The read-back of the spelling transaction's temporary tables: the kinds a spelling makes. */
export function tempCatalogSql(serverVersion: number): string {
  const kinds = kindQueries('temp', serverVersion).map(([rows, sql]) => `'${rows}', ${asJsonArray(sql)}`);
  return `SELECT json_build_object(
      ${kinds.join(',\n      ')}
    ) AS catalog`;
}
