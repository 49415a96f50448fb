// `using:` on a column whose type changes: the step converts with the file's expression, the
// data check evaluates it on today's rows (only once PostgreSQL accepts it as IMMUTABLE) and
// counts the rows it fails on, apply refuses a step certain to fail, and once applied the next
// plan is empty, with a warning that `using:` has nothing left to do.
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { measurePlan } from '../src/checks/checks.js';
import { SpecError, UserError } from '../src/errors.js';
import { applyPlan } from '../src/operations/apply.js';
import { planAgainst } from '../src/operations/plan.js';
import { checkSchema } from '../src/operations/schema-file.js';
import type { Plan } from '../src/plan/types.js';
import { renderMarkdown } from '../src/render/markdown.js';
import { hazardOf, measuredPlan, modelOf, runBefore } from './support/cases.js';
import { scratch, type Scratch } from './support/scratch.js';
import { BIN as bin } from './support/cli.js';

let s: Scratch;
beforeEach(async () => {
  s = await scratch('using');
});
afterEach(async () => {
  await s.drop();
});

/** Plan `yaml` against the scratch database (after `before`) and count the figures. */
const measured = (before: string, yaml: string): Promise<Plan> => measuredPlan(s.db, before, yaml);

interface FigureCase {
  readonly name: string;
  readonly before: string;
  readonly desired: string;
  readonly step: string;
  /** The statement the step runs. */
  readonly sql: string;
  /** The conversion hazard's words and figures. */
  readonly message: string;
  readonly rows?: number;
  readonly failing_rows?: number;
  readonly example?: string;
  readonly fails?: true;
}

const FIGURES: readonly FigureCase[] = [
  {
    name: 'epoch seconds into timestamptz: every row converts',
    before: `CREATE TABLE ev (id integer PRIMARY KEY, created bigint); INSERT INTO ev VALUES (1, 0), (2, 86400), (3, NULL)`,
    desired: `tables:\n  ev:\n    columns:\n      id: { type: integer, primary_key: true }\n      created: { type: timestamptz, using: to_timestamp(created) }\n`,
    step: 'alter_column public.ev.created',
    sql: 'ALTER TABLE public.ev ALTER COLUMN created TYPE timestamp with time zone USING (to_timestamp(created))',
    message: 'bigint -> timestamp with time zone: values are converted by using: to_timestamp(created); rows it fails on make the change fail (3 rows today, converted by the expression: none fail)',
    rows: 3,
    failing_rows: 0,
  },
  {
    name: "text into integer with nullif(c, ''): the rows it fails on, the least failing value, certain to fail",
    before: `CREATE TABLE t (id integer PRIMARY KEY, c text); INSERT INTO t VALUES (1, ''), (2, '12'), (3, 'x1'), (4, 'abc'), (5, NULL)`,
    desired: `tables:\n  t:\n    columns:\n      id: { type: integer, primary_key: true }\n      c: { type: integer, using: "nullif(c, '')::integer" }\n`,
    step: 'alter_column public.t.c',
    sql: `ALTER TABLE public.t ALTER COLUMN c TYPE integer USING (nullif(c, '')::integer)`,
    message: "text -> integer: values are converted by using: nullif(c, '')::integer; rows it fails on make the change fail (5 rows today, converted by the expression: 2 fail, e.g. 'abc': this step will fail)",
    rows: 5,
    failing_rows: 2,
    example: 'abc',
    fails: true,
  },
  {
    name: 'a volatile expression is not evaluated',
    before: `CREATE TABLE t (id integer PRIMARY KEY, c text); INSERT INTO t VALUES (1, 'x')`,
    desired: `tables:\n  t:\n    columns:\n      id: { type: integer, primary_key: true }\n      c: { type: integer, using: "(random() * 10)::integer" }\n`,
    step: 'alter_column public.t.c',
    sql: 'ALTER TABLE public.t ALTER COLUMN c TYPE integer USING ((random() * 10)::integer)',
    message: 'text -> integer: values are converted by using: (random() * 10)::integer; rows it fails on make the change fail (not measured: calls volatile function random())',
  },
  {
    name: 'an empty table: nothing to convert, nothing fails',
    before: `CREATE TABLE ev (id integer PRIMARY KEY, created bigint)`,
    desired: `tables:\n  ev:\n    columns:\n      id: { type: integer, primary_key: true }\n      created: { type: timestamptz, using: to_timestamp(created) }\n`,
    step: 'alter_column public.ev.created',
    sql: 'ALTER TABLE public.ev ALTER COLUMN created TYPE timestamp with time zone USING (to_timestamp(created))',
    message: 'bigint -> timestamp with time zone: values are converted by using: to_timestamp(created); rows it fails on make the change fail (no rows today)',
    rows: 0,
    failing_rows: 0,
  },
];

