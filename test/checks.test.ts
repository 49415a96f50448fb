// Data-aware hazards: each figure counted in real rows (NULLs, duplicates, orphans, out of
// range, too long, failing casts, rows and values lost), a step certain to fail marked so and
// refused by apply before it starts, and large tables answered from the statistics.
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Chalk } from 'chalk';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { checkSchema } from '../src/operations/schema-file.js';
import { planAgainst } from '../src/operations/plan.js';
import { measurePlan } from '../src/checks/checks.js';
import type { Db } from '../src/db/db.js';
import { quoteLiteral } from '../src/model/identifiers.js';
import type { Hazard, HazardCode, Plan } from '../src/plan/types.js';
import { renderMarkdown } from '../src/render/markdown.js';
import { renderText } from '../src/render/text.js';
import { figureCases, type FigureCase, type HazardExpectation } from './cases/figures.js';
import { hazardOf, measuredPlan, modelOf, runBefore } from './support/cases.js';
import { embeddedTemplate, type EmbeddedTemplate } from './support/embedded.js';
import { scratch, type Scratch } from './support/scratch.js';
import { BIN } from './support/cli.js';

let s: Scratch;
beforeEach(async () => {
  s = await scratch('checks');
});
afterEach(async () => {
  await s.drop();
});

type Lookup = (step: string, code: HazardCode) => Hazard;

/** Plan `yaml` against `db`, measure, and return the hazard of `step` with `code`. */
async function measuredOn(db: Db, before: string, yaml: string, timeoutMs = 5000): Promise<Lookup & { plan: Plan }> {
  const checked = await measuredPlan(db, before, yaml, timeoutMs);
  return Object.assign((step: string, code: HazardCode) => hazardOf(checked, step, code), { plan: checked });
}

const measured = (before: string, yaml: string, timeoutMs = 5000) => measuredOn(s.db, before, yaml, timeoutMs);

/** Whether the step's statements, run alone on today's data (and rolled back), fail. */
async function stepFails(db: Db, plan: Plan, step: string): Promise<boolean> {
  const found = plan.steps.find((st) => `${st.op} ${st.object}` === step)!;
  await db.exec('BEGIN');
  try {
    for (const statement of found.sql) await db.exec(statement);
    return false;
  } catch {
    return true;
  } finally {
    await db.exec('ROLLBACK');
  }
}

const figures = (h: Hazard) => ({ rows: h.rows, example: h.example, fails: h.fails, estimated: h.estimated });

/**
 * Text that servers read differently from any pattern: per target type, values some version
 * takes and some it refuses (PostgreSQL 15 takes 'tr' as true and 'inf' as a numeric; it
 * refuses '1e-50' as a real, infinity in numeric(5,2), and 0x10 or 1_000 as an integer,
 * which PostgreSQL 16 takes).
 */
const TRICKY: Readonly<Record<string, { readonly type: string; readonly values: readonly string[] }>> = {
  b: { type: 'boolean', values: ['tr', 'yes', ' t ', 'Of', 'o', 'maybe', 'TRUE', '1', 'on'] },
  n: { type: 'numeric', values: ['inf', '-Infinity', 'NaN', ' 1e5 ', '1.', '+.5', 'abc', '1_000', '0x1F', '12.5'] },
  n2: { type: 'numeric(5,2)', values: ['Infinity', 'NaN', '999.994', '999.995', '-1.5', '1e2', '1e3', '12', ' 1.005 ', '0.001'] },
  r: { type: 'real', values: ['1e-50', '1e50', 'inf', '-Infinity', '0.1', '1e-45', '3.4e38', '3.5e38', 'abc', '12.25'] },
  i: { type: 'integer', values: [' 42 ', '2147483647', '2147483648', '1.5', '0x10', '1_000', '+7', '-0', '7'] },
  u: {
    type: 'uuid',
    values: ['{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}', 'A0EEBC999C0B4EF8BB6D6BB9BD380A11', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1', 'a0ee-bc99-9c0b-4ef8-bb6d-6bb9-bd38-0a11', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'],
  },
};

/**
 * On `db`, a table per TRICKY column, one row per value (and a NULL), changed to its type: each
 * figure must be what the server's own cast does to those values, one by one, and the step must
 * fail exactly when a value does. Returns the values the server refused, by column.
 */
