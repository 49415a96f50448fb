// Views: the catalog query, its rows and the Model they build. A view's text is read with
// pg_get_viewdef(oid, true), its columns from pg_attribute, and what it reads from the
// dependencies of its _RETURN rule (pg_depend through pg_rewrite): tables, their columns, views.
// A materialized view (relkind 'm') is read alike, with whether it holds its rows and its
// indexes (read as a table's, introspect/kinds/index.ts).
import type { Index } from '../../model/model.js';
import { normalViewDefinition, viewPath, type View, type ViewColumn, type ViewUse } from '../../model/view.js';
import { cls, relationScope, type Scope } from '../scope.js';
import { buildIndex, indexesSql, type IndexRow } from './index.js';

export interface ViewRow {
  readonly schema: string;
  readonly name: string;
  readonly definition: string;
  readonly comment: string | null;
  readonly columns: readonly ViewColumn[] | null;
  readonly uses: readonly ViewUse[] | null;
  /** Absent or false: a plain view. */
  readonly materialized?: boolean;
  /** A materialized view's relispopulated. */
  readonly with_data?: boolean;
  readonly indexes?: readonly IndexRow[] | null;
}

/** The columns and uses of the view `c` (an alias of pg_class), as JSON arrays. */
function viewParts(c: string): string {
  return `(SELECT json_agg(json_build_object('name', a.attname, 'type', pg_catalog.format_type(a.atttypid, a.atttypmod)) ORDER BY a.attnum)
        FROM pg_catalog.pg_attribute a WHERE a.attrelid = ${c}.oid AND a.attnum > 0 AND NOT a.attisdropped) AS columns,
      (SELECT json_agg(json_build_object('schema', u.schema, 'name', u.name, 'column', u.column) ORDER BY u.schema, u.name, u.column NULLS FIRST) FROM (
        SELECT DISTINCT rn.nspname AS schema, rc.relname AS name, ra.attname AS column
          FROM pg_catalog.pg_rewrite r
          JOIN pg_catalog.pg_depend d ON d.classid = ${cls('pg_rewrite')} AND d.objid = r.oid AND d.refclassid = ${cls('pg_class')} AND d.deptype = 'n'
          JOIN pg_catalog.pg_class rc ON rc.oid = d.refobjid AND rc.oid <> ${c}.oid
          JOIN pg_catalog.pg_namespace rn ON rn.oid = rc.relnamespace
          LEFT JOIN pg_catalog.pg_attribute ra ON d.refobjsubid > 0 AND ra.attrelid = rc.oid AND ra.attnum = d.refobjsubid
          WHERE r.ev_class = ${c}.oid AND r.rulename = '_RETURN') u) AS uses`;
}

/** The user's views and materialized views (relkind 'v' and 'm', not an extension's), in the order they were made. */
export function viewsSql(scope: Scope, serverVersion: number): string {
  return `SELECT n.nspname AS schema, v.relname AS name, pg_catalog.pg_get_viewdef(v.oid, true) AS definition,
      pg_catalog.obj_description(v.oid, 'pg_class') AS comment,
      ${viewParts('v')},
      v.relkind = 'm' AS materialized, v.relispopulated AS with_data,
      CASE WHEN v.relkind = 'm' THEN (SELECT json_agg(x) FROM (${indexesSql(scope, serverVersion, "c.oid = v.oid AND c.relkind = 'm'")}) x) END AS indexes
    FROM pg_catalog.pg_class v JOIN pg_catalog.pg_namespace n ON n.oid = v.relnamespace
    WHERE v.relkind IN ('v', 'm') AND ${relationScope(scope, 'v')}
    ORDER BY v.oid`;
}

/** One view by its regclass ($1): how the spelling transaction reads a temporary view back. */
export function viewByOidSql(): string {
  return `SELECT n.nspname AS schema, c.relname AS name, pg_catalog.pg_get_viewdef(c.oid, true) AS definition, NULL::text AS comment,
      ${viewParts('c')}
    FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE c.oid = $1::regclass`;
}

export function buildView(r: ViewRow): View {
  const view: View = { kind: 'view', schema: r.schema, name: r.name, definition: normalViewDefinition(r.definition), columns: r.columns ?? [], comment: r.comment, uses: r.uses ?? [] };
  if (!r.materialized) return view;
  const indexes: Record<string, Index> = Object.fromEntries((r.indexes ?? []).map((i) => [i.name, buildIndex(i)]));
  return { ...view, materialized: { withData: r.with_data !== false, indexes } };
}

export function buildViews(rows: readonly ViewRow[]): Record<string, View> {
  return Object.fromEntries(rows.map((r) => [viewPath(r), buildView(r)]));
}
