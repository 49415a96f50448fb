// Views: the cases of test/cases/views.ts (their loader errors are in test/cases/errors.ts), views
// in .sql files, and a view the plan cannot make again.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planAgainst } from '../src/operations/plan.js';
import { checkSchema } from '../src/operations/schema-file.js';
import { viewCases } from './cases/views.js';
import { describeSteps, runBefore, runPlanCase, runSteps } from './support/cases.js';
import { withScratch } from './support/scratch.js';

describe('views', () => {
  for (const c of viewCases) it(c.name, () => runPlanCase(c));
});

describe('a view in a .sql file beside schema.yaml', () => {
  it('is read from the file, made, and reads as the file writes it; an error in it is at its line in the file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'schema-views-'));
    try {
      await mkdir(join(dir, 'views'));
      await writeFile(join(dir, 'views', 'adults.sql'), '-- grown ups\nSELECT id, name\n  FROM users\n WHERE age >= 18;\n');
      const file = join(dir, 'schema.yaml');
      const yaml = `tables:\n  users:\n    columns:\n      id: { type: bigint, primary_key: true }\n      name: text\n      age: integer\nviews:\n  adults: { file: views/adults.sql }\n`;
      await withScratch('views-file', async (s) => {
        const { plan } = await planAgainst(s.db, checkSchema(file, yaml));
        expect(describeSteps(plan.steps)).toEqual(['create_table public.users', 'create_view public.adults']);
        await runSteps(s.db, plan.steps);
        expect(describeSteps((await planAgainst(s.db, checkSchema(file, yaml))).plan.steps)).toEqual([]);
      });
      await writeFile(join(dir, 'views', 'adults.sql'), 'SELECT id\n  FROM users;\nDELETE FROM users\n');
      expect(() => checkSchema(file, yaml)).toThrow(expect.objectContaining({ diagnostics: [expect.objectContaining({ file: join(dir, 'views', 'adults.sql'), line: 2, col: 13 })] }));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('a view kept by a file without views: on a column the plan drops', () => {
  it('is planned certain to fail, naming the view and the column, as PostgreSQL would refuse', async () => {
    await withScratch('views-drop-used', async (s) => {
      await runBefore(s.db, `CREATE TABLE users (id bigint, name text); CREATE VIEW names AS SELECT name FROM users;`);
      const { plan } = await planAgainst(s.db, checkSchema('schema.yaml', `tables:\n  users:\n    columns:\n      id: bigint\n`));
      expect(describeSteps(plan.steps)).toEqual(['drop_view public.names', 'drop_column public.users.name', 'create_view public.names']);
      expect(plan.steps[2]!.hazards).toEqual([
        expect.objectContaining({ code: 'may_fail', fails: true, message: expect.stringContaining('made again after column public.users.name is dropped, and its text still reads it') }),
      ]);
    });
  });

  it('a view a materialized view stands on blocks its drop, named', async () => {
    await withScratch('views-matview-on-view', async (s) => {
      await runBefore(s.db, `CREATE TABLE users (id bigint, name text); CREATE VIEW names AS SELECT name FROM users; CREATE MATERIALIZED VIEW m AS SELECT * FROM names;`);
      const { plan } = await planAgainst(s.db, checkSchema('schema.yaml', `tables:\n  users:\n    columns:\n      id: bigint\n      name: text\nviews: {}\n`));
      expect(describeSteps(plan.steps)).toEqual(['drop_view public.names']);
      expect(plan.steps[0]!.hazards).toEqual([expect.objectContaining({ code: 'may_fail', fails: true, message: expect.stringContaining('materialized view public.m depends on view public.names') })]);
    });
  });
});
