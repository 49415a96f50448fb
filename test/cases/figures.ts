// Data-aware hazards as data: a starting database with rows, a desired schema.yaml, and the
// figures each step's hazard must report from those rows (rows, example, certain to fail,
// estimated), with its words where they matter, and whether the step's own SQL, run alone on
// today's rows, fails. Run by the table in test/checks.test.ts; cases that need more than this
// shape (the server's own casts compared, renderings, locks held by another session, tables
// too large to scan) stay there as code.
import type { HazardCode } from '../../src/plan/types.js';

/** The four figures of a hazard; one left out must be absent. */
export interface Figures {
  readonly rows?: number;
  readonly example?: string;
  readonly fails?: true;
  readonly estimated?: true;
}

export interface HazardExpectation {
  /** rows, example, fails and estimated, all four compared. */
  readonly figures?: Figures;
  /** Of the rows counted, those that fail (the others are rounded or cut). */
  readonly failing_rows?: number;
  /** The whole message. */
  readonly message?: string;
  /** A pattern the message must match. */
  readonly matches?: RegExp;
  /** At least this many rows (where the count depends on the server's time zone). */
  readonly rowsAtLeast?: number;
  /** Certain to fail, whatever else the figures say. */
  readonly certain?: true;
  /** What the check measures (table and column as they are called today). */
  readonly measure?: unknown;
}

export interface FigureCase {
  readonly name: string;
  /** SQL that makes the starting database and its rows. */
  readonly before: string;
  /** schema.yaml: the desired state. */
  readonly desired: string;
  /** By step ("op object"), then by hazard code: what the measured hazard must say. */
  readonly hazards: Readonly<Record<string, Partial<Record<HazardCode, HazardExpectation>>>>;
  /** By step: whether its statements, run alone on today's rows (and rolled back), fail. */
  readonly stepFails?: Readonly<Record<string, boolean>>;
  /** Run on embedded PGlite (PostgreSQL 16 and later) instead of the test server. */
  readonly pglite?: true;
}

