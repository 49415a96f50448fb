// Plan shapes as data: a desired schema.yaml planned against a starting database (users and
// orders with rows), and the shape the plan must have: its steps in order, the lock each takes
// and the tables it names, which runs before which, the SQL it holds and the words the text
// plan shows. Run by the table in test/online.test.ts; what needs sessions, locks held by
// others or an apply (writes going on, interrupted and resumed applies) stays code there.
import type { HazardCode, Step } from '../../src/plan/types.js';

/** The starting database of every online case. */
export const BEFORE = `
CREATE TABLE users (id integer PRIMARY KEY, email text);
INSERT INTO users SELECT g, 'u' || g FROM generate_series(1, 2000) g;
CREATE TABLE orders (id integer PRIMARY KEY, user_id integer, total numeric);
INSERT INTO orders SELECT g, g % 2000 + 1, g FROM generate_series(1, 5000) g;`;

/** BEFORE made safe to write to at once: NOT NULL, a unique key, a check, an index, a foreign key. */
export const DESIRED = `
tables:
  users:
    columns:
      id: { type: integer, primary_key: true }
      email: { type: text, nullable: false, unique: true }
  orders:
    columns:
      id: { type: integer, primary_key: true }
      user_id: integer
      total: numeric
    checks:
      orders_total_check: total >= 0
    indexes:
      orders_user_idx: { columns: [user_id] }
    foreign_keys:
      orders_user_fk: { columns: [user_id], references: users }
`;

/** DESIRED with a new table whose foreign key references users. */
export const PAYMENTS = `${DESIRED}  payments:\n    columns:\n      id: { type: integer, primary_key: true }\n      user_id: integer\n    foreign_keys:\n      payments_user_fk: { columns: [user_id], references: users }\n`;

/** Both tables renamed and the key's column retyped, the key kept. */
export const RENAMED = `
tables:
  people:
    renamed_from: users
    columns:
      id: { type: integer, primary_key: true }
      email: text
  purchases:
    renamed_from: orders
    columns:
      id: { type: integer, primary_key: true }
      user_id: bigint
      total: numeric
    foreign_keys:
      orders_user_fk: { columns: [user_id], references: people }
`;

/** RENAMED with only the referenced table renamed. */
export const ONLY_USERS_RENAMED = RENAMED.replace('purchases:\n    renamed_from: orders', 'orders:');

/** DESIRED as it is, in BEFORE and after the apply. */
export const DONE = `ALTER TABLE users ALTER COLUMN email SET NOT NULL; ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);
      ALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total >= 0); CREATE INDEX orders_user_idx ON orders (user_id);
      ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id)`;

type StepFields = Partial<Pick<Step, 'object' | 'lock' | 'lock_on'>>;

export interface OnlineCase {
  readonly name: string;
  /** SQL run on BEFORE first. */
  readonly before?: string;
  readonly desired: string;
  /** Planned as an online plan. */
  readonly online?: true;
  /** Every step, in order, as "op object". */
  readonly steps?: readonly string[];
  /** The lock of every step, in order. */
  readonly locks?: readonly string[];
  /** Every step, in order: "op object", its lock and the tables it locks (null for none). */
  readonly shape?: readonly (readonly [string, string | null, readonly string[] | null])[];
  /** Fields of a step, by "op object", or by op alone for the first step of that op. */
  readonly step?: Readonly<Record<string, StepFields>>;
  /** The same for the steps of the way back (the plan's downgrade). */
  readonly downgrade?: Readonly<Record<string, StepFields>>;
  /** Pairs of steps ("op object"): the first is in the plan and runs before the second. */
  readonly order?: readonly (readonly [string, string])[];
  /** Statements the plan's SQL must hold, whole. */
  readonly sql?: readonly string[];
  /** Lines the text plan must hold. */
  readonly text?: readonly string[];
  /** Hazard codes no step may have. */
  readonly noHazards?: readonly HazardCode[];
}

