// The cast table: for a pair of column types (as format_type spells them), whether changing
// one into the other is widening (silent), lossy (needs consent), rewrites the table, and
// needs an explicit `USING col::type`. Pure.
import type { Column } from '../model/model.js';
import { BUILT_IN, familyOf, parseType, type Family, type ParsedType } from '../model/type-names.js';

const INT_BOUNDS: Record<string, [string, string]> = {
  int2: ['-32768', '32767'],
  int4: ['-2147483648', '2147483647'],
  int8: ['-9223372036854775808', '9223372036854775807'],
};
const intRange = (t: string, rounded = false): ValueTest => ({ kind: 'range', min: INT_BOUNDS[t]![0], max: INT_BOUNDS[t]![1], ...(rounded ? { rounded: true as const } : {}) });

const INT_RANGE: Record<string, string> = {
  int2: '-32768..32767',
  int4: '-2147483648..2147483647',
  int8: '-9223372036854775808..9223372036854775807',
};
const INT_DIGITS: Record<string, number> = { int2: 5, int4: 10, int8: 19 };
/** The longest text an integer prints as, sign included. */
const INT_TEXT: Record<string, number> = { int2: 6, int4: 11, int8: 20 };
const INT_RANK: Record<string, number> = { int2: 1, int4: 2, int8: 3 };
/** Exact integers a float holds: float4 has a 24-bit mantissa, float8 53 bits. */
const FLOAT_EXACT_RANK: Record<string, number> = { float4: 1, float8: 2 };

/** Which existing values do not survive a conversion, for the data checks to count. */
export type ValueTest =
  /** Outside these bounds (once rounded to an integer, with `rounded`): the change fails. */
  | { readonly kind: 'range'; readonly min: string; readonly max: string; readonly rounded?: true }
  /** A double precision value beyond real's range, or so close to zero it would become 0: the change fails. */
  | { readonly kind: 'real' }
  /**
   * Text longer than this: the change fails. With `spacesCut` (into varchar(n) or character(n)),
   * only text longer once its trailing spaces are set aside: spaces alone beyond n are cut.
   */
  | { readonly kind: 'length'; readonly max: number; readonly spacesCut?: true }
  /** More integer digits than this once rounded to `scale`: the change fails. */
  | { readonly kind: 'digits'; readonly integerDigits: number; readonly scale: number }
  /** Not valid input for the new type: the change fails. */
  | { readonly kind: 'input' }
  /** An address with host bits set: the change fails. */
  | { readonly kind: 'host_bits' }
  /**
   * Different once converted (rounding, lost time of day): the change succeeds, the value
   * changes. `compareAs`: the type both sides are compared in, where the old type has no
   * comparison with the new one (money).
   */
  | { readonly kind: 'roundtrip'; readonly compareAs?: string }
  /** A numeric beyond the range of this floating point type, or so close to zero it would become 0: the change fails. */
  | { readonly kind: 'float_range'; readonly type: 'float4' | 'float8' }
  /** A numeric that reads back different from this floating point type (digits it cannot hold): the value changes. */
  | { readonly kind: 'float_digits'; readonly type: 'float4' | 'float8' }
  /** A bit string of another length than this: the change fails (ALTER ... TYPE bit(n) does not truncate). */
  | { readonly kind: 'bit_length'; readonly length: number }
  /** Every value changes (a timestamp loses its date): the change succeeds. */
  | { readonly kind: 'every' }
  /** Larger in magnitude than this: the value loses precision. */
  | { readonly kind: 'beyond'; readonly limit: string };

export interface Conversion {
  /** Why values may not survive; null when every value converts exactly (widening). */
  readonly lossy: string | null;
  /** The table (and its indexes) are rewritten. */
  readonly rewrite: boolean;
  /** The change needs an explicit cast: there is no implicit or assignment cast. */
  readonly explicit: 'cast' | 'via_text' | null;
  /** How to find the values that do not survive; null when the data cannot tell. */
  readonly test: ValueTest | null;
  /**
   * With a `test` that finds the values the change fails on: how to find, among the others,
   * those it rounds, or whose trailing spaces it cuts (a `length` test): they survive, changed.
   */
  readonly rounding?: ValueTest;
  /** PostgreSQL has no conversion at all between the two: the change cannot run. */
  readonly impossible?: true;
}

