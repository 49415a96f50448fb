// Domains and composite types: the cases of test/cases/domains.ts and test/cases/types.ts (their loader errors are in test/cases/errors.ts),
// and a new base type of a domain a column uses, which the plan refuses.
import { describe, expect, it } from 'vitest';
import { planAgainst } from '../src/operations/plan.js';
import { checkSchema } from '../src/operations/schema-file.js';
import { domainCases } from './cases/domains.js';
import { compositeTypeCases } from './cases/types.js';
import { describeSteps, measuredPlan, runBefore, runPlanCase } from './support/cases.js';
import { withScratch } from './support/scratch.js';

describe('domains', () => {
  for (const c of domainCases) it(c.name, () => runPlanCase(c));
});

describe('composite types', () => {
  for (const c of compositeTypeCases) it(c.name, () => runPlanCase(c));
});

describe('a domain in use', () => {
  it('given a new base type: the drop is certain to fail, naming the column', async () => {
    await withScratch('domains-retype', async (s) => {
      await runBefore(s.db, `CREATE DOMAIN year AS integer; CREATE TABLE films (id bigint PRIMARY KEY, release_year year);`);
      const yaml = `tables:\n  films:\n    columns:\n      id: { type: bigint, primary_key: true }\n      release_year: year\ndomains:\n  year: bigint\n`;
      const { plan } = await planAgainst(s.db, checkSchema('schema.yaml', yaml));
      expect(describeSteps(plan.steps)).toEqual(['drop_domain public.year', 'create_domain public.year']);
      expect(plan.steps[0]!.hazards).toContainEqual(expect.objectContaining({ code: 'may_fail', fails: true, message: expect.stringContaining('public.films.release_year uses it') }));
    });
  });

  it('NOT NULL and a check added: the rows that would fail are counted', async () => {
    await withScratch('domains-figures', async (s) => {
      const yaml = `tables:\n  films:\n    columns:\n      id: { type: bigint, primary_key: true }\n      release_year: year\ndomains:\n  year:\n    type: integer\n    nullable: false\n    checks:\n      year_check: VALUE >= 1901\n`;
      const before = `CREATE DOMAIN year AS integer; CREATE TABLE films (id bigint PRIMARY KEY, release_year year); INSERT INTO films VALUES (1, 1800), (2, NULL), (3, 2000), (4, 1700);`;
      const plan = await measuredPlan(s.db, before, yaml);
      expect(describeSteps(plan.steps)).toEqual(['alter_domain public.year']);
      const figures = plan.steps[0]!.hazards.map((h) => [h.message.split(' (')[0], h.rows, h.fails]);
      expect(figures).toEqual([
        ['fails if any row of public.films has NULL in release_year', 1, true],
        ['fails if any row of public.films has a value of release_year that violates CHECK', 2, true],
      ]);
    });
  });
});
