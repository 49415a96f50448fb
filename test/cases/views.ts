// Views (`views:`): made (on tables, on views, with a comment), dropped, changed (CREATE OR
// REPLACE when columns are only appended, else dropped and made again), made again around a
// column the plan retypes or renames and a table it renames, kept by a file without `views:`,
// and a view written by hand that reads as the file writes it (no perpetual diff). Each case is
// planned, applied, planned again (empty), compared with a database built directly from the
// file, and downgraded (test/support/cases.ts).
import type { PlanCase } from '../support/cases.js';

const USERS = `
tables:
  users:
    columns:
      id: { type: bigint, primary_key: true }
      name: text
      age: integer
`;

const BEFORE = `CREATE TABLE users (id bigint PRIMARY KEY, name text, age integer);
INSERT INTO users VALUES (1, 'ann', 40), (2, 'bob', 12);`;

export const viewCases: readonly PlanCase[] = [
  {
    name: 'make views on a new table, one on another, with a comment; written in any order',
    desired: `${USERS}
views:
  adult_names:
    sql: SELECT name FROM adults
  adults:
    sql: select id, name from users where age >= 18
    comment: grown ups
  reports.counts:
    sql: |
      WITH a AS (SELECT count(*) AS n FROM public.users)
      SELECT n FROM a;
`,
    steps: ['create_schema reports', 'create_table public.users', 'create_view public.adults', 'create_view public.adult_names', 'create_view reports.counts'],
    sqlContains: ['CREATE VIEW public.adults AS select id, name from public.users where age >= 18', "COMMENT ON VIEW public.adults IS 'grown ups'"],
    after: [
      { sql: `INSERT INTO users VALUES (1, 'ann', 40), (2, 'bob', 12); SELECT * FROM adult_names`, rows: [{ name: 'ann' }] },
      { sql: `SELECT obj_description('public.adults'::regclass, 'pg_class') AS c`, rows: [{ c: 'grown ups' }] },
    ],
  },
  {
    name: 'a view written by hand and listed as written stays as it is (no perpetual diff)',
    before: `${BEFORE}
CREATE VIEW adults AS select id, name from users where age >= 18;
CREATE VIEW named AS SELECT u.name, length(u.name)::bigint AS len FROM users u WHERE u.name IN ('ann', 'bob');`,
    desired: `${USERS}
views:
  adults:
    sql: select id, name from users where age >= 18
  named: { sql: "SELECT u.name, length(u.name)::bigint AS len FROM users u WHERE u.name IN ('ann', 'bob')" }
`,
    steps: [],
  },
  {
    name: 'drop a view the file no longer lists, before the view under it',
    before: `${BEFORE}
CREATE VIEW adults AS SELECT id, name FROM users WHERE age >= 18;
CREATE VIEW adult_names AS SELECT name FROM adults;`,
    desired: `${USERS}
views:
  adults:
    sql: SELECT id, name FROM users WHERE age >= 18
`,
    steps: ['drop_view public.adult_names'],
    after: [{ sql: `SELECT count(*)::int AS n FROM pg_views WHERE schemaname = 'public'`, rows: [{ n: 1 }] }],
  },
  {
    name: 'a view whose new text only appends a column is replaced in place',
    before: `${BEFORE}
CREATE VIEW adults AS SELECT id, name FROM users WHERE age >= 18;
CREATE VIEW adult_names AS SELECT name FROM adults;`,
    desired: `${USERS}
views:
  adults:
    sql: SELECT id, name, age FROM users WHERE age >= 18
  adult_names:
    sql: SELECT name FROM adults
`,
    steps: ['replace_view public.adults'],
    sqlContains: ['CREATE OR REPLACE VIEW public.adults AS SELECT users.id'],
    after: [{ sql: `SELECT * FROM adults`, rows: [{ id: '1', name: 'ann', age: 40 }] }],
  },
  {
    name: 'a view whose columns change otherwise is dropped and made again, with the view on it',
    before: `${BEFORE}
CREATE VIEW adults AS SELECT id, name FROM users WHERE age >= 18;
CREATE VIEW adult_names AS SELECT name FROM adults;`,
    desired: `${USERS}
views:
  adults:
    sql: SELECT name, id FROM users WHERE age >= 21
  adult_names:
    sql: SELECT name FROM adults
`,
    steps: ['drop_view public.adult_names', 'drop_view public.adults', 'create_view public.adults', 'create_view public.adult_names'],
    after: [{ sql: `SELECT * FROM adults`, rows: [{ name: 'ann', id: '1' }] }],
  },
  {
    name: 'a column under a view is retyped: the views are dropped first and made again after',
    before: `${BEFORE}
CREATE VIEW adults AS SELECT id, name, age FROM users WHERE age >= 18;
CREATE VIEW adult_names AS SELECT name FROM adults;
CREATE VIEW ids AS SELECT id FROM users;`,
    desired:
      USERS.replace('age: integer', 'age: bigint') +
      `
views:
  adults:
    sql: SELECT id, name, age FROM users WHERE age >= 18
  adult_names:
    sql: SELECT name FROM adults
  ids:
    sql: SELECT id FROM users
`,
    steps: ['drop_view public.adult_names', 'drop_view public.adults', 'alter_column public.users.age', 'create_view public.adults', 'create_view public.adult_names'],
    hazards: { 'alter_column public.users.age': ['table_rewrite'] },
    after: [{ sql: `SELECT pg_typeof(age)::text AS t FROM adults`, rows: [{ t: 'bigint' }] }],
  },
  {
    name: 'a file without views: keeps the views, made again around a column it retypes',
    before: `${BEFORE}
CREATE VIEW adults AS SELECT id, name, age FROM users WHERE age >= 18;`,
    desired: USERS.replace('age: integer', 'age: bigint'),
    steps: ['drop_view public.adults', 'alter_column public.users.age', 'create_view public.adults'],
    hazards: { 'alter_column public.users.age': ['table_rewrite'] },
  },
  {
    name: 'a table and a column under a view are renamed: the view is made again with the new names',
    before: `${BEFORE}
CREATE VIEW adults AS SELECT id, name FROM users WHERE age >= 18;`,
    desired: `
tables:
  people:
    renamed_from: users
    columns:
      id: { type: bigint, primary_key: true }
      full_name: { type: text, renamed_from: name }
      age: integer
views:
  adults:
    sql: SELECT id, full_name FROM people WHERE age >= 18
`,
    steps: ['drop_view public.adults', 'rename_table public.people', 'rename_column public.people.full_name', 'rename_constraint public.people.people_pkey', 'create_view public.adults'],
    after: [{ sql: `SELECT * FROM adults`, rows: [{ id: '1', full_name: 'ann' }] }],
  },
  {
    name: 'a view on a column the plan adds is made after the column',
    before: BEFORE,
    desired:
      USERS.replace('age: integer', 'age: integer\n      email: text') +
      `
views:
  mail:
    sql: SELECT id, email FROM users
`,
    steps: ['add_column public.users.email', 'create_view public.mail'],
  },
];
