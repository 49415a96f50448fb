// The cast table: which type changes keep every value, which rewrite the table, and which
// need an explicit USING. The verdicts are checked twice: as data, and against a real server
// (the table's file is rewritten or not; ALTER without USING is accepted or not; a witness
// value survives the change or does not).
import { describe, expect, it } from 'vitest';
import type { Column, TypeRef } from '../../src/model/model.js';
import { conversion, testFails } from '../../src/plan/casts.js';
import { comparableForKey, parseType } from '../../src/model/type-names.js';
import { withScratch } from '../support/scratch.js';

const MOOD: TypeRef = { schema: 'public', name: 'mood', array: false };
const MOOD_ARRAY: TypeRef = { ...MOOD, array: true };

/** A column as introspection builds it; an enum type is recognised by its typeRef. */
function col(type: string): Column {
  const typeRef = type === 'public.mood' ? MOOD : type === 'public.mood[]' ? MOOD_ARRAY : null;
  return { kind: 'column', name: 'c', type, typeRef, nullable: true, default: null, identity: null, comment: null };
}

interface Case {
  readonly from: string;
  readonly to: string;
  /** Every value converts exactly (no hazard), or some may fail or change. */
  readonly lossy: boolean;
  readonly rewrite: boolean;
  readonly explicit: 'cast' | 'via_text' | null;
  /**
   * A value of `from` (SQL literal): for a lossy case, one that does not survive (the change
   * fails, or it reads back different); for a widening case, an extreme one that survives.
   */
  readonly witness?: string;
  /** PostgreSQL has no conversion at all, not even an explicit cast: the change cannot run. */
  readonly noCast?: true;
}

const c = (from: string, to: string, lossy: boolean, rewrite: boolean, explicit: Case['explicit'], witness?: string): Case => ({
  from,
  to,
  lossy,
  rewrite,
  explicit,
  ...(witness === undefined ? {} : { witness }),
});
const W = false;
const L = true;

