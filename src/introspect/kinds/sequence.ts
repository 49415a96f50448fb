// Sequences of their own: the catalog query, its rows and the Model they build. Left out: an
// identity's sequence, and one a column owns while that column's default calls it (serial's,
// part of its column: see owned-sequence.ts). Numbers as text: they are int8.
import { objectPath } from '../../model/identifiers.js';
import type { Sequence, SequenceOptions } from '../../model/sequence.js';
import { cls, notExtensionMember, schemaFilter } from '../scope.js';

export interface SequenceRow extends SequenceOptions {
  readonly schema: string;
  readonly name: string;
  /** The table and column that own it (OWNED BY; PostgreSQL keeps the table in its schema), or null. */
  readonly owned_table: string | null;
  readonly owned_column: string | null;
}

export function sequencesSql(): string {
  return `SELECT n.nspname AS schema, c.relname AS name, pg_catalog.format_type(s.seqtypid, NULL) AS type,
      s.seqstart::text AS start, s.seqincrement::text AS increment, s.seqmin::text AS min, s.seqmax::text AS max,
      s.seqcache::text AS cache, s.seqcycle AS cycle, ot.relname AS owned_table, oa.attname AS owned_column
    FROM pg_catalog.pg_class c
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_catalog.pg_sequence s ON s.seqrelid = c.oid
    LEFT JOIN pg_catalog.pg_depend o ON o.classid = ${cls('pg_class')} AND o.objid = c.oid AND o.refclassid = ${cls('pg_class')} AND o.deptype = 'a'
    LEFT JOIN pg_catalog.pg_class ot ON ot.oid = o.refobjid
    LEFT JOIN pg_catalog.pg_attribute oa ON oa.attrelid = o.refobjid AND oa.attnum = o.refobjsubid
    WHERE c.relkind = 'S' AND ${schemaFilter('n')} AND ${notExtensionMember('pg_catalog.pg_class', 'c.oid')}
      AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend i WHERE i.classid = ${cls('pg_class')} AND i.objid = c.oid AND i.deptype = 'i')
      -- Serial's: owned by a column whose default calls it.
      AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_attrdef ad JOIN pg_catalog.pg_depend d ON d.classid = ${cls('pg_attrdef')} AND d.objid = ad.oid
        WHERE o.objid IS NOT NULL AND ad.adrelid = o.refobjid AND ad.adnum = o.refobjsubid AND d.refclassid = ${cls('pg_class')} AND d.refobjid = c.oid)
    ORDER BY 1, 2`;
}

export function buildSequences(rows: readonly SequenceRow[]): Record<string, Sequence> {
  const out: Record<string, Sequence> = {};
  for (const r of rows) {
    const ownedBy = r.owned_table !== null && r.owned_column !== null ? { table: r.owned_table, column: r.owned_column } : null;
    out[objectPath(r.schema, r.name)] = { kind: 'sequence', schema: r.schema, name: r.name, type: r.type, start: r.start, increment: r.increment, min: r.min, max: r.max, cache: r.cache, cycle: r.cycle, ownedBy };
  }
  return out;
}
