// Sequences of their own (`sequences:`): made, changed, dropped, owned by a column, and left
// alone by a file without `sequences:`. Each case is planned, applied, planned again (empty),
// compared with a database built directly from the file, and downgraded (test/support/cases.ts).
import type { PlanCase } from '../support/cases.js';

export const sequenceCases: readonly PlanCase[] = [
  {
    name: 'create sequences: options, another schema, one a default calls, one owned by a column',
    desired: `
sequences:
  order_numbers: { start: 1000, increment: 10, cache: 5 }
  billing.invoice_no: { type: integer, min: 1, max: 999999, cycle: true }
  countdown: { type: smallint, increment: -1 }
  tickets: { owned_by: orders.ticket }
tables:
  orders:
    columns:
      id: { type: bigint, primary_key: true, default: { sql: "nextval('order_numbers')" } }
      ticket: bigint
`,
    steps: [
      'create_schema billing',
      'create_sequence public.order_numbers',
      'create_sequence billing.invoice_no',
      'create_sequence public.countdown',
      'create_sequence public.tickets',
      'create_table public.orders',
      'alter_sequence public.tickets',
    ],
    sqlContains: [
      'CREATE SEQUENCE public.order_numbers AS bigint START WITH 1000 INCREMENT BY 10 CACHE 5',
      'CREATE SEQUENCE billing.invoice_no AS integer MAXVALUE 999999 CYCLE',
      'CREATE SEQUENCE public.countdown AS smallint INCREMENT BY -1',
      'ALTER SEQUENCE public.tickets OWNED BY public.orders.ticket',
    ],
    after: [
      { sql: `INSERT INTO orders (ticket) VALUES (nextval('tickets')) RETURNING id::int, ticket::int`, rows: [{ id: 1000, ticket: 1 }] },
      { sql: `SELECT nextval('countdown')::int AS n, nextval('billing.invoice_no')::int AS i`, rows: [{ n: -1, i: 1 }] },
      {
        sql: `SELECT c.relname AS seq, a.attname AS owner FROM pg_depend d JOIN pg_class c ON c.oid = d.objid JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid WHERE d.deptype = 'a' AND c.relkind = 'S'`,
        rows: [{ seq: 'tickets', owner: 'ticket' }],
      },
    ],
  },
  {
    name: 'change a sequence: type, increment, a lower max and cycle; the lower max may fail',
    before: `CREATE SEQUENCE counter AS integer; SELECT nextval('counter');`,
    desired: `
sequences:
  counter: { type: bigint, increment: 5, max: 100000, cycle: true }
tables: {}
`,
    steps: ['alter_sequence public.counter'],
    hazards: { 'alter_sequence public.counter': ['may_fail'] },
    sqlContains: ['ALTER SEQUENCE public.counter AS bigint INCREMENT BY 5 MAXVALUE 100000 CYCLE'],
    after: [{ sql: `SELECT nextval('counter')::int AS n, seqmax::text AS max, seqcycle AS cycle FROM pg_sequence WHERE seqrelid = 'counter'::regclass`, rows: [{ n: 6, max: '100000', cycle: true }] }],
  },
  {
    name: 'drop a sequence the file no longer has; the one it keeps stays',
    before: `CREATE SEQUENCE old_numbers START 50; CREATE SEQUENCE kept;`,
    desired: `
sequences:
  kept: {}
tables: {}
`,
    steps: ['drop_sequence public.old_numbers'],
    hazards: { 'drop_sequence public.old_numbers': ['data_loss'] },
    after: [{ sql: `SELECT relname FROM pg_class WHERE relkind = 'S' AND relnamespace = 'public'::regnamespace ORDER BY 1`, rows: [{ relname: 'kept' }] }],
  },
  {
    name: 'move a sequence to another owner column, and give up its owner',
    before: `CREATE TABLE t (a integer, b integer); CREATE SEQUENCE s OWNED BY t.a; CREATE SEQUENCE free OWNED BY t.a;`,
    desired: `
sequences:
  s: { owned_by: t.b }
  free: {}
tables:
  t:
    columns:
      a: integer
      b: integer
`,
    steps: ['alter_sequence public.s', 'alter_sequence public.free'],
    sqlContains: ['ALTER SEQUENCE public.s OWNED BY public.t.b', 'ALTER SEQUENCE public.free OWNED BY NONE'],
  },
  {
    name: "a column's own sequence (a serial's), declared as a sequence owned_by the column its default calls: made before the table, owned after",
    desired: `
sequences:
  users_id_seq: { type: integer, owned_by: users.id }
tables:
  users:
    columns:
      id: { type: integer, primary_key: true, default: { sql: "nextval('users_id_seq')" } }
      email: text
`,
    steps: ['create_table public.users'],
    sqlContains: ['CREATE SEQUENCE public.users_id_seq AS integer', 'ALTER SEQUENCE public.users_id_seq OWNED BY public.users.id'],
    after: [
      { sql: `INSERT INTO users (email) VALUES ('a'), ('b') RETURNING id`, rows: [{ id: 1 }, { id: 2 }] },
      { sql: `SELECT pg_get_serial_sequence('users', 'id') AS seq`, rows: [{ seq: 'public.users_id_seq' }] },
    ],
  },
  {
    name: 'an existing column gets its own sequence: made, moved past the values the column holds, then the default',
    before: `CREATE TABLE users (id integer PRIMARY KEY, email text); INSERT INTO users VALUES (1, 'a'), (7, 'b');`,
    desired: `
sequences:
  users_id_seq: { type: integer, start: 1, owned_by: users.id }
tables:
  users:
    columns:
      id: { type: integer, primary_key: true, default: { sql: "nextval('users_id_seq')" } }
      email: text
`,
    steps: ['alter_column public.users.id'],
    sqlContains: ['CREATE SEQUENCE public.users_id_seq AS integer', "ALTER TABLE public.users ALTER COLUMN id SET DEFAULT nextval('public.users_id_seq'::regclass)"],
    after: [{ sql: `INSERT INTO users (email) VALUES ('c') RETURNING id`, rows: [{ id: 8 }] }],
  },
];