const cases: readonly Case[] = [
  // integers
  c('smallint', 'integer', W, true, null, "'-32768'"),
  c('integer', 'bigint', W, true, null, "'2147483647'"),
  c('smallint', 'bigint', W, true, null, "'-32768'"),
  c('bigint', 'integer', L, true, null, "'3000000000'"),
  c('integer', 'smallint', L, true, null, "'40000'"),
  c('bigint', 'smallint', L, true, null, "'-40000'"),
  // numeric, with precision and scale
  c('numeric(10,2)', 'numeric(12,2)', W, false, null, "'-99999999.99'"),
  c('numeric(10,2)', 'numeric(12,4)', W, true, null, "'99999999.99'"),
  c('numeric(10,2)', 'numeric', W, false, null, "'99999999.99'"),
  c('numeric(10,2)', 'numeric(8,0)', L, true, null, "'1.25'"),
  c('numeric(10,2)', 'numeric(10,1)', L, true, null, "'1.25'"),
  c('numeric(10,2)', 'numeric(9,2)', L, true, null, "'12345678.00'"),
  c('numeric', 'numeric(10,2)', L, true, null, "'1.001'"),
  c('integer', 'numeric', W, true, null, "'-2147483648'"),
  c('integer', 'numeric(10,0)', W, true, null, "'-2147483648'"),
  c('integer', 'numeric(12,2)', W, true, null, "'2147483647'"),
  c('integer', 'numeric(9,0)', L, true, null, "'2147483647'"),
  c('bigint', 'numeric(12,2)', L, true, null, "'9223372036854775807'"),
  c('numeric(10,2)', 'integer', L, true, null, "'1.5'"),
  // floating point
  c('real', 'double precision', W, true, null, "'0.1'"),
  c('double precision', 'real', L, true, null, "'0.1'"),
  c('integer', 'double precision', W, true, null, "'2147483647'"),
  c('smallint', 'real', W, true, null, "'-32768'"),
  c('integer', 'real', L, true, null, "'16777217'"),
  c('bigint', 'double precision', L, true, null, "'9007199254740993'"),
  c('numeric', 'double precision', L, true, null, "'0.1234567890123456789'"),
  c('double precision', 'numeric', L, true, null, "'0.30000000000000004'"),
  c('real', 'numeric', L, true, null, "'1.2345678'"),
  // strings
  c('character varying(10)', 'character varying(100)', W, false, null, "'abcdefghij'"),
  c('character varying(100)', 'character varying(10)', L, true, null, "'abcdefghijk'"),
  c('character varying(10)', 'text', W, false, null, "'abcdefghij'"),
  c('character varying(10)', 'character varying', W, false, null, "'abcdefghij'"),
  c('character varying', 'text', W, false, null),
  c('text', 'character varying', W, false, null, "'any length at all'"),
  c('text', 'character varying(10)', L, true, null, "'abcdefghijk'"),
  c('character(5)', 'character(10)', W, true, null, "'abcde'"),
  c('character(10)', 'character(5)', L, true, null, "'abcdefghij'"),
  c('text', 'character(5)', L, true, null, "'abcdef'"),
  // to text from other families
  c('integer', 'text', W, true, null, "'-2147483648'"),
  c('integer', 'character varying(11)', W, true, null, "'-2147483648'"),
  c('integer', 'character varying(5)', L, true, null, "'123456'"),
  c('bigint', 'character varying(19)', L, true, null, "'-9223372036854775808'"),
  c('uuid', 'text', W, true, null, "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'"),
  c('uuid', 'character varying(36)', W, true, null, "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'"),
  c('boolean', 'character varying(5)', W, true, null, "'false'"),
  c('boolean', 'character(4)', L, true, null, "'false'"),
  c('date', 'text', W, true, null, "'2020-02-29'"),
  // timestamps, dates and times (the session is in America/New_York)
  c('timestamp(3) with time zone', 'timestamp(6) with time zone', W, false, null, "'2020-01-01 00:00:00.123+00'"),
  c('timestamp(6) with time zone', 'timestamp(3) with time zone', L, true, null, "'2020-01-01 00:00:00.123456+00'"),
  c('timestamp(3) without time zone', 'timestamp without time zone', W, false, null, "'2020-01-01 00:00:00.123'"),
  c('timestamp without time zone', 'timestamp(0) without time zone', L, true, null, "'2020-01-01 00:00:00.5'"),
  c('timestamp without time zone', 'timestamp with time zone', W, true, null, "'2020-06-01 12:00:00.123456'"),
  c('timestamp(3) without time zone', 'timestamp(3) with time zone', W, true, null, "'2020-06-01 12:00:00.123'"),
  // 05:30 UTC is 01:30 EDT; read back, 01:30 local is taken as EST, an hour later.
  c('timestamp with time zone', 'timestamp without time zone', L, true, null, "'2021-11-07 05:30:00+00'"),
  c('timestamp with time zone', 'date', L, true, null, "'2020-01-01 12:00:00+00'"),
  c('timestamp without time zone', 'date', L, true, null, "'2020-01-01 12:00:00'"),
  c('date', 'timestamp with time zone', W, true, null, "'2020-02-29'"),
  c('date', 'timestamp without time zone', W, true, null, "'2020-02-29'"),
  c('date', 'timestamp(0) without time zone', W, true, null, "'2020-02-29'"),
  c('time without time zone', 'time with time zone', W, true, null, "'23:59:59.999999'"),
  c('time with time zone', 'time without time zone', L, true, null, "'12:00:00+05'"),
  c('time(2) without time zone', 'time(6) without time zone', W, false, null, "'12:00:00.12'"),
  c('time(6) without time zone', 'time(2) without time zone', L, true, null, "'12:00:00.123456'"),
  c('timestamp with time zone', 'time without time zone', L, true, null),
  c('time without time zone', 'interval', W, true, null, "'23:59:59.999999'"),
  c('interval', 'time without time zone', L, true, null, "'25:00:00'"),
  c('interval(3)', 'interval', W, false, null, "'1 day 00:00:00.123'"),
  c('interval', 'interval(3)', L, true, null, "'00:00:00.123456'"),
  { ...c('date', 'time without time zone', L, true, 'cast'), noCast: true },
  { ...c('bigint', 'boolean', L, true, 'cast'), noCast: true },
  { ...c('boolean', 'smallint', L, true, 'cast'), noCast: true },
  { ...c('smallint', 'money', L, true, 'cast'), noCast: true },
  c('text', 'date', L, true, 'cast', "'not a date'"),
  // json and jsonb
  c('json', 'jsonb', L, true, null, `'{"a": 1, "a": 2}'`),
  c('jsonb', 'json', W, true, null, `'{"a": [1, 2.50, null]}'`),
  c('text', 'jsonb', L, true, 'cast', "'not json'"),
  c('text', 'json', L, true, 'cast', "'{'"),
  c('jsonb', 'text', W, true, null, `'{"a": 1}'`),
  c('json', 'text', W, true, null, `'{"a":1,  "a":2}'`),
  // network addresses
  c('cidr', 'inet', W, false, null, "'10.0.0.0/8'"),
  c('inet', 'cidr', L, true, null, "'10.0.0.1/8'"),
  c('inet', 'text', W, true, null, "'10.0.0.1/8'"),
  c('text', 'inet', L, true, 'cast', "'10.0.0.300'"),
  // arrays
  c('integer[]', 'bigint[]', W, true, null, "'{2147483647,-2147483648}'"),
  c('bigint[]', 'integer[]', L, true, null, "'{1,3000000000}'"),
  c('text', 'text[]', L, true, 'cast', "'x'"),
  { ...c('integer', 'integer[]', L, true, 'cast'), noCast: true },
  // across families
  c('text', 'integer', L, true, 'cast', "'12abc'"),
  c('text', 'uuid', L, true, 'cast', "'not-a-uuid'"),
  c('integer', 'boolean', L, true, 'cast', "'2'"),
  c('text', 'bytea', L, true, 'cast', "'\\x0'"),
  // enums (public.mood: happy, sad), recognised by typeRef
  c('text', 'public.mood', L, true, 'via_text', "'angry'"),
  c('character varying(10)', 'public.mood', L, true, 'via_text', "'angry'"),
  c('public.mood', 'text', W, true, null, "'happy'"),
  c('public.mood', 'character varying(3)', L, true, null, "'happy'"),
  c('public.mood', 'integer', L, true, 'via_text', "'happy'"),
  c('public.mood[]', 'text[]', W, true, null, "'{happy,sad}'"),
  c('text[]', 'public.mood[]', L, true, 'via_text', "'{happy,angry}'"),
  // Found by these tests and fixed since: changing an array's element type always rewrites,
  c('character varying(10)[]', 'character varying(100)[]', W, true, null, "'{abcdefghij}'"),
  c('character varying(10)[]', 'text[]', W, true, null, "'{abcdefghij}'"),
  c('text[]', 'character varying[]', W, true, null, "'{x,y}'"),
  c('timestamp(3) with time zone[]', 'timestamp(6) with time zone[]', W, true, null, '\'{"2020-01-01 00:00:00.123+00"}\''),
  c('numeric(10,2)[]', 'numeric(12,2)[]', W, true, null, "'{99999999.99}'"),
  c('cidr[]', 'inet[]', W, true, null, "'{10.0.0.0/8}'"),
  // an array written out as text keeps every value,
  c('text[]', 'text', W, true, null, "'{a,b}'"),
  // an interval restricted to fields drops the others,
  c('interval', 'interval year to month', L, true, null, "'1 year 2 days'"),
  c('interval', 'interval day', L, true, null, "'1 day 2 hours'"),
  c('interval year to month', 'interval', W, false, null, "'1 year 2 mons'"),
  // rounding up with no integer digit to spare fails,
  c('numeric(10,2)', 'numeric(8,0)', L, true, null, "'99999999.99'"),
  // name and "char" are converted row by row,
  c('name', 'text', W, true, null, "'abc'"),
  c('"char"', 'text', W, true, null, "'a'"),
  // and some pairs PostgreSQL converts without USING, or keeps whole.
  c('boolean', 'integer', W, true, 'cast', "'true'"),
  c('macaddr', 'macaddr8', W, true, null, "'08:00:2b:01:02:03'"),
  c('macaddr8', 'macaddr', L, true, null, "'08:00:2b:01:02:03:04:05'"),
  c('money', 'numeric', W, true, null, "'12.34'"),
  c('money', 'numeric(19,2)', W, true, null, "'-92233720368547758.08'"),
  c('money', 'numeric(10,1)', L, true, null, "'12.34'"),
  c('money', 'numeric(20,4)', L, true, null, "'92233720368547758.07'"),
  c('money', 'numeric(25,1)', L, true, null, "'0.05'"),
  c('numeric', 'money', L, true, null, "'12.345'"),
  c('integer', 'money', W, true, null),
  // Lossy only in the padding, which text never shows: no witness can tell.
  c('character(10)', 'character varying(10)', L, true, null),
  c('character(10)', 'character varying(5)', L, true, null, "'abcdef'"),
  c('xml', 'text', W, false, null, "'<a/>'"),
  c('bit(5)', 'bit varying(10)', W, true, null, "B'10101'"),
  // ALTER ... TYPE bit(n) takes the assignment cast, which fails where an explicit one truncates.
  c('bit(4)', 'bit(2)', L, true, null, "B'1000'"),
  c('bit varying(10)', 'bit(2)', L, true, null, "B'1'"),
  c('numeric', 'real', L, true, null, "'1e-50'"),
  c('character varying(10)', 'character(20)', L, true, null, "'abc '"),
];

