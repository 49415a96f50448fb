// Triggers: the cases of test/cases/triggers.ts (their loader errors are in test/cases/errors.ts),
// and a function a kept trigger executes that the file drops.
import { describe, expect, it } from 'vitest';
import { planAgainst } from '../src/operations/plan.js';
import { checkSchema } from '../src/operations/schema-file.js';
import { triggerCases } from './cases/triggers.js';
import { describeSteps, runBefore, runPlanCase } from './support/cases.js';
import { withScratch } from './support/scratch.js';

describe('triggers', () => {
  for (const c of triggerCases) it(c.name, () => runPlanCase(c));
});

describe('a function a trigger executes', () => {
  it('dropped by the file while a file without triggers: keeps the trigger: certain to fail, naming the trigger', async () => {
    await withScratch('triggers-drop-function', async (s) => {
      await runBefore(
        s.db,
        `CREATE TABLE t (id bigint PRIMARY KEY); CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
        CREATE TRIGGER t_touch BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION touch();`,
      );
      const yaml = `tables:\n  t:\n    columns:\n      id: { type: bigint, primary_key: true }\nfunctions: {}\n`;
      const { plan } = await planAgainst(s.db, checkSchema('schema.yaml', yaml));
      expect(describeSteps(plan.steps)).toEqual(['drop_function public.touch()']);
      expect(plan.steps[0]!.hazards).toContainEqual(
        expect.objectContaining({ code: 'may_fail', fails: true, message: expect.stringContaining('trigger public.t.t_touch calls function public.touch(), so PostgreSQL refuses to drop it') }),
      );
    });
  });
});
