// Extensions: the cases of test/cases/extensions.ts, and a file that does not manage them.
import { describe, expect, it } from 'vitest';
import { planAgainst } from '../src/operations/plan.js';
import { checkSchema } from '../src/operations/schema-file.js';
import { extensionCases, extensionErrorCases } from './cases/extensions.js';
import { describeSteps, runBefore, runErrorCase, runPlanCase, runSteps } from './support/cases.js';
import { withScratch } from './support/scratch.js';

describe('extensions', () => {
  for (const c of extensionCases) it(c.name, () => runPlanCase(c));
  for (const c of extensionErrorCases) it(c.name, () => runErrorCase(c));
});

describe('an extension updated to another version', () => {
  it('is updated where the server has scripts; the way back, which it has none for, is certain to fail and says so', async () => {
    await withScratch('extensions-update', async (s) => {
      await runBefore(s.db, `CREATE EXTENSION hstore VERSION '1.7';`);
      const schema = checkSchema('schema.yaml', `extensions:\n  hstore: { version: '1.8' }\ntables: {}\n`);
      const { plan } = await planAgainst(s.db, schema);
      expect(describeSteps(plan.steps)).toEqual(['alter_extension hstore']);
      expect(plan.steps[0]!.sql).toEqual(["ALTER EXTENSION hstore UPDATE TO '1.8'"]);
      expect(plan.steps[0]!.hazards.map((h) => h.code)).toEqual(['irreversible']);
      expect(describeSteps(plan.downgrade)).toEqual(['alter_extension hstore']);
      expect(plan.downgrade[0]!.hazards).toEqual([expect.objectContaining({ code: 'may_fail', message: expect.stringContaining('no scripts that update extension hstore from version 1.8 to 1.7') })]);
      await runSteps(s.db, plan.steps);
      expect(await s.db.query(`SELECT extversion AS v FROM pg_extension WHERE extname = 'hstore'`)).toEqual([{ v: '1.8' }]);
      expect(describeSteps((await planAgainst(s.db, schema)).plan.steps)).toEqual([]);
      // Back to 1.7 by the file: the plan says PostgreSQL will refuse.
      const back = await planAgainst(s.db, checkSchema('schema.yaml', `extensions:\n  hstore: { version: '1.7' }\ntables: {}\n`));
      expect(back.plan.steps[0]!.hazards.map((h) => [h.code, h.fails])).toEqual([['may_fail', true]]);
    });
  });
});

describe('an extension whose type a column of the file keeps', () => {
  it('is planned certain to fail, naming the column, as PostgreSQL indeed refuses', async () => {
    await withScratch('extensions-drop-used', async (s) => {
      await runBefore(s.db, `CREATE EXTENSION citext; CREATE TABLE t (id integer, names citext[]);`);
      const schema = checkSchema('schema.yaml', `extensions: {}\ntables:\n  t:\n    columns:\n      id: integer\n      names: citext[]\n`);
      const { plan } = await planAgainst(s.db, schema);
      expect(describeSteps(plan.steps)).toEqual(['drop_extension citext']);
      const failing = plan.steps[0]!.hazards.filter((h) => h.fails);
      expect(failing.map((h) => h.message)).toEqual([expect.stringContaining('public.t.names has a type of extension citext, so PostgreSQL refuses to drop it')]);
      await expect(runSteps(s.db, plan.steps)).rejects.toThrow(/cannot drop extension citext because other objects depend on it/);
    });
  });
});

describe('a file without `extensions:`', () => {
  it('leaves the extensions of the database as they are', async () => {
    await withScratch('extensions-left-alone', async (s) => {
      await runBefore(s.db, `CREATE SCHEMA ext; CREATE EXTENSION citext SCHEMA ext; CREATE EXTENSION pg_trgm; CREATE TABLE t (id integer, name ext.citext);`);
      const schema = checkSchema('schema.yaml', `schemas: [ext]\ntables:\n  t:\n    columns:\n      id: integer\n      name: ext.citext\n      n: integer\n`);
      const { plan } = await planAgainst(s.db, schema);
      expect(describeSteps(plan.steps)).toEqual(['add_column public.t.n']);
      expect(describeSteps(plan.downgrade)).toEqual(['drop_column public.t.n']);
      await runSteps(s.db, plan.steps);
      expect(describeSteps((await planAgainst(s.db, schema)).plan.steps)).toEqual([]);
      expect(await s.db.query(`SELECT extname FROM pg_extension WHERE extname <> 'plpgsql' ORDER BY 1`)).toEqual([{ extname: 'citext' }, { extname: 'pg_trgm' }]);
    });
  });
});