describe('conversion(from, to)', () => {
  it.each(cases)('$from -> $to: lossy $lossy, rewrite $rewrite, explicit $explicit', ({ from, to, lossy, rewrite, explicit }) => {
    const result = conversion(col(from), col(to));
    if (lossy) expect(result.lossy, 'a lossy change says why').toMatch(/\w/);
    else expect(result.lossy).toBeNull();
    expect(result.rewrite).toBe(rewrite);
    expect(result.explicit).toBe(explicit);
  });

  it('holds the verdicts the issue and the SPEC name', () => {
    const verdict = (from: string, to: string) => conversion(col(from), col(to));
    for (const [from, to] of [
      ['bigint', 'integer'],
      ['character varying(100)', 'character varying(10)'],
      ['numeric(10,2)', 'numeric(8,0)'],
      ['timestamp with time zone', 'date'],
      ['text', 'integer'],
    ] as const) {
      expect(verdict(from, to).lossy, `${from} -> ${to}`).not.toBeNull();
    }
    for (const [from, to] of [
      ['integer', 'bigint'],
      ['character varying(10)', 'text'],
      ['character varying(10)', 'character varying(100)'],
      ['character varying', 'text'],
    ] as const) {
      expect(verdict(from, to).lossy, `${from} -> ${to}`).toBeNull();
    }
  });

  it('says why in words a person checks', () => {
    const why = (from: string, to: string) => conversion(col(from), col(to)).lossy;
    // The SPEC's own example of a hazard message (after "integer -> smallint: ").
    expect(why('integer', 'smallint')).toBe('values outside -32768..32767 fail');
    expect(why('bigint', 'integer')).toBe('values outside -2147483648..2147483647 fail');
    expect(why('character varying(100)', 'character varying(10)')).toMatch(/longer than 10 characters/);
    expect(why('numeric(10,2)', 'numeric(8,0)')).toMatch(/rounded from 2 to 0 decimal places/);
    expect(why('timestamp with time zone', 'date')).toMatch(/time of day/);
    expect(why('text', 'integer')).toMatch(/not valid/);
    expect(why('text', 'public.mood')).toMatch(/labels of public\.mood/);
    // real keeps FLT_DIG digits through numeric: 1.2345678::real::numeric is 1.23457.
    expect(why('real', 'numeric')).toBe('values keep 6 significant digits; infinity may fail');
    expect(why('double precision', 'numeric')).toBe('values keep 15 significant digits; infinity may fail');
    // character(n) -> varchar(n) cannot fail: only the trailing spaces go.
    expect(why('character(10)', 'character varying(10)')).toBe('trailing spaces are cut');
    expect(why('character(10)', 'character varying(5)')).toBe('values longer than 5 characters (trailing spaces aside) make the change fail; trailing spaces are cut');
    expect(why('bigint', 'boolean')).toBe('PostgreSQL has no conversion from bigint to boolean: this step cannot run');
  });

  it('tells values a change fails on from those it only rounds', () => {
    const tests = (from: string, to: string) => {
      const r = conversion(col(from), col(to));
      return { test: r.test?.kind ?? null, rounding: r.rounding?.kind ?? null };
    };
    expect(tests('numeric(10,2)', 'numeric(8,0)')).toEqual({ test: 'digits', rounding: 'roundtrip' });
    expect(tests('numeric', 'numeric(10,2)')).toEqual({ test: 'digits', rounding: 'roundtrip' });
    expect(tests('numeric(10,2)', 'numeric(10,1)')).toEqual({ test: 'roundtrip', rounding: null });
    expect(tests('numeric(10,2)', 'numeric(9,2)')).toEqual({ test: 'digits', rounding: null });
    expect(tests('numeric(10,2)', 'bigint')).toEqual({ test: 'range', rounding: 'roundtrip' });
    expect(tests('double precision', 'integer')).toEqual({ test: 'range', rounding: 'roundtrip' });
    expect(tests('double precision', 'real')).toEqual({ test: 'real', rounding: 'roundtrip' });
    expect(tests('bigint', 'integer')).toEqual({ test: 'range', rounding: null });
    expect(tests('numeric', 'real')).toEqual({ test: 'float_range', rounding: 'float_digits' });
    expect(tests('numeric(10,2)', 'double precision')).toEqual({ test: 'float_range', rounding: 'float_digits' });
    expect(tests('money', 'numeric(10,1)')).toEqual({ test: 'digits', rounding: 'roundtrip' });
    expect(tests('money', 'numeric(25,1)')).toEqual({ test: 'roundtrip', rounding: null });
    expect(tests('money', 'numeric(12,2)')).toEqual({ test: 'digits', rounding: null });
    expect(tests('bit(4)', 'bit(2)')).toEqual({ test: 'bit_length', rounding: null });
    expect(tests('bit varying(10)', 'bit(2)')).toEqual({ test: 'bit_length', rounding: null });
    expect(tests('timestamp with time zone', 'time without time zone')).toEqual({ test: 'every', rounding: null });
    expect(tests('timestamp without time zone', 'time without time zone')).toEqual({ test: 'every', rounding: null });
    expect(tests('time with time zone', 'time without time zone')).toEqual({ test: 'every', rounding: null });
    // Arrays keep their element's tests: the checks count element by element.
    expect(tests('bigint[]', 'integer[]')).toEqual({ test: 'range', rounding: null });
    // Into varchar(n) or character(n), text longer only by trailing spaces is cut, not refused.
    expect(tests('text[]', 'character varying(2)[]')).toEqual({ test: 'length', rounding: 'length' });
    expect(tests('character varying(10)', 'character varying(3)')).toEqual({ test: 'length', rounding: 'length' });
    expect(tests('text', 'character(3)')).toEqual({ test: 'length', rounding: 'length' });
    // Numbers never end in a space.
    expect(tests('bigint', 'character varying(3)')).toEqual({ test: 'length', rounding: null });
    expect(tests('bit varying(10)', 'bit varying(3)')).toEqual({ test: 'length', rounding: null });
  });

  it('does not use an explicit cast where it would truncate silently instead of failing', () => {
    // `'abcdefghijk'::varchar(10)` is 'abcdefghij'; the assignment cast of ALTER ... TYPE fails instead.
    for (const [from, to] of [
      ['character varying(100)', 'character varying(10)'],
      ['text', 'character varying(10)'],
      ['character(10)', 'character(5)'],
      ['integer', 'character varying(5)'],
    ] as const) {
      expect(conversion(col(from), col(to)).explicit, `${from} -> ${to}`).toBeNull();
    }
  });

  it('tells a change that fails on some values from one that changes them quietly', () => {
    const fails = (from: string, to: string) => {
      const t = conversion(col(from), col(to)).test;
      return t === null ? null : testFails(t);
    };
    expect(fails('bigint', 'integer')).toBe(true);
    expect(fails('character varying(100)', 'character varying(10)')).toBe(true);
    expect(fails('text', 'integer')).toBe(true);
    expect(fails('inet', 'cidr')).toBe(true);
    expect(fails('timestamp with time zone', 'date')).toBe(false);
    expect(fails('timestamp(6) with time zone', 'timestamp(3) with time zone')).toBe(false);
    expect(fails('integer', 'real')).toBe(false);
  });

  it('agrees with PostgreSQL on every case: rewrite, USING, and what happens to a value', async () => {
    await withScratch('casts', async (s) => {
      await s.db.exec("SET timezone = 'America/New_York'; CREATE TYPE public.mood AS ENUM ('happy', 'sad')");
      const problems: string[] = [];
      let n = 0;
      for (const k of cases) {
        const table = `public.t${n++}`;
        const using = k.explicit === 'cast' ? ` USING c::${k.to}` : k.explicit === 'via_text' ? ` USING c::text${k.from.endsWith('[]') ? '[]' : ''}::${k.to}` : '';
        // On an empty table: is the file rewritten, and is ALTER without USING accepted?
        await s.db.exec(`CREATE TABLE ${table} (c ${k.from})`);
        const file = async () => (await s.db.query<{ f: string }>(`SELECT relfilenode::text AS f FROM pg_class WHERE oid = '${table}'::regclass`))[0]!.f;
        const before = await file();
        let acceptedWithoutUsing = true;
        try {
          await s.db.exec(`BEGIN; ALTER TABLE ${table} ALTER COLUMN c TYPE ${k.to}; ROLLBACK`);
        } catch {
          acceptedWithoutUsing = false;
          await s.db.exec('ROLLBACK');
        }
        if (k.noCast) {
          await expect(s.db.exec(`ALTER TABLE ${table} ALTER COLUMN c TYPE ${k.to}${using}`)).rejects.toThrow(/cannot cast type/);
          continue;
        }
        await s.db.exec(`ALTER TABLE ${table} ALTER COLUMN c TYPE ${k.to}${using}`);
        const rewritten = (await file()) !== before;
        if (rewritten !== k.rewrite) problems.push(`${k.from} -> ${k.to}: the server ${rewritten ? 'rewrites' : 'does not rewrite'} the table`);
        if (acceptedWithoutUsing !== (k.explicit === null)) problems.push(`${k.from} -> ${k.to}: the server ${acceptedWithoutUsing ? 'needs no' : 'needs a'} USING`);
        if (k.witness === undefined) continue;
        // A witness value: lost (the change fails, or it reads back different) exactly when lossy.
        await s.db.exec(`CREATE TABLE ${table}_w (c ${k.from}); INSERT INTO ${table}_w VALUES (${k.witness}::${k.from})`);
        const [original] = await s.db.query<{ v: string }>(`SELECT c::text AS v FROM ${table}_w`);
        let lost: string | null = null;
        try {
          await s.db.exec(`ALTER TABLE ${table}_w ALTER COLUMN c TYPE ${k.to}${using}`);
        } catch (error) {
          lost = `the change fails: ${(error as Error).message}`;
        }
        if (lost === null) {
          // Read back as the old type: by a cast where there is one, else through text.
          const readBack = async (expr: string) => (await s.db.query<{ v: string }>(`SELECT (${expr})::text AS v FROM ${table}_w`))[0]!.v;
          const back = await readBack(`c::${k.from}`).catch(() => readBack(`c::text::${k.from}`));
          if (back !== original!.v) lost = `${original!.v} reads back as ${back}`;
        }
        if (k.lossy && lost === null) problems.push(`${k.from} -> ${k.to}: the witness ${k.witness} survived`);
        if (!k.lossy && lost !== null) problems.push(`${k.from} -> ${k.to}: the witness ${k.witness} was lost (${lost})`);
      }
      expect(problems).toEqual([]);
    });
  });
});