const widening = (rewrite: boolean): Conversion => ({ lossy: null, rewrite, explicit: null, test: null });
const lossy = (reason: string, explicit: Conversion['explicit'] = null, test: ValueTest | null = null): Conversion => ({ lossy: reason, rewrite: true, explicit, test });
/** A change that fails on the values `test` finds and rounds the others. */
const failsOrRounds = (reason: string, test: ValueTest): Conversion => ({ ...lossy(reason, null, test), rounding: { kind: 'roundtrip' } });

/**
 * Into varchar(n) or character(n): PostgreSQL refuses text longer than n unless only spaces lie
 * beyond n, which it cuts (the value changes, the change succeeds).
 */
const tooLongUnlessSpaces = (reason: string, max: number): Conversion => ({
  ...lossy(`${reason} (trailing spaces aside) make the change fail; trailing spaces beyond ${max} are cut`, null, { kind: 'length', max, spacesCut: true }),
  rounding: { kind: 'length', max },
});

const impossible = (f: string, t: string): Conversion => ({
  lossy: `PostgreSQL has no conversion from ${f} to ${t}: this step cannot run`,
  rewrite: true,
  explicit: 'cast',
  test: null,
  impossible: true,
});

/** Whether values found by `test` make the change fail (rather than change quietly). */
export const testFails = (test: ValueTest): boolean => test.kind !== 'roundtrip' && test.kind !== 'beyond' && test.kind !== 'float_digits' && test.kind !== 'every';

/**
 * The casts pg_cast holds between the built-in types above (the same from PostgreSQL 13 to
 * 18), with their context: e explicit only, a in assignment (ALTER ... TYPE without USING),
 * i implicit. Casts to and from the string types are left out: PostgreSQL converts those
 * through text (see castPath).
 */
const PG_CAST: Readonly<Record<string, 'e' | 'a' | 'i'>> = {
  'bit>int4': 'e',
  'bit>int8': 'e',
  'bit>varbit': 'i',
  'bool>int4': 'e',
  'char>int4': 'e',
  'cidr>inet': 'i',
  'date>timestamp': 'i',
  'date>timestamptz': 'i',
  'float4>float8': 'i',
  'float4>int2': 'a',
  'float4>int4': 'a',
  'float4>int8': 'a',
  'float4>numeric': 'a',
  'float8>float4': 'a',
  'float8>int2': 'a',
  'float8>int4': 'a',
  'float8>int8': 'a',
  'float8>numeric': 'a',
  'inet>cidr': 'a',
  'int2>float4': 'i',
  'int2>float8': 'i',
  'int2>int4': 'i',
  'int2>int8': 'i',
  'int2>numeric': 'i',
  'int4>bit': 'e',
  'int4>bool': 'e',
  'int4>char': 'e',
  'int4>float4': 'i',
  'int4>float8': 'i',
  'int4>int2': 'a',
  'int4>int8': 'i',
  'int4>money': 'a',
  'int4>numeric': 'i',
  'int8>bit': 'e',
  'int8>float4': 'i',
  'int8>float8': 'i',
  'int8>int2': 'a',
  'int8>int4': 'a',
  'int8>money': 'a',
  'int8>numeric': 'i',
  'interval>time': 'a',
  'json>jsonb': 'a',
  'jsonb>bool': 'e',
  'jsonb>float4': 'e',
  'jsonb>float8': 'e',
  'jsonb>int2': 'e',
  'jsonb>int4': 'e',
  'jsonb>int8': 'e',
  'jsonb>json': 'a',
  'jsonb>numeric': 'e',
  'macaddr>macaddr8': 'i',
  'macaddr8>macaddr': 'i',
  'money>numeric': 'a',
  'numeric>float4': 'i',
  'numeric>float8': 'i',
  'numeric>int2': 'a',
  'numeric>int4': 'a',
  'numeric>int8': 'a',
  'numeric>money': 'a',
  'time>interval': 'i',
  'time>timetz': 'i',
  'timestamp>date': 'a',
  'timestamp>time': 'a',
  'timestamp>timestamptz': 'i',
  'timestamptz>date': 'a',
  'timestamptz>time': 'a',
  'timestamptz>timestamp': 'a',
  'timestamptz>timetz': 'a',
  'timetz>time': 'a',
  'varbit>bit': 'i',
  // Casts from string types that pg_cast holds, rather than the conversion through text:
  'bpchar>char': 'a',
  'text>char': 'a',
  'varchar>char': 'a',
  'bpchar>xml': 'e',
  'text>xml': 'e',
  'varchar>xml': 'e',
};