export const figureCases: readonly FigureCase[] = [
  {
    // The rows backfill fills, and those its value leaves NULL (the step's own SQL then fails at SET NOT NULL).
    name: 'backfill: the NULL rows it fills, and a value NULL for one of them: certain to fail',
    before: `CREATE TABLE t (id integer PRIMARY KEY, a text, b text, c text); INSERT INTO t VALUES (1, NULL, NULL, 'x'), (2, NULL, 'q', NULL), (3, 'z', 'w', NULL);`,
    desired: `tables:\n  t:\n    columns:\n      id: { type: integer, primary_key: true }\n      a: { type: text, nullable: false, backfill: { sql: "upper(b)" } }\n      b: { type: text, nullable: false, backfill: none }\n      c: { type: text, nullable: false, backfill: { sql: "coalesce(c, a, b)" } }\n`,
    hazards: {
      'alter_column public.t.a': {
        may_fail: {
          figures: { rows: 2, fails: true },
          failing_rows: 1,
          message: 'fills the rows of public.t with NULL in a with backfill: upper(b); fails if the value is NULL for any of them (2 rows today to fill: the value is NULL for 1 of them: this step will fail)',
        },
      },
      'alter_column public.t.b': {
        may_fail: {
          figures: { rows: 1 },
          failing_rows: 0,
          message: "fills the rows of public.t with NULL in b with backfill: 'none'; fails if the value is NULL for any of them (1 row today to fill; the value is NULL for none of them)",
        },
      },
      'alter_column public.t.c': {
        may_fail: { figures: { rows: 2 }, failing_rows: 0 },
      },
    },
    stepFails: { 'alter_column public.t.a': true, 'alter_column public.t.b': false },
  },
  {
    name: 'NULLs in the way of SET NOT NULL; zero when there are none',
    before: `CREATE TABLE t (id integer PRIMARY KEY, a text, b text); INSERT INTO t VALUES (1, NULL, 'x'), (2, NULL, 'y'), (3, 'z', 'w');`,
    desired: `tables:\n  t:\n    columns:\n      id: { type: integer, primary_key: true }\n      a: { type: text, nullable: false }\n      b: { type: text, nullable: false }\n`,
    hazards: {
      'alter_column public.t.a': {
        may_fail: {
          figures: { rows: 2, fails: true },
          message:
            'fails if any row of public.t has NULL in a (2 rows today: this step will fail; to fill them first, add the line `backfill: <value>` (or `backfill: { sql: <expression> }`) to column a of table t in schema.yaml)',
        },
      },
      'alter_column public.t.b': {
        may_fail: { figures: { rows: 0 }, message: 'fails if any row of public.t has NULL in b (no rows in the way today)' },
      },
    },
  },
  {
    // lower(email) among active rows: 'a@x' twice; 'b@x' is inactive; NULLs never collide.
    name: 'duplicate groups in the way of a unique key and a partial unique expression index',
    before: `CREATE TABLE u (id integer PRIMARY KEY, email text, active boolean);
       INSERT INTO u VALUES (1, 'a@x', true), (2, 'a@x', true), (3, 'b@x', false), (4, 'B@x', true), (5, NULL, true), (6, NULL, true);`,
    desired: `tables:
  u:
    columns:
      id: { type: integer, primary_key: true }
      email: text
      active: boolean
    unique:
      u_email_key: [email]
    indexes:
      u_email_lower_idx: { columns: [{ expression: lower(email) }], unique: true, where: active }
`,
    hazards: {
      'add_unique public.u.u_email_key': { may_fail: { figures: { rows: 1, example: 'a@x', fails: true } } },
      'create_index public.u.u_email_lower_idx': { may_fail: { figures: { rows: 1, example: 'a@x', fails: true } } },
    },
  },
  {
    name: 'a unique index with NULLS NOT DISTINCT counts repeated NULLs as duplicates, and the step fails on them',
    before: `CREATE TABLE u (id integer PRIMARY KEY, email text); INSERT INTO u VALUES (1, NULL), (2, NULL), (3, 'a@x');`,
    desired: `tables:
  u:
    columns:
      id: { type: integer, primary_key: true }
      email: text
    indexes:
      u_email_idx: { columns: [email], unique: true, nulls_not_distinct: true }
`,
    hazards: { 'create_index public.u.u_email_idx': { may_fail: { figures: { rows: 1, fails: true } } } },
    stepFails: { 'create_index public.u.u_email_idx': true },
  },
  {
    name: 'orphans in the way of a foreign key, also to a table the plan creates',
    before: `CREATE TABLE users (id integer PRIMARY KEY); INSERT INTO users VALUES (1);
       CREATE TABLE orders (id integer PRIMARY KEY, user_id integer, shop_id integer);
       INSERT INTO orders VALUES (1, 1, 7), (2, 99, NULL), (3, NULL, 8);`,
    desired: `tables:
  users:
    columns:
      id: { type: integer, primary_key: true }
  shops:
    columns:
      id: { type: integer, primary_key: true }
  orders:
    columns:
      id: { type: integer, primary_key: true }
      user_id: integer
      shop_id: integer
    foreign_keys:
      orders_user_fk: { columns: [user_id], references: users }
      orders_shop_fk: { columns: [shop_id], references: shops }
`,
    hazards: {
      'add_foreign_key public.orders.orders_user_fk': { may_fail: { figures: { rows: 1, example: '99', fails: true } } },
      'add_foreign_key public.orders.orders_shop_fk': { may_fail: { figures: { rows: 2, example: '7', fails: true } } },
    },
  },
  {
    // Rounding changes 12.34 but fails nothing; 12345.67 does not fit numeric(5,2).
    name: 'values out of range, too long, losing digits, and failing the cast, with an example',
    before: `CREATE TABLE v (id integer PRIMARY KEY, big bigint, code varchar(100), price numeric(10,2), amount numeric(10,2), n text, flag text, at timestamptz);
       INSERT INTO v VALUES (1, 5000000000, 'short', 12.34, 12345.67, '12', 'yes', '2026-01-01 10:00+00'),
                            (2, 7, 'much longer than ten', 5.00, 1.00, 'twelve', 'maybe', '2026-01-02 00:00+00'),
                            (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL);`,
    desired: `tables:
  v:
    columns:
      id: { type: integer, primary_key: true }
      big: integer
      code: varchar(10)
      price: numeric(10,0)
      amount: numeric(5,2)
      n: integer
      flag: boolean
      at: date
`,
    hazards: {
      'alter_column public.v.big': { lossy_type_change: { figures: { rows: 1, example: '5000000000', fails: true } } },
      'alter_column public.v.code': { lossy_type_change: { figures: { rows: 1, example: 'much longer than ten', fails: true } } },
      'alter_column public.v.price': { lossy_type_change: { figures: { rows: 1, example: '12.34' } } },
      'alter_column public.v.amount': { lossy_type_change: { figures: { rows: 1, example: '12345.67', fails: true } } },
      'alter_column public.v.n': { lossy_type_change: { figures: { rows: 1, example: 'twelve', fails: true } } },
      'alter_column public.v.flag': { lossy_type_change: { figures: { rows: 1, example: 'maybe', fails: true } } },
      'alter_column public.v.at': { lossy_type_change: { rowsAtLeast: 1 } },
    },
  },
  {
    name: 'rows and values lost: a dropped table, a dropped column, a removed enum label, a violated check',
    before: `CREATE TABLE old (id integer); INSERT INTO old SELECT generate_series(1, 1234);
       CREATE TYPE mood AS ENUM ('sad', 'meh', 'happy');
       CREATE TABLE p (id integer PRIMARY KEY, nick text, mood mood, age integer);
       INSERT INTO p VALUES (1, 'a', 'meh', 10), (2, NULL, 'happy', 200), (3, 'c', 'meh', 20);`,
    desired: `enums:
  mood: [sad, happy]
tables:
  p:
    columns:
      id: { type: integer, primary_key: true }
      mood: mood
      age: integer
    checks:
      p_age_check: age < 150
`,
    hazards: {
      'drop_table public.old': { data_loss: { figures: { rows: 1234 }, message: 'drops table public.old and every row in it (1,234 rows today)' } },
      'drop_column public.p.nick': { data_loss: { figures: { rows: 2 } } },
      'alter_enum public.mood': { data_loss: { figures: { rows: 2, example: 'meh', fails: true } } },
      'add_check public.p.p_age_check': { may_fail: { figures: { rows: 1, fails: true } } },
    },
  },
  {
    name: 'a NOT NULL column without a default on a table with rows',
    before: `CREATE TABLE t (id integer); INSERT INTO t VALUES (1), (2);`,
    desired: `tables:\n  t:\n    columns:\n      id: integer\n      must: { type: text, nullable: false }\n`,
    hazards: { 'add_column public.t.must': { may_fail: { figures: { rows: 2, fails: true } } } },
  },
  {
    name: 'measures renamed tables and columns under the names they have today',
    before: `CREATE TABLE clients (id integer PRIMARY KEY, mail text); INSERT INTO clients VALUES (1, NULL), (2, 'x');`,
    desired: `tables:\n  customers:\n    renamed_from: clients\n    columns:\n      id: { type: integer, primary_key: true }\n      email: { type: text, renamed_from: mail, nullable: false }\n`,
    hazards: {
      'alter_column public.customers.email': {
        may_fail: { measure: { kind: 'nulls', table: { schema: 'public', name: 'clients' }, column: 'mail' }, figures: { rows: 1, fails: true } },
      },
    },
  },
  {
    name: 'text that fails the cast is counted on every version (row by row before PostgreSQL 16)',
    before: `CREATE TABLE j (id integer PRIMARY KEY, day text, doc text, at text);
       INSERT INTO j VALUES (1, '2024-13-01', '{"a":', '2024-01-01 10:00'), (2, '2024-02-29', '{"a": 1}', '2024-01-01 10:00'), (3, NULL, NULL, NULL), (4, '2023-02-29', '[]', NULL);`,
    desired: `tables:\n  j:\n    columns:\n      id: { type: integer, primary_key: true }\n      day: date\n      doc: jsonb\n      at: timestamp\n`,
    hazards: {
      'alter_column public.j.day': {
        lossy_type_change: {
          figures: { rows: 2, example: '2023-02-29', fails: true },
          message: "text -> date: values that are not valid date make the change fail (2 rows today, e.g. '2023-02-29': this step will fail)",
        },
      },
      'alter_column public.j.doc': { lossy_type_change: { figures: { rows: 1, example: '{"a":', fails: true } } },
      'alter_column public.j.at': {
        lossy_type_change: { message: 'text -> timestamp without time zone: values that are not valid timestamp make the change fail (no rows in the way today)' },
      },
    },
  },
  {
    name: 'arrays are counted element by element',
    before: `CREATE TYPE mood AS ENUM ('sad', 'meh', 'happy');
       CREATE TABLE a (id integer PRIMARY KEY, ms mood[], tags text[], ns bigint[], days text[], ok text[]);
       INSERT INTO a VALUES (1, '{happy,meh}', '{ab,abc}', '{1,99999999999}', '{2024-01-01,2024-13-01}', '{abc,NULL}'),
                            (2, '{sad}', '{x,NULL}', '{NULL,2}', '{}', NULL), (3, NULL, NULL, NULL, NULL, '{}');`,
    desired: `enums:
  mood: [sad, happy]
tables:
  a:
    columns:
      id: { type: integer, primary_key: true }
      ms: mood[]
      tags: varchar(2)[]
      ns: integer[]
      days: date[]
      ok: varchar(5)[]
`,
    hazards: {
      'alter_enum public.mood': { data_loss: { figures: { rows: 1, example: '{happy,meh}', fails: true } } },
      'alter_column public.a.tags': { lossy_type_change: { figures: { rows: 1, example: '{ab,abc}', fails: true } } },
      'alter_column public.a.ns': { lossy_type_change: { figures: { rows: 1, example: '{1,99999999999}', fails: true } } },
      'alter_column public.a.days': { lossy_type_change: { figures: { rows: 1, example: '{2024-01-01,2024-13-01}', fails: true } } },
      'alter_column public.a.ok': { lossy_type_change: { figures: { rows: 0 } } },
    },
    stepFails: {
      'alter_enum public.mood': true,
      'alter_column public.a.tags': true,
      'alter_column public.a.ns': true,
      'alter_column public.a.days': true,
      'alter_column public.a.ok': false,
    },
  },
  {
    // Real overflows still fail: 'abcd  ' and 'abcdef' (the least shown); 'abc   ' is only cut.
    name: 'text longer than varchar(n) or character(n) only by trailing spaces is cut, not failing; arrays element by element',
    before: `CREATE TABLE w (id integer PRIMARY KEY, v varchar(10), c varchar(10), a varchar(10)[], t text, mixed varchar(10), n varchar(10));
       INSERT INTO w VALUES (1, 'abc       ', 'ab   ', '{"abc   ",x}', 'abc ', 'abcdef', 'ab  '),
                            (2, 'ab', 'ab', '{}', 'ab', 'abc   ', 'abcd'),
                            (3, NULL, NULL, NULL, NULL, 'abcd  ', NULL);`,
    desired: `tables:
  w:
    columns:
      id: { type: integer, primary_key: true }
      v: varchar(3)
      c: char(3)
      a: varchar(3)[]
      t: varchar(3)
      mixed: varchar(3)
      n: char(3)
`,
    hazards: {
      'alter_column public.w.v': {
        lossy_type_change: {
          figures: { rows: 1, example: 'abc       ' },
          failing_rows: 0,
          message:
            "character varying(10) -> character varying(3): values longer than 3 characters (trailing spaces aside) make the change fail; trailing spaces beyond 3 are cut (1 row today has trailing spaces cut, e.g. 'abc       '; none fail)",
        },
      },
      'alter_column public.w.c': { lossy_type_change: { figures: { rows: 1, example: 'ab   ' } } },
      'alter_column public.w.a': { lossy_type_change: { figures: { rows: 1, example: '{"abc   ",x}' } } },
      'alter_column public.w.t': { lossy_type_change: { figures: { rows: 1, example: 'abc ' } } },
      'alter_column public.w.mixed': {
        lossy_type_change: {
          figures: { rows: 3, example: 'abcd  ', fails: true },
          failing_rows: 2,
          matches: /\(3 rows today: 2 fail, e\.g\. 'abcd  '; 1 has trailing spaces cut, e\.g\. 'abc   ': this step will fail\)$/,
        },
      },
      'alter_column public.w.n': {
        lossy_type_change: {
          figures: { rows: 2, example: 'abcd', fails: true },
          matches: /\(2 rows today: 1 fails, e\.g\. 'abcd'; 1 has trailing spaces cut, e\.g\. 'ab  ': this step will fail\)$/,
        },
      },
    },
    stepFails: {
      'alter_column public.w.v': false,
      'alter_column public.w.c': false,
      'alter_column public.w.a': false,
      'alter_column public.w.t': false,
      'alter_column public.w.mixed': true,
      'alter_column public.w.n': true,
    },
  },
  {
    name: 'a change PostgreSQL has no conversion for is certain to fail, whatever the data',
    before: `CREATE TABLE b (id integer PRIMARY KEY, flag bigint); INSERT INTO b VALUES (1, 1);`,
    desired: `tables:\n  b:\n    columns:\n      id: { type: integer, primary_key: true }\n      flag: boolean\n`,
    hazards: {
      'alter_column public.b.flag': {
        lossy_type_change: { message: 'bigint -> boolean: PostgreSQL has no conversion from bigint to boolean: this step cannot run', certain: true },
      },
    },
    stepFails: { 'alter_column public.b.flag': true },
  },
  {
    name: 'text that fails the cast is counted by pg_input_is_valid',
    pglite: true,
    before: `CREATE TABLE j (id integer PRIMARY KEY, day text, ns text[]); INSERT INTO j VALUES (1, '2024-13-01', '{2024-01-01,x}'), (2, '2024-02-29', '{}');`,
    desired: `tables:\n  j:\n    columns:\n      id: { type: integer, primary_key: true }\n      day: date\n      ns: date[]\n`,
    hazards: {
      'alter_column public.j.day': { lossy_type_change: { figures: { rows: 1, example: '2024-13-01', fails: true } } },
      'alter_column public.j.ns': { lossy_type_change: { figures: { rows: 1, example: '{2024-01-01,x}', fails: true } } },
    },
  },
];