/** Built-in types as format_type spells them, for the whole table of pairs. */
const BUILT_IN = [
  'smallint',
  'integer',
  'bigint',
  'real',
  'double precision',
  'numeric',
  'numeric(10,2)',
  'money',
  'text',
  'character varying',
  'character varying(10)',
  'character(5)',
  '"char"',
  'name',
  'boolean',
  'bytea',
  'date',
  'time without time zone',
  'time with time zone',
  'timestamp without time zone',
  'timestamp with time zone',
  'interval',
  'bit(5)',
  'bit varying(10)',
  'uuid',
  'json',
  'jsonb',
  'inet',
  'cidr',
  'macaddr',
  'macaddr8',
  'xml',
  'integer[]',
  'bigint[]',
  'boolean[]',
  'text[]',
  'date[]',
];

describe('the cast table against pg_cast', () => {
  it('every pair of built-in types: the planned ALTER runs where the table says a conversion exists, and none exists where it says so', async () => {
    await withScratch('castpairs', async (s) => {
      const problems: string[] = [];
      for (const [i, from] of BUILT_IN.entries()) await s.db.exec(`CREATE TABLE public.p${i} (c ${from})`);
      for (const [i, from] of BUILT_IN.entries()) {
        for (const to of BUILT_IN) {
          if (to === from) continue;
          const k = conversion(col(from), col(to));
          const using = k.explicit === 'cast' ? ` USING c::${to}` : k.explicit === 'via_text' ? ` USING c::text::${to}` : '';
          let error: string | null = null;
          try {
            await s.db.exec(`BEGIN; ALTER TABLE public.p${i} ALTER COLUMN c TYPE ${to}${using}`);
          } catch (e) {
            error = (e as Error).message;
          } finally {
            await s.db.exec('ROLLBACK');
          }
          if (k.impossible && !(error ?? '').includes('cannot cast type')) problems.push(`${from} -> ${to}: marked impossible, but ${error ?? 'the server converts it'}`);
          if (!k.impossible && error !== null) problems.push(`${from} -> ${to}: ${error}`);
        }
      }
      expect(problems).toEqual([]);
    });
  }, 120_000);
});