export const onlineCases: readonly OnlineCase[] = [
  {
    // The fill commits batch by batch (apply runs the statement again until it fills none), then
    // NOT NULL is proven by a check validated under a light lock, as for any online SET NOT NULL.
    name: 'backfill: the NULL rows filled in batches before the NOT NULL check; a new NOT NULL column the same way',
    before: 'UPDATE users SET email = NULL WHERE id % 2 = 0',
    desired: `
tables:
  users:
    columns:
      id: { type: integer, primary_key: true }
      email: { type: text, nullable: false, backfill: { sql: "'user' || id || '@example.com'" } }
      plan: { type: text, nullable: false, backfill: free }
  orders:
    columns:
      id: { type: integer, primary_key: true }
      user_id: integer
      total: numeric
`,
    online: true,
    shape: [
      ['backfill public.users.email', null, null],
      ['add_check public.users.users_email_not_null', 'ACCESS EXCLUSIVE', null],
      ['validate_constraint public.users.users_email_not_null', 'SHARE UPDATE EXCLUSIVE', null],
      ['alter_column public.users.email', 'ACCESS EXCLUSIVE', null],
      ['drop_check public.users.users_email_not_null', 'ACCESS EXCLUSIVE', null],
      ['add_column public.users.plan', 'ACCESS EXCLUSIVE', null],
      ['backfill public.users.plan', null, null],
      ['add_check public.users.users_plan_not_null', 'ACCESS EXCLUSIVE', null],
      ['validate_constraint public.users.users_plan_not_null', 'SHARE UPDATE EXCLUSIVE', null],
      ['alter_column public.users.plan', 'ACCESS EXCLUSIVE', null],
      ['drop_check public.users.users_plan_not_null', 'ACCESS EXCLUSIVE', null],
    ],
    sql: [
      "UPDATE public.users SET email = ('user' || id || '@example.com') WHERE email IS NULL AND ctid = ANY (ARRAY(SELECT ctid FROM public.users WHERE email IS NULL LIMIT 10000)) RETURNING email IS NOT NULL AS filled",
      'ALTER TABLE public.users ADD COLUMN plan text',
    ],
    text: ['  ~  1. backfill public.users.email  may_fail'],
    noHazards: ['blocking'],
  },
  {
    // Nothing that scans or builds is left under ACCESS EXCLUSIVE or SHARE: no blocking hazards.
    name: 'builds and validates outside long locks, each step marked with its lock',
    desired: DESIRED,
    online: true,
    steps: [
      'add_check public.users.users_email_not_null',
      'validate_constraint public.users.users_email_not_null',
      'alter_column public.users.email',
      'drop_check public.users.users_email_not_null',
      'create_index public.users.users_email_key',
      'add_unique public.users.users_email_key',
      'add_check public.orders.orders_total_check',
      'validate_constraint public.orders.orders_total_check',
      'create_index public.orders.orders_user_idx',
      'add_foreign_key public.orders.orders_user_fk',
      'validate_constraint public.orders.orders_user_fk',
    ],
    locks: [
      'ACCESS EXCLUSIVE',
      'SHARE UPDATE EXCLUSIVE',
      'ACCESS EXCLUSIVE',
      'ACCESS EXCLUSIVE',
      'SHARE UPDATE EXCLUSIVE',
      'ACCESS EXCLUSIVE',
      'ACCESS EXCLUSIVE',
      'SHARE UPDATE EXCLUSIVE',
      'SHARE UPDATE EXCLUSIVE',
      'SHARE ROW EXCLUSIVE',
      'SHARE UPDATE EXCLUSIVE',
    ],
    sql: [
      'CREATE INDEX CONCURRENTLY orders_user_idx ON public.orders USING btree (user_id)',
      'ALTER TABLE public.orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES public.users (id) NOT VALID',
      'ALTER TABLE public.users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_key',
    ],
    noHazards: ['blocking'],
  },
  {
    // The way back drops the key under ACCESS EXCLUSIVE on both tables.
    name: 'a foreign key from a new table names the SHARE ROW EXCLUSIVE lock it takes on the table it references',
    before: DONE,
    desired: PAYMENTS,
    online: true,
    shape: [
      ['create_table public.payments', null, null],
      ['add_foreign_key public.payments.payments_user_fk', 'SHARE ROW EXCLUSIVE', ['public.users']],
    ],
    text: ['add_foreign_key public.payments.payments_user_fk  (lock: SHARE ROW EXCLUSIVE (public.users))'],
    downgrade: { drop_foreign_key: { lock: 'ACCESS EXCLUSIVE', lock_on: ['public.payments', 'public.users'] } },
  },
  {
    name: 'an add_foreign_key between existing tables names both',
    desired: DESIRED,
    online: true,
    step: { add_foreign_key: { lock: 'SHARE ROW EXCLUSIVE', lock_on: ['public.orders', 'public.users'] } },
  },
  {
    name: 'a rebuilt enum names every table it rewrites',
    before: `CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy'); ALTER TABLE users ADD COLUMN mood mood; ALTER TABLE orders ADD COLUMN mood mood`,
    desired: `enums:\n  mood: [ok, happy]\n${DESIRED.replace('unique: true }', 'unique: true }\n      mood: mood').replace('total: numeric\n', 'total: numeric\n      mood: mood\n')}`,
    step: { alter_enum: { lock: 'ACCESS EXCLUSIVE', lock_on: ['public.users', 'public.orders'] } },
  },
  {
    // The key is dropped before the renames (by the names today) and added after (by the new
    // ones); the way back renames them back, and its drop runs first, on the new names.
    name: 'names each table as it is called when the step runs: before the renames by its name today, after them by its new one',
    before: `ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id)`,
    desired: RENAMED,
    order: [
      ['drop_foreign_key public.orders.orders_user_fk', 'rename_table public.people'],
      ['drop_foreign_key public.orders.orders_user_fk', 'rename_table public.purchases'],
    ],
    step: {
      'drop_foreign_key public.orders.orders_user_fk': { lock: 'ACCESS EXCLUSIVE', lock_on: ['public.orders', 'public.users'] },
      'add_foreign_key public.purchases.orders_user_fk': { lock: 'SHARE ROW EXCLUSIVE', lock_on: ['public.purchases', 'public.people'] },
    },
    text: ['drop_foreign_key public.orders.orders_user_fk  (lock: ACCESS EXCLUSIVE (public.orders, public.users))'],
    downgrade: { drop_foreign_key: { object: 'public.purchases.orders_user_fk', lock_on: ['public.purchases', 'public.people'] } },
  },
  {
    name: 'only the referenced table renamed: it, too, is named as it is today, and the drop runs before its rename',
    before: `ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id)`,
    desired: ONLY_USERS_RENAMED,
    order: [['drop_foreign_key public.orders.orders_user_fk', 'rename_table public.people']],
    step: {
      drop_foreign_key: { lock_on: ['public.orders', 'public.users'] },
      add_foreign_key: { lock_on: ['public.orders', 'public.people'] },
    },
  },
  {
    name: "an index's storage parameters and operator class change: dropped and made again concurrently",
    before: 'CREATE INDEX orders_user_idx ON orders (user_id) WITH (fillfactor = 90); CREATE INDEX users_email_idx ON users (email)',
    desired: `
tables:
  users:
    columns:
      id: { type: integer, primary_key: true }
      email: text
    indexes:
      users_email_idx: { columns: [{ column: email, opclass: text_pattern_ops }] }
  orders:
    columns:
      id: { type: integer, primary_key: true }
      user_id: integer
      total: numeric
    indexes:
      orders_user_idx: { columns: [user_id], with: { fillfactor: 70 } }
`,
    online: true,
    steps: ['drop_index public.users.users_email_idx', 'drop_index public.orders.orders_user_idx', 'create_index public.users.users_email_idx', 'create_index public.orders.orders_user_idx'],
    sql: [
      'DROP INDEX CONCURRENTLY public.orders_user_idx',
      "CREATE INDEX CONCURRENTLY orders_user_idx ON public.orders USING btree (user_id) WITH (fillfactor = '70')",
      'CREATE INDEX CONCURRENTLY users_email_idx ON public.users USING btree (email text_pattern_ops)',
    ],
  },
];
