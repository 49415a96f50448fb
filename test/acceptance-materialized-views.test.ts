// Materialized views: the cases of test/cases/materialized-views.ts (their loader errors are in
// test/cases/errors.ts), and one the plan cannot make again.
import { describe, expect, it } from 'vitest';
import { planAgainst } from '../src/operations/plan.js';
import { checkSchema } from '../src/operations/schema-file.js';
import { materializedViewCases } from './cases/materialized-views.js';
import { describeSteps, runBefore, runPlanCase } from './support/cases.js';
import { withScratch } from './support/scratch.js';

describe('materialized views', () => {
  for (const c of materializedViewCases) it(c.name, () => runPlanCase(c));
});

describe('a materialized view the file keeps on a view it drops', () => {
  it('is planned certain to fail, naming the view, as PostgreSQL would refuse to make it again', async () => {
    await withScratch('matview-on-dropped-view', async (s) => {
      await runBefore(s.db, `CREATE TABLE users (id bigint, name text); CREATE VIEW names AS SELECT name FROM users; CREATE MATERIALIZED VIEW m AS SELECT * FROM names;`);
      const yaml = `tables:\n  users:\n    columns:\n      id: bigint\n      name: text\nviews: {}\nmaterialized_views:\n  m:\n    sql: SELECT * FROM names\n`;
      const { plan } = await planAgainst(s.db, checkSchema('schema.yaml', yaml));
      expect(describeSteps(plan.steps)).toEqual(['drop_view public.m', 'drop_view public.names', 'create_view public.m']);
      expect(plan.steps[2]!.hazards).toContainEqual(
        expect.objectContaining({ code: 'may_fail', fails: true, message: expect.stringContaining('materialized view public.m is made again after view public.names is dropped, and its text still reads it') }),
      );
    });
  });
});