describe('comparableForKey: can a foreign key of one type reference a key of another', () => {
  // [foreign key column type, referenced key type, PostgreSQL accepts it]
  const pairs: ReadonlyArray<readonly [string, string, boolean]> = [
    ['integer', 'bigint', true],
    ['bigint', 'integer', true],
    ['smallint', 'integer', true],
    ['integer', 'numeric', true],
    ['numeric', 'integer', false],
    ['integer', 'real', true],
    ['real', 'integer', false],
    ['double precision', 'numeric', false],
    ['numeric(10,2)', 'numeric', true],
    ['text', 'character varying(10)', true],
    ['character varying(10)', 'text', true],
    ['character(3)', 'text', true],
    ['name', 'text', true],
    ['timestamp with time zone', 'timestamp without time zone', true],
    ['date', 'timestamp without time zone', true],
    ['uuid', 'text', false],
    ['text', 'uuid', false],
    ['integer[]', 'integer[]', true],
    ['bigint[]', 'integer[]', false],
    ['inet', 'cidr', true],
    ['boolean', 'integer', false],
    ['money', 'numeric', false],
    ['public.mood', 'integer', false],
    ['integer', 'public.mood', false],
    ['public.mood', 'public.mood', true],
    ['text', 'public.mood', false],
  ];

  it('agrees with PostgreSQL on every pair', async () => {
    await withScratch('fktypes', async (s) => {
      await s.db.exec("CREATE TYPE public.mood AS ENUM ('happy', 'sad')");
      const problems: string[] = [];
      for (const [fk, key, accepted] of pairs) {
        if (comparableForKey(col(fk), col(key)) !== accepted) problems.push(`${fk} -> ${key}: comparableForKey says ${!accepted}`);
        let server = true;
        try {
          await s.db.exec(`BEGIN; CREATE TABLE public.k (id ${key} PRIMARY KEY); CREATE TABLE public.f (x ${fk} REFERENCES public.k); ROLLBACK`);
        } catch {
          server = false;
          await s.db.exec('ROLLBACK');
        }
        if (server !== accepted) problems.push(`${fk} -> ${key}: the server ${server ? 'accepts' : 'refuses'} it`);
      }
      expect(problems).toEqual([]);
    });
  });

  it('gives types it does not know (domains, extensions) the benefit of the doubt', () => {
    expect(comparableForKey(col('public.positive_int'), col('integer'))).toBe(true);
    expect(comparableForKey(col('public.citext'), col('text'))).toBe(true);
  });
});