async function textAsTheServerReadsIt(db: Db): Promise<Record<string, string[]>> {
  const columns = Object.entries(TRICKY);
  const before = columns
    .map(([c, { values }]) => `CREATE TABLE t_${c} (id serial PRIMARY KEY, v text); INSERT INTO t_${c} (v) VALUES ${[...values.map(quoteLiteral), 'NULL'].map((v) => `(${v})`).join(', ')};`)
    .join('\n');
  const yaml = `tables:\n${columns.map(([c, { type }]) => `  t_${c}:\n    columns:\n      id: { type: integer, primary_key: true, default: { sql: "nextval('t_${c}_id_seq'::regclass)" } }\n      v: ${type}\n`).join('')}`;
  const hazard = await measuredOn(db, before, yaml);
  const refused: Record<string, string[]> = {};
  for (const [c, { type, values }] of columns) {
    const failing: string[] = [];
    // Into numeric(p,s), valid text the server rounds counts too (it changes).
    const rounded: string[] = [];
    const rounds = /^numeric\(/.test(type);
    for (const v of values) {
      const changed = await db.query<{ d: boolean }>(`SELECT $1::text::${type}${rounds ? ' IS DISTINCT FROM $1::text::numeric' : ' IS NULL'} AS d`, [v]).catch(() => (failing.push(v), null));
      if (changed?.[0]?.d) rounded.push(v);
    }
    refused[c] = failing;
    const leastOf = async (vs: string[]) => (vs.length === 0 ? undefined : (await db.query<{ v: string }>('SELECT min(v) AS v FROM pg_catalog.unnest($1::text[]) v', [vs]))[0]!.v);
    const least = (await leastOf(failing)) ?? (await leastOf(rounded));
    const step = `alter_column public.t_${c}.v`;
    expect(figures(hazard(step, 'lossy_type_change')), `${c} -> ${type}`).toEqual({ rows: failing.length + rounded.length, example: least, fails: failing.length > 0 ? true : undefined, estimated: undefined });
    if (rounds) expect(hazard(step, 'lossy_type_change').failing_rows, `${c} -> ${type}`).toBe(failing.length);
    expect(await stepFails(db, hazard.plan, step), step).toBe(failing.length > 0);
  }
  return refused;
}

/** Measure a case's plan on `db` and check each hazard and step it names. */
async function runFigureCase(db: Db, c: FigureCase): Promise<void> {
  const hazard = await measuredOn(db, c.before, c.desired);
  for (const [step, byCode] of Object.entries(c.hazards)) {
    for (const [code, want] of Object.entries(byCode) as [HazardCode, HazardExpectation][]) {
      const h = hazard(step, code);
      const label = `${step} ${code}`;
      if (want.measure !== undefined) expect(h.measure, label).toEqual(want.measure);
      if (want.figures) expect(figures(h), label).toEqual({ rows: undefined, example: undefined, fails: undefined, estimated: undefined, ...want.figures });
      if (want.failing_rows !== undefined) expect(h.failing_rows, label).toBe(want.failing_rows);
      if (want.message !== undefined) expect(h.message, label).toBe(want.message);
      if (want.matches) expect(h.message, label).toMatch(want.matches);
      if (want.rowsAtLeast !== undefined) expect(h.rows, label).toBeGreaterThanOrEqual(want.rowsAtLeast);
      if (want.certain) expect(h.fails, label).toBe(true);
    }
  }
  for (const [step, fails] of Object.entries(c.stepFails ?? {})) expect(await stepFails(db, hazard.plan, step), step).toBe(fails);
}

describe('figures in the hazards (cases as data: test/cases/figures.ts)', () => {
  for (const c of figureCases.filter((x) => !x.pglite)) it(c.name, () => runFigureCase(s.db, c));
});

describe('figures in the hazards', () => {
  it('a key, foreign key or check on a column the same plan adds: counted with the value the add gives every row, never an SQL error', async () => {
    const before = `CREATE TABLE orders (id integer PRIMARY KEY); INSERT INTO orders VALUES (1);
       CREATE TABLE x (id integer PRIMARY KEY); INSERT INTO x VALUES (1), (2);
       CREATE TABLE y (id integer PRIMARY KEY); INSERT INTO y VALUES (1), (2);`;
    const hazard = await measured(
      before,
      `tables:
  orders:
    columns:
      id: { type: integer, primary_key: true }
  x:
    columns:
      id: { type: integer, primary_key: true }
      order_id: integer
      code: { type: text, unique: true }
    checks:
      x_code_check: coalesce(code, '') <> ''
    foreign_keys:
      x_order_fk: { columns: [order_id], references: orders }
  y:
    columns:
      id: { type: integer, primary_key: true }
      order_id: { type: integer, default: 7 }
      code: { type: text, unique: true, default: a }
      u: { type: uuid, unique: true, default: { sql: gen_random_uuid() } }
      n: { type: bigint, unique: true, identity: always }
      # Named as the names the counting queries make up (k, x): not taken for them.
      k: { type: uuid, default: { sql: gen_random_uuid() } }
      x: { type: uuid, default: { sql: gen_random_uuid() } }
    foreign_keys:
      y_order_fk: { columns: [order_id], references: orders }
`,
    );
    const all = hazard.plan.steps.flatMap((st) => st.hazards.map((h) => h.message));
    expect(all.filter((m) => /does not exist|not measured: column/.test(m))).toEqual([]);
    // New columns without a default: NULL in every row, so no orphan and no duplicate; the check sees NULL.
    expect(figures(hazard('add_foreign_key public.x.x_order_fk', 'may_fail'))).toEqual({ rows: 0, example: undefined, fails: undefined, estimated: undefined });
    expect(hazard('add_foreign_key public.x.x_order_fk', 'may_fail').message).toContain('(no rows in the way today; public.x.order_id, which this plan adds, counted with NULL in every row)');
    expect(figures(hazard('add_unique public.x.x_code_key', 'may_fail'))).toEqual({ rows: 0, example: undefined, fails: undefined, estimated: undefined });
    expect(figures(hazard('add_check public.x.x_code_check', 'may_fail'))).toEqual({ rows: 2, example: undefined, fails: true, estimated: undefined });
    // A constant default: every row holds it, so 7 is an orphan in both rows and 'a' repeats.
    expect(figures(hazard('add_foreign_key public.y.y_order_fk', 'may_fail'))).toEqual({ rows: 2, example: '7', fails: true, estimated: undefined });
    expect(hazard('add_foreign_key public.y.y_order_fk', 'may_fail').message).toContain('public.y.order_id, which this plan adds, counted with its default 7 in every row');
    expect(figures(hazard('add_unique public.y.y_code_key', 'may_fail'))).toEqual({ rows: 1, example: 'a', fails: true, estimated: undefined });
    // A value only the step computes: said in words, with no figure.
    for (const [step, words] of [
      ['add_unique public.y.y_u_key', 'public.y.u is added by this plan and filled in by its default gen_random_uuid(), which is computed only when the step runs'],
      ['add_unique public.y.y_n_key', 'public.y.n is added by this plan as an identity column: each row gets its own value from a new sequence when the step runs'],
    ] as const) {
      expect(hazard(step, 'may_fail').message).toContain(`(not measured: ${words}`);
      expect(figures(hazard(step, 'may_fail'))).toEqual({ rows: undefined, example: undefined, fails: undefined, estimated: undefined });
    }
    // The figures are what happens: the whole plan, run on today's rows, fails on x's check, and without it on y's keys.
    const runs = async (steps: Plan['steps']): Promise<string | null> => {
      await s.db.exec('BEGIN');
      try {
        for (const st of steps) for (const statement of st.sql) await s.db.exec(statement);
        return null;
      } catch (error) {
        return (error as Error).message;
      } finally {
        await s.db.exec('ROLLBACK');
      }
    };
    expect(await runs(hazard.plan.steps)).toMatch(/x_code_check|y_order_fk|y_code_key/);
    const without = (names: readonly string[]) => hazard.plan.steps.filter((st) => !names.some((n) => st.object.endsWith(n)));
    expect(await runs(without(['x_code_check', 'y_order_fk', 'y_code_key']))).toBeNull();
  });

  it('values that fail and values that are rounded, told apart; only failing ones make the step certain to fail', async () => {
    const before = `CREATE TABLE r (id integer PRIMARY KEY, a numeric(10,2), b numeric(10,2), c double precision, d numeric(12,2), e double precision);
       INSERT INTO r VALUES (1, 12.34, 12.34, 0.1, 2147483647.50, 1e-300), (2, 5.00, 5.00, 0.5, 7.00, 'NaN'), (3, 99999999.99, NULL, 1e300, NULL, '-Infinity');`;
    const hazard = await measured(
      before,
      `tables:
  r:
    columns:
      id: { type: integer, primary_key: true }
      a: numeric(8,0)
      b: bigint
      c: real
      d: integer
      e: real
`,
    );
    const a = hazard('alter_column public.r.a', 'lossy_type_change');
    expect({ ...figures(a), failing_rows: a.failing_rows }).toEqual({ rows: 2, failing_rows: 1, example: '99999999.99', fails: true, estimated: undefined });
    expect(a.message).toBe(
      "numeric(10,2) -> numeric(8,0): values are rounded from 2 to 0 decimal places, and those that round up to 9 integer digits fail (2 rows today: 1 fails, e.g. '99999999.99'; 1 is rounded, e.g. '12.34': this step will fail)",
    );
    const b = hazard('alter_column public.r.b', 'lossy_type_change');
    expect({ ...figures(b), failing_rows: b.failing_rows }).toEqual({ rows: 1, failing_rows: 0, example: '12.34', fails: undefined, estimated: undefined });
    expect(b.message).toBe("numeric(10,2) -> bigint: fractions are rounded; values outside -9223372036854775808..9223372036854775807 fail (1 row today is rounded, e.g. '12.34'; none fail)");
    const c = hazard('alter_column public.r.c', 'lossy_type_change');
    expect({ ...figures(c), failing_rows: c.failing_rows }).toEqual({ rows: 2, failing_rows: 1, example: '1e+300', fails: true, estimated: undefined });
    expect(c.message).toMatch(/\(2 rows today: 1 fails, e\.g\. '1e\+300'; 1 is rounded, e\.g\. '0\.1': this step will fail\)$/);
    // 2147483647.50 is in integer's range, but rounds out of it.
    expect(figures(hazard('alter_column public.r.d', 'lossy_type_change'))).toEqual({ rows: 1, example: '2147483647.50', fails: true, estimated: undefined });
    // Too close to zero for real fails; NaN and infinity convert.
    expect(figures(hazard('alter_column public.r.e', 'lossy_type_change'))).toEqual({ rows: 1, example: '1e-300', fails: true, estimated: undefined });
    // What the server does agrees, column by column.
    await s.db.exec(`CREATE TABLE public.r_copy AS SELECT * FROM public.r`);
    for (const [column, type, fails] of [
      ['a', 'numeric(8,0)', true],
      ['b', 'bigint', false],
      ['c', 'real', true],
      ['d', 'integer', true],
      ['e', 'real', true],
    ] as const) {
      const failed = await s.db.exec(`BEGIN; ALTER TABLE public.r_copy ALTER COLUMN ${column} TYPE ${type}; ROLLBACK`).then(
        () => false,
        async () => (await s.db.exec('ROLLBACK'), true),
      );
      expect(failed, `${column} -> ${type}`).toBe(fails);
    }
  });

  it('text into numeric(p,s) counts the rows it rounds, with an example, as numeric to fewer decimal places does', async () => {
    const hazard = await measured(
      `CREATE TABLE q (id integer PRIMARY KEY, a text, b text, c text, d varchar(20)[]);
       INSERT INTO q VALUES (1, '1.5', '2', '1.5', '{1.25,2}'), (2, '2', '3.0', 'abc', '{3}'), (3, ' 2.5e0 ', NULL, '2.25', NULL), (4, NULL, '-4', '7', '{}');`,
      `tables:\n  q:\n    columns:\n      id: { type: integer, primary_key: true }\n      a: numeric(8,0)\n      b: numeric(8,0)\n      c: numeric(8,1)\n      d: numeric(8,1)[]\n`,
    );
    const a = hazard('alter_column public.q.a', 'lossy_type_change');
    expect({ ...figures(a), failing_rows: a.failing_rows }).toEqual({ rows: 2, failing_rows: 0, example: ' 2.5e0 ', fails: undefined, estimated: undefined });
    expect(a.message).toBe(
      "text -> numeric(8,0): values that are not numbers, or have more than 8 integer digits once rounded, make the change fail; the others are rounded to 0 decimal places (2 rows today are rounded, e.g. ' 2.5e0 '; none fail)",
    );
    // Whole numbers, however written, keep their value.
    expect(hazard('alter_column public.q.b', 'lossy_type_change').message).toMatch(/\(no rows in the way today\)$/);
    const c = hazard('alter_column public.q.c', 'lossy_type_change');
    expect({ ...figures(c), failing_rows: c.failing_rows }).toEqual({ rows: 2, failing_rows: 1, example: 'abc', fails: true, estimated: undefined });
    expect(c.message).toMatch(/\(2 rows today: 1 fails, e\.g\. 'abc'; 1 is rounded, e\.g\. '2\.25': this step will fail\)$/);
    expect(figures(hazard('alter_column public.q.d', 'lossy_type_change'))).toEqual({ rows: 1, example: '{1.25,2}', fails: undefined, estimated: undefined });
    // What the server does agrees: a and d change value, b does not.
    await s.db.exec(`ALTER TABLE public.q ALTER COLUMN a TYPE numeric(8,0) USING a::numeric(8,0), ALTER COLUMN b TYPE numeric(8,0) USING b::numeric(8,0), ALTER COLUMN d TYPE numeric(8,1)[] USING d::numeric(8,1)[]`);
    expect(await s.db.query(`SELECT id, a::text, b::text, d::text FROM public.q ORDER BY id`)).toEqual([
      { id: 1, a: '2', b: '2', d: '{1.3,2.0}' },
      { id: 2, a: '2', b: '3', d: '{3.0}' },
      { id: 3, a: '3', b: null, d: null },
      { id: 4, a: null, b: '-4', d: '{}' },
    ]);
  });

  it('text is tried as the server reads it, value by value before PostgreSQL 16', async () => {
    const refused = await textAsTheServerReadsIt(s.db);
    const version = Number((await s.db.query<{ v: string }>('SHOW server_version_num'))[0]!.v);
    if (version < 160000) {
      // What the issue found, on the server these tests run on.
      expect(refused['b']).toEqual(['o', 'maybe']);
      expect(refused['n']).toEqual(['abc', '1_000', '0x1F']);
      expect(refused['n2']).toEqual(['Infinity', '999.995', '1e3']);
      expect(refused['r']).toEqual(['1e-50', '1e50', '3.5e38', 'abc']);
      expect(refused['i']).toEqual(['2147483648', '1.5', '0x10', '1_000']);
      expect(refused['u']).toEqual(['a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1', 'a0ee-bc99-9c0b-4ef8-bb6d-6bb9-bd38-0a11']);
    }
  });

  it('lossy changes that fail on, change or round values get their figure: a lost date, bit lengths, money and numeric to fewer digits', async () => {
    const before = `CREATE TABLE l (id integer PRIMARY KEY, at timestamptz, bits bit(4), vbits bit varying(8), cash money, cents money, num numeric, dbl numeric, ok numeric);
       INSERT INTO l VALUES (1, '2024-01-01 10:00+00', B'1010', B'10', 12.34, 12.30, 1.23456789, 1e-400, 0.5),
                            (2, '2024-01-02 00:00+00', B'0110', B'101', 1.5, 99999999999.00, 1e-50, 1.5, 1234567),
                            (3, NULL, NULL, B'01', NULL, NULL, 0.25, NULL, NULL);`;
    const hazard = await measured(
      `SET timezone = 'UTC'; ${before}`,
      `tables:
  l:
    columns:
      id: { type: integer, primary_key: true }
      at: time
      bits: bit(2)
      vbits: bit(2)
      cash: numeric(10,1)
      cents: numeric(12,2)
      num: real
      dbl: double precision
      ok: real
`,
    );
    // Every value loses its date: a figure, and the example.
    const at = hazard('alter_column public.l.at', 'lossy_type_change');
    expect(figures(at)).toEqual({ rows: 2, example: at.example, fails: undefined, estimated: undefined });
    expect(at.example).toMatch(/^2024-01-01 10:00:00/);
    expect(at.message).toMatch(/^timestamp with time zone -> time without time zone: the date is lost \(2 rows today, e\.g\. '2024-01-01 10:00:00[^']*'\)$/);
    // ALTER ... TYPE bit(2) fails on every bit(4) value (an explicit cast would truncate them).
    expect(figures(hazard('alter_column public.l.bits', 'lossy_type_change'))).toEqual({ rows: 2, example: '0110', fails: true, estimated: undefined });
    expect(figures(hazard('alter_column public.l.vbits', 'lossy_type_change'))).toEqual({ rows: 1, example: '101', fails: true, estimated: undefined });
    // money to one decimal place: 12.34 changes, 1.50 does not; nothing fails.
    const cash = hazard('alter_column public.l.cash', 'lossy_type_change');
    expect({ ...figures(cash), failing_rows: cash.failing_rows }).toEqual({ rows: 1, failing_rows: 0, example: '$12.34', fails: undefined, estimated: undefined });
    expect(cash.message).toBe("money -> numeric(10,1): values of more than 9 integer digits fail, and values are rounded to 1 decimal place (1 row today is rounded, e.g. '$12.34'; none fail)");
    expect(figures(hazard('alter_column public.l.cents', 'lossy_type_change'))).toEqual({ rows: 1, example: '$99,999,999,999.00', fails: true, estimated: undefined });
    // numeric to real: 1e-50 becomes 0 and fails; 1.23456789 loses digits; 0.25 reads back the same.
    const num = hazard('alter_column public.l.num', 'lossy_type_change');
    expect({ ...figures(num), failing_rows: num.failing_rows }).toEqual({ rows: 2, failing_rows: 1, example: num.example, fails: true, estimated: undefined });
    expect(num.example).toMatch(/^0\.0{49}1$/);
    expect(num.message).toMatch(
      /: values keep only 6 significant digits, and those beyond the range of real or too close to zero fail \(2 rows today: 1 fails, e\.g\. '0\.0+1'; 1 is rounded, e\.g\. '1\.23456789': this step will fail\)$/,
    );
    expect(figures(hazard('alter_column public.l.dbl', 'lossy_type_change'))).toMatchObject({ rows: 1, fails: true });
    // 0.5 and 1234567 are exact in real, and read back the same.
    expect(figures(hazard('alter_column public.l.ok', 'lossy_type_change'))).toEqual({ rows: 0, example: undefined, fails: undefined, estimated: undefined });
    // What the server does agrees, column by column.
    for (const [column, fails] of [
      ['at', false],
      ['bits', true],
      ['vbits', true],
      ['cash', false],
      ['cents', true],
      ['num', true],
      ['dbl', true],
      ['ok', false],
    ] as const) {
      expect(await stepFails(s.db, hazard.plan, `alter_column public.l.${column}`), column).toBe(fails);
    }
    await s.db.exec(`BEGIN; ALTER TABLE public.l ALTER COLUMN ok TYPE real; ALTER TABLE public.l ALTER COLUMN cash TYPE numeric(10,1)`);
    expect(await s.db.query(`SELECT ok::text AS ok, cash::text AS cash FROM public.l ORDER BY id`)).toEqual([
      { ok: '0.5', cash: '12.3' },
      { ok: '1.234567e+06', cash: '1.5' },
      { ok: null, cash: null },
    ]);
    await s.db.exec('ROLLBACK');
  });

  it('example values are shown as SQL literals: no line break, escape, backtick or pipe breaks the text or the markdown', async () => {
    const hazard = await measured(
      `CREATE TABLE e (id integer PRIMARY KEY, a text, b text, c text, d text);
       INSERT INTO e VALUES (1, E'line1\nline2 | more', 'x\`y|z **w** <b>', E'\x1b[31mred\x1b[0m', repeat('é', 70) || E'\n');`,
      `tables:\n  e:\n    columns:\n      id: { type: integer, primary_key: true }\n      a: varchar(3)\n      b: varchar(3)\n      c: varchar(3)\n      d: varchar(3)\n`,
    );
    const message = (c: string) => hazard(`alter_column public.e.${c}`, 'lossy_type_change').message;
    expect(hazard('alter_column public.e.a', 'lossy_type_change').example).toBe('line1\nline2 | more');
    expect(message('a')).toBe(
      "text -> character varying(3): values whose text is longer than 3 characters (trailing spaces aside) make the change fail; trailing spaces beyond 3 are cut (1 row today fails, e.g. E'line1\\nline2 | more': this step will fail)",
    );
    expect(message('b')).toContain("e.g. 'x`y|z **w** <b>': this step will fail");
    expect(message('c')).toContain("e.g. E'\\x1b[31mred\\x1b[0m': this step will fail");
    // Cut short by characters, not bytes, before it is quoted.
    expect(message('d')).toContain(`e.g. '${'é'.repeat(57)}'...: this step will fail`);
    const text = renderText(hazard.plan, new Chalk({ level: 0 }));
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/);
    expect(text.split('\n').filter((l) => l.includes('lossy_type_change  step 1 (alter_column public.e.a)'))).toEqual([`  ! lossy_type_change  step 1 (alter_column public.e.a): ${message('a')}`]);
    // A pull-request comment shows counts, not the rows' values, unless asked to.
    expect(renderMarkdown(hazard.plan)).not.toMatch(/e\.g\./);
    expect(renderMarkdown(hazard.plan)).toContain('(1 row today fails: this step will fail)');
    const markdown = renderMarkdown(hazard.plan, undefined, { examples: true });
    const item = (c: string) => markdown.split('\n').find((l) => l.includes(`(alter_column \`public.e.${c}\`)`) && l.includes('lossy_type_change'))!;
    expect(item('a')).toContain("e.g. `E'line1\\nline2 | more'`: this step will fail");
    // A backtick inside: a longer fence, padded; the pipe and the markup stay inside the code span.
    expect(item('b')).toContain("e.g. `` 'x`y|z **w** <b>' ``: this step will fail");
    expect(item('c')).toContain("e.g. `E'\\x1b[31mred\\x1b[0m'`: this step will fail");
    expect(item('d')).toContain(`e.g. \`'${'é'.repeat(57)}'\`...: this step will fail`);
    expect(markdown).not.toMatch(/\u001b/);
  });

  it('a long number is shown in scientific notation, not cut to its first digits; long text is still cut', async () => {
    const hazard = await measured(
      `CREATE TABLE f (id integer PRIMARY KEY, tiny numeric, huge numeric, code text);
       INSERT INTO f VALUES (1, 1e-400, 1e400, repeat('0', 70) || '1'),
                            (2, 2.5, 123456789012345678901234567890123456789012345678901234567890.125, NULL);`,
      `tables:\n  f:\n    columns:\n      id: { type: integer, primary_key: true }\n      tiny: double precision\n      huge: double precision\n      code: varchar(3)\n`,
    );
    const lossy = (c: string) => hazard(`alter_column public.f.${c}`, 'lossy_type_change');
    // The data keep the value as it is; only the words shorten it.
    expect(figures(lossy('tiny'))).toEqual({ rows: 1, example: `0.${'0'.repeat(399)}1`, fails: true, estimated: undefined });
    expect(lossy('tiny').message).toMatch(/\(1 row today fails, e\.g\. '1e-400': this step will fail\)$/);
    // Exact while the significant digits fit; else the first 20 of them, said to be "about".
    expect(lossy('huge').message).toMatch(/\(2 rows today: 1 fails, e\.g\. '1e\+400'; 1 is rounded, e\.g\. about '1\.2345678901234567890e\+59': this step will fail\)$/);
    // Text of digits is text: cut short as it is, never turned into a number.
    expect(lossy('code').message).toMatch(new RegExp(`e\\.g\\. '${'0'.repeat(57)}'\\.\\.\\.: this step will fail\\)$`));
    expect(await s.db.query(`SELECT '1e-400'::numeric = $1::numeric AS same`, [lossy('tiny').example])).toEqual([{ same: true }]);
  });

  it('a domain or check calling a function that names a table without its schema: not measured, said why, as the step itself fails', async () => {
    const before = `CREATE TABLE log (code text PRIMARY KEY); INSERT INTO log VALUES ('a');
       CREATE FUNCTION known(c text) RETURNS boolean LANGUAGE sql STABLE AS $$ SELECT EXISTS (SELECT 1 FROM log WHERE code = c) $$;
       CREATE DOMAIN code AS text CHECK (known(VALUE));
       CREATE TABLE t (id integer PRIMARY KEY, c text, d text); INSERT INTO t VALUES (1, 'a', 'a'), (2, 'zz', 'zz');`;
    const yaml = `tables:
  log:
    columns:
      code: { type: text, primary_key: true }
  t:
    columns:
      id: { type: integer, primary_key: true }
      c: code
      d: text
    checks:
      t_d_known: public.known(d)
`;
    const hazard = await measured(before, yaml);
    const why =
      '; schema checks and applies with an empty search_path, so a function this step calls that names an object without its schema fails the same way when the step runs: qualify the name, or give the function SET search_path)';
    const lossy = hazard('alter_column public.t.c', 'lossy_type_change');
    expect(lossy.message).toBe(`text -> public.code: values that are not valid public.code make the change fail (not measured: relation "log" does not exist${why}`);
    expect(figures(lossy)).toEqual({ rows: undefined, example: undefined, fails: undefined, estimated: undefined });
    // A check of the file is evaluated only when PostgreSQL accepts it as IMMUTABLE: known() reads another table.
    expect(hazard('add_check public.t.t_d_known', 'may_fail').message).toMatch(/\(not measured: calls function known\(\), which PostgreSQL does not mark IMMUTABLE\)$/);
    // The steps run in a session like the checks': they fail the same way.
    expect(await stepFails(s.db, hazard.plan, 'alter_column public.t.c')).toBe(true);
    expect(await stepFails(s.db, hazard.plan, 'add_check public.t.t_d_known')).toBe(true);
    // Given its own search_path, the function resolves the table: measured.
    await s.db.exec('ALTER FUNCTION public.known(text) SET search_path = public');
    const fixed = await measured('', yaml);
    expect(figures(fixed('alter_column public.t.c', 'lossy_type_change'))).toEqual({ rows: 1, example: 'zz', fails: true, estimated: undefined });
  });
});

describe('tables too large to scan within the budget', () => {
  const NO_AUTOVACUUM = 'WITH (autovacuum_enabled = false)';

  it('are estimated from the statistics where they tell the figure, else said to be not measured, with their size', async () => {
    const hazard = await measured(
      `CREATE TABLE big (id integer, note text) ${NO_AUTOVACUUM}; INSERT INTO big SELECT g, CASE WHEN g % 2 = 0 THEN 'x' END FROM generate_series(1, 400000) g; ANALYZE big;
       CREATE TABLE keep (id integer PRIMARY KEY, note text, code integer, gone text, n integer) ${NO_AUTOVACUUM};
       INSERT INTO keep SELECT g, CASE WHEN g % 10 <> 0 THEN 'x' END, g % 1000, CASE WHEN g % 4 = 0 THEN 'y' END, g FROM generate_series(1, 400000) g; ANALYZE keep;`,
      `tables:
  keep:
    columns:
      id: { type: integer, primary_key: true }
      note: { type: text, nullable: false }
      code: integer
      n: integer
    unique:
      keep_code_key: [code]
      keep_n_key: [n]
    checks:
      keep_n_check: n > 0
`,
      1,
    );
    const within = 'too large to scan within 0.001 s';
    const dropped = hazard('drop_table public.big', 'data_loss');
    expect(dropped.estimated).toBe(true);
    expect(dropped.rows).toBe(400_000);
    expect(dropped.message).toBe(`drops table public.big and every row in it (about 400,000 rows, estimated from the statistics of public.big: ${within})`);
    // SET NOT NULL: null_frac of note, a tenth of the rows.
    const nulls = hazard('alter_column public.keep.note', 'may_fail');
    expect(nulls.estimated).toBe(true);
    expect(nulls.fails).toBeUndefined();
    expect(nulls.rows).toBeGreaterThan(30_000);
    expect(nulls.rows).toBeLessThan(50_000);
    expect(nulls.message).toMatch(new RegExp(`^fails if any row of public\\.keep has NULL in note \\(about [\\d,]+ rows, estimated from the statistics of public\\.keep: ${within.replace(/\./g, '\\.')}\\)$`));
    // A dropped column: its non-null values, three quarters of them NULL.
    const gone = hazard('drop_column public.keep.gone', 'data_loss');
    expect(gone.estimated).toBe(true);
    expect(gone.rows).toBeGreaterThan(80_000);
    expect(gone.rows).toBeLessThan(120_000);
    expect(gone.message).toMatch(/\(about [\d,]+ non-null values, estimated from the statistics of public\.keep: /);
    // Duplicates: 1,000 codes over 400,000 rows; n is unique.
    const codes = hazard('add_unique public.keep.keep_code_key', 'may_fail');
    expect(codes.estimated).toBe(true);
    expect(codes.rows).toBe(399_000);
    expect(codes.message).toMatch(/\(about 399,000 rows repeating another row's key, estimated from the statistics of public\.keep: /);
    const unique = hazard('add_unique public.keep.keep_n_key', 'may_fail');
    expect({ rows: unique.rows, estimated: unique.estimated, fails: unique.fails }).toEqual({ rows: 0, estimated: true, fails: undefined });
    expect(unique.message).toMatch(/\(no duplicates in the statistics' sample, estimated from the statistics of public\.keep: /);
    // A check's violations: the statistics cannot tell.
    const check = hazard('add_check public.keep.keep_n_check', 'may_fail');
    expect(check.rows).toBeUndefined();
    expect(check.estimated).toBeUndefined();
    expect(check.message).toMatch(/\(not measured: public\.keep \(\d+(\.\d)? MB, about 400,000 rows\) is too large to scan within 0\.001 s\)$/);
  });

  it('never reports 0 rows for a table never analysed: its size gives the estimate, or the count is unknown', async () => {
    const hazard = await measured(
      `CREATE TABLE raw (id integer, note text) ${NO_AUTOVACUUM}; INSERT INTO raw SELECT g, 'x' FROM generate_series(1, 400000) g;
       -- Analysed when empty after a purge: reltuples 0 over pages that hold rows again.
       CREATE TABLE stale (id integer, note text) ${NO_AUTOVACUUM}; INSERT INTO stale SELECT g, 'x' FROM generate_series(1, 400000) g; DELETE FROM stale; ANALYZE stale;
       INSERT INTO stale SELECT g, 'x' FROM generate_series(1, 400000) g;
       CREATE TABLE t (id integer, must text) ${NO_AUTOVACUUM}; INSERT INTO t SELECT g, 'x' FROM generate_series(1, 400000) g;`,
      `tables:\n  t:\n    columns:\n      id: integer\n      must: { type: text, nullable: false }\n  stale:\n    columns:\n      id: integer\n      note: { type: text, nullable: false }\n`,
      1,
    );
    const raw = await s.db.query<{ tuples: number }>(`SELECT reltuples::float8 AS tuples FROM pg_class WHERE oid = 'public.raw'::regclass`);
    expect(raw[0]!.tuples).toBe(-1);
    const dropped = hazard('drop_table public.raw', 'data_loss');
    expect(dropped.estimated).toBe(true);
    // The planner's guess from the column types: the right order of magnitude, never 0.
    expect(dropped.rows).toBeGreaterThan(100_000);
    expect(dropped.rows).toBeLessThan(1_600_000);
    expect(dropped.message).toMatch(/^drops table public\.raw and every row in it \(about [\d,]+ rows, estimated from the size of public\.raw \(\d+(\.\d)? MB, no statistics\): too large to scan within 0\.001 s\)$/);
    const stale = hazard('alter_column public.stale.note', 'may_fail');
    expect(stale.rows).toBeUndefined();
    expect(stale.message).toMatch(/\(not measured: public\.stale \(\d+(\.\d)? MB, row count unknown\) is too large to scan within 0\.001 s\)$/);
    expect(hazard('alter_column public.stale.note', 'blocking').message).toMatch(/^SET NOT NULL scans public\.stale \(\d+(\.\d)? MB\) under an ACCESS EXCLUSIVE lock/);
    // SET NOT NULL without statistics: not measured, with the size.
    const nulls = hazard('alter_column public.t.must', 'may_fail');
    expect(nulls.rows).toBeUndefined();
    expect(nulls.message).toMatch(/\(not measured: public\.t \(\d+(\.\d)? MB, about [\d,]+ rows\) is too large to scan within 0\.001 s\)$/);
  });
});

describe('a table another session has locked', () => {
  it('is said to be locked, naming who holds it, rather than too large to scan; other tables are measured', async () => {
    await runBefore(
      s.db,
      `CREATE TABLE busy (id integer PRIMARY KEY, a text); INSERT INTO busy VALUES (1, NULL);
       CREATE TABLE orders (id integer PRIMARY KEY, busy_id integer); INSERT INTO orders VALUES (1, 7);
       CREATE TABLE free (id integer PRIMARY KEY, b text); INSERT INTO free VALUES (1, NULL);`,
    );
    const yaml = `tables:
  busy:
    columns:
      id: { type: integer, primary_key: true }
      a: { type: text, nullable: false }
  orders:
    columns:
      id: { type: integer, primary_key: true }
      busy_id: integer
    foreign_keys:
      orders_busy_fk: { columns: [busy_id], references: busy }
  free:
    columns:
      id: { type: integer, primary_key: true }
      b: { type: text, nullable: false }
`;
    const { plan } = await planAgainst(s.db, checkSchema('schema.yaml', yaml));
    const holder = new pg.Client({ connectionString: s.url, application_name: 'nightly-batch' });
    holder.on('error', () => undefined);
    await holder.connect();
    try {
      const { pid, role } = (await holder.query<{ pid: number; role: string }>('SELECT pg_backend_pid() AS pid, current_user AS role')).rows[0]!;
      await holder.query('BEGIN; LOCK TABLE public.busy IN ACCESS EXCLUSIVE MODE');
      const started = Date.now();
      const checked = await measurePlan(s.db, plan, { timeoutMs: 500 });
      expect(Date.now() - started).toBeLessThan(5000);
      const hazard = (step: string, code: HazardCode) => checked.steps.find((st) => `${st.op} ${st.object}` === step)!.hazards.find((h) => h.code === code)!;
      const held = `waited 500 ms for a table lock: public\\.busy is held in ACCESS EXCLUSIVE mode by server process ${pid} \\(role ${role}, nightly-batch, idle in transaction, its transaction open for \\d+ s\\)`;
      const nulls = hazard('alter_column public.busy.a', 'may_fail');
      expect(nulls.message).toMatch(new RegExp(`^fails if any row of public\\.busy has NULL in a \\(not measured: counting the rows ${held}\\)$`));
      expect(figures(nulls)).toEqual({ rows: undefined, example: undefined, fails: undefined, estimated: undefined });
      // A foreign key's check reads the referenced table too: found locked already, it does not wait again.
      expect(hazard('add_foreign_key public.orders.orders_busy_fk', 'may_fail').message).toMatch(
        new RegExp(`\\(not measured: ${held.replace(/^.*?: /, '')}; not waited for again after an earlier check waited 500 ms\\)$`),
      );
      expect(figures(hazard('alter_column public.free.b', 'may_fail'))).toEqual({ rows: 1, example: undefined, fails: true, estimated: undefined });
    } finally {
      await holder.end();
    }
  });
});

describe('a table another session has locked, with many checks on it', () => {
  it('is waited for once: the other checks on it say it is locked at once; other tables are measured', async () => {
    await runBefore(
      s.db,
      `CREATE TABLE busy (id integer PRIMARY KEY, a text, b text, c text, d text, e bigint, gone text); INSERT INTO busy VALUES (1, NULL, NULL, 'x', 'y', 1, 'z');
       CREATE TABLE orders (id integer PRIMARY KEY, busy_id integer); INSERT INTO orders VALUES (1, 7);
       CREATE TABLE free (id integer PRIMARY KEY, b text); INSERT INTO free VALUES (1, NULL);`,
    );
    const yaml = `tables:
  busy:
    columns:
      id: { type: integer, primary_key: true }
      a: { type: text, nullable: false }
      b: { type: text, nullable: false }
      c: { type: text, nullable: false }
      d: { type: text, nullable: false }
      e: integer
    unique:
      busy_c_key: [c]
  orders:
    columns:
      id: { type: integer, primary_key: true }
      busy_id: integer
    foreign_keys:
      orders_busy_fk: { columns: [busy_id], references: busy }
  free:
    columns:
      id: { type: integer, primary_key: true }
      b: { type: text, nullable: false }
`;
    const { plan } = await planAgainst(s.db, checkSchema('schema.yaml', yaml));
    const measures = plan.steps.flatMap((st) => st.hazards.filter((h) => h.measure && h.measure.table.name === 'busy'));
    expect(measures.length).toBeGreaterThanOrEqual(7);
    const holder = new pg.Client({ connectionString: s.url, application_name: 'nightly-batch' });
    holder.on('error', () => undefined);
    await holder.connect();
    try {
      const { pid } = (await holder.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!;
      await holder.query('BEGIN; LOCK TABLE public.busy IN ACCESS EXCLUSIVE MODE');
      const started = Date.now();
      const checked = await measurePlan(s.db, plan, { timeoutMs: 1000 });
      // One wait of 1 s, not one per check (7 and more).
      expect(Date.now() - started).toBeLessThan(3500);
      const messages = checked.steps.flatMap((st) => st.hazards.filter((h) => h.measure && h.measure.table.name === 'busy').map((h) => h.message));
      const by = `public\\.busy is held in ACCESS EXCLUSIVE mode by server process ${pid} \\([^)]*nightly-batch[^)]*\\)`;
      expect(messages.filter((m) => new RegExp(`\\(not measured: counting the rows waited 1 s for a table lock: ${by}\\)$`).test(m))).toHaveLength(1);
      expect(messages.filter((m) => new RegExp(`\\(not measured: ${by}; not waited for again after an earlier check waited 1 s\\)$`).test(m))).toHaveLength(messages.length - 1);
      // A foreign key's check reads the locked table too: it does not wait either.
      const fk = checked.steps.find((st) => st.object === 'public.orders.orders_busy_fk')!.hazards.find((h) => h.code === 'may_fail')!;
      expect(fk.message).toMatch(new RegExp(`\\(not measured: ${by}; not waited for again after an earlier check waited 1 s\\)$`));
      const free = checked.steps.find((st) => st.object === 'public.free.b')!.hazards.find((h) => h.code === 'may_fail')!;
      expect(figures(free)).toEqual({ rows: 1, example: undefined, fails: true, estimated: undefined });
    } finally {
      await holder.end();
    }
  });
});

describe('on PostgreSQL 16 and later (PGlite)', () => {
  let template: EmbeddedTemplate;
  beforeAll(async () => {
    template = await embeddedTemplate();
  });
  afterAll(async () => {
    await template?.remove();
  });

  for (const c of figureCases.filter((x) => x.pglite)) it(c.name, () => template.with('checks', ({ db }) => runFigureCase(db, c)));

  it('text is tried as the server reads it, by pg_input_is_valid', async () => {
    await template.with('checksinput', async ({ db }) => {
      const refused = await textAsTheServerReadsIt(db);
      // PostgreSQL 16 reads hexadecimal and underscores in integers.
      expect(refused['i']).toEqual(['2147483648', '1.5']);
    });
  });
});

describe('apply stops before starting a step certain to fail', () => {
  it('refuses, names the step and the figure, and changes nothing; --no-data-checks tries and rolls back', async () => {
    await runBefore(s.db, `CREATE TABLE t (id integer PRIMARY KEY, a text); INSERT INTO t VALUES (1, NULL);`);
    const before = await modelOf(s.db);
    const cwd = await mkdtemp(join(tmpdir(), 'schema-checks-'));
    try {
      await writeFile(join(cwd, 'schema.yaml'), `tables:\n  t:\n    columns:\n      id: { type: integer, primary_key: true }\n      a: { type: text, nullable: false }\n      b: text\n`);
      const run = (...args: string[]) => spawnSync('node', [BIN, 'apply', '--url', s.url, '--auto-approve', '--no-color', ...args], { cwd, encoding: 'utf8' });
      const refused = run();
      expect(refused.status).toBe(1);
      // Not a terminal: the text is wrapped at 80 columns, at a space.
      expect(refused.stdout).toContain("  Step 1 will fail on today's data: apply will not start until the data is\n    fixed.");
      expect(Math.max(...refused.stdout.split('\n').map((l) => l.length))).toBeLessThanOrEqual(80);
      expect(refused.stderr).toContain(
        "error: refusing to start: step 1 (alter_column public.t.a) will fail on today's data: fails if any row of public.t has NULL in a (1 row today: this step will fail; to fill them first, add the line `backfill: <value>` (or `backfill: { sql: <expression> }`) to column a of table t in schema.yaml); nothing was changed",
      );
      expect(refused.stderr).toContain('hint: add the `backfill:` line to column a as said above, then plan again; or fix the data first (the figures are above)');
      expect(await modelOf(s.db)).toEqual(before);
      const tried = run('--no-data-checks');
      expect(tried.status).toBe(1);
      expect(tried.stderr).toContain('the plan: step 1 of 2 failed (alter_column public.t.a): column "a" of relation "t" contains null values');
      expect(await modelOf(s.db)).toEqual(before);
      const plans = spawnSync('ls', [join(cwd, 'plans')], { encoding: 'utf8' });
      expect(plans.stdout.trim()).toBe('');
    } finally {
      await rm(cwd, { recursive: true, force: true });
    }
  });
});

describe('table sizes in hazards', () => {
  it('are read from disk, not from the page count of the last VACUUM or ANALYZE: a table never analysed is not "8.0 kB"', async () => {
    await runBefore(s.db, `CREATE TABLE t (id integer PRIMARY KEY, note text); INSERT INTO t SELECT g, repeat('x', 40) FROM generate_series(1, 5000) g;`);
    const [{ bytes, pages }] = (await s.db.query<{ bytes: string; pages: number }>(
      `SELECT pg_catalog.pg_total_relation_size('public.t') AS bytes, relpages AS pages FROM pg_catalog.pg_class WHERE oid = 'public.t'::regclass`,
    )) as [{ bytes: string; pages: number }];
    expect(pages).toBe(0); // never analysed: the catalog counts no pages
    const { plan } = await planAgainst(s.db, checkSchema('schema.yaml', 'tables:\n  t:\n    columns:\n      id: { type: integer, primary_key: true }\n      note: { type: text, nullable: false }\n'));
    const step = plan.steps.find((st) => st.op === 'alter_column')!;
    const size = `${(Number(bytes) / 1024).toFixed(0)} kB`;
    expect(Number(bytes)).toBeGreaterThan(200 * 1024);
    expect(step.hazards.map((h) => h.message)).toContain(`SET NOT NULL scans public.t (${size}) under an ACCESS EXCLUSIVE lock: reads and writes wait`);
  });
});
