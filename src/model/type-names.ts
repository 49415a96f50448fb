// PostgreSQL's built-in type names as format_type prints them: taken apart, grouped in
// families, and which pairs a foreign key may compare. Below plan/'s cast table (which decides
// what a change of type does) and desired/'s target checks (which refuse a foreign key whose
// columns cannot compare). Pure.
import type { Column } from './model.js';

/** A type as format_type prints it, taken apart. */
export interface ParsedType {
  /** Internal name for built-in types (`int4`, `varchar`, `timestamptz`); as printed otherwise. */
  readonly base: string;
  /** Type modifiers: `varchar(20)` -> [20]; `numeric(10,2)` -> [10, 2]; none -> []. */
  readonly mods: readonly number[];
  readonly array: boolean;
  /** An interval's fields (`year to month`, `day`), when it is restricted to some. */
  readonly fields?: string;
}

const NAMES: Record<string, string> = {
  smallint: 'int2',
  integer: 'int4',
  bigint: 'int8',
  real: 'float4',
  'double precision': 'float8',
  numeric: 'numeric',
  money: 'money',
  text: 'text',
  'character varying': 'varchar',
  character: 'bpchar',
  '"char"': 'char',
  name: 'name',
  boolean: 'bool',
  bytea: 'bytea',
  date: 'date',
  'time without time zone': 'time',
  'time with time zone': 'timetz',
  'timestamp without time zone': 'timestamp',
  'timestamp with time zone': 'timestamptz',
  interval: 'interval',
  bit: 'bit',
  'bit varying': 'varbit',
  uuid: 'uuid',
  json: 'json',
  jsonb: 'jsonb',
  inet: 'inet',
  cidr: 'cidr',
  macaddr: 'macaddr',
  macaddr8: 'macaddr8',
  xml: 'xml',
};

export function parseType(printed: string): ParsedType {
  let text = printed.trim();
  let array = false;
  while (text.endsWith('[]')) {
    array = true;
    text = text.slice(0, -2);
  }
  const m = /^(.*?)(?:\((\d+)(?:,(\d+))?\))?( with(?:out)? time zone)?$/.exec(text);
  const head = (m?.[1] ?? text).trim();
  const mods = [m?.[2], m?.[3]].filter((x): x is string => x !== undefined).map(Number);
  if (head.startsWith('interval')) {
    const fields = head.slice('interval'.length).trim();
    return { base: 'interval', mods, array, ...(fields ? { fields } : {}) };
  }
  const name = `${head}${m?.[4] ?? ''}`;
  return { base: NAMES[name] ?? name, mods, array };
}

export type Family = 'int' | 'numeric' | 'float' | 'money' | 'string' | 'bool' | 'datetime' | 'bit' | 'json' | 'net' | 'other';

const FAMILY: Record<string, Family> = {
  int2: 'int',
  int4: 'int',
  int8: 'int',
  numeric: 'numeric',
  float4: 'float',
  float8: 'float',
  money: 'money',
  text: 'string',
  varchar: 'string',
  bpchar: 'string',
  char: 'string',
  name: 'string',
  bool: 'bool',
  date: 'datetime',
  time: 'datetime',
  timetz: 'datetime',
  timestamp: 'datetime',
  timestamptz: 'datetime',
  interval: 'datetime',
  bit: 'bit',
  varbit: 'bit',
  json: 'json',
  jsonb: 'json',
  inet: 'net',
  cidr: 'net',
};

export const familyOf = (t: ParsedType): Family => FAMILY[t.base] ?? 'other';

/** Internal names of the built-in types (`int4`, `varchar`, ...): the types the cast table knows. */
export const BUILT_IN: ReadonlySet<string> = new Set(Object.values(NAMES));

/** Types whose comparisons this table knows (interval is parsed apart from NAMES). */
const KEY_TYPES: ReadonlySet<string> = new Set([...BUILT_IN, 'interval']);
/** Numbers a foreign key may compare upwards: int = numeric and numeric = float work through implicit casts, not down. */
const NUMBER_RANK: Partial<Record<Family, number>> = { int: 1, numeric: 2, float: 3 };
/** Families whose members compare with each other (cross-type operators in one btree family). */
const COMPARABLE_FAMILIES: ReadonlySet<Family> = new Set(['string', 'datetime', 'net', 'bit']);

/**
 * Whether a foreign key column of type `fk` can reference a key column of type `key`: whether
 * PostgreSQL has an equality operator between them. False only when it certainly has none;
 * types this table does not know (domains, extension types) are given the benefit of the doubt.
 */
export function comparableForKey(fk: Column, key: Column): boolean {
  const a = parseType(fk.type);
  const b = parseType(key.type);
  if (a.base === b.base && a.array === b.array) return true;
  // An enum compares only with itself.
  if (fk.typeRef || key.typeRef) return false;
  if (!KEY_TYPES.has(a.base) || !KEY_TYPES.has(b.base)) return true;
  if (a.array !== b.array || a.array) return false;
  const fa = familyOf(a);
  const fb = familyOf(b);
  const ra = NUMBER_RANK[fa];
  const rb = NUMBER_RANK[fb];
  if (ra !== undefined && rb !== undefined) return ra <= rb;
  return fa === fb && COMPARABLE_FAMILIES.has(fa);
}