/** Types of PostgreSQL's string category: any type converts to them, and from them, through text. */
const STRING_CATEGORY = new Set(['text', 'varchar', 'bpchar', 'name']);

/**
 * How PostgreSQL converts built-in type `f` to `t` (different base types): 'assignment' when
 * ALTER ... TYPE needs no USING, 'explicit' when it needs a cast, 'none' when there is no
 * conversion at all; 'unknown' for types that are not built in (extensions, enums).
 */
export function castPath(f: string, t: string): 'assignment' | 'explicit' | 'none' | 'unknown' {
  if (!BUILT_IN.has(f) || !BUILT_IN.has(t)) return 'unknown';
  const context = PG_CAST[`${f}>${t}`];
  if (context !== undefined) return context === 'e' ? 'explicit' : 'assignment';
  if (STRING_CATEGORY.has(t)) return 'assignment';
  if (STRING_CATEGORY.has(f)) return 'explicit';
  return 'none';
}

/** Length-limited types: a limit no smaller keeps every value; no limit is the widest. */
function lengthChange(from: ParsedType, to: ParsedType, unit: string, rewriteOnGrow: boolean): Conversion {
  const a = from.mods[0];
  const b = to.mods[0];
  if (b === undefined) return widening(false);
  if (a !== undefined && b >= a) return widening(rewriteOnGrow && b !== a);
  return lossy(`values longer than ${b} ${unit}${b === 1 ? '' : 's'} make the change fail`, null, { kind: 'length', max: b });
}

function numericChange(from: ParsedType, to: ParsedType): Conversion {
  const [p1, s1 = 0] = from.mods;
  const [p2, s2 = 0] = to.mods;
  if (p2 === undefined) return widening(false);
  const digits: ValueTest = { kind: 'digits', integerDigits: p2 - s2, scale: s2 };
  if (p1 === undefined) return failsOrRounds(`unconstrained numeric values are rounded to ${s2} decimal places and fail beyond ${p2 - s2} integer digits`, digits);
  if (p2 - s2 < p1 - s1) {
    const reason = `values of ${p2 - s2 + 1} or more integer digits fail (was ${p1 - s1})${s2 < s1 ? `, and values are rounded from ${s1} to ${s2} decimal places` : ''}`;
    return s2 < s1 ? failsOrRounds(reason, digits) : lossy(reason, null, digits);
  }
  // Rounding up can add an integer digit (99.99 -> 100): with no digit to spare, that fails.
  if (s2 < s1 && p2 - s2 === p1 - s1) return failsOrRounds(`values are rounded from ${s1} to ${s2} decimal places, and those that round up to ${p2 - s2 + 1} integer digits fail`, digits);
  if (s2 < s1) return lossy(`values are rounded from ${s1} to ${s2} decimal places`, null, { kind: 'roundtrip' });
  return widening(s2 !== s1);
}

const PRECISION_TYPES = new Set(['time', 'timetz', 'timestamp', 'timestamptz', 'interval']);

