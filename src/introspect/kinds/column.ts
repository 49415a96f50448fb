// Columns: the catalog query, its rows and the Model they build.
import type { Column } from '../../model/model.js';
import { plainTable, relationScope, type Scope } from '../scope.js';
import { buildOwnedSequence, ownedSequences, type OwnedSequenceRow } from './owned-sequence.js';

export interface ColumnRow {
  readonly schema: string;
  readonly table: string;
  readonly name: string;
  readonly type: string;
  readonly nullable: boolean;
  readonly default: string | null;
  /** The expression of a generated (STORED) column. */
  readonly generated: string | null;
  /** The collation when it is not the type's own (absent in rows read by older code). */
  readonly collation?: string | null;
  readonly identity: string;
  readonly comment: string | null;
  readonly enum_schema: string | null;
  readonly enum_name: string | null;
  readonly is_array: boolean;
  /** Sequences OWNED BY the column (serial's), null when none. */
  readonly owned_sequences: OwnedSequenceRow[] | null;
}

export function columnsSql(scope: Scope): string {
  return `SELECT n.nspname AS schema, c.relname AS table, a.attname AS name,
      pg_catalog.format_type(a.atttypid, a.atttypmod) AS type,
      NOT a.attnotnull AS nullable,
      CASE WHEN a.attgenerated = '' THEN pg_catalog.pg_get_expr(d.adbin, d.adrelid) END AS default,
      CASE WHEN a.attgenerated = 's' THEN pg_catalog.pg_get_expr(d.adbin, d.adrelid) END AS generated,
      a.attidentity::text AS identity,
      (SELECT CASE WHEN cn.nspname = 'pg_catalog' THEN pg_catalog.quote_ident(co.collname) ELSE pg_catalog.quote_ident(cn.nspname) || '.' || pg_catalog.quote_ident(co.collname) END
         FROM pg_catalog.pg_collation co JOIN pg_catalog.pg_namespace cn ON cn.oid = co.collnamespace
         WHERE co.oid = a.attcollation AND a.attcollation <> t.typcollation) AS collation,
      pg_catalog.col_description(c.oid, a.attnum) AS comment,
      CASE WHEN t.typtype = 'e' THEN tn.nspname WHEN et.typtype = 'e' THEN etn.nspname END AS enum_schema,
      CASE WHEN t.typtype = 'e' THEN t.typname WHEN et.typtype = 'e' THEN et.typname END AS enum_name,
      et.oid IS NOT NULL AS is_array,
      ${ownedSequences('c', 'a')} AS owned_sequences
    FROM pg_catalog.pg_attribute a
    JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
    JOIN pg_catalog.pg_namespace tn ON tn.oid = t.typnamespace
    LEFT JOIN pg_catalog.pg_type et ON t.typcategory = 'A' AND et.oid = t.typelem
    LEFT JOIN pg_catalog.pg_namespace etn ON etn.oid = et.typnamespace
    LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
    WHERE a.attnum > 0 AND NOT a.attisdropped AND ${plainTable()} AND ${relationScope(scope)}
    ORDER BY 1, 2, a.attnum`;
}

export function buildColumn(row: ColumnRow): Column {
  return {
    kind: 'column',
    name: row.name,
    type: row.type,
    typeRef: row.enum_schema !== null && row.enum_name !== null ? { schema: row.enum_schema, name: row.enum_name, array: row.is_array } : null,
    nullable: row.nullable,
    default: row.default,
    identity: row.identity === 'a' ? 'always' : row.identity === 'd' ? 'by_default' : null,
    comment: row.comment,
    ...(row.generated ? { generated: row.generated } : {}),
    ...(row.collation ? { collation: row.collation } : {}),
    ...(row.owned_sequences && row.owned_sequences.length > 0 ? { ownedSequences: row.owned_sequences.map(buildOwnedSequence) } : {}),
  };
}
