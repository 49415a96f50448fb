// The sequences columns own once a plan has run (serial's). The desired Model takes them from the
// database: a sequence stays with its column while a default of the desired state uses it, and
// follows the column from one integer type to another as ALTER SEQUENCE ... AS does. One the file
// declares (`sequences:` owned_by a column whose default calls it) that the column does not own
// yet is made with it. Pure.
import { objectPath } from '../model/identifiers.js';
import type { Hints } from '../model/hints.js';
import { columnNamed, type Model, type OwnedSequence, type Table } from '../model/model.js';
import { regclassesIn } from '../model/sql-tokens.js';

/** The range of each type a sequence may have: the defaults of its MINVALUE and MAXVALUE. */
export const SEQUENCE_RANGES: Readonly<Record<string, readonly [string, string]>> = {
  smallint: ['-32768', '32767'],
  integer: ['-2147483648', '2147483647'],
  bigint: ['-9223372036854775808', '9223372036854775807'],
};

/**
 * The sequence after `ALTER SEQUENCE ... AS type`, as PostgreSQL makes it: a MINVALUE or
 * MAXVALUE that was its old type's limit becomes the new type's, any other stays. Null when
 * PostgreSQL would refuse (a bound or the start outside what the new type holds).
 */
export function retypedSequence(s: OwnedSequence, type: string): OwnedSequence | null {
  const range = SEQUENCE_RANGES[type];
  const old = SEQUENCE_RANGES[s.type];
  if (!range || !old) return null;
  const min = s.min === old[0] ? range[0] : s.min;
  const max = s.max === old[1] ? range[1] : s.max;
  const [lo, hi] = range.map(BigInt) as [bigint, bigint];
  const within = (v: string, a: bigint, b: bigint): boolean => BigInt(v) >= a && BigInt(v) <= b;
  if (!within(min, lo, hi) || !within(max, lo, hi) || !within(s.start, BigInt(min), BigInt(max))) return null;
  return { ...s, type, min, max };
}

/** Whether a sequence of `to` holds fewer values than `from` (its last value may not fit). */
export function narrows(from: OwnedSequence, to: OwnedSequence): boolean {
  return BigInt(to.min) > BigInt(from.min) || BigInt(to.max) < BigInt(from.max);
}

/** Every sequence (object path) that a default of `model` uses. */
function sequencesUsed(model: Model): Set<string> {
  return new Set(Object.values(model.tables).flatMap((t) => t.columns.flatMap((c) => (c.default === null ? [] : regclassesIn(c.default)))));
}

/**
 * `desired` with the sequences its columns will own: those today's column (found through the
 * effective `renames`) owns and that a default of `desired` still uses (or `alsoUsed`, objects
 * this tool leaves alone), retyped with the column when they had its type. A sequence nothing
 * uses any more is left out: the plan drops it with its default.
 */
export function withOwnedSequences(current: Model, desired: Model, renames: Hints, alsoUsed: ReadonlySet<string> = new Set()): Model {
  const used = sequencesUsed(desired);
  const tables: Record<string, Table> = {};
  for (const [key, dt] of Object.entries(desired.tables)) {
    const was = renames.tables.get(key);
    const ct = current.tables[was ? objectPath(was.schema, was.name) : key];
    const named = renames.columns.get(key);
    if (!ct || !ct.columns.some((c) => c.ownedSequences)) {
      tables[key] = dt;
      continue;
    }
    const columns = dt.columns.map(({ ownedSequences: declared, ...dc }) => {
      const cc = columnNamed(ct, named?.get(dc.name) ?? dc.name);
      const own = new Set(dc.default === null ? [] : regclassesIn(dc.default));
      const path = (s: OwnedSequence): string => objectPath(ct.schema, s.name);
      const kept = (cc?.ownedSequences ?? [])
        .filter((s) => used.has(path(s)) || alsoUsed.has(path(s)))
        // A sequence of the column's type that feeds it follows it to another integer type (serial to bigserial).
        .map((s) => (own.has(path(s)) && s.type === cc!.type && dc.type !== cc!.type ? (retypedSequence(s, dc.type) ?? s) : s));
      // One the file declares (a sequence owned_by the column that its default calls) and the column does not own yet is made.
      const all = [...kept, ...(declared ?? []).filter((s) => !kept.some((k) => k.name === s.name))];
      return all.length === 0 ? dc : { ...dc, ownedSequences: all };
    });
    tables[key] = { ...dt, columns };
  }
  return { ...desired, tables };
}
