// The embedded path: the same acceptance runner on PGlite (PostgreSQL 18 in wasm), for cases
// that exercise every layer: spelling, ordering, enum rebuilds, foreign keys, renames, sequences.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { columnCases } from './cases/columns.js';
import { constraintCases } from './cases/constraints.js';
import { objectCases } from './cases/objects.js';
import { viewCases } from './cases/views.js';
import { sequenceCases } from './cases/sequences.js';
import { runPlanCase, type PlanCase } from './support/cases.js';
import { embeddedTemplate, type EmbeddedTemplate } from './support/embedded.js';

let template: EmbeddedTemplate;
beforeAll(async () => {
  template = await embeddedTemplate();
});
afterAll(async () => {
  await template?.remove();
});

const pick = (cases: readonly PlanCase[], ...names: string[]): PlanCase[] =>
  names.map((n) => {
    const c = cases.find((x) => x.name === n);
    if (!c) throw new Error(`no case named "${n}"`);
    return c;
  });

const example: PlanCase = {
  name: 'the example schema.yaml',
  desired: readFileSync(new URL('../schema.yaml', import.meta.url), 'utf8'),
  steps: [
    'create_schema billing',
    'create_enum public.order_status',
    'create_table public.users',
    'create_table public.orders',
    'create_table billing.invoices',
    'create_index public.users.users_created_at_idx',
    'create_index public.orders.orders_user_id_status_idx',
    'create_index public.orders.orders_pending_idx',
    'add_foreign_key public.orders.orders_user_id_fkey',
  ],
};

const cases = [
  example,
  ...pick(columnCases, 'create a table with every kind of column', 'bigint -> integer', 'text -> integer'),
  ...pick(
    constraintCases,
    'IN lists on varchar written by hand compare equal; a changed one is rebuilt and restored by the downgrade',
    'a table dropped while others reference it: every foreign key goes first',
    'a referenced key changes type on both sides: the foreign key is dropped and re-added around it',
  ),
  ...pick(objectCases, 'remove an enum value: the type is rebuilt and the loss flagged', 'awkward identifiers renamed and altered'),
  ...pick(sequenceCases, 'create sequences: options, another schema, one a default calls, one owned by a column', 'change a sequence: type, increment, a lower max and cycle; the lower max may fail'),
  ...pick(viewCases, 'a column under a view is retyped: the views are dropped first and made again after'),
];

describe('on the embedded PGlite', () => {
  for (const c of cases) it(c.name, () => runPlanCase(c, (label, fn) => template.with(label, fn)));
});
