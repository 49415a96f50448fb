// Keys, checks, indexes and foreign keys: what each costs on an existing table, and the order
// of drops behind foreign keys, cycles included.
import type { PlanCase } from '../support/cases.js';

const users = `CREATE TABLE users (id integer PRIMARY KEY, email text, age integer);`;

export const constraintCases: readonly PlanCase[] = [
  {
    name: 'add a unique constraint to a table with rows',
    before: `${users} INSERT INTO users VALUES (1, 'a@x', 30), (2, 'b@x', 40);`,
    desired: `
tables:
  users:
    columns:
      id: { type: integer, primary_key: true }
      email: { type: text, unique: true }
      age: integer
`,
    steps: ['add_unique public.users.users_email_key'],
    hazards: { 'add_unique public.users.users_email_key': ['may_fail', 'blocking'] },
  },
  {
    name: 'keys over the same columns that PostgreSQL keeps apart: another order, NULLS NOT DISTINCT beside the primary key',
    desired: `
tables:
  t:
    columns:
      id: { type: integer, primary_key: true }
      b: integer
    unique:
      t_id_b_key: [id, b]
      t_b_id_key: [b, id]
      t_id_nnd_key: { columns: [id], nulls_not_distinct: true }
`,
    steps: ['create_table public.t'],
    after: [{ sql: "SELECT count(*)::int AS n FROM pg_index WHERE indrelid = 'public.t'::regclass", rows: [{ n: 4 }] }],
  },
  {
    name: "a unique index's NULLS NOT DISTINCT is compared, and the downgrade brings it back",
    before: `CREATE TABLE nn (a integer, b integer); CREATE UNIQUE INDEX nn_u ON nn (a, b) NULLS NOT DISTINCT; CREATE UNIQUE INDEX nn_v ON nn (a);`,
    desired: `
tables:
  nn:
    columns: { a: integer, b: integer }
    indexes:
      nn_u: { columns: [a, b], unique: true }
      nn_v: { columns: [a], unique: true, nulls_not_distinct: true }
`,
    steps: ['drop_index public.nn.nn_u', 'drop_index public.nn.nn_v', 'create_index public.nn.nn_u', 'create_index public.nn.nn_v'],
    hazards: { 'create_index public.nn.nn_u': ['may_fail', 'blocking'], 'create_index public.nn.nn_v': ['may_fail', 'blocking'] },
    sqlContains: ['CREATE UNIQUE INDEX nn_v ON public.nn USING btree (a) NULLS NOT DISTINCT'],
    after: [
      {
        sql: "SELECT indexrelid::regclass::text AS name, indnullsnotdistinct AS nnd FROM pg_index WHERE indrelid = 'public.nn'::regclass ORDER BY 1",
        rows: [
          { name: 'nn_u', nnd: false },
          { name: 'nn_v', nnd: true },
        ],
      },
    ],
  },
  {
    name: 'add a check, then change it',
    before: `${users} ALTER TABLE users ADD CONSTRAINT users_age_check CHECK (age > 0);`,
    desired: `
tables:
  users:
    columns:
      id: { type: integer, primary_key: true }
      email: text
      age: integer
    checks:
      users_age_check: age >= 18
      users_email_check: { expression: "email LIKE '%@%'" }
`,
    steps: ['drop_check public.users.users_age_check', 'add_check public.users.users_age_check', 'add_check public.users.users_email_check'],
    hazards: {
      'add_check public.users.users_age_check': ['may_fail', 'blocking'],
      'add_check public.users.users_email_check': ['may_fail', 'blocking'],
    },
  },
  {
    name: 'a check written differently but stored the same plans nothing',
    before: `${users} ALTER TABLE users ADD CONSTRAINT users_age_check CHECK ((age >= (18)::integer));`,
    desired: `
tables:
  users:
    columns:
      id: { type: integer, primary_key: true }
      email: text
      age: integer
    checks:
      users_age_check: AGE >= 18
`,
    steps: [],
  },
  {
    name: 'IN lists on varchar, whose stored form reads back otherwise, plan nothing once created',
    desired: `
tables:
  accounts:
    columns:
      id: { type: integer, primary_key: true }
      status: { type: varchar(20), nullable: false, default: active }
      tags: "varchar(10)[]"
    checks:
      accounts_status_check: "status IN ('active', 'disabled')"
      accounts_status_not_check: "status NOT IN ('gone')"
    indexes:
      accounts_active_idx: { columns: [id], where: "status IN ('active', 'new')" }
      accounts_tag_idx: { columns: [{ expression: "tags[1] IN ('a', 'b')" }] }
`,
    steps: ['create_table public.accounts', 'create_index public.accounts.accounts_active_idx', 'create_index public.accounts.accounts_tag_idx'],
  },
  {
    name: 'IN lists on varchar written by hand compare equal; a changed one is rebuilt and restored by the downgrade',
    before: `CREATE TABLE accounts (id integer PRIMARY KEY, status varchar(20) NOT NULL DEFAULT 'active',
      CONSTRAINT accounts_status_check CHECK (status IN ('active', 'disabled')),
      CONSTRAINT accounts_kind_check CHECK (status NOT IN ('gone')),
      CONSTRAINT accounts_old_check CHECK (status IN ('active', 'disabled', 'old')));
      CREATE INDEX accounts_active_idx ON accounts (id) WHERE status IN ('active', 'new');`,
    desired: `
tables:
  accounts:
    columns:
      id: { type: integer, primary_key: true }
      status: { type: varchar(20), nullable: false, default: active }
    checks:
      accounts_status_check: "status IN ('active', 'disabled')"
      accounts_kind_check: "status NOT IN ('gone', 'lost')"
    indexes:
      accounts_active_idx: { columns: [id], where: "status IN ('active', 'new')" }
`,
    steps: ['drop_check public.accounts.accounts_kind_check', 'drop_check public.accounts.accounts_old_check', 'add_check public.accounts.accounts_kind_check'],
    hazards: { 'add_check public.accounts.accounts_kind_check': ['may_fail', 'blocking'] },
  },
  {
    name: 'index comments: on an index made with its table, set, changed and removed on existing ones, none rebuilt',
    before: `
CREATE TABLE orders (id integer PRIMARY KEY, placed date, total numeric);
CREATE INDEX orders_placed_idx ON orders (placed);
CREATE INDEX orders_total_idx ON orders (total);
COMMENT ON INDEX orders_total_idx IS 'for reports';
CREATE INDEX orders_old_idx ON orders (placed, total);
COMMENT ON INDEX orders_old_idx IS 'to be forgotten';`,
    desired: `
tables:
  orders:
    columns:
      id: { type: integer, primary_key: true }
      placed: date
      total: numeric
    indexes:
      orders_placed_idx: { columns: [placed], comment: "by day: the dashboard's" }
      orders_total_idx: { columns: [total], comment: for the monthly reports }
      orders_old_idx: { columns: [placed, total] }
  notes:
    columns:
      id: { type: integer, primary_key: true }
      body: text
    indexes:
      notes_body_idx: { columns: [body], comment: full text later }
`,
    steps: [
      'create_table public.notes',
      'comment_index public.orders.orders_placed_idx',
      'comment_index public.orders.orders_total_idx',
      'comment_index public.orders.orders_old_idx',
      'create_index public.notes.notes_body_idx',
      'comment_index public.notes.notes_body_idx',
    ],
    sqlContains: ["COMMENT ON INDEX public.orders_placed_idx IS 'by day: the dashboard''s'", 'COMMENT ON INDEX public.orders_old_idx IS NULL'],
    after: [
      {
        sql: `SELECT c.relname AS name, obj_description(c.oid, 'pg_class') AS comment FROM pg_class c WHERE c.relkind = 'i' AND c.relname LIKE '%_idx' ORDER BY 1`,
        rows: [
          { name: 'notes_body_idx', comment: 'full text later' },
          { name: 'orders_old_idx', comment: null },
          { name: 'orders_placed_idx', comment: "by day: the dashboard's" },
          { name: 'orders_total_idx', comment: 'for the monthly reports' },
        ],
      },
    ],
  },
  {
    name: 'indexes: add, change, drop, and a partial unique expression index',
    before: `${users} CREATE INDEX users_age_idx ON users (age); CREATE INDEX users_old_idx ON users (email);`,
    desired: `
tables:
  users:
    columns:
      id: { type: integer, primary_key: true }
      email: text
      age: integer
    indexes:
      users_age_idx: { columns: [{ column: age, order: desc, nulls: last }, id] }
      users_email_lower_idx: { columns: [{ expression: lower(email) }], unique: true, where: "age IS NOT NULL" }
      users_email_hash_idx: { columns: [email], method: hash }
      users_covering_idx: { columns: [id], include: [email, age] }
`,
    steps: [
      'drop_index public.users.users_age_idx',
      'drop_index public.users.users_old_idx',
      'create_index public.users.users_age_idx',
      'create_index public.users.users_email_lower_idx',
      'create_index public.users.users_email_hash_idx',
      'create_index public.users.users_covering_idx',
    ],
    hazards: {
      'create_index public.users.users_age_idx': ['blocking'],
      'create_index public.users.users_email_lower_idx': ['blocking', 'may_fail'],
      'create_index public.users.users_email_hash_idx': ['blocking'],
      'create_index public.users.users_covering_idx': ['blocking'],
    },
  },
  {
    name: 'add a primary key to a table that had none',
    before: `CREATE TABLE logs (id integer, msg text); INSERT INTO logs VALUES (1, 'a');`,
    desired: `
tables:
  logs:
    columns:
      id: integer
      msg: text
    primary_key: [id]
`,
    steps: ['alter_column public.logs.id', 'add_primary_key public.logs.logs_pkey'],
    hazards: {
      'alter_column public.logs.id': ['may_fail', 'blocking'],
      'add_primary_key public.logs.logs_pkey': ['may_fail', 'blocking'],
    },
  },
  {
    name: 'a table dropped while others reference it: every foreign key goes first',
    before: `
${users}
CREATE TABLE orders (id integer PRIMARY KEY, user_id integer CONSTRAINT orders_user_fk REFERENCES users (id));
CREATE TABLE payments (id integer PRIMARY KEY, user_id integer CONSTRAINT payments_user_fk REFERENCES users (id), order_id integer CONSTRAINT payments_order_fk REFERENCES orders (id));
INSERT INTO users VALUES (1, 'a@x', 3);
-- Rows that reference nobody: the downgrade recreates users empty and must re-add the keys.
INSERT INTO orders VALUES (1, NULL); INSERT INTO payments VALUES (1, NULL, 1);`,
    desired: `
tables:
  orders:
    columns:
      id: { type: integer, primary_key: true }
      user_id: integer
  payments:
    columns:
      id: { type: integer, primary_key: true }
      user_id: integer
      order_id: integer
    foreign_keys:
      payments_order_fk: { columns: [order_id], references: orders(id) }
`,
    steps: ['drop_foreign_key public.orders.orders_user_fk', 'drop_foreign_key public.payments.payments_user_fk', 'drop_table public.users'],
    hazards: { 'drop_table public.users': ['data_loss', 'irreversible'] },
  },
  {
    name: 'a foreign-key cycle is created: tables first, keys last',
    desired: `
tables:
  teams:
    columns:
      id: { type: integer, primary_key: true }
      captain_id: integer
    foreign_keys:
      teams_captain_fk: { columns: [captain_id], references: players(id), deferrable: true, initially_deferred: true }
  players:
    columns:
      id: { type: integer, primary_key: true }
      team_id: integer
    foreign_keys:
      players_team_fk: { columns: [team_id], references: teams(id), on_delete: set_null }
`,
    steps: ['create_table public.teams', 'create_table public.players', 'add_foreign_key public.teams.teams_captain_fk', 'add_foreign_key public.players.players_team_fk'],
  },
  {
    name: 'a foreign-key cycle is dropped: keys first, tables after',
    before: `
CREATE TABLE a (id integer PRIMARY KEY, b_id integer);
CREATE TABLE b (id integer PRIMARY KEY, a_id integer REFERENCES a (id));
ALTER TABLE a ADD CONSTRAINT a_b_id_fkey FOREIGN KEY (b_id) REFERENCES b (id);`,
    desired: `tables: {}`,
    steps: ['drop_foreign_key public.a.a_b_id_fkey', 'drop_foreign_key public.b.b_a_id_fkey', 'drop_table public.a', 'drop_table public.b'],
    hazards: { 'drop_table public.a': ['data_loss', 'irreversible'], 'drop_table public.b': ['data_loss', 'irreversible'] },
  },
  {
    name: 'a referenced key changes type on both sides: the foreign key is dropped and re-added around it',
    before: `
CREATE TABLE accounts (id integer PRIMARY KEY);
CREATE TABLE entries (id integer PRIMARY KEY, account_id integer CONSTRAINT entries_account_fk REFERENCES accounts (id));
INSERT INTO accounts VALUES (1); INSERT INTO entries VALUES (1, 1);`,
    desired: `
tables:
  accounts:
    columns:
      id: { type: bigint, primary_key: true }
  entries:
    columns:
      id: { type: integer, primary_key: true }
      account_id: bigint
    foreign_keys:
      entries_account_fk: { columns: [account_id], references: accounts }
`,
    steps: ['drop_foreign_key public.entries.entries_account_fk', 'alter_column public.accounts.id', 'alter_column public.entries.account_id', 'add_foreign_key public.entries.entries_account_fk'],
    hazards: {
      'alter_column public.accounts.id': ['table_rewrite'],
      'alter_column public.entries.account_id': ['table_rewrite'],
      'add_foreign_key public.entries.entries_account_fk': ['may_fail', 'blocking'],
    },
  },
  {
    name: 'a foreign key whose action changes is replaced',
    before: `${users} CREATE TABLE notes (id integer PRIMARY KEY, user_id integer CONSTRAINT notes_user_fk REFERENCES users (id) ON DELETE CASCADE);`,
    desired: `
tables:
  users:
    columns:
      id: { type: integer, primary_key: true }
      email: text
      age: integer
  notes:
    columns:
      id: { type: integer, primary_key: true }
      user_id: integer
    foreign_keys:
      notes_user_fk: { columns: [user_id], references: users(id), on_delete: restrict, on_update: cascade }
`,
    steps: ['drop_foreign_key public.notes.notes_user_fk', 'add_foreign_key public.notes.notes_user_fk'],
    hazards: { 'add_foreign_key public.notes.notes_user_fk': ['may_fail', 'blocking'] },
  },
  {
    name: 'ON DELETE SET NULL of some columns of the key (on_delete_columns): made, then changed to all of them',
    before: `CREATE TABLE tenants (id integer, PRIMARY KEY (id)); CREATE TABLE owners (tenant_id integer, id integer, PRIMARY KEY (tenant_id, id));
CREATE TABLE docs (id integer PRIMARY KEY, tenant_id integer NOT NULL, owner_id integer,
  CONSTRAINT docs_owner_fk FOREIGN KEY (tenant_id, owner_id) REFERENCES owners ON DELETE SET NULL (owner_id));
INSERT INTO owners VALUES (1, 10); INSERT INTO docs VALUES (1, 1, 10);`,
    desired: `
tables:
  tenants:
    columns:
      id: { type: integer, primary_key: true }
  owners:
    columns:
      tenant_id: integer
      id: integer
    primary_key: [tenant_id, id]
  docs:
    columns:
      id: { type: integer, primary_key: true }
      tenant_id: { type: integer, nullable: false }
      owner_id: integer
    foreign_keys:
      docs_owner_fk: { columns: [tenant_id, owner_id], references: owners, on_delete: set_default }
`,
    steps: ['drop_foreign_key public.docs.docs_owner_fk', 'add_foreign_key public.docs.docs_owner_fk'],
    hazards: { 'add_foreign_key public.docs.docs_owner_fk': ['may_fail', 'blocking'] },
    sqlContains: ['REFERENCES public.owners (tenant_id, id) ON DELETE SET DEFAULT'],
  },
  {
    name: 'a new foreign key setting NULL in one column of its key on delete',
    desired: `
tables:
  owners:
    columns:
      tenant_id: integer
      id: integer
    primary_key: [tenant_id, id]
  docs:
    columns:
      id: { type: integer, primary_key: true }
      tenant_id: { type: integer, nullable: false }
      owner_id: integer
    foreign_keys:
      docs_owner_fk: { columns: [tenant_id, owner_id], references: owners, on_delete: set_null, on_delete_columns: [owner_id] }
`,
    steps: ['create_table public.owners', 'create_table public.docs', 'add_foreign_key public.docs.docs_owner_fk'],
    sqlContains: ['REFERENCES public.owners (tenant_id, id) ON DELETE SET NULL (owner_id)'],
    after: [{ sql: `INSERT INTO owners VALUES (1, 10); INSERT INTO docs VALUES (1, 1, 10); DELETE FROM owners; SELECT tenant_id, owner_id FROM docs`, rows: [{ tenant_id: 1, owner_id: null }] }],
  },
  {
    name: 'a multi-column foreign key to a unique constraint, and a self reference',
    desired: `
tables:
  regions:
    columns:
      country: { type: char(2), nullable: false }
      code: { type: text, nullable: false }
      parent_code: text
    unique:
      regions_country_code_key: [country, code]
    foreign_keys:
      regions_parent_fk: { columns: [country, parent_code], references: "regions(country, code)", match: full }
  shops:
    columns:
      id: { type: integer, primary_key: true }
      country: char(2)
      region: text
    foreign_keys:
      shops_region_fk: { columns: [country, region], references: { table: regions, columns: [country, code] }, deferrable: true }
`,
    steps: ['create_table public.regions', 'create_table public.shops', 'add_foreign_key public.regions.regions_parent_fk', 'add_foreign_key public.shops.shops_region_fk'],
  },
  {
    name: 'dropping a unique key that a foreign key stands on drops the key first',
    before: `
CREATE TABLE codes (id integer PRIMARY KEY, code text CONSTRAINT codes_code_key UNIQUE);
CREATE TABLE uses (id integer PRIMARY KEY, code text CONSTRAINT uses_code_fk REFERENCES codes (code));`,
    desired: `
tables:
  codes:
    columns:
      id: { type: integer, primary_key: true }
      code: text
  uses:
    columns:
      id: { type: integer, primary_key: true }
      code: text
`,
    steps: ['drop_foreign_key public.uses.uses_code_fk', 'drop_unique public.codes.codes_code_key'],
  },
  {
    name: 'a primary key moves to other columns; an index and a constraint only change name',
    before: `
CREATE TABLE memberships (id integer, org integer NOT NULL, member integer NOT NULL, CONSTRAINT memberships_pkey PRIMARY KEY (id));
CREATE INDEX memberships_member_index ON memberships (member);
ALTER TABLE memberships ADD CONSTRAINT memberships_org_chk CHECK (org > 0);
INSERT INTO memberships VALUES (1, 1, 1);`,
    desired: `
tables:
  memberships:
    columns:
      id: integer
      org: { type: integer, nullable: false }
      member: { type: integer, nullable: false }
    primary_key: [org, member]
    checks:
      memberships_org_check: org > 0
    indexes:
      memberships_member_idx: { columns: [member] }
`,
    steps: [
      'drop_primary_key public.memberships.memberships_pkey',
      'rename_constraint public.memberships.memberships_org_check',
      'rename_index public.memberships.memberships_member_idx',
      'alter_column public.memberships.id',
      'add_primary_key public.memberships.memberships_pkey',
    ],
    hazards: { 'add_primary_key public.memberships.memberships_pkey': ['may_fail', 'blocking'] },
    sqlContains: ['ALTER TABLE public.memberships ALTER COLUMN id DROP NOT NULL'],
  },
];