function sameBase(from: ParsedType, to: ParsedType): Conversion {
  switch (from.base) {
    case 'varchar': {
      const c = lengthChange(from, to, 'character', false);
      return c.lossy === null ? c : tooLongUnlessSpaces(`values longer than ${to.mods[0]} character${to.mods[0] === 1 ? '' : 's'}`, to.mods[0]!);
    }
    case 'bpchar': {
      const c = lengthChange(from, to, 'character', true);
      return c.lossy === null ? c : lossy(`values longer than ${to.mods[0]} characters fail; trailing spaces are cut`, null, c.test);
    }
    case 'varbit':
      return lengthChange(from, to, 'bit', false);
    case 'bit': {
      // bit(n) -> bit(m) is an assignment cast: it fails on a length other than m, never truncates.
      const length = to.mods[0] ?? 1;
      return (from.mods[0] ?? 1) === length ? widening(false) : lossy(`bit strings of another length than ${length} make the change fail`, null, { kind: 'bit_length', length });
    }
    case 'numeric':
      return numericChange(from, to);
  }
  if (from.base === 'interval' && to.fields !== undefined && to.fields !== from.fields) {
    return lossy(`parts of the interval outside ${to.fields} are dropped`, null, { kind: 'roundtrip' });
  }
  if (PRECISION_TYPES.has(from.base)) {
    const a = from.mods[0];
    const b = to.mods[0];
    if (b === undefined || (a !== undefined && b >= a)) return widening(false);
    return lossy(`fractional seconds are rounded to ${b} digit${b === 1 ? '' : 's'}`, null, { kind: 'roundtrip' });
  }
  return from.mods.join(',') === to.mods.join(',') ? widening(false) : lossy('the type modifier changes');
}

function toString(from: ParsedType, to: ParsedType): Conversion {
  const limit = to.base === 'varchar' || to.base === 'bpchar' ? to.mods[0] : undefined;
  if (to.base === 'char') return lossy('"char" keeps only the first byte');
  if (to.base === 'name') return lossy('values longer than 63 bytes are cut');
  if (limit !== undefined) {
    const longest = INT_TEXT[from.base] ?? (from.base === 'uuid' ? 36 : from.base === 'bool' ? 5 : from.base === 'varchar' || from.base === 'bpchar' ? from.mods[0] : undefined);
    // character(n) loses its trailing spaces on the way, and only they can make it longer than n.
    if (from.base === 'bpchar' && to.base === 'varchar') {
      if (longest !== undefined && longest <= limit) return lossy('trailing spaces are cut');
      return lossy(`values longer than ${limit} characters (trailing spaces aside) make the change fail; trailing spaces are cut`, null, { kind: 'length', max: limit });
    }
    if (to.base === 'bpchar' && longest !== undefined && longest <= limit) {
      return lossy(`values are padded with spaces to ${limit} characters, and trailing spaces they had are not kept`, null, null);
    }
    if (longest !== undefined && longest <= limit) return widening(true);
    const reason = `values whose text is longer than ${limit} character${limit === 1 ? '' : 's'}`;
    // Numbers, dates, arrays and the like never end in a space.
    const mayEndInSpace = from.base !== 'array' && ['string', 'json', 'other'].includes(familyOf(from));
    return mayEndInSpace ? tooLongUnlessSpaces(reason, limit) : lossy(`${reason} make the change fail`, null, { kind: 'length', max: limit });
  }
  if (from.base === 'bpchar') return lossy('trailing spaces are cut');
  // Only varchar and text share text's storage; anything else is converted row by row.
  return widening(!(from.base === 'varchar' || from.base === 'text' || from.base === 'xml'));
}

