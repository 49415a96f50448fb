// Enums, renames, schemas and awkward identifiers.
import type { PlanCase } from '../support/cases.js';

export const objectCases: readonly PlanCase[] = [
  {
    name: 'create an enum and a table that uses it',
    desired: `
enums:
  mood: [sad, ok, happy]
tables:
  people:
    columns:
      id: { type: integer, primary_key: true }
      mood: { type: mood, nullable: false, default: ok }
      moods: "mood[]"
`,
    steps: ['create_enum public.mood', 'create_table public.people'],
    after: [{ sql: `SELECT enum_range(NULL::mood)::text AS r`, rows: [{ r: '{sad,ok,happy}' }] }],
  },
  {
    name: 'add enum values in the middle and at both ends',
    before: `CREATE TYPE mood AS ENUM ('sad', 'happy'); CREATE TABLE people (id integer PRIMARY KEY, mood mood); INSERT INTO people VALUES (1, 'happy');`,
    desired: `
enums:
  mood: [awful, sad, ok, happy, ecstatic]
tables:
  people:
    columns:
      id: { type: integer, primary_key: true }
      mood: mood
`,
    steps: ['alter_enum public.mood'],
    sqlContains: ["ADD VALUE 'awful' BEFORE 'sad'", "ADD VALUE 'ok' AFTER 'sad'", "ADD VALUE 'ecstatic' AFTER 'happy'"],
    after: [{ sql: `SELECT enum_range(NULL::mood)::text AS r`, rows: [{ r: '{awful,sad,ok,happy,ecstatic}' }] }],
  },
  {
    // Found by the round-trip property (test/property.test.ts): the first new value was placed
    // BEFORE the second, which did not exist yet.
    name: 'add several enum values before the first one',
    before: `CREATE TYPE mood AS ENUM ('low'); CREATE TABLE people (id integer PRIMARY KEY, mood mood); INSERT INTO people VALUES (1, 'low');`,
    desired: `
enums:
  mood: [high, mid, low, top]
tables:
  people:
    columns:
      id: { type: integer, primary_key: true }
      mood: mood
`,
    steps: ['alter_enum public.mood'],
    sqlContains: ["ADD VALUE 'high' BEFORE 'low'", "ADD VALUE 'mid' AFTER 'high'", "ADD VALUE 'top' AFTER 'low'"],
    after: [{ sql: `SELECT enum_range(NULL::mood)::text AS r, mood::text FROM people`, rows: [{ r: '{high,mid,low,top}', mood: 'low' }] }],
  },
  {
    name: 'remove an enum value: the type is rebuilt and the loss flagged',
    before: `
CREATE TYPE status AS ENUM ('new', 'legacy', 'done');
CREATE TABLE jobs (id integer PRIMARY KEY, status status NOT NULL DEFAULT 'new');
CREATE INDEX jobs_new_idx ON jobs (id) WHERE status = 'new';
INSERT INTO jobs VALUES (1, 'new'), (2, 'done');`,
    desired: `
enums:
  status: [new, done]
tables:
  jobs:
    columns:
      id: { type: integer, primary_key: true }
      status: { type: status, nullable: false, default: new }
    indexes:
      jobs_new_idx: { columns: [id], where: "status = 'new'" }
`,
    steps: ['drop_index public.jobs.jobs_new_idx', 'alter_enum public.status', 'create_index public.jobs.jobs_new_idx', 'drop_enum public.status_retired'],
    hazards: {
      'alter_enum public.status': ['data_loss', 'table_rewrite'],
      'create_index public.jobs.jobs_new_idx': ['blocking'],
    },
    after: [
      {
        sql: `SELECT id, status::text FROM jobs ORDER BY id`,
        rows: [
          { id: 1, status: 'new' },
          { id: 2, status: 'done' },
        ],
      },
    ],
  },
  {
    name: 'rename an enum value with renamed_from: one RENAME VALUE, no rebuild, rows keep their values',
    before: `
CREATE TYPE status AS ENUM ('new', 'legacy', 'done');
CREATE TABLE jobs (id integer PRIMARY KEY, status status NOT NULL);
INSERT INTO jobs VALUES (1, 'legacy'), (2, 'done');`,
    desired: `
enums:
  status: [new, { name: archived, renamed_from: legacy }, done]
tables:
  jobs:
    columns:
      id: { type: integer, primary_key: true }
      status: { type: status, nullable: false }
`,
    steps: ['alter_enum public.status'],
    sqlContains: ["ALTER TYPE public.status RENAME VALUE 'legacy' TO 'archived'"],
    after: [
      {
        sql: `SELECT id, status::text, enum_range(NULL::status)::text AS r FROM jobs ORDER BY id`,
        rows: [
          { id: 1, status: 'archived', r: '{new,archived,done}' },
          { id: 2, status: 'done', r: '{new,archived,done}' },
        ],
      },
    ],
  },
  {
    name: 'renamed enum values in a chain, with a value added after one of them',
    before: `
CREATE TYPE size AS ENUM ('s', 'm', 'l');
CREATE TABLE shirts (id integer PRIMARY KEY, size size);
INSERT INTO shirts VALUES (1, 'm'), (2, 'l');`,
    desired: `
enums:
  size: [s, { name: l, renamed_from: m }, { name: xl, renamed_from: l }, xxl]
tables:
  shirts:
    columns:
      id: { type: integer, primary_key: true }
      size: size
`,
    steps: ['alter_enum public.size', 'alter_enum public.size', 'alter_enum public.size'],
    sqlContains: ["RENAME VALUE 'l' TO 'xl'", "RENAME VALUE 'm' TO 'l'", "ADD VALUE 'xxl' AFTER 'xl'"],
    after: [
      {
        sql: `SELECT id, size::text FROM shirts ORDER BY id`,
        rows: [
          { id: 1, size: 'l' },
          { id: 2, size: 'xl' },
        ],
      },
    ],
  },
  {
    name: 'a new enum value used by a default in the same plan rebuilds the enum',
    before: `CREATE TYPE level AS ENUM ('low', 'high'); CREATE TABLE alarms (id integer PRIMARY KEY, level level DEFAULT 'low');`,
    desired: `
enums:
  level: [low, mid, high]
tables:
  alarms:
    columns:
      id: { type: integer, primary_key: true }
      level: { type: level, default: mid }
`,
    steps: ['alter_enum public.level', 'alter_column public.alarms.level', 'drop_enum public.level_retired'],
    hazards: { 'alter_enum public.level': ['table_rewrite'] },
  },
  {
    name: 'drop an enum nothing uses',
    before: `CREATE TYPE unused AS ENUM ('a'); CREATE TABLE t (id integer PRIMARY KEY);`,
    desired: `
tables:
  t:
    columns:
      id: { type: integer, primary_key: true }
`,
    steps: ['drop_enum public.unused'],
  },
  {
    name: 'a column changes from text to an enum',
    before: `CREATE TABLE t (id integer PRIMARY KEY, kind text DEFAULT 'a'); INSERT INTO t VALUES (1, 'b');`,
    desired: `
enums:
  kind: [a, b]
tables:
  t:
    columns:
      id: { type: integer, primary_key: true }
      kind: { type: kind, default: a }
`,
    steps: ['create_enum public.kind', 'alter_column public.t.kind'],
    hazards: { 'alter_column public.t.kind': ['lossy_type_change', 'irreversible', 'table_rewrite'] },
    sqlContains: ['ALTER TABLE public.t ALTER COLUMN kind DROP DEFAULT', 'TYPE public.kind USING kind::text::public.kind'],
  },
  {
    name: 'an unlogged table with storage parameters is made so',
    desired: `
tables:
  cache_entries:
    unlogged: true
    with: { fillfactor: 70, autovacuum_enabled: false, autovacuum_vacuum_scale_factor: 0.05 }
    columns:
      k: { type: text, primary_key: true }
      v: jsonb
`,
    steps: ['create_table public.cache_entries'],
    sqlContains: ['CREATE UNLOGGED TABLE public.cache_entries', "WITH (fillfactor = '70', autovacuum_enabled = 'false', autovacuum_vacuum_scale_factor = '0.05')"],
    after: [
      {
        sql: `SELECT relpersistence::text AS p, reloptions::text AS o FROM pg_class WHERE oid = 'cache_entries'::regclass`,
        rows: [{ p: 'u', o: '{fillfactor=70,autovacuum_enabled=false,autovacuum_vacuum_scale_factor=0.05}' }],
      },
    ],
  },
  {
    name: 'a table becomes logged, and its storage parameters are changed, reset and added; `false` where the database says `off` is set, as PostgreSQL keeps the text it is given',
    before: `CREATE UNLOGGED TABLE events (id integer PRIMARY KEY, body text) WITH (fillfactor = 60, parallel_workers = 2, autovacuum_enabled = off);
INSERT INTO events VALUES (1, 'a');`,
    desired: `
tables:
  events:
    with: { fillfactor: 80, autovacuum_enabled: false, toast_tuple_target: 4096 }
    columns:
      id: { type: integer, primary_key: true }
      body: text
`,
    steps: ['alter_table public.events'],
    hazards: { 'alter_table public.events': ['table_rewrite'] },
    sqlContains: [
      'ALTER TABLE public.events SET LOGGED',
      "ALTER TABLE public.events SET (fillfactor = '80', autovacuum_enabled = 'false', toast_tuple_target = '4096')",
      'ALTER TABLE public.events RESET (parallel_workers)',
    ],
    after: [
      {
        sql: `SELECT relpersistence::text AS p, reloptions::text AS o, (SELECT count(*)::int FROM events) AS n FROM pg_class WHERE oid = 'events'::regclass`,
        rows: [{ p: 'p', o: '{fillfactor=80,autovacuum_enabled=false,toast_tuple_target=4096}', n: 1 }],
      },
    ],
  },
  {
    name: 'replica identity: a new table using its unique index, and an existing one going from FULL to DEFAULT and another to NOTHING',
    before: `CREATE TABLE audit (id integer PRIMARY KEY, body text); ALTER TABLE audit REPLICA IDENTITY FULL;
CREATE TABLE scratch (id integer);`,
    desired: `
tables:
  accounts:
    replica_identity: { index: accounts_code_key }
    columns:
      id: integer
      code: { type: text, nullable: false, unique: true }
  audit:
    columns:
      id: { type: integer, primary_key: true }
      body: text
  scratch:
    replica_identity: nothing
    columns:
      id: integer
`,
    steps: ['create_table public.accounts', 'alter_table public.accounts', 'alter_table public.audit', 'alter_table public.scratch'],
    sqlContains: ['ALTER TABLE public.accounts REPLICA IDENTITY USING INDEX accounts_code_key', 'ALTER TABLE public.audit REPLICA IDENTITY DEFAULT', 'ALTER TABLE public.scratch REPLICA IDENTITY NOTHING'],
    after: [
      {
        sql: `SELECT relname, relreplident::text AS r FROM pg_class WHERE relname IN ('accounts', 'audit', 'scratch') ORDER BY 1`,
        rows: [
          { relname: 'accounts', r: 'i' },
          { relname: 'audit', r: 'd' },
          { relname: 'scratch', r: 'n' },
        ],
      },
    ],
  },
  {
    name: 'rename a table: its primary key follows, nothing is dropped',
    before: `CREATE TABLE clients (id integer PRIMARY KEY, name text); INSERT INTO clients VALUES (1, 'Ada');`,
    desired: `
tables:
  customers:
    renamed_from: clients
    columns:
      id: { type: integer, primary_key: true }
      name: text
`,
    steps: ['rename_table public.customers', 'rename_constraint public.customers.customers_pkey'],
    after: [{ sql: 'SELECT id, name FROM customers', rows: [{ id: 1, name: 'Ada' }] }],
  },
  {
    name: 'rename a column used by a check and an index: only the rename is planned',
    before: `
CREATE TABLE items (id integer PRIMARY KEY, qty integer CONSTRAINT items_qty_check CHECK (qty >= 0));
CREATE INDEX items_qty_idx ON items (qty) WHERE qty > 10;
INSERT INTO items VALUES (1, 5);`,
    desired: `
tables:
  items:
    columns:
      id: { type: integer, primary_key: true }
      quantity: { type: integer, renamed_from: qty }
    checks:
      items_qty_check: quantity >= 0
    indexes:
      items_qty_idx: { columns: [quantity], where: quantity > 10 }
`,
    steps: ['rename_column public.items.quantity'],
    after: [{ sql: 'SELECT quantity FROM items', rows: [{ quantity: 5 }] }],
  },
  {
    name: 'move a table to another schema with renamed_from',
    before: `CREATE TABLE invoices (id integer PRIMARY KEY);`,
    desired: `
tables:
  billing.invoices:
    renamed_from: public.invoices
    columns:
      id: { type: integer, primary_key: true }
`,
    steps: ['create_schema billing', 'rename_table billing.invoices'],
  },
  {
    name: 'rename a table while dropping its check and index: the drops name it as it is today',
    before: `CREATE TABLE b (id integer PRIMARY KEY, x integer CHECK (x > 0)); CREATE INDEX b_x_idx ON b (x); INSERT INTO b VALUES (1, 5);`,
    desired: `
tables:
  bee:
    renamed_from: b
    columns:
      id: { type: integer, primary_key: true }
      x: integer
`,
    steps: ['drop_check public.b.b_x_check', 'drop_index public.b.b_x_idx', 'rename_table public.bee', 'rename_constraint public.bee.bee_pkey'],
    after: [{ sql: 'SELECT id, x FROM bee', rows: [{ id: 1, x: 5 }] }],
  },
  {
    name: 'move a table to another schema while dropping its index and a column',
    before: `CREATE TABLE b (id integer PRIMARY KEY, x integer, gone text); CREATE INDEX b_x_idx ON b (x);`,
    desired: `
tables:
  billing.b:
    renamed_from: public.b
    columns:
      id: { type: integer, primary_key: true }
      x: integer
`,
    steps: ['drop_index public.b.b_x_idx', 'drop_column public.b.gone', 'create_schema billing', 'rename_table billing.b'],
    hazards: { 'drop_column public.b.gone': ['data_loss', 'irreversible'] },
  },
  {
    name: 'rename a table while its foreign key column changes type',
    before: `
CREATE TABLE p (id bigint PRIMARY KEY);
CREATE TABLE c (id integer PRIMARY KEY, p_id integer REFERENCES p);
INSERT INTO p VALUES (1); INSERT INTO c VALUES (1, 1);`,
    desired: `
tables:
  p:
    columns:
      id: { type: bigint, primary_key: true }
  kids:
    renamed_from: c
    columns:
      id: { type: integer, primary_key: true }
      p_id: bigint
    foreign_keys:
      c_p_id_fkey: { columns: [p_id], references: p(id) }
`,
    steps: ['drop_foreign_key public.c.c_p_id_fkey', 'rename_table public.kids', 'rename_constraint public.kids.kids_pkey', 'alter_column public.kids.p_id', 'add_foreign_key public.kids.c_p_id_fkey'],
    hazards: {
      'alter_column public.kids.p_id': ['table_rewrite'],
      'add_foreign_key public.kids.c_p_id_fkey': ['may_fail', 'blocking'],
    },
    after: [{ sql: 'SELECT id, p_id FROM kids', rows: [{ id: 1, p_id: '1' }] }],
  },
  {
    name: 'a chain of renames: a from b while b is renamed from c',
    before: `CREATE TABLE b (id integer, y integer, z integer); CREATE TABLE c (id integer); INSERT INTO b VALUES (1, 2, 3); INSERT INTO c VALUES (4);`,
    desired: `
tables:
  a:
    renamed_from: b
    columns:
      id: integer
      x: { type: integer, renamed_from: y }
      y: { type: integer, renamed_from: z }
  b:
    renamed_from: c
    columns:
      id: integer
`,
    steps: ['rename_table public.a', 'rename_table public.b', 'rename_column public.a.x', 'rename_column public.a.y'],
    after: [
      { sql: 'SELECT id, x, y FROM a', rows: [{ id: 1, x: 2, y: 3 }] },
      { sql: 'SELECT id FROM b', rows: [{ id: 4 }] },
    ],
  },
  {
    name: 'a table in a new schema, and an emptied schema dropped',
    before: `CREATE SCHEMA legacy; CREATE TABLE legacy.things (id integer); CREATE SCHEMA keep_me;`,
    desired: `
schemas: [keep_me]
tables:
  billing.invoices:
    columns:
      id: { type: uuid, primary_key: true, default: { sql: gen_random_uuid() } }
`,
    steps: ['drop_table legacy.things', 'create_schema billing', 'create_table billing.invoices', 'drop_schema legacy'],
    hazards: { 'drop_table legacy.things': ['data_loss', 'irreversible'] },
  },
  {
    name: 'a schema holding objects the tool does not manage is left alone',
    before: `CREATE SCHEMA reports; CREATE VIEW reports.v AS SELECT 1 AS one;`,
    desired: `tables: {}`,
    steps: [],
  },
  {
    name: "a schema holding an extension's objects, or a collation, is left alone",
    before: `CREATE SCHEMA ext; CREATE EXTENSION citext WITH SCHEMA ext; CREATE SCHEMA coll; CREATE COLLATION coll.c_ci (locale = 'C');
CREATE SCHEMA legacy; CREATE TABLE legacy.things (id integer);`,
    desired: `tables: {}`,
    steps: ['drop_table legacy.things', 'drop_schema legacy'],
    hazards: { 'drop_table legacy.things': ['data_loss', 'irreversible'] },
  },
  {
    // Partitioned tables and partitions are managed: test/cases/partitions.ts.
    name: 'inheritance trees are left alone, and foreign keys to them',
    before: `
CREATE SCHEMA parts;
CREATE TABLE parts.inh_parent (a integer PRIMARY KEY); CREATE TABLE parts.inh_child (b integer) INHERITS (parts.inh_parent);
CREATE TABLE plain (id integer, mid integer, md date, FOREIGN KEY (mid) REFERENCES parts.inh_parent);
INSERT INTO parts.inh_parent VALUES (1);`,
    desired: `
tables:
  plain:
    columns:
      id: integer
      mid: integer
      md: date
      added: text
`,
    steps: ['add_column public.plain.added'],
    after: [{ sql: 'SELECT a FROM parts.inh_parent', rows: [{ a: 1 }] }],
  },
  {
    name: 'awkward identifiers: reserved words, capitals, spaces, quotes, dots and unicode',
    desired: `
enums:
  '"Order Status"': [new, "it's done"]
tables:
  order:
    columns:
      select: { type: integer, primary_key: true }
      user: { type: text, unique: true }
      Mixed Case: { type: '"Order Status"', default: "it's done" }
      'quote"inside': text
      größe: { type: numeric(5,1), comment: "Größe in cm" }
    checks:
      order "check": größe > 0
    indexes:
      "idx.with.dots": { columns: [Mixed Case, 'quote"inside'] }
  '"Weird.Schema"."Tab le"':
    columns:
      id: { type: integer, primary_key: true }
      order_select: integer
    foreign_keys:
      fk to order: { columns: [order_select], references: 'order(select)' }
`,
    steps: [
      'create_schema "Weird.Schema"',
      'create_enum public."Order Status"',
      'create_table public."order"',
      'create_table "Weird.Schema"."Tab le"',
      'create_index public."order"."idx.with.dots"',
      'add_foreign_key "Weird.Schema"."Tab le"."fk to order"',
    ],
  },
  {
    name: 'awkward identifiers renamed and altered',
    before: `CREATE TABLE "Old Name" ("Col" integer PRIMARY KEY, "from" text);`,
    desired: `
tables:
  New Name:
    renamed_from: Old Name
    columns:
      Col: { type: bigint, primary_key: true }
      to: { type: text, renamed_from: from, nullable: false, default: "'" }
`,
    steps: ['rename_table public."New Name"', 'rename_column public."New Name"."to"', 'rename_constraint public."New Name"."New Name_pkey"', 'alter_column public."New Name"."Col"', 'alter_column public."New Name"."to"'],
    hazards: {
      'alter_column public."New Name"."Col"': ['table_rewrite'],
      'alter_column public."New Name"."to"': ['may_fail', 'blocking'],
    },
  },
  {
    name: 'a shared column set merged into two tables with a YAML merge key',
    desired: `
tables:
  users:
    columns: &audited
      id: { type: bigint, primary_key: true }
      created_at: { type: timestamptz, nullable: false, default: { sql: now() } }
    indexes:
      users_created_idx: { columns: [created_at] }
  orders:
    columns:
      <<: *audited
      total: { type: numeric(12,2), nullable: false, default: 0 }
`,
    steps: ['create_table public.users', 'create_table public.orders', 'create_index public.users.users_created_idx'],
    after: [
      {
        sql: "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' ORDER BY table_name, ordinal_position",
        rows: [
          { table_name: 'orders', column_name: 'id' },
          { table_name: 'orders', column_name: 'created_at' },
          { table_name: 'orders', column_name: 'total' },
          { table_name: 'users', column_name: 'id' },
          { table_name: 'users', column_name: 'created_at' },
        ],
      },
    ],
  },
  {
    name: 'SQL comments inside a default, a check, a type and an index are harmless',
    desired: `
tables:
  t:
    columns:
      a: { type: "integer -- the type", nullable: false, default: { sql: "0 --" } }
      b: { type: text, default: { sql: "'x' /* one */ || 'y' -- two" } }
    checks:
      t_a_check: "a >= 0 -- never negative"
    indexes:
      t_b_idx: { columns: [{ expression: "lower(b) -- folded" }], where: "a > 0 -- live rows" }
`,
    steps: ['create_table public.t', 'create_index public.t.t_b_idx'],
    after: [{ sql: 'INSERT INTO t DEFAULT VALUES RETURNING a, b', rows: [{ a: 0, b: 'xy' }] }],
  },
];
