// The pairs' data (test/support/random-schemas.ts): schemas as plain data whose tables and
// columns carry ids (so B knows what each was in A), the names they draw from, and the values,
// checks and defaults of each type.

export type TypeKind = 'integer' | 'text' | 'bigint' | 'varchar' | 'numeric' | 'boolean' | 'date' | 'timestamptz' | 'uuid' | 'jsonb' | 'enum';
export interface Type {
  readonly kind: TypeKind;
  /** varchar(n); numeric(p,s) */
  readonly n?: number;
  readonly p?: number;
  readonly s?: number;
  /** The enum's id. */
  readonly enum?: number;
}
export type Default = { readonly literal: string | number | boolean } | { readonly sql: string };
export type CheckKind = 'min' | 'max_len' | 'not_empty' | 'after' | 'not_null';

export interface Col {
  id: number;
  name: string;
  type: Type;
  nullable: boolean;
  def: Default | null;
}
export interface Key {
  name: string;
  cols: number[];
  /** Declared on the column (`primary_key: true`, `unique: true`): named as PostgreSQL would. */
  shorthand: boolean;
}
export interface CheckDef {
  name: string;
  col: number;
  kind: CheckKind;
  n: number;
}
export interface IndexDef {
  name: string;
  cols: number[];
  unique: boolean;
  desc: boolean;
  /** Partial: only rows where its first column is not NULL. */
  partial: boolean;
}
export interface FkDef {
  name: string;
  cols: number[];
  parent: number;
  parentCols: number[];
  onDelete: 'no_action' | 'cascade' | 'set_null' | 'restrict';
}
export interface Tab {
  id: number;
  /** `public`, or `app`: a second schema, so tables also move between schemas. */
  schema: string;
  name: string;
  columns: Col[];
  pk: Key | null;
  uniques: Key[];
  checks: CheckDef[];
  indexes: IndexDef[];
  fks: FkDef[];
}
export interface EnumDef {
  id: number;
  name: string;
  values: string[];
}
export interface Schema {
  enums: EnumDef[];
  tables: Tab[];
}
/** A row: the value of each column by column id, as text PostgreSQL reads (null: NULL). */
export type Row = Map<number, string | null>;

export interface Pair {
  readonly a: Schema;
  readonly b: Schema;
  /** A's rows by table id, in the order tables are filled (parents first). */
  readonly rows: ReadonlyMap<number, readonly Row[]>;
  /** What was done to A to make B, for people. */
  readonly mutations: readonly string[];
}

// ---- names ----

/** The second schema. Table names are unique across both, so a move never meets a namesake. */
export const APP = 'app';
export const TABLE_NAMES = ['users', 'orders', 'items', 'notes', 'tags', 'teams', 'tasks', 'events', 'files', 'parts', 'Order Items', 'group', 'größe'];
export const COLUMN_NAMES = ['id', 'name', 'email', 'qty', 'price', 'code', 'title', 'body', 'flag', 'born', 'seen_at', 'ref', 'data', 'status', 'score', 'label', 'Total', 'two words', 'select', 'user'];
export const ENUM_NAMES = ['mood', 'level', 'state', 'phase'];
export const ENUM_VALUES = ['low', 'mid', 'high', "it's", 'two words', 'Ü', 'new', 'done'];

/** The `n`-th name of `pool` not in `taken`, else one made from it with a number. */
export function pick(pool: readonly string[], n: number, taken: ReadonlySet<string>): string {
  for (let i = 0; i < pool.length; i++) {
    const name = pool[(n + i) % pool.length]!;
    if (!taken.has(name)) return name;
  }
  for (let i = 2; ; i++) {
    const name = `${pool[n % pool.length]!}_${i}`;
    if (!taken.has(name)) return name;
  }
}

// ---- types and values ----

