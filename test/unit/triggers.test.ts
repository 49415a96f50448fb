// Triggers without a server: what the diff decides (a changed trigger is dropped first and made
// again last), the SQL of the steps, and the statement check of the loader (where the name and
// the table are, so both can be replaced).
import { describe, expect, it } from 'vitest';
import { checkTrigger } from '../../src/desired/sql-trigger.js';
import { diff } from '../../src/diff/diff.js';
import { noHints } from '../../src/model/hints.js';
import type { Model } from '../../src/model/model.js';
import { triggerPath, type Trigger } from '../../src/model/trigger.js';
import { stepsFor } from '../../src/plan/plan.js';

const trg = (events: string, over: Partial<Trigger> = {}): Trigger => ({
  kind: 'trigger',
  schema: 'public',
  table: 'orders',
  name: 'orders_touch',
  definition: `CREATE TRIGGER orders_touch BEFORE ${events} ON public.orders FOR EACH ROW EXECUTE FUNCTION public.touch()`,
  ...over,
});
const model = (triggers: Trigger[] | undefined): Model => ({
  schemas: ['public'],
  enums: {},
  tables: {},
  ...(triggers ? { triggers: Object.fromEntries(triggers.map((t) => [triggerPath(t), t])) } : {}),
});

describe('the diff of triggers', () => {
  it('a changed trigger is dropped in phase 1 and made again in phase 6; a Model without triggers leaves them alone', () => {
    const steps = stepsFor(diff(model([trg('UPDATE')]), model([trg('INSERT')]), noHints).changes, model([trg('INSERT')]));
    expect(steps.map((s) => [`${s.op} ${s.object}`, s.sql])).toEqual([
      ['drop_trigger public.orders.orders_touch', ['DROP TRIGGER orders_touch ON public.orders']],
      ['create_trigger public.orders.orders_touch', [trg('INSERT').definition]],
    ]);
    expect(diff(model([trg('UPDATE')]), model(undefined), noHints).changes).toEqual([]);
  });

  it('one planned as written sets the search_path of its table around its statement, and restores the empty one', () => {
    const written = trg('UPDATE', { schema: 'Shop', definition: 'CREATE TRIGGER orders_touch BEFORE UPDATE ON "Shop".orders FOR EACH ROW EXECUTE FUNCTION touch()', searchPath: 'Shop' });
    const [step] = stepsFor(diff(model([]), model([written]), noHints).changes, model([written]));
    expect(step!.sql).toEqual(['SET LOCAL search_path = "Shop"', written.definition, "SET LOCAL search_path = ''"]);
  });
});

describe('the statement check of a trigger', () => {
  it('finds the name and the table, qualified or not, and replaces both', () => {
    const c = checkTrigger('create trigger "My touch" before update on sales . orders for each row execute function touch();');
    expect(c.ok && { ...c.value, named: c.value.named('x', 'sales.o') }).toEqual({
      name: 'My touch',
      nameAt: 15,
      tableSchema: 'sales',
      table: 'orders',
      tableAt: 43,
      named: 'create trigger x before update on sales.o for each row execute function touch()',
    });
  });
});
