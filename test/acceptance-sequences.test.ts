// Sequences of their own: the cases of test/cases/sequences.ts (their bad input is in
// test/cases/errors.ts, with every other loader error), and a file that does not manage them.
import { describe, expect, it } from 'vitest';
import { planAgainst } from '../src/operations/plan.js';
import { checkSchema } from '../src/operations/schema-file.js';
import { sequenceCases } from './cases/sequences.js';
import { describeSteps, runBefore, runPlanCase, runSteps } from './support/cases.js';
import { withScratch } from './support/scratch.js';

describe('sequences of their own', () => {
  for (const c of sequenceCases) it(c.name, () => runPlanCase(c));
});

describe('a file without `sequences:`', () => {
  it('leaves the sequences of the database as they are, in public and in a schema of their own', async () => {
    await withScratch('sequences-left-alone', async (s) => {
      await runBefore(s.db, `CREATE SEQUENCE counter START 7; CREATE SCHEMA extra; CREATE SEQUENCE extra.numbers; CREATE TABLE t (id integer DEFAULT nextval('counter'));`);
      const schema = checkSchema('schema.yaml', `tables:\n  t:\n    columns:\n      id: { type: integer, default: { sql: "nextval('counter'::regclass)" } }\n      n: integer\n`);
      const { plan } = await planAgainst(s.db, schema);
      expect(describeSteps(plan.steps)).toEqual(['add_column public.t.n']);
      expect(describeSteps(plan.downgrade)).toEqual(['drop_column public.t.n']);
      await runSteps(s.db, plan.steps);
      expect(describeSteps((await planAgainst(s.db, schema)).plan.steps)).toEqual([]);
      expect(await s.db.query(`SELECT nextval('public.counter')::int AS n, nextval('extra.numbers')::int AS e`)).toEqual([{ n: 7, e: 1 }]);
    });
  });
});