export const TYPE_KINDS: readonly TypeKind[] = ['integer', 'text', 'bigint', 'varchar', 'numeric', 'boolean', 'date', 'timestamptz', 'uuid', 'jsonb', 'enum'];
const VARCHAR_N = [4, 10, 20, 40];
const NUMERIC_P = [6, 10, 12, 5];
const NUMERIC_S = [0, 2, 3];
/** Types a key may use: injective values exist for them. */
export const KEYABLE = new Set<TypeKind>(['integer', 'bigint', 'text', 'varchar', 'numeric', 'date', 'timestamptz', 'uuid']);
const TEXT_VALUES = ['1', 'a', "it's", 'Ünïcödé ✓', ' spaced ', '-7', 'true', '', 'x'.repeat(25), '{"a": 1}'];

type Family = 'number' | 'text' | 'time' | 'other';
export function family(t: Type): Family {
  if (t.kind === 'integer' || t.kind === 'bigint' || t.kind === 'numeric') return 'number';
  if (t.kind === 'text' || t.kind === 'varchar') return 'text';
  if (t.kind === 'date' || t.kind === 'timestamptz') return 'time';
  return 'other';
}

export function typeText(t: Type, enums: readonly EnumDef[]): string {
  if (t.kind === 'varchar') return `varchar(${t.n})`;
  if (t.kind === 'numeric') return `numeric(${t.p},${t.s})`;
  if (t.kind === 'enum') return enums.find((e) => e.id === t.enum)!.name;
  return t.kind;
}

export const sameType = (x: Type, y: Type): boolean => x.kind === y.kind && x.n === y.n && x.p === y.p && x.s === y.s && x.enum === y.enum;

export function day(n: number): string {
  return new Date(Date.UTC(2020, 0, 1) + n * 86_400_000).toISOString().slice(0, 10);
}

const hex = (n: number, width: number): string => (n >>> 0).toString(16).padStart(width, '0').slice(-width);

/** A value of `t` that differs for each `r` (for key columns). */
export function distinct(t: Type, r: number): string {
  switch (t.kind) {
    case 'text':
    case 'varchar':
      return `k${r}`;
    case 'date':
      return day(r);
    case 'timestamptz':
      return `${day(0)} ${String(r).padStart(2, '0')}:00:00+00`;
    case 'uuid':
      return `00000000-0000-4000-8000-${hex(r, 12)}`;
    default:
      return String(r + 1);
  }
}

/** A value of `t` drawn from `s`. */
export function valueOf(t: Type, s: number, enums: readonly EnumDef[]): string {
  switch (t.kind) {
    case 'integer':
      return String(s);
    case 'bigint':
      return s % 4 === 3 ? String(3_000_000_000 + s) : String(s);
    case 'numeric': {
      const whole = s % 10 ** Math.min(t.p! - t.s!, 6);
      return t.s! > 0 ? `${whole}.${String(s % 10 ** t.s!).padStart(t.s!, '0')}` : String(whole);
    }
    case 'text':
      return s < TEXT_VALUES.length * 2 ? TEXT_VALUES[s % TEXT_VALUES.length]! : `t${s}`;
    case 'varchar':
      return [...valueOf({ kind: 'text' }, s, enums)].slice(0, t.n).join('');
    case 'boolean':
      return s % 2 === 1 ? 'true' : 'false';
    case 'date':
      return day(s);
    case 'timestamptz':
      return `${day(s % 400)} ${String(s % 24).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}:07.5+00`;
    case 'uuid':
      return `${hex(s * 2654435761, 8)}-0000-4000-8000-${hex(s, 12)}`;
    case 'jsonb':
      return [`{"k": ${s}}`, `[${s}, "x"]`, `"s${s}"`, String(s)][s % 4]!;
    case 'enum': {
      const values = enums.find((e) => e.id === t.enum)!.values;
      return values[s % values.length]!;
    }
  }
}

