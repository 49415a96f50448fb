// `backfill:` as plan cases (run by test/backfill.test.ts with the runner of every plan case):
// the NULL rows filled before NOT NULL, in the same step; a new NOT NULL column added nullable,
// filled, then NOT NULL; the next plan empty (the key does nothing once the column is NOT NULL);
// the downgrade dropping NOT NULL only, the filled values kept.
import type { PlanCase } from '../support/cases.js';

const USERS = `CREATE TABLE users (id integer PRIMARY KEY, name text, email text);
INSERT INTO users VALUES (1, 'Ann', 'ann@x.org'), (2, 'Bob', NULL), (3, 'Cy', NULL);`;

export const backfillCases: readonly PlanCase[] = [
  {
    name: 'nullable -> NOT NULL with a literal: the NULL rows get it, then SET NOT NULL, in one step',
    before: USERS,
    desired: `
tables:
  users:
    columns:
      id: { type: integer, primary_key: true }
      name: text
      email: { type: text, nullable: false, backfill: unknown }
`,
    steps: ['alter_column public.users.email'],
    hazards: { 'alter_column public.users.email': ['may_fail', 'irreversible', 'blocking'] },
    sqlContains: ["UPDATE public.users SET email = ('unknown') WHERE email IS NULL\nALTER TABLE public.users ALTER COLUMN email SET NOT NULL"],
    after: [
      {
        sql: 'SELECT id, email FROM users ORDER BY id',
        rows: [
          { id: 1, email: 'ann@x.org' },
          { id: 2, email: 'unknown' },
          { id: 3, email: 'unknown' },
        ],
      },
    ],
  },
  {
    name: "nullable -> NOT NULL with an expression over the row's own columns",
    before: USERS,
    desired: `
tables:
  users:
    columns:
      id: { type: integer, primary_key: true }
      name: text
      email: { type: text, nullable: false, backfill: { sql: "lower(name) || '@example.com'" } }
`,
    steps: ['alter_column public.users.email'],
    hazards: { 'alter_column public.users.email': ['may_fail', 'irreversible', 'blocking'] },
    sqlContains: ["UPDATE public.users SET email = (lower(name) || '@example.com') WHERE email IS NULL"],
    after: [
      {
        sql: 'SELECT id, email FROM users ORDER BY id',
        rows: [
          { id: 1, email: 'ann@x.org' },
          { id: 2, email: 'bob@example.com' },
          { id: 3, email: 'cy@example.com' },
        ],
      },
    ],
  },
  {
    name: 'a new NOT NULL column without a default on a table with rows: added nullable, filled, then NOT NULL',
    before: USERS,
    desired: `
tables:
  users:
    columns:
      id: { type: integer, primary_key: true }
      name: text
      email: text
      score: { type: integer, nullable: false, backfill: { sql: "length(name)" } }
`,
    steps: ['add_column public.users.score'],
    hazards: { 'add_column public.users.score': ['may_fail'] },
    sqlContains: ['ALTER TABLE public.users ADD COLUMN score integer\nUPDATE public.users SET score = (length(name)) WHERE score IS NULL\nALTER TABLE public.users ALTER COLUMN score SET NOT NULL'],
    after: [
      {
        sql: 'SELECT id, score FROM users ORDER BY id',
        rows: [
          { id: 1, score: 3 },
          { id: 2, score: 3 },
          { id: 3, score: 2 },
        ],
      },
    ],
  },
  {
    name: 'a type change with NOT NULL and backfill: the type first, the fill in the new type, then NOT NULL',
    before: `CREATE TABLE t (id integer PRIMARY KEY, n integer); INSERT INTO t VALUES (1, 5), (2, NULL);`,
    desired: `
tables:
  t:
    columns:
      id: { type: integer, primary_key: true }
      n: { type: bigint, nullable: false, backfill: 0 }
`,
    steps: ['alter_column public.t.n'],
    hazards: { 'alter_column public.t.n': ['may_fail', 'irreversible', 'blocking', 'table_rewrite'] },
    sqlContains: ['ALTER TABLE public.t ALTER COLUMN n TYPE bigint\nUPDATE public.t SET n = (0) WHERE n IS NULL\nALTER TABLE public.t ALTER COLUMN n SET NOT NULL'],
    after: [
      {
        sql: 'SELECT id, n::text FROM t ORDER BY id',
        rows: [
          { id: 1, n: '5' },
          { id: 2, n: '0' },
        ],
      },
    ],
  },
  {
    name: 'backfill reading a column renamed in the same plan: the fill runs after the rename, under its new name',
    before: `CREATE TABLE people (id integer PRIMARY KEY, full_name text, handle text); INSERT INTO people VALUES (1, 'Ann Lee', NULL), (2, 'Bo', 'bo');`,
    desired: `
tables:
  people:
    columns:
      id: { type: integer, primary_key: true }
      name: { type: text, renamed_from: full_name }
      handle: { type: text, nullable: false, backfill: { sql: "replace(lower(name), ' ', '.')" } }
`,
    steps: ['rename_column public.people.name', 'alter_column public.people.handle'],
    hazards: { 'alter_column public.people.handle': ['may_fail', 'irreversible', 'blocking'] },
    after: [
      {
        sql: 'SELECT id, handle FROM people ORDER BY id',
        rows: [
          { id: 1, handle: 'ann.lee' },
          { id: 2, handle: 'bo' },
        ],
      },
    ],
  },
];
