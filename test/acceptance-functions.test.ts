// Functions and procedures: the cases of test/cases/functions.ts (their loader errors are in
// test/cases/errors.ts), and a function a column default calls that the file drops.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planAgainst } from '../src/operations/plan.js';
import { hazardsInSql } from '../src/revisions/statements.js';
import { checkSchema } from '../src/operations/schema-file.js';
import { aggregateCases } from './cases/aggregates.js';
import { functionCases } from './cases/functions.js';
import { describeSteps, runBefore, runPlanCase, runSteps } from './support/cases.js';
import { withScratch } from './support/scratch.js';

describe('functions', () => {
  for (const c of functionCases) it(c.name, () => runPlanCase(c));
});

describe('aggregates', () => {
  for (const c of aggregateCases) it(c.name, () => runPlanCase(c));
});

describe('a function a column default calls', () => {
  it('dropped by the file while the default stays: certain to fail, naming the default', async () => {
    await withScratch('functions-drop-called', async (s) => {
      await runBefore(s.db, `CREATE FUNCTION add(a integer, b integer) RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT a + b $$; CREATE TABLE t (id bigint PRIMARY KEY, n integer DEFAULT public.add(1, 2));`);
      const yaml = `tables:\n  t:\n    columns:\n      id: { type: bigint, primary_key: true }\n      n: { type: integer, default: { sql: "public.add(1, 2)" } }\nfunctions: {}\n`;
      const { plan } = await planAgainst(s.db, checkSchema('schema.yaml', yaml));
      expect(describeSteps(plan.steps)).toEqual(['drop_function public.add(a integer, b integer)']);
      expect(plan.steps[0]!.hazards).toContainEqual(
        expect.objectContaining({ code: 'may_fail', fails: true, message: expect.stringContaining('the default of column public.t.n calls function public.add(a integer, b integer), so PostgreSQL refuses to drop it') }),
      );
    });
  });
});

describe('an aggregate a view the plan keeps calls', () => {
  it('made again for a new result type: certain to fail, naming the view', async () => {
    await withScratch('aggregates-view-kept', async (s) => {
      await runBefore(
        s.db,
        `CREATE FUNCTION public.join_with_comma(acc text, next text) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT acc || next $$;
CREATE AGGREGATE public.listed(text) (SFUNC = public.join_with_comma, STYPE = text);
CREATE VIEW names AS SELECT public.listed(n) AS all_names FROM (VALUES ('a'), ('b')) v(n);`,
      );
      const yaml = `functions:
  join_with_comma: { sql: "CREATE FUNCTION public.join_with_comma(acc text, next text) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT acc || next $$" }
  size: { sql: "CREATE FUNCTION public.size(acc text) RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT length(acc) $$" }
  listed: { sql: "CREATE AGGREGATE public.listed(text) (SFUNC = public.join_with_comma, STYPE = text, FINALFUNC = public.size)" }
views:
  names: { sql: "SELECT public.listed(n) AS all_names FROM (VALUES ('a'), ('b')) v(n)" }
`;
      const { plan } = await planAgainst(s.db, checkSchema('schema.yaml', yaml));
      expect(describeSteps(plan.steps)).toEqual(['create_function public.size(acc text)', 'replace_function public.listed(text)']);
      expect(plan.steps[1]!.hazards).toContainEqual(
        expect.objectContaining({ code: 'may_fail', fails: true, message: expect.stringContaining('view public.names calls aggregate public.listed(text), so PostgreSQL refuses to drop and make again it') }),
      );
    });
  });
});

describe('a function in a .sql file beside schema.yaml', () => {
  it('is read from the file, made, and reads as the file writes it; a second statement in it is refused at its line in the file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'schema-functions-'));
    try {
      await mkdir(join(dir, 'functions'));
      await writeFile(join(dir, 'functions', 'twice.sql'), '-- doubles\nCREATE FUNCTION twice(x integer) RETURNS integer\n  LANGUAGE sql IMMUTABLE\n  RETURN x * 2;\n');
      const file = join(dir, 'schema.yaml');
      const yaml = `functions:\n  twice: { file: functions/twice.sql }\n`;
      await withScratch('functions-file', async (s) => {
        const { plan } = await planAgainst(s.db, checkSchema(file, yaml));
        expect(describeSteps(plan.steps)).toEqual(['create_function public.twice(x integer)']);
        // Replayed from its revision file (`schema upgrade`), the step reads as harmless: no query calling a function.
        expect(hazardsInSql(plan.steps.flatMap((st) => st.sql))).toEqual([]);
        await runSteps(s.db, plan.steps);
        expect(await s.db.exec('SELECT public.twice(21) AS n')).toEqual([{ n: 42 }]);
        expect(describeSteps((await planAgainst(s.db, checkSchema(file, yaml))).plan.steps)).toEqual([]);
      });
      await writeFile(join(dir, 'functions', 'twice.sql'), 'CREATE FUNCTION twice(x integer) RETURNS integer\n  LANGUAGE sql RETURN x * 2;\nDROP TABLE users;\n');
      expect(() => checkSchema(file, yaml)).toThrow(expect.objectContaining({ diagnostics: [expect.objectContaining({ file: join(dir, 'functions', 'twice.sql'), line: 3, col: 1 })] }));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
