// Triggers (`triggers:`): made with their table and function, changed (dropped first, made
// again last), dropped, kept by a file without `triggers:`, written by hand and listed as
// written (no perpetual diff), and dropped with their table. Each case is planned, applied,
// planned again (empty), compared with a database built directly from the file, and downgraded
// (test/support/cases.ts).
import type { PlanCase } from '../support/cases.js';

const ORDERS = `
tables:
  orders:
    columns:
      id: { type: bigint, primary_key: true }
      n: { type: integer, nullable: false, default: 0 }
      touched: { type: integer, nullable: false, default: 0 }
`;

const TOUCH = `CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.touched := NEW.touched + 1; RETURN NEW; END $$;`;
const TWICE = `CREATE FUNCTION twice() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.touched := NEW.touched + 2; RETURN NEW; END $$;`;

const FUNCTIONS = `
functions:
  touch:
    sql: "${TOUCH}"
`;

const BEFORE = `CREATE TABLE orders (id bigint PRIMARY KEY, n integer NOT NULL DEFAULT 0, touched integer NOT NULL DEFAULT 0);
${TOUCH}
CREATE TRIGGER orders_touch BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION touch();`;

export const triggerCases: readonly PlanCase[] = [
  {
    name: 'make a trigger with its table and its function: after both',
    desired: `${ORDERS}${FUNCTIONS}
triggers:
  orders_touch:
    sql: CREATE TRIGGER orders_touch BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION touch()
`,
    steps: ['create_function public.touch()', 'create_table public.orders', 'create_trigger public.orders.orders_touch'],
    after: [{ sql: `INSERT INTO public.orders (id) VALUES (1); UPDATE public.orders SET n = 5; SELECT touched FROM public.orders`, rows: [{ touched: 1 }] }],
  },
  {
    name: 'a trigger written by hand and listed as written plans nothing (no perpetual diff)',
    before: BEFORE,
    desired: `${ORDERS}${FUNCTIONS}
triggers:
  orders_touch:
    sql: |
      create trigger orders_touch before update on orders
        for each row execute function touch();
`,
    steps: [],
  },
  {
    name: 'a changed trigger calling a new function: dropped first, made again after the function',
    before: BEFORE,
    desired: `${ORDERS}
functions:
  touch:
    sql: "${TOUCH}"
  twice:
    sql: "${TWICE}"
triggers:
  orders_touch:
    sql: CREATE TRIGGER orders_touch BEFORE INSERT OR UPDATE OF n ON public.orders FOR EACH ROW EXECUTE FUNCTION twice()
`,
    steps: ['drop_trigger public.orders.orders_touch', 'create_function public.twice()', 'create_trigger public.orders.orders_touch'],
    after: [{ sql: `INSERT INTO public.orders (id) VALUES (1); SELECT touched FROM public.orders`, rows: [{ touched: 2 }] }],
  },
  {
    name: 'a trigger dropped with the function it executes: the trigger goes first',
    before: BEFORE,
    desired: `${ORDERS}
functions: {}
triggers: {}
`,
    steps: ['drop_trigger public.orders.orders_touch', 'drop_function public.touch()'],
    hazards: { 'drop_function public.touch()': ['may_fail'] },
  },
  {
    name: 'a file without triggers: keeps the database triggers as they are',
    before: BEFORE,
    desired: `${ORDERS}${FUNCTIONS}`,
    steps: [],
  },
  {
    name: 'a trigger on a column the plan retypes: dropped before the retype, made again after it (kept by a file without triggers: too)',
    before: `CREATE TABLE orders (id bigint PRIMARY KEY, n integer NOT NULL DEFAULT 0, touched integer NOT NULL DEFAULT 0);
${TOUCH}
CREATE TRIGGER orders_touch BEFORE UPDATE OF n ON orders FOR EACH ROW EXECUTE FUNCTION touch();`,
    desired: `${ORDERS.replace('n: { type: integer', 'n: { type: bigint')}${FUNCTIONS}`,
    steps: ['drop_trigger public.orders.orders_touch', 'alter_column public.orders.n', 'create_trigger public.orders.orders_touch'],
    hazards: { 'alter_column public.orders.n': ['table_rewrite'] },
    after: [{ sql: `INSERT INTO public.orders (id) VALUES (1); UPDATE public.orders SET n = 5; SELECT touched FROM public.orders`, rows: [{ touched: 1 }] }],
  },
  {
    name: 'a table dropped with its trigger',
    before: BEFORE,
    desired: `${FUNCTIONS}
triggers: {}
`,
    steps: ['drop_trigger public.orders.orders_touch', 'drop_table public.orders'],
    hazards: { 'drop_table public.orders': ['data_loss', 'irreversible'] },
  },
];