function betweenFamilies(from: ParsedType, to: ParsedType, fromFamily: Family, toFamily: Family): Conversion {
  const f = from.base;
  const t = to.base;
  if (f === 'bool' && toFamily === 'int') return { ...widening(true), explicit: 'cast' };
  if (f === 'macaddr' && t === 'macaddr8') return widening(true);
  if (f === 'macaddr8' && t === 'macaddr') return lossy('addresses that are not EUI-48 make the change fail');
  if (f === 'money' && toFamily === 'numeric') return moneyToNumeric(to);
  if (t === 'money' && (f === 'int2' || f === 'int4')) return widening(true);
  if (t === 'money' && (fromFamily === 'numeric' || f === 'int8')) return lossy('values are rounded to cents, and those beyond its range fail');
  if (toFamily === 'string') return toString(from, to);
  if (fromFamily === 'string') return fromText(to);
  if (fromFamily === 'int' && toFamily === 'numeric') {
    const [p, s = 0] = to.mods;
    if (p === undefined || p - s >= INT_DIGITS[f]!) return widening(true);
    return lossy(`values of more than ${p - s} digits fail`, null, { kind: 'digits', integerDigits: p - s, scale: s });
  }
  if (fromFamily === 'int' && toFamily === 'float') {
    const exact = f === 'int2' || (f === 'int4' && t === 'float8');
    return exact ? widening(true) : lossy(`large integers lose precision in ${t === 'float4' ? 'real' : 'double precision'}`, null, { kind: 'beyond', limit: t === 'float4' ? '16777216' : '9007199254740992' });
  }
  if (fromFamily === 'float' && toFamily === 'float') {
    return FLOAT_EXACT_RANK[t]! > FLOAT_EXACT_RANK[f]! ? widening(true) : failsOrRounds('double precision values are rounded to real, and those beyond its range or too close to zero fail', { kind: 'real' });
  }
  if ((fromFamily === 'numeric' || fromFamily === 'float') && toFamily === 'int') return failsOrRounds(`fractions are rounded; values outside ${INT_RANGE[t]} fail`, intRange(t, true));
  // float4 and float8 keep FLT_DIG (6) and DBL_DIG (15) decimal digits through numeric.
  if (fromFamily === 'numeric' && toFamily === 'float') {
    const type = t === 'float4' ? 'float4' : 'float8';
    return {
      ...lossy(`values keep only ${type === 'float4' ? 6 : 15} significant digits, and those beyond the range of ${t === 'float4' ? 'real' : 'double precision'} or too close to zero fail`, null, {
        kind: 'float_range',
        type,
      }),
      rounding: { kind: 'float_digits', type },
    };
  }
  if (fromFamily === 'float' && toFamily === 'numeric') return lossy(`values keep ${f === 'float4' ? 6 : 15} significant digits; infinity may fail`);
  if (fromFamily === 'datetime' && toFamily === 'datetime') return datetimeChange(f, t);
  if (f === 'json' && t === 'jsonb') return lossy('jsonb drops duplicate keys, key order and whitespace');
  if (f === 'jsonb' && t === 'json') return widening(true);
  if (f === 'cidr' && t === 'inet') return widening(false);
  if (f === 'inet' && t === 'cidr') return lossy('addresses with host bits set make the change fail', null, { kind: 'host_bits' });
  if (f === 'varbit' && t === 'bit') {
    const length = to.mods[0] ?? 1;
    return lossy(`bit strings of another length than ${length} make the change fail`, null, { kind: 'bit_length', length });
  }
  if (f === 'bit' && t === 'varbit') {
    const c = lengthChange(from, to, 'bit', false);
    return c.lossy === null ? widening(true) : c;
  }
  if (fromFamily === 'int' && toFamily === 'int') {
    return INT_RANK[t]! > INT_RANK[f]! ? widening(true) : lossy(`values outside ${INT_RANGE[t]} fail`, null, intRange(t));
  }
  return lossy(`there is no safe conversion from ${f} to ${t}; values may fail to convert`, 'cast');
}

/**
 * Text read as `to`: values that are not valid input fail. Into numeric(p,s), valid text with
 * more decimal places than s is rounded: the change succeeds and the value changes.
 */
function fromText(to: ParsedType): Conversion {
  const fails = lossy(`values that are not valid ${to.base} make the change fail`, 'cast', { kind: 'input' });
  const [p, s = 0] = to.mods;
  if (to.base !== 'numeric' || p === undefined) return fails;
  return {
    ...fails,
    lossy: `values that are not numbers, or have more than ${p - s} integer digits once rounded, make the change fail; the others are rounded to ${s} decimal place${s === 1 ? '' : 's'}`,
    rounding: { kind: 'roundtrip', compareAs: 'numeric' },
  };
}

/**
 * money is a count of the locale's smallest unit (cents: 2 decimal places, up to
 * 92233720368547758.07); numeric keeps it whole with 2 decimal places and 17 integer digits.
 */
const MONEY_SCALE = 2;
const MONEY_INTEGER_DIGITS = 17;

