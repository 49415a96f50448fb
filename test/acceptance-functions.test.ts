// Functions and procedures: the cases of test/cases/functions.ts (their loader errors are in
// test/cases/errors.ts), and a function a column default calls that the file drops.
import { describe, expect, it } from 'vitest';
import { planAgainst } from '../src/operations/plan.js';
import { checkSchema } from '../src/operations/schema-file.js';
import { functionCases } from './cases/functions.js';
import { describeSteps, runBefore, runPlanCase } from './support/cases.js';
import { withScratch } from './support/scratch.js';

describe('functions', () => {
  for (const c of functionCases) it(c.name, () => runPlanCase(c));
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
