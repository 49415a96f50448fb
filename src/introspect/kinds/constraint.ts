// Primary keys, uniques, checks (and exclusions, kept as checks) and foreign keys: one catalog query for the four constraint kinds, its rows and the Model they build.
import type { Check, ForeignKey, KeyTiming, PrimaryKey, ReferentialAction, Unique } from '../../model/model.js';
import { plainTable, relationScope, type Scope } from '../scope.js';

export interface ConstraintRow {
  readonly schema: string;
  readonly table: string;
  readonly name: string;
  readonly type: 'p' | 'u' | 'c' | 'f' | 'x';
  readonly columns: string[];
  readonly ref_schema: string | null;
  readonly ref_table: string | null;
  readonly ref_columns: string[] | null;
  readonly on_update: string;
  readonly on_delete: string;
  readonly match: string;
  readonly deferrable: boolean;
  readonly deferred: boolean;
  readonly definition: string | null;
  readonly nulls_not_distinct: boolean;
  readonly validated: boolean;
  /** The columns ON DELETE SET NULL/DEFAULT sets, when not all (PostgreSQL 15+); null otherwise. */
  readonly delete_columns?: string[] | null;
  /** A partition's copy of its parent's constraint (absent in rows read by older code: false). */
  readonly inherited?: boolean;
}

export function attnames(rel: string, keys: string): string {
  return `(SELECT json_agg(a.attname ORDER BY k.ord) FROM unnest(${keys}) WITH ORDINALITY k(num, ord)
      JOIN pg_catalog.pg_attribute a ON a.attrelid = ${rel} AND a.attnum = k.num)`;
}

export function constraintsSql(scope: Scope, serverVersion: number): string {
  const nullsNotDistinct = serverVersion >= 150000 ? `coalesce((SELECT i.indnullsnotdistinct FROM pg_catalog.pg_index i WHERE i.indexrelid = con.conindid AND con.contype = 'u'), false)` : 'false';
  return `SELECT n.nspname AS schema, c.relname AS table, con.conname AS name, con.contype::text AS type,
      ${attnames('con.conrelid', 'con.conkey')} AS columns,
      fn.nspname AS ref_schema, fc.relname AS ref_table,
      ${attnames('con.confrelid', 'con.confkey')} AS ref_columns,
      con.confupdtype::text AS on_update, con.confdeltype::text AS on_delete, con.confmatchtype::text AS match,
      con.condeferrable AS deferrable, con.condeferred AS deferred,
      CASE WHEN con.contype IN ('c', 'x') THEN pg_catalog.pg_get_constraintdef(con.oid) END AS definition,
      ${nullsNotDistinct} AS nulls_not_distinct,
      con.convalidated AS validated,
      ${serverVersion >= 150000 ? attnames('con.conrelid', 'con.confdelsetcols') : 'NULL'} AS delete_columns,
      -- What a partition inherits from its parent (a copy of its key, check or foreign key) is the parent's.
      (con.coninhcount > 0 OR con.conparentid <> 0) AS inherited
    FROM pg_catalog.pg_constraint con
    JOIN pg_catalog.pg_class c ON c.oid = con.conrelid
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN pg_catalog.pg_class fc ON fc.oid = con.confrelid
    LEFT JOIN pg_catalog.pg_namespace fn ON fn.oid = fc.relnamespace
    WHERE con.contype IN ('p', 'u', 'c', 'f', 'x') AND ${plainTable()} AND ${relationScope(scope)}
      -- A foreign key to a table left alone is left alone too: the file cannot name that table.
      AND (con.contype <> 'f' OR ${plainTable('fc')})
      -- The copies of a foreign key to a partitioned table, one for each of its partitions, are that key's.
      AND NOT (con.contype = 'f' AND con.conparentid <> 0 AND EXISTS (SELECT 1 FROM pg_catalog.pg_constraint pk WHERE pk.oid = con.conparentid AND pk.conrelid = con.conrelid))
    ORDER BY 1, 2, 3`;
}

const ACTIONS: Record<string, ReferentialAction> = {
  a: 'no action',
  r: 'restrict',
  c: 'cascade',
  n: 'set null',
  d: 'set default',
};

export type Constraint = PrimaryKey | Unique | Check | ForeignKey;

/** DEFERRABLE and INITIALLY DEFERRED, present only when set. */
const keyTiming = (row: ConstraintRow): KeyTiming => ({ ...(row.deferrable ? { deferrable: true as const } : {}), ...(row.deferred ? { initiallyDeferred: true as const } : {}) });

export function buildConstraint(row: ConstraintRow): Constraint {
  switch (row.type) {
    case 'p':
      return { kind: 'primary_key', name: row.name, columns: row.columns, ...keyTiming(row) };
    case 'u':
      return { kind: 'unique', name: row.name, columns: row.columns, nullsNotDistinct: row.nulls_not_distinct, ...keyTiming(row) };
    // An exclusion is kept with the checks: a named constraint with its definition as the server prints it (`EXCLUDE USING gist (...)`).
    case 'x':
    case 'c':
      return { kind: 'check', name: row.name, definition: (row.definition ?? '').replace(/ NOT VALID$/, ''), ...(row.validated === false ? { notValid: true as const } : {}) };
    case 'f':
      return {
        kind: 'foreign_key',
        name: row.name,
        columns: row.columns,
        references: { schema: row.ref_schema ?? '', table: row.ref_table ?? '', columns: row.ref_columns ?? [] },
        onDelete: ACTIONS[row.on_delete] ?? 'no action',
        ...(row.delete_columns && row.delete_columns.length > 0 ? { onDeleteColumns: row.delete_columns } : {}),
        onUpdate: ACTIONS[row.on_update] ?? 'no action',
        match: row.match === 'f' ? 'full' : 'simple',
        deferrable: row.deferrable,
        initiallyDeferred: row.deferred,
        ...(row.validated === false ? { notValid: true as const } : {}),
      };
  }
}
