// Indexes (those no constraint owns): the catalog query, its rows and the Model they build.
import type { Index, IndexKey } from '../../model/model.js';
import { plainTable, relationScope, type Scope } from '../scope.js';

export interface IndexKeyRow {
  readonly column: string | null;
  readonly expression: string | null;
  readonly option: number;
  /** Not the default operator class (absent in rows read by older code). */
  readonly opclass?: string | null;
  /** Not the column's (or the key type's) collation. */
  readonly collation?: string | null;
}
export interface IndexRow {
  readonly schema: string;
  readonly table: string;
  readonly name: string;
  readonly unique: boolean;
  readonly method: string;
  readonly key_count: number;
  readonly keys: IndexKeyRow[];
  readonly where: string | null;
  readonly valid: boolean;
  readonly nulls_not_distinct: boolean;
  /** pg_class.reloptions of the index by name, null when none. */
  readonly with?: Record<string, string> | null;
  /** obj_description; absent in rows read before index comments were read. */
  readonly comment?: string | null;
  /** pg_get_indexdef: the CREATE INDEX statement, with what the Model does not hold (operator classes, collations, storage parameters). */
  readonly definition?: string;
  /** A partition's copy of an index of its parent (absent in rows read by older code: false). */
  readonly inherited?: boolean;
}

/** `on`: which relations' indexes (plain tables; a materialized view's, see introspect/kinds/view.ts). */
export function indexesSql(scope: Scope, serverVersion: number, on = plainTable()): string {
  const nullsNotDistinct = serverVersion >= 150000 ? 'i.indnullsnotdistinct' : 'false';
  return `SELECT n.nspname AS schema, c.relname AS table, ic.relname AS name, i.indisunique AS unique,
      am.amname AS method, i.indnkeyatts::int AS key_count,
      (SELECT json_agg(json_build_object(
          'column', CASE WHEN k.attnum <> 0 THEN a.attname END,
          'expression', CASE WHEN k.attnum = 0 THEN pg_catalog.pg_get_indexdef(i.indexrelid, k.ord::int, true) END,
          'option', coalesce(o.opt, 0),
          'opclass', (SELECT CASE WHEN opn.nspname = 'pg_catalog' THEN pg_catalog.quote_ident(opc.opcname) ELSE pg_catalog.quote_ident(opn.nspname) || '.' || pg_catalog.quote_ident(opc.opcname) END
            FROM pg_catalog.pg_opclass opc JOIN pg_catalog.pg_namespace opn ON opn.oid = opc.opcnamespace
            WHERE opc.oid = i.indclass[k.ord::int - 1] AND NOT opc.opcdefault),
          'collation', (SELECT CASE WHEN con.nspname = 'pg_catalog' THEN pg_catalog.quote_ident(co.collname) ELSE pg_catalog.quote_ident(con.nspname) || '.' || pg_catalog.quote_ident(co.collname) END
            FROM pg_catalog.pg_collation co JOIN pg_catalog.pg_namespace con ON con.oid = co.collnamespace
            WHERE co.oid = i.indcollation[k.ord::int - 1]
              AND co.oid IS DISTINCT FROM (CASE WHEN k.attnum <> 0 THEN a.attcollation
                ELSE (SELECT kt.typcollation FROM pg_catalog.pg_attribute ka JOIN pg_catalog.pg_type kt ON kt.oid = ka.atttypid WHERE ka.attrelid = i.indexrelid AND ka.attnum = k.ord) END))) ORDER BY k.ord)
        FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(attnum, ord)
        LEFT JOIN unnest(i.indoption::int2[]) WITH ORDINALITY o(opt, ord) ON o.ord = k.ord
        LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum) AS keys,
      pg_catalog.pg_get_expr(i.indpred, i.indrelid) AS where,
      i.indisvalid AS valid,
      ${nullsNotDistinct} AS nulls_not_distinct,
      (SELECT json_object_agg(split_part(ro, '=', 1), substr(ro, strpos(ro, '=') + 1)) FROM unnest(ic.reloptions) ro) AS with,
      pg_catalog.obj_description(i.indexrelid, 'pg_class') AS comment,
      pg_catalog.pg_get_indexdef(i.indexrelid) AS definition,
      -- A partition's copy of an index of its parent is the parent's.
      EXISTS (SELECT 1 FROM pg_catalog.pg_inherits ih WHERE ih.inhrelid = i.indexrelid) AS inherited
    FROM pg_catalog.pg_index i
    JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
    JOIN pg_catalog.pg_class c ON c.oid = i.indrelid
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_catalog.pg_am am ON am.oid = ic.relam
    WHERE ${on} AND ${relationScope(scope)}
      AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint con
        WHERE con.conindid = i.indexrelid AND con.conrelid = i.indrelid AND con.contype IN ('p', 'u', 'x'))
    ORDER BY 1, 2, 3`;
}

const INDOPTION_DESC = 1;
const INDOPTION_NULLS_FIRST = 2;

export function buildIndex(row: IndexRow): Index {
  const keys: IndexKey[] = row.keys.slice(0, row.key_count).map((k) => ({
    column: k.column,
    expression: k.column === null ? k.expression : null,
    descending: (k.option & INDOPTION_DESC) !== 0,
    nullsFirst: (k.option & INDOPTION_NULLS_FIRST) !== 0,
    ...(k.collation ? { collation: k.collation } : {}),
    ...(k.opclass ? { opclass: k.opclass } : {}),
  }));
  const include = row.keys.slice(row.key_count).map((k) => k.column ?? k.expression ?? '');
  return {
    kind: 'index',
    name: row.name,
    unique: row.unique,
    method: row.method,
    keys,
    include,
    where: row.where,
    ...(row.valid === false ? { invalid: true as const } : {}),
    ...(row.unique && row.nulls_not_distinct === true ? { nullsNotDistinct: true as const } : {}),
    ...(row.with && Object.keys(row.with).length > 0 ? { with: Object.fromEntries(Object.entries(row.with).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) } : {}),
    ...(typeof row.comment === 'string' ? { comment: row.comment } : {}),
  };
}
