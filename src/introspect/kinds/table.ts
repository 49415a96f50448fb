// Tables: the catalog query (with each table's size) and its rows; build.ts groups columns, constraints and indexes into them.
import { plainTable, relationScope, type Scope } from '../scope.js';

export interface TableRow {
  readonly schema: string;
  readonly table: string;
  readonly comment: string | null;
  /** On disk with indexes and TOAST; null for the spelling transaction's tables. */
  readonly bytes: number | null;
  /** `bytes` is counted from the pages at the last VACUUM or ANALYZE (the table was locked), not read. */
  readonly bytes_estimated?: boolean;
  /** From the statistics (pg_class.reltuples): an estimate; null when never analysed, or 0. */
  readonly rows: number | null;
  /** relpersistence 'u' (absent in rows read by older code). */
  readonly unlogged?: boolean;
  /** pg_class.reloptions: `name=value` texts, or null. */
  readonly options?: string[] | null;
  /** relreplident: d, n, f or i (absent in rows read by older code). */
  readonly replica_identity?: string;
  /** With 'i': the index (indisreplident). */
  readonly replica_index?: string | null;
}

export function tablesSql(scope: Scope): string {
  return `SELECT n.nspname AS schema, c.relname AS table, pg_catalog.obj_description(c.oid, 'pg_class') AS comment,
      -- The real size on disk (pg_total_relation_size: a few file sizes, under an ACCESS SHARE
      -- lock), except for a table someone holds or awaits an ACCESS EXCLUSIVE lock on: reading
      -- it would wait behind them, so its size is the pages counted at the last VACUUM or
      -- ANALYZE, and said to be an estimate.
      CASE WHEN busy.relation IS NOT NULL
        THEN ((c.relpages + coalesce((SELECT t.relpages FROM pg_catalog.pg_class t WHERE t.oid = c.reltoastrelid), 0)
          + coalesce((SELECT sum(ic.relpages) FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid WHERE i.indrelid = c.oid), 0))
          * current_setting('block_size')::bigint)
        ELSE pg_catalog.pg_total_relation_size(c.oid) END AS bytes,
      busy.relation IS NOT NULL AS bytes_estimated,
      -- 0 is no figure: it is also what a table analysed empty, or never (before PostgreSQL 14), says.
      CASE WHEN c.reltuples > 0 THEN c.reltuples::bigint END AS rows,
      c.relpersistence = 'u' AS unlogged, c.reloptions AS options, c.relreplident::text AS replica_identity,
      (SELECT ic.relname FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid WHERE i.indrelid = c.oid AND i.indisreplident) AS replica_index
    FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      LEFT JOIN (SELECT DISTINCT l.relation FROM pg_catalog.pg_locks l
        WHERE l.locktype = 'relation' AND l.mode = 'AccessExclusiveLock' AND l.database = (SELECT d.oid FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database())) busy ON busy.relation = c.oid
    WHERE ${plainTable()} AND ${relationScope(scope)}
    ORDER BY 1, 2`;
}
