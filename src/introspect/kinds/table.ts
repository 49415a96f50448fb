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
  /** pg_get_partkeydef of a partitioned table; null (or absent, in rows read by older code) otherwise. */
  readonly partition_by?: string | null;
  /** A partition's parent and pg_get_expr of its bound; null otherwise. */
  readonly parent_schema?: string | null;
  readonly parent_table?: string | null;
  readonly bound?: string | null;
}

export function tablesSql(scope: Scope): string {
  return `SELECT n.nspname AS schema, c.relname AS table, pg_catalog.obj_description(c.oid, 'pg_class') AS comment,
      -- The real size on disk (pg_total_relation_size: a few file sizes, under an ACCESS SHARE
      -- lock), except for a table someone holds or awaits an ACCESS EXCLUSIVE lock on: reading
      -- it would wait behind them, so its size is the pages counted at the last VACUUM or
      -- ANALYZE, and said to be an estimate.
      -- A partitioned table holds no rows itself: its size is its partitions', counted from their
      -- pages at the last VACUUM or ANALYZE (reading each one's size could wait behind a lock).
      CASE WHEN c.relkind = 'p'
        THEN (SELECT coalesce(sum(pc.relpages), 0) * current_setting('block_size')::bigint
          FROM pg_catalog.pg_partition_tree(c.oid) pt JOIN pg_catalog.pg_class pc ON pc.oid = pt.relid)
        WHEN busy.relation IS NOT NULL
        THEN ((c.relpages + coalesce((SELECT t.relpages FROM pg_catalog.pg_class t WHERE t.oid = c.reltoastrelid), 0)
          + coalesce((SELECT sum(ic.relpages) FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid WHERE i.indrelid = c.oid), 0))
          * current_setting('block_size')::bigint)
        ELSE pg_catalog.pg_total_relation_size(c.oid) END AS bytes,
      busy.relation IS NOT NULL OR c.relkind = 'p' AS bytes_estimated,
      -- 0 is no figure: it is also what a table analysed empty, or never (before PostgreSQL 14), says.
      CASE WHEN c.relkind = 'p' THEN (SELECT nullif(sum(greatest(pc.reltuples, 0)), 0)::bigint
          FROM pg_catalog.pg_partition_tree(c.oid) pt JOIN pg_catalog.pg_class pc ON pc.oid = pt.relid AND pc.relkind = 'r')
        WHEN c.reltuples > 0 THEN c.reltuples::bigint END AS rows,
      c.relpersistence = 'u' AS unlogged, c.reloptions AS options, c.relreplident::text AS replica_identity,
      (SELECT ic.relname FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid WHERE i.indrelid = c.oid AND i.indisreplident) AS replica_index,
      CASE WHEN c.relkind = 'p' THEN pg_catalog.pg_get_partkeydef(c.oid) END AS partition_by,
      pn.nspname AS parent_schema, pc.relname AS parent_table,
      CASE WHEN c.relispartition THEN pg_catalog.pg_get_expr(c.relpartbound, c.oid) END AS bound
    FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      LEFT JOIN pg_catalog.pg_inherits pi ON c.relispartition AND pi.inhrelid = c.oid
      LEFT JOIN pg_catalog.pg_class pc ON pc.oid = pi.inhparent
      LEFT JOIN pg_catalog.pg_namespace pn ON pn.oid = pc.relnamespace
      LEFT JOIN (SELECT DISTINCT l.relation FROM pg_catalog.pg_locks l
        WHERE l.locktype = 'relation' AND l.mode = 'AccessExclusiveLock' AND l.database = (SELECT d.oid FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database())) busy ON busy.relation = c.oid
    WHERE ${plainTable()} AND ${relationScope(scope)}
    ORDER BY 1, 2`;
}
