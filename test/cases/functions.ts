// Functions and procedures (`functions:`): made, replaced in place (CREATE OR REPLACE when the
// signature and result stay), dropped and made again (a new result type), a new signature (the
// old one dropped), dropped, kept by a file without `functions:`, written by hand and listed as
// written (no perpetual diff), and called by a column default (made before it, dropped after it). Each case is planned, applied,
// planned again (empty), compared with a database built directly from the file, and downgraded
// (test/support/cases.ts).
import type { PlanCase } from '../support/cases.js';

const T = `
tables:
  t:
    columns:
      id: { type: bigint, primary_key: true }
`;

const ADD = `CREATE FUNCTION public.add(a integer, b integer) RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT a + b $$;`;

export const functionCases: readonly PlanCase[] = [
  {
    name: 'make a function, a procedure and one in another schema, a body reading a table made after it',
    desired: `${T}
functions:
  add:
    sql: |
      create function add(a integer, b integer) returns integer
        language sql immutable
        as $$ select a + b $$;
  reports.count_t:
    sql: |
      CREATE FUNCTION reports.count_t() RETURNS bigint LANGUAGE sql STABLE
      AS $$ SELECT count(*) FROM public.t $$
  touch:
    sql: |
      CREATE PROCEDURE touch(n integer)
      LANGUAGE plpgsql
      AS $$
      BEGIN
        INSERT INTO public.t VALUES (n);
      END;
      $$;
`,
    steps: ['create_schema reports', 'create_function public.add(a integer, b integer)', 'create_function reports.count_t()', 'create_function public.touch(IN n integer)', 'create_table public.t'],
    sqlContains: ['CREATE OR REPLACE FUNCTION public.add(a integer, b integer)', 'CREATE OR REPLACE PROCEDURE public.touch(IN n integer)'],
    after: [{ sql: `CALL public.touch(7); SELECT public.add(2, 3) AS s, reports.count_t() AS n`, rows: [{ s: 5, n: '1' }] }],
  },
  {
    name: 'a function taking an enum the plan makes, made after the enum',
    desired: `
enums:
  mood: [sad, happy]
functions:
  cheer:
    sql: |
      CREATE FUNCTION cheer(m public.mood) RETURNS public.mood LANGUAGE sql IMMUTABLE AS $$ SELECT 'happy'::public.mood $$;
`,
    steps: ['create_enum public.mood', 'create_function public.cheer(m public.mood)'],
    after: [{ sql: `SELECT public.cheer('sad')::text AS m`, rows: [{ m: 'happy' }] }],
  },
  {
    name: 'a function written by hand and listed as written plans nothing (no perpetual diff)',
    before: `CREATE TABLE t (id bigint PRIMARY KEY);
CREATE FUNCTION add(a integer, b integer) RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT a + b $$;
CREATE OR REPLACE FUNCTION public.twice(x int) returns int language plpgsql as $body$
begin
  return x * 2;
end $body$;`,
    desired: `${T}
functions:
  add:
    sql: "${ADD}"
  public.twice:
    sql: |
      CREATE OR REPLACE FUNCTION public.twice(x int) returns int language plpgsql as $body$
      begin
        return x * 2;
      end $body$;
`,
    steps: [],
  },
  {
    name: 'a new body is CREATE OR REPLACE in place',
    before: `CREATE TABLE t (id bigint PRIMARY KEY);
${ADD}`,
    desired: `${T}
functions:
  add:
    sql: CREATE FUNCTION add(a integer, b integer) RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT a + b + 0 $$
`,
    steps: ['replace_function public.add(a integer, b integer)'],
    sqlContains: ['CREATE OR REPLACE FUNCTION public.add(a integer, b integer)'],
    after: [{ sql: `SELECT prosrc FROM pg_proc WHERE proname = 'add'`, rows: [{ prosrc: ' SELECT a + b + 0 ' }] }],
  },
  {
    name: 'a new result type is dropped and made again, with a hazard',
    before: `CREATE TABLE t (id bigint PRIMARY KEY);
${ADD}`,
    desired: `${T}
functions:
  add:
    sql: CREATE FUNCTION add(a integer, b integer) RETURNS bigint LANGUAGE sql IMMUTABLE AS $$ SELECT a::bigint + b $$
`,
    steps: ['replace_function public.add(a integer, b integer)'],
    hazards: { 'replace_function public.add(a integer, b integer)': ['may_fail'] },
    sqlContains: ['DROP FUNCTION public.add(a integer, b integer)'],
    after: [{ sql: `SELECT pg_get_function_result('public.add(integer, integer)'::regprocedure) AS r`, rows: [{ r: 'bigint' }] }],
  },
  {
    name: 'a new signature makes the new function and drops the old one',
    before: `CREATE TABLE t (id bigint PRIMARY KEY);
${ADD}`,
    desired: `${T}
functions:
  add:
    sql: CREATE FUNCTION add(a bigint, b bigint) RETURNS bigint LANGUAGE sql IMMUTABLE AS $$ SELECT a + b $$
`,
    steps: ['create_function public.add(a bigint, b bigint)', 'drop_function public.add(a integer, b integer)'],
    hazards: { 'drop_function public.add(a integer, b integer)': ['may_fail'] },
    after: [{ sql: `SELECT count(*)::int AS n FROM pg_proc WHERE proname = 'add'`, rows: [{ n: 1 }] }],
  },
  {
    name: 'a function the file no longer lists is dropped; without functions: they are kept',
    before: `CREATE TABLE t (id bigint PRIMARY KEY);
${ADD}
CREATE PROCEDURE noop() LANGUAGE sql AS $$ SELECT 1 $$;`,
    desired: `${T}
functions:
  noop: { sql: "CREATE PROCEDURE noop() LANGUAGE sql AS $$ SELECT 1 $$" }
`,
    steps: ['drop_function public.add(a integer, b integer)'],
    hazards: { 'drop_function public.add(a integer, b integer)': ['may_fail'] },
    after: [{ sql: `SELECT string_agg(proname, ',') AS names FROM pg_proc WHERE pronamespace = 'public'::regnamespace`, rows: [{ names: 'noop' }] }],
  },
  {
    name: 'a file without functions: keeps them all',
    before: `CREATE TABLE t (id bigint PRIMARY KEY);
${ADD}`,
    desired: T,
    steps: [],
  },
  {
    name: 'a function called by a column default: made before the table, replaced in place',
    desired: `
tables:
  t:
    columns:
      id: { type: bigint, primary_key: true }
      n: { type: integer, default: { sql: "public.add(1, 2)" } }
functions:
  add: { sql: "${ADD}" }
`,
    steps: ['create_function public.add(a integer, b integer)', 'create_table public.t'],
    after: [{ sql: `INSERT INTO t (id) VALUES (1) RETURNING n`, rows: [{ n: 3 }] }],
  },
  {
    name: 'a function whose last caller, a column default, goes in the same plan is dropped after it',
    before: `${ADD}
CREATE TABLE t (id bigint PRIMARY KEY, n integer DEFAULT public.add(1, 2));`,
    desired: `
tables:
  t:
    columns:
      id: { type: bigint, primary_key: true }
      n: integer
functions: {}
`,
    steps: ['alter_column public.t.n', 'drop_function public.add(a integer, b integer)'],
    hazards: { 'drop_function public.add(a integer, b integer)': ['may_fail'] },
    after: [{ sql: `SELECT count(*)::int AS n FROM pg_proc WHERE proname = 'add'`, rows: [{ n: 0 }] }],
  },
  {
    // The case: a table a function returns. Made the other way by the downgrade: the table, then the function.
    name: 'a function returning a table the plan drops with it is dropped first, and made after it by the downgrade',
    before: `CREATE TABLE t (id bigint PRIMARY KEY);
CREATE TABLE gone (id integer);
CREATE FUNCTION every_gone(minimum public.gone) RETURNS SETOF gone LANGUAGE sql STABLE AS $$ SELECT * FROM public.gone WHERE id >= minimum.id $$;`,
    desired: `${T}
functions: {}
`,
    steps: ['drop_function public.every_gone(minimum public.gone)', 'drop_table public.gone'],
    hazards: { 'drop_function public.every_gone(minimum public.gone)': ['may_fail'], 'drop_table public.gone': ['data_loss', 'irreversible'] },
    after: [{ sql: `SELECT count(*)::int AS n FROM pg_class WHERE relname = 'gone'`, rows: [{ n: 0 }] }],
  },
];
