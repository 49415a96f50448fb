// Composite types (standalone, not a table's row type): the catalog query, its rows and the
// Model they build. The spelling transaction reads the file's back with the same query, limited
// to their names (`compositeTypesNamedSql`).
import { objectPath } from '../../model/identifiers.js';
import type { CompositeType } from '../../model/composite.js';
import { notExtensionMember, schemaFilter } from '../scope.js';

export interface CompositeTypeRow {
  readonly schema: string;
  readonly name: string;
  readonly comment: string | null;
  readonly attributes: { readonly name: string; readonly type: string }[] | null;
}

const select = (where: string): string => `SELECT n.nspname AS schema, t.typname AS name,
      pg_catalog.obj_description(t.oid, 'pg_type') AS comment,
      (SELECT json_agg(json_build_object('name', a.attname, 'type', pg_catalog.format_type(a.atttypid, a.atttypmod)) ORDER BY a.attnum)
        FROM pg_catalog.pg_attribute a WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped) AS attributes
    FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
    JOIN pg_catalog.pg_class c ON c.oid = t.typrelid
    WHERE t.typtype = 'c' AND c.relkind = 'c' AND ${where}
    ORDER BY 1, 2`;

/** The user's composite types: not in a system schema, not an extension's. */
export function compositeTypesSql(): string {
  return select(`${schemaFilter('n')} AND ${notExtensionMember('pg_catalog.pg_type', 't.oid')}`);
}

/** The composite types named by the text arrays $1 (schemas) and $2 (names), pairwise. */
export const compositeTypesNamedSql = (): string => select(`(n.nspname, t.typname) IN (SELECT * FROM unnest($1::text[], $2::text[]))`);

export function buildCompositeTypes(rows: readonly CompositeTypeRow[]): Record<string, CompositeType> {
  return Object.fromEntries(
    rows.map((r) => [objectPath(r.schema, r.name), { kind: 'composite_type', schema: r.schema, name: r.name, attributes: (r.attributes ?? []).map((a) => ({ name: a.name, type: a.type })), comment: r.comment }]),
  );
}
