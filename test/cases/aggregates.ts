// Aggregates (`functions:` entries whose `sql:` is one CREATE AGGREGATE): made after the state
// function they name and before a view calling them, changed in place (CREATE OR REPLACE
// AGGREGATE while the arguments and result stay), dropped and made again (a new result type),
// dropped before their state function, written by hand and listed as written (no perpetual
// diff). Each case is planned, applied, planned again (empty), compared with a database built
// directly from the file, and downgraded (test/support/cases.ts).
import type { PlanCase } from '../support/cases.js';

const JOIN = `CREATE FUNCTION public.join_with_comma(acc text, next text) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT CASE WHEN acc IS NULL THEN next WHEN next IS NULL THEN acc ELSE acc || ', ' || next END $$`;
const LISTED = `CREATE AGGREGATE public.listed(text) (SFUNC = public.join_with_comma, STYPE = text)`;

const TABLE = `
tables:
  pet:
    columns:
      id: { type: integer, primary_key: true }
      name: { type: text, nullable: false }
`;

const BEFORE = `CREATE TABLE pet (id integer PRIMARY KEY, name text NOT NULL);
INSERT INTO pet VALUES (1, 'rex'), (2, 'tom');
${JOIN};
${LISTED};`;

export const aggregateCases: readonly PlanCase[] = [
  {
    name: 'an aggregate is made after its state function, and a view calling it after both',
    desired: `${TABLE}
functions:
  join_with_comma:
    sql: "${JOIN}"
  listed:
    sql: |
      create aggregate listed(text) (
        sfunc = public.join_with_comma,
        stype = text
      );
views:
  pet_names:
    sql: SELECT public.listed(name ORDER BY id) AS names FROM public.pet
`,
    steps: ['create_function public.join_with_comma(acc text, next text)', 'create_function public.listed(text)', 'create_table public.pet', 'create_view public.pet_names'],
    sqlContains: ['CREATE OR REPLACE AGGREGATE public.listed(text) (SFUNC = public.join_with_comma, STYPE = text)'],
    after: [{ sql: `INSERT INTO pet VALUES (1, 'rex'), (2, 'tom'); SELECT names FROM pet_names`, rows: [{ names: 'rex, tom' }] }],
  },
  {
    name: 'an aggregate written by hand and listed as written plans nothing, with every option the catalog keeps',
    before: `${BEFORE}
CREATE AGGREGATE total(integer) (SFUNC = int4pl, STYPE = integer, INITCOND = '0', COMBINEFUNC = int4pl, PARALLEL = SAFE, MSFUNC = int4pl, MINVFUNC = int4mi, MSTYPE = integer, MINITCOND = '0');
CREATE AGGREGATE largest(integer) (SFUNC = int4larger, STYPE = integer, SORTOP = >);
CREATE AGGREGATE lowest_share(double precision ORDER BY double precision) (SFUNC = ordered_set_transition, STYPE = internal, FINALFUNC = percentile_disc_final, FINALFUNC_EXTRA);`,
    desired: `${TABLE}
functions:
  join_with_comma:
    sql: "${JOIN}"
  listed:
    sql: "${LISTED}"
  total:
    sql: CREATE AGGREGATE total(integer) (SFUNC = int4pl, STYPE = integer, INITCOND = '0', COMBINEFUNC = int4pl, PARALLEL = SAFE, MSFUNC = int4pl, MINVFUNC = int4mi, MSTYPE = integer, MINITCOND = '0')
  largest:
    sql: CREATE AGGREGATE largest(integer) (SFUNC = int4larger, STYPE = integer, SORTOP = >)
  lowest_share:
    sql: CREATE AGGREGATE lowest_share(double precision ORDER BY double precision) (SFUNC = ordered_set_transition, STYPE = internal, FINALFUNC = percentile_disc_final, FINALFUNC_EXTRA)
`,
    steps: [],
  },
  {
    name: 'a new initial state is CREATE OR REPLACE AGGREGATE in place, under the view calling it',
    before: `${BEFORE}
CREATE VIEW pet_names AS SELECT public.listed(name ORDER BY id) AS names FROM public.pet;`,
    desired: `${TABLE}
functions:
  join_with_comma:
    sql: "${JOIN}"
  listed:
    sql: CREATE AGGREGATE public.listed(text) (SFUNC = public.join_with_comma, STYPE = text, INITCOND = 'pets')
views:
  pet_names:
    sql: SELECT public.listed(name ORDER BY id) AS names FROM public.pet
`,
    steps: ['replace_function public.listed(text)'],
    sqlContains: [`CREATE OR REPLACE AGGREGATE public.listed(text) (SFUNC = public.join_with_comma, STYPE = text, INITCOND = 'pets')`],
    after: [{ sql: `SELECT names FROM pet_names`, rows: [{ names: 'pets, rex, tom' }] }],
  },
  {
    name: 'a new result type drops the aggregate and makes it again, with a hazard',
    before: BEFORE,
    desired: `${TABLE}
functions:
  join_with_comma:
    sql: "${JOIN}"
  name_length:
    sql: CREATE FUNCTION public.name_length(acc text) RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT length(acc) $$
  listed:
    sql: CREATE AGGREGATE public.listed(text) (SFUNC = public.join_with_comma, STYPE = text, FINALFUNC = public.name_length)
`,
    steps: ['create_function public.name_length(acc text)', 'replace_function public.listed(text)'],
    hazards: { 'replace_function public.listed(text)': ['may_fail'] },
    sqlContains: ['DROP AGGREGATE public.listed(text)'],
    after: [{ sql: `SELECT public.listed(name) AS n FROM pet`, rows: [{ n: 8 }] }],
  },
  {
    name: 'an aggregate the file no longer lists is dropped before its state function',
    before: BEFORE,
    desired: `${TABLE}
functions: {}
`,
    steps: ['drop_function public.listed(text)', 'drop_function public.join_with_comma(acc text, next text)'],
    hazards: { 'drop_function public.listed(text)': ['may_fail'], 'drop_function public.join_with_comma(acc text, next text)': ['may_fail'] },
    sqlContains: ['DROP AGGREGATE public.listed(text)'],
    after: [{ sql: `SELECT count(*)::int AS n FROM pg_proc WHERE pronamespace = 'public'::regnamespace`, rows: [{ n: 0 }] }],
  },
  {
    name: 'a view calling an aggregate both go: the view first',
    before: `${BEFORE}
CREATE VIEW pet_names AS SELECT public.listed(name ORDER BY id) AS names FROM public.pet;`,
    desired: `${TABLE}
functions:
  join_with_comma:
    sql: "${JOIN}"
views: {}
`,
    steps: ['drop_view public.pet_names', 'drop_function public.listed(text)'],
    hazards: { 'drop_function public.listed(text)': ['may_fail'] },
  },
];