describe('using: the figures of the expression on today rows', () => {
  for (const c of FIGURES) {
    it(c.name, async () => {
      const plan = await measured(c.before, c.desired);
      expect(plan.steps.map((st) => `${st.op} ${st.object}`)).toEqual([c.step]);
      expect(plan.steps[0]!.sql).toContain(c.sql);
      const h = hazardOf(plan, c.step, 'lossy_type_change');
      expect(h.message).toBe(c.message);
      expect({ rows: h.rows, failing_rows: h.failing_rows, example: h.example, fails: h.fails }).toEqual({ rows: c.rows, failing_rows: c.failing_rows, example: c.example, fails: c.fails });
    });
  }

  it('a step certain to fail is refused before it starts, nothing changed; the example only with --examples in markdown', async () => {
    const c = FIGURES[1]!;
    const plan = await measured(c.before, c.desired);
    const before = await modelOf(s.db);
    const dir = await mkdtemp(join(tmpdir(), 'schema-using-'));
    try {
      const refused = applyPlan({ db: s.db, plan, plansDir: dir, message: 'using', dataChecks: false, consent: { allowHazards: ['lossy_type_change'] } });
      await expect(refused).rejects.toThrow(UserError);
      await expect(refused).rejects.toThrow(/refusing to start: step 1 \(alter_column public\.t\.c\) will fail on today's data/);
      expect(await readdir(dir)).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    expect(await modelOf(s.db)).toEqual(before);
    expect(renderMarkdown(plan)).not.toContain("'abc'");
    expect(renderMarkdown(plan)).toContain('2 fail: this step will fail');
    expect(renderMarkdown(plan, undefined, { examples: true })).toContain("e.g. 'abc'");
  });

  it('on a column renamed in the same plan: the expression names the column as it will be, and is counted under its name of today', async () => {
    const plan = await measured(
      `CREATE TABLE ev (id integer PRIMARY KEY, made bigint); INSERT INTO ev VALUES (1, 60)`,
      `tables:\n  ev:\n    columns:\n      id: { type: integer, primary_key: true }\n      created: { type: timestamptz, renamed_from: made, using: to_timestamp(created) }\n`,
    );
    expect(plan.steps.map((st) => `${st.op} ${st.object}`)).toEqual(['rename_column public.ev.created', 'alter_column public.ev.created']);
    const h = hazardOf(plan, 'alter_column public.ev.created', 'lossy_type_change');
    expect(h.measure).toMatchObject({ kind: 'using', column: 'made', expression: 'to_timestamp(made)' });
    expect(h.message).toContain('(1 row today, converted by the expression: none fail)');
    await s.db.exec('BEGIN');
    for (const st of plan.steps) for (const statement of st.sql) await s.db.exec(statement);
    expect(await s.db.query('SELECT extract(epoch FROM created)::integer AS epoch FROM public.ev')).toEqual([{ epoch: 60 }]);
    await s.db.exec('ROLLBACK');
  });

  it('a table too large to try row by row within the budget: how many rows were tried, and still certain to fail', async () => {
    await runBefore(s.db, `CREATE TABLE t (id integer PRIMARY KEY, c text); INSERT INTO t SELECT g, 'x' || g FROM generate_series(1, 20000) g`);
    const { plan } = await planAgainst(s.db, checkSchema('schema.yaml', `tables:\n  t:\n    columns:\n      id: { type: integer, primary_key: true }\n      c: { type: integer, using: c::integer }\n`));
    const h = hazardOf(await measurePlan(s.db, plan, { timeoutMs: 200 }), 'alter_column public.t.c', 'lossy_type_change');
    expect(h.message).toMatch(/\(20,000 rows today: at least [\d,]+ fails?, e\.g\. 'x1'; only the first [\d,]+ tried one by one: this step will fail\)$/);
    expect(h.fails).toBe(true);
    expect(h.failing_rows).toBeGreaterThan(0);
    expect(h.failing_rows).toBeLessThan(20000);
  });

  it('the way back has no expression: it says so when PostgreSQL has no cast back, and casts when it has one', async () => {
    const plan = await measured(
      `CREATE TABLE ev (id integer PRIMARY KEY, created bigint, c text); INSERT INTO ev VALUES (1, 0, '1')`,
      `tables:\n  ev:\n    columns:\n      id: { type: integer, primary_key: true }\n      created: { type: timestamptz, using: to_timestamp(created) }\n      c: { type: integer, using: "nullif(c, '')::integer" }\n`,
    );
    expect(hazardOf(plan, 'alter_column public.ev.created', 'irreversible').message).toBe(
      'undoing this step cannot convert public.ev.created back: PostgreSQL has no conversion from timestamp with time zone to bigint, and using: works one way only',
    );
    expect(hazardOf(plan, 'alter_column public.ev.c', 'irreversible').message).toBe('undoing this step casts public.ev.c back to text, not the inverse of using: values may not come back as they were');
    const back = plan.downgrade.find((st) => st.object === 'public.ev.created')!;
    expect(back.sql.join('\n')).not.toContain('to_timestamp');
    expect(back.hazards.find((h) => h.code === 'lossy_type_change')?.message).toBe('timestamp with time zone -> bigint: PostgreSQL has no conversion from timestamp with time zone to bigint: this step cannot run');
    expect(plan.downgrade.find((st) => st.object === 'public.ev.c')!.sql).toEqual(['ALTER TABLE public.ev ALTER COLUMN c TYPE text']);
  });
});

describe('using: in schema.yaml', () => {
  const yaml = (using: string): string => `tables:\n  ev:\n    columns:\n      id: { type: integer, primary_key: true }\n      created:\n        type: timestamptz\n        using: ${using}\n`;

  const BAD: readonly { name: string; using: string; col: number; code: string; message: string }[] = [
    { name: 'not one expression', using: '"to_timestamp(created"', col: 37, code: 'bad_expression', message: 'using of column "created": unbalanced parentheses' },
    { name: 'a column the table does not have', using: 'to_timestamp(creatd)', col: 29, code: 'unknown_column', message: 'using of column "created": table "ev" has no column "creatd". Did you mean "created"?' },
    { name: 'a second statement', using: '"1; DROP TABLE ev"', col: 18, code: 'bad_expression', message: 'using of column "created": a ";" ends a statement; write a single expression' },
  ];
  for (const c of BAD) {
    it(`an error at its line: ${c.name}`, () => {
      let caught: unknown = null;
      try {
        checkSchema('schema.yaml', yaml(c.using));
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(SpecError);
      const [d, ...more] = (caught as SpecError).diagnostics;
      expect(more).toEqual([]);
      expect({ line: d!.line, col: d!.col, code: d!.code, message: d!.message }).toEqual({ line: 7, col: c.col, code: c.code, message: c.message });
    });
  }

  it('without a type change, or on a new column: a warning at its line, and the plan goes on', async () => {
    await runBefore(s.db, `CREATE TABLE ev (id integer PRIMARY KEY, created timestamptz)`);
    const planned = await planAgainst(
      s.db,
      checkSchema('schema.yaml', `tables:\n  ev:\n    columns:\n      id: { type: integer, primary_key: true }\n      created: { type: timestamptz, using: to_timestamp(0) }\n      seen: { type: bigint, using: "1" }\n`),
    );
    expect(planned.plan.steps.map((st) => `${st.op} ${st.object}`)).toEqual(['add_column public.ev.seen']);
    expect(planned.warnings.map((d) => [d.line, d.severity, d.message])).toEqual([
      [5, 'warning', 'using has no effect: the type of created does not change'],
      [6, 'warning', 'using has no effect: seen is a new column, with no values to convert'],
    ]);
  });
});

describe('using: end to end with the CLI', () => {
  it('plan, apply, the values converted, and the next plan empty with a warning, exit 0', async () => {
    await runBefore(s.db, `CREATE TABLE ev (id integer PRIMARY KEY, created bigint); INSERT INTO ev VALUES (1, 0), (2, 86400), (3, NULL)`);
    const cwd = await mkdtemp(join(tmpdir(), 'schema-using-cli-'));
    try {
      await writeFile(join(cwd, 'schema.yaml'), `tables:\n  ev:\n    columns:\n      id: { type: integer, primary_key: true }\n      created: { type: timestamptz, using: to_timestamp(created) }\n`);
      const run = (...args: string[]) => spawnSync('node', [bin, ...args, '--url', s.url, '--no-color'], { cwd, encoding: 'utf8' });
      const plan = run('plan');
      expect(plan.status).toBe(0);
      expect(plan.stdout).toContain('ALTER TABLE public.ev ALTER COLUMN created TYPE timestamp with time zone USING (to_timestamp(created));');
      // Hazard lines wrap at 80 columns off a terminal: read them as one line.
      expect(plan.stdout.replace(/\s+/g, ' ')).toContain('(3 rows today, converted by the expression: none fail)');
      const refused = run('apply', '--auto-approve');
      expect(refused.status).toBe(1);
      expect(refused.stderr).toContain('--allow-hazards lossy_type_change');
      const applied = run('apply', '--auto-approve', '--allow-hazards', 'lossy_type_change');
      expect(applied.stderr + applied.stdout).toContain('Applied 1 step');
      const [revision] = await readdir(join(cwd, 'plans'));
      expect(await readFile(join(cwd, 'plans', revision!), 'utf8')).toContain('USING (to_timestamp(created))');
      expect(await s.db.query(`SELECT id, extract(epoch FROM created)::integer AS epoch, pg_typeof(created)::text AS type FROM public.ev ORDER BY id`)).toEqual([
        { id: 1, epoch: 0, type: 'timestamp with time zone' },
        { id: 2, epoch: 86400, type: 'timestamp with time zone' },
        { id: 3, epoch: null, type: 'timestamp with time zone' },
      ]);
      const again = run('plan');
      expect(again.status).toBe(0);
      expect(again.stdout).toContain('No changes.');
      expect(again.stderr).toContain('schema.yaml:5:44: warning: using has no effect: the type of created does not change');
    } finally {
      await rm(cwd, { recursive: true, force: true });
    }
  });
});
