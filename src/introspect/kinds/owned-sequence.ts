// Sequences owned by a column (serial's): read with their column (the fragment of the column query) and built into it.
import type { OwnedSequence } from '../../model/model.js';

/** The catalog row is the Model's sequence as it is (the query names its fields so). */
export type OwnedSequenceRow = OwnedSequence;

/**
 * The sequences OWNED BY a column (dependency 'a'; an identity's own sequence is 'i' and part
 * of the identity), with every option CREATE SEQUENCE takes. Numbers as text: they are int8.
 */
export function ownedSequences(c: string, a: string): string {
  return `(SELECT json_agg(json_build_object('name', s.relname, 'type', pg_catalog.format_type(sq.seqtypid, NULL),
        'start', sq.seqstart::text, 'increment', sq.seqincrement::text, 'min', sq.seqmin::text, 'max', sq.seqmax::text,
        'cache', sq.seqcache::text, 'cycle', sq.seqcycle) ORDER BY s.relname)
      FROM pg_catalog.pg_depend dep
      JOIN pg_catalog.pg_class s ON s.oid = dep.objid AND s.relkind = 'S'
      JOIN pg_catalog.pg_sequence sq ON sq.seqrelid = s.oid
      WHERE dep.classid = 'pg_catalog.pg_class'::regclass AND dep.refclassid = 'pg_catalog.pg_class'::regclass
        AND dep.refobjid = ${c}.oid AND dep.refobjsubid = ${a}.attnum AND dep.deptype = 'a')`;
}

export function buildOwnedSequence(row: OwnedSequenceRow): OwnedSequence {
  const { name, type, start, increment, min, max, cache, cycle } = row;
  return { name, type, start, increment, min, max, cache, cycle };
}