function moneyToNumeric(to: ParsedType): Conversion {
  const [p, s = 0] = to.mods;
  if (p === undefined || (s >= MONEY_SCALE && p - s >= MONEY_INTEGER_DIGITS)) return widening(true);
  const digits: ValueTest = { kind: 'digits', integerDigits: p - s, scale: s };
  const rounds = s < MONEY_SCALE;
  if (p - s < MONEY_INTEGER_DIGITS) {
    const reason = `values of more than ${p - s} integer digits fail${rounds ? `, and values are rounded to ${s} decimal place${s === 1 ? '' : 's'}` : ''}`;
    return rounds ? { ...lossy(reason, null, digits), rounding: { kind: 'roundtrip', compareAs: 'numeric' } } : lossy(reason, null, digits);
  }
  return lossy(`values are rounded to ${s} decimal place${s === 1 ? '' : 's'}`, null, { kind: 'roundtrip', compareAs: 'numeric' });
}

function datetimeChange(f: string, t: string): Conversion {
  if ((f === 'date' && (t === 'time' || t === 'timetz' || t === 'interval')) || ((f === 'time' || f === 'timetz' || f === 'interval') && t === 'date')) return impossible(f, t);
  if (f === 'date' && (t === 'timestamp' || t === 'timestamptz')) return widening(true);
  if (f === 'timestamp' && t === 'timestamptz') return widening(true);
  if (f === 'timestamptz' && t === 'timestamp') return lossy('the time zone is lost: values are converted to the session time zone');
  if ((f === 'timestamp' || f === 'timestamptz') && t === 'date') return lossy('the time of day is lost', null, { kind: 'roundtrip' });
  if ((f === 'timestamp' || f === 'timestamptz') && (t === 'time' || t === 'timetz')) return lossy('the date is lost', null, { kind: 'every' });
  if (f === 'time' && t === 'timetz') return widening(true);
  if (f === 'timetz' && t === 'time') return lossy('the time zone is lost', null, { kind: 'every' });
  if (f === 'time' && t === 'interval') return widening(true);
  if (f === 'interval' && t === 'time') return lossy('intervals outside one day are wrapped');
  return lossy(`there is no safe conversion from ${f} to ${t}`, 'cast');
}

/** How values of column `from` become values of column `to` (they differ in type). */
export function conversion(from: Column, to: Column): Conversion {
  const a = parseType(from.type);
  const b = parseType(to.type);
  const toEnum = to.typeRef !== null;
  const fromEnum = from.typeRef !== null;
  if (a.array && !b.array) {
    // An array is written out as text ({a,b}); to anything else there is no conversion.
    if (STRING_CATEGORY.has(b.base) && !toEnum) return toString({ base: 'array', mods: [], array: false }, b);
    return impossible(from.type, to.type);
  }
  if (!a.array && b.array) {
    if (STRING_CATEGORY.has(a.base) || fromEnum) return lossy('a single value becomes an array: values that are not array literals make the change fail', toEnum ? 'via_text' : 'cast');
    return impossible(from.type, to.type);
  }
  const element = elementConversion(a, b, to, fromEnum, toEnum);
  if (element.impossible) return impossible(from.type, to.type);
  // Changing an array's element type always rewrites; its tests apply to each element.
  return a.array ? { ...element, rewrite: true } : element;
}

function elementConversion(a: ParsedType, b: ParsedType, to: Column, fromEnum: boolean, toEnum: boolean): Conversion {
  if (toEnum) return lossy(`values that are not labels of ${to.type.replace(/\[\]$/, '')} make the change fail`, 'via_text', { kind: 'input' });
  if (fromEnum) {
    const c = betweenFamilies({ base: 'enum', mods: [], array: a.array }, b, 'other', familyOf(b));
    return familyOf(b) === 'string' ? c : { ...c, explicit: 'via_text' };
  }
  if (a.base === b.base) return sameBase(a, b);
  const path = castPath(a.base, b.base);
  if (path === 'none') return impossible(a.base, b.base);
  const c = differentBase(a, b);
  return c.explicit === null && path === 'explicit' ? { ...c, explicit: 'cast' } : c;
}

function differentBase(a: ParsedType, b: ParsedType): Conversion {
  const fa = familyOf(a);
  const fb = familyOf(b);
  if (fa === 'string' && fb === 'string') {
    if (b.base === 'text' || (b.base === 'varchar' && b.mods.length === 0)) {
      if (a.base === 'bpchar') return lossy('trailing spaces are cut');
      return widening(a.base === 'name' || a.base === 'char');
    }
    return toString(a, b);
  }
  return betweenFamilies(a, b, fa, fb);
}
