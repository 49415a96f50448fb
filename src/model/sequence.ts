// A sequence of its own (`sequences:` in schema.yaml): the Model type and PostgreSQL's
// defaults for the options a file may leave out. Pure.

/** What pg_sequence holds of any sequence (a column's own, or one of its own). Numbers are decimal text (int8). */
export interface SequenceOptions {
  /** `smallint`, `integer` or `bigint`. */
  readonly type: string;
  readonly start: string;
  readonly increment: string;
  readonly min: string;
  readonly max: string;
  readonly cache: string;
  readonly cycle: boolean;
}

/**
 * A sequence that is not part of a column: not an identity's, and not one a column owns while
 * its default calls it (serial's: see Column.ownedSequences). Numbers are decimal text (int8).
 */
export interface Sequence extends SequenceOptions {
  readonly kind: 'sequence';
  readonly schema: string;
  readonly name: string;
  /** The column it belongs to (OWNED BY), of a table in the sequence's schema: it goes when that column goes. */
  readonly ownedBy: { readonly table: string; readonly column: string } | null;
}

/** The types a sequence may have, with their ranges: what MINVALUE and MAXVALUE default to. */
export const SEQUENCE_TYPE_RANGES: Readonly<Record<string, readonly [bigint, bigint]>> = {
  smallint: [-32768n, 32767n],
  integer: [-2147483648n, 2147483647n],
  bigint: [-9223372036854775808n, 9223372036854775807n],
};

/** What CREATE SEQUENCE makes of the options left out: an ascending one counts from 1 up, a descending one from -1 down. */
export function sequenceDefaults(type: string, increment: bigint, min: bigint | null, max: bigint | null): { min: bigint; max: bigint; start: bigint } {
  const [low, high] = SEQUENCE_TYPE_RANGES[type] ?? SEQUENCE_TYPE_RANGES['bigint']!;
  const lo = min ?? (increment > 0n ? 1n : low);
  const hi = max ?? (increment > 0n ? high : -1n);
  return { min: lo, max: hi, start: increment > 0n ? lo : hi };
}