export function checkHolds(c: CheckDef, v: string | null): boolean {
  if (v === null) return c.kind !== 'not_null';
  switch (c.kind) {
    case 'min':
      return Number(v) >= c.n;
    case 'max_len':
      return [...v].length <= c.n;
    case 'not_empty':
      return v !== '';
    case 'after':
      return v.slice(0, 10) >= day(c.n);
    case 'not_null':
      return true;
  }
}

/** A value satisfying `c` (and of the column's type). */
export function satisfying(c: CheckDef, t: Type, s: number, enums: readonly EnumDef[]): string {
  if (c.kind === 'min') return String(c.n);
  if (c.kind === 'max_len' || c.kind === 'not_empty') return 'x';
  if (c.kind === 'after') return t.kind === 'date' ? day(c.n) : `${day(c.n)} 00:00:00+00`;
  return valueOf(t, s, enums);
}

export const CHECK_KINDS: Readonly<Record<Family, readonly CheckKind[]>> = {
  number: ['min'],
  text: ['max_len', 'not_empty'],
  time: ['after'],
  other: ['not_null'],
};

/** A default of `t` drawn from `s`. */
export function defaultOf(t: Type, s: number, enums: readonly EnumDef[]): Default {
  switch (t.kind) {
    case 'integer':
    case 'bigint':
    case 'numeric':
      return { literal: s % 100 };
    case 'text':
    case 'varchar':
      return { literal: [...["it's", 'x', 'n/a', ''][s % 4]!].slice(0, t.n ?? 99).join('') };
    case 'boolean':
      return { literal: s % 2 === 1 };
    case 'date':
      return { literal: day(s % 400) };
    case 'timestamptz':
      return s % 2 === 0 ? { sql: 'now()' } : { literal: `${day(s % 400)} 00:00:00+00` };
    case 'uuid':
      return { sql: 'gen_random_uuid()' };
    case 'jsonb':
      return s % 2 === 0 ? { sql: "'{}'::jsonb" } : { literal: '[]' };
    case 'enum':
      return { literal: valueOf(t, s, enums) };
  }
}

/** Whether a default still makes sense after the column's type changes to `t`. */
export function defaultFits(d: Default, from: Type, to: Type): boolean {
  if (!('literal' in d)) return false;
  if (family(from) === 'number' && family(to) === 'number') return true;
  if (family(from) === 'text' && family(to) === 'text') return to.kind === 'text' || [...String(d.literal)].length <= to.n!;
  return false;
}

export class Ids {
  private n = 0;
  private names = 0;
  next(): number {
    return ++this.n;
  }
  /** A constraint or index name no other one has (they share the schema's namespace). */
  name(prefix: string): string {
    return `${prefix}_${++this.names}`;
  }
}

export function typeFrom(raw: { readonly kind: number; readonly a: number; readonly b: number }, enums: readonly EnumDef[]): Type {
  const kind = TYPE_KINDS[raw.kind]!;
  if (kind === 'varchar') return { kind, n: VARCHAR_N[raw.a]! };
  if (kind === 'numeric') return { kind, p: NUMERIC_P[raw.a]!, s: NUMERIC_S[raw.b]! };
  if (kind === 'enum') return enums.length === 0 ? { kind: 'text' } : { kind, enum: enums[raw.a % enums.length]!.id };
  return { kind };
}

export const colOf = (t: Tab, id: number): Col => t.columns.find((c) => c.id === id)!;
export const sameCols = (x: readonly number[], y: readonly number[]): boolean => x.length === y.length && x.every((c, i) => c === y[i]);

/** The keys of `t` a foreign key may reference: their column ids. */
export function referenceable(t: Tab): number[][] {
  return [t.pk, ...t.uniques].filter((k): k is Key => k !== null).map((k) => k.cols);
}

export const tableNames = (s: Schema): Set<string> => new Set(s.tables.map((t) => t.name));
/** As schema.yaml names a table: `users` in public, `app.users` in the second schema. */
export const qualified = (t: Pick<Tab, 'schema' | 'name'>): string => (t.schema === 'public' ? t.name : `${t.schema}.${t.name}`);
