// Literal defaults checked offline against the built-in types whose input rules are simple and
// fixed (integers, booleans, numbers, uuid), so `validate` reports them in the same round as
// every other problem. Anything else is left to the server when `plan` spells the file.

/** The name PostgreSQL shows for each type checked here (format_type's words). */
const SHOWN: Readonly<Record<string, string>> = {
  int2: 'smallint',
  int4: 'integer',
  int8: 'bigint',
  bool: 'boolean',
  numeric: 'numeric',
  float4: 'real',
  float8: 'double precision',
  uuid: 'uuid',
};

const RANGE: Readonly<Record<string, readonly [bigint, bigint]>> = {
  int2: [-32768n, 32767n],
  int4: [-2147483648n, 2147483647n],
  int8: [-9223372036854775808n, 9223372036854775807n],
};

// Lenient on purpose: PostgreSQL 16 and later also read 0x/0o/0b and `_` between digits, and
// validate must never refuse what the target accepts.
const INTEGER = /^[-+]?(\d+(_\d+)*|0[xX](_?[0-9a-fA-F])+|0[oO](_?[0-7])+|0[bB](_?[01])+)$/;
const NUMBER = /^[-+]?((\d+(_\d+)*)?\.?(\d+(_\d+)*)?([eE][-+]?\d+)?|0[xX](_?[0-9a-fA-F])+|0[oO](_?[0-7])+|0[bB](_?[01])+|nan|inf|infinity)$/i;
const BOOLEAN_WORDS = ['true', 'false', 'yes', 'no'];

/** Whether PostgreSQL's boolin reads `text` (trimmed, any case): a prefix of true/false/yes/no, on, off (from "of"), 1 or 0. */
function readsAsBoolean(text: string): boolean {
  const t = text.toLowerCase();
  if (t === '') return false;
  if (t === '1' || t === '0' || t === 'on') return true;
  if (t.length >= 2 && 'off'.startsWith(t)) return true;
  return BOOLEAN_WORDS.some((w) => w.startsWith(t));
}

/**
 * Why the text default `value` cannot be stored in the built-in type named `type` (its
 * pg_catalog name, as the parser gives it: int4, bool, ...), in the server's words; null when
 * it can, or when this type is not one checked offline.
 */
export function literalDefaultProblem(type: string, value: string): string | null {
  const shown = SHOWN[type];
  if (shown === undefined) return null;
  const text = value.trim();
  const syntax = `the default '${value}' does not fit type ${shown}: invalid input syntax for type ${shown}: "${value}"`;
  if (type in RANGE) {
    if (!INTEGER.test(text)) return syntax;
    if (/^[-+]?\d+$/.test(text)) {
      const [low, high] = RANGE[type]!;
      const n = BigInt(text);
      if (n < low || n > high) return `the default '${value}' does not fit type ${shown}: value "${value}" is out of range for type ${shown}`;
    }
    return null;
  }
  if (type === 'bool') return readsAsBoolean(text) ? null : syntax;
  if (type === 'uuid') return /^\{?[0-9a-f]{4}(-?[0-9a-f]{4}){7}\}?$/i.test(text) ? null : syntax;
  // numeric, real, double precision
  return NUMBER.test(text) && /[0-9]|nan|inf/i.test(text) ? null : syntax;
}