describe('parseType', () => {
  it.each([
    ['integer', { base: 'int4', mods: [], array: false }],
    ['bigint', { base: 'int8', mods: [], array: false }],
    ['smallint[]', { base: 'int2', mods: [], array: true }],
    ['numeric', { base: 'numeric', mods: [], array: false }],
    ['numeric(10,2)', { base: 'numeric', mods: [10, 2], array: false }],
    ['numeric(12,0)[]', { base: 'numeric', mods: [12, 0], array: true }],
    ['double precision', { base: 'float8', mods: [], array: false }],
    ['real', { base: 'float4', mods: [], array: false }],
    ['character varying(10)', { base: 'varchar', mods: [10], array: false }],
    ['character varying', { base: 'varchar', mods: [], array: false }],
    ['character(1)', { base: 'bpchar', mods: [1], array: false }],
    ['"char"', { base: 'char', mods: [], array: false }],
    ['text[]', { base: 'text', mods: [], array: true }],
    ['character varying(10)[]', { base: 'varchar', mods: [10], array: true }],
    ['timestamp with time zone', { base: 'timestamptz', mods: [], array: false }],
    ['timestamp(3) with time zone', { base: 'timestamptz', mods: [3], array: false }],
    ['timestamp(0) without time zone', { base: 'timestamp', mods: [0], array: false }],
    ['time(6) with time zone', { base: 'timetz', mods: [6], array: false }],
    ['time without time zone[]', { base: 'time', mods: [], array: true }],
    ['interval(3)', { base: 'interval', mods: [3], array: false }],
    ['interval year to month', { base: 'interval', mods: [], array: false, fields: 'year to month' }],
    ['interval day to second(3)', { base: 'interval', mods: [3], array: false, fields: 'day to second' }],
    ['bit varying(5)', { base: 'varbit', mods: [5], array: false }],
    ['jsonb', { base: 'jsonb', mods: [], array: false }],
    ['public.mood', { base: 'public.mood', mods: [], array: false }],
    ['public.mood[]', { base: 'public.mood', mods: [], array: true }],
  ])('%s', (printed, parsed) => {
    expect(parseType(printed)).toEqual(parsed);
  });
});
