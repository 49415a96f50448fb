// Partitioned tables and partitions (`partition_by:`, `partition_of:` with `for_values:` or
// `default: true`): made, dropped, attached, detached. What a partition inherits from its parent
// (its columns, and copies of the parent's indexes, keys, checks and foreign keys) is the
// parent's, so the plan after the apply is empty. Each case is planned, applied, planned again
// (empty), compared with a database built directly from the file, and downgraded
// (test/support/cases.ts).
import type { PlanCase } from '../support/cases.js';

const customers = `
  customer:
    columns:
      id: { type: integer, primary_key: true }
`;

/** A payments table partitioned by month, with a key, an index and a foreign key on the parent. */
const payments = `
  payment:
    partition_by: "RANGE (payment_date)"
    columns:
      id: bigint
      customer_id: { type: integer, nullable: false }
      amount: numeric(10,2)
      payment_date: { type: date, nullable: false }
    primary_key: [id, payment_date]
    checks:
      payment_amount_check: amount >= 0
    indexes:
      payment_customer_idx: { columns: [customer_id] }
    foreign_keys:
      payment_customer_fkey: { columns: [customer_id], references: { table: customer, columns: [id] } }
  payment_2024_01:
    partition_of: payment
    for_values: "FROM ('2024-01-01') TO ('2024-02-01')"
`;

const paymentsSql = `
  CREATE TABLE customer (id integer PRIMARY KEY);
  CREATE TABLE payment (id bigint, customer_id integer NOT NULL REFERENCES customer (id), amount numeric(10,2),
    payment_date date NOT NULL, PRIMARY KEY (id, payment_date), CONSTRAINT payment_amount_check CHECK (amount >= 0)) PARTITION BY RANGE (payment_date);
  ALTER TABLE payment RENAME CONSTRAINT payment_customer_id_fkey TO payment_customer_fkey;
  CREATE INDEX payment_customer_idx ON payment (customer_id);
  CREATE TABLE payment_2024_01 PARTITION OF payment FOR VALUES FROM ('2024-01-01') TO ('2024-02-01');
  INSERT INTO customer VALUES (1);
`;

export const partitionCases: readonly PlanCase[] = [
  {
    name: 'create a partitioned table with a key, a check, an index and a foreign key, and its partitions: by range, list and hash, and a default one',
    desired: `
tables:${customers}${payments}
  payment_2024_02:
    partition_of: payment
    for_values: "FROM ('2024-02-01') TO ('2024-03-01')"
    indexes:
      payment_2024_02_amount_idx: { columns: [amount] }
  payment_other:
    partition_of: payment
    default: true
  region_sale:
    partition_by: "LIST (lower(region))"
    columns:
      id: bigint
      region: text
  region_sale_eu:
    partition_of: region_sale
    for_values: "IN ('eu', 'fr')"
    comment: European sales
  session:
    partition_by: "HASH (id)"
    columns:
      id: { type: bigint, nullable: false }
  session_0:
    partition_of: session
    for_values: "WITH (modulus 2, remainder 0)"
  session_1:
    partition_of: session
    for_values: "WITH (modulus 2, remainder 1)"
`,
    steps: [
      'create_table public.customer',
      'create_table public.payment',
      'create_table public.payment_2024_01',
      'create_table public.payment_2024_02',
      'create_table public.payment_other',
      'create_table public.region_sale',
      'create_table public.region_sale_eu',
      'create_table public.session',
      'create_table public.session_0',
      'create_table public.session_1',
      'create_index public.payment.payment_customer_idx',
      'create_index public.payment_2024_02.payment_2024_02_amount_idx',
      'add_foreign_key public.payment.payment_customer_fkey',
    ],
    sqlContains: [
      'PARTITION BY RANGE (payment_date)',
      "CREATE TABLE public.payment_2024_01 PARTITION OF public.payment FOR VALUES FROM ('2024-01-01') TO ('2024-02-01')",
      'CREATE TABLE public.payment_other PARTITION OF public.payment DEFAULT',
      'PARTITION BY LIST (lower(region))',
      'CREATE TABLE public.session_1 PARTITION OF public.session FOR VALUES WITH (modulus 2, remainder 1)',
    ],
    after: [
      {
        sql: `INSERT INTO customer VALUES (1); INSERT INTO payment VALUES (1, 1, 5, '2024-01-15'), (2, 1, 7, '2030-01-01') RETURNING tableoid::regclass::text AS part`,
        rows: [{ part: 'payment_2024_01' }, { part: 'payment_other' }],
      },
      { sql: `SELECT count(*)::int AS n FROM pg_indexes WHERE tablename = 'payment_2024_01'`, rows: [{ n: 2 }] },
    ],
  },
  {
    name: 'add a partition to an existing partitioned table',
    before: paymentsSql,
    desired: `
tables:${customers}${payments}
  payment_2024_02:
    partition_of: payment
    for_values: "FROM ('2024-02-01') TO ('2024-03-01')"
`,
    steps: ['create_table public.payment_2024_02'],
  },
  {
    name: 'drop a partition: its rows go, counted',
    before: `${paymentsSql}
  CREATE TABLE payment_2024_02 PARTITION OF payment FOR VALUES FROM ('2024-02-01') TO ('2024-03-01');
  INSERT INTO payment VALUES (1, 1, 5, '2024-02-03'), (2, 1, 6, '2024-02-04');`,
    desired: `
tables:${customers}${payments}`,
    steps: ['drop_table public.payment_2024_02'],
    hazards: { 'drop_table public.payment_2024_02': ['data_loss', 'irreversible'] },
  },
  {
    name: 'drop a partitioned table with its partitions',
    before: paymentsSql,
    desired: `
tables:${customers}`,
    steps: ['drop_foreign_key public.payment.payment_customer_fkey', 'drop_table public.payment_2024_01', 'drop_table public.payment'],
    hazards: { 'drop_table public.payment_2024_01': ['data_loss', 'irreversible'], 'drop_table public.payment': ['data_loss', 'irreversible'] },
  },
  {
    name: 'attach an existing table as a partition: it gets the key, index, check and foreign key of its parent; downgrade detaches it and drops them',
    before: `${paymentsSql}
  CREATE TABLE payment_2024_02 (id bigint NOT NULL, customer_id integer NOT NULL, amount numeric(10,2), payment_date date NOT NULL);
  INSERT INTO payment_2024_02 VALUES (1, 1, 5, '2024-02-03');`,
    desired: `
tables:${customers}${payments}
  payment_2024_02:
    partition_of: payment
    for_values: "FROM ('2024-02-01') TO ('2024-03-01')"
`,
    steps: ['attach_partition public.payment_2024_02'],
    hazards: { 'attach_partition public.payment_2024_02': ['may_fail', 'blocking'] },
    sqlContains: ["ALTER TABLE public.payment ATTACH PARTITION public.payment_2024_02 FOR VALUES FROM ('2024-02-01') TO ('2024-03-01')"],
    after: [{ sql: `SELECT tableoid::regclass::text AS part FROM payment`, rows: [{ part: 'payment_2024_02' }] }],
  },
  {
    name: "detach a partition: it stays, a table of its own with the copies of its parent's key, index, check and foreign key the file gives it",
    before: `${paymentsSql}
  INSERT INTO payment VALUES (1, 1, 5, '2024-01-03');`,
    desired: `
tables:${customers}${payments.replace(/  payment_2024_01:[\s\S]*$/, '')}
  payment_2024_01:
    columns:
      id: { type: bigint, nullable: false }
      customer_id: { type: integer, nullable: false }
      amount: numeric(10,2)
      payment_date: { type: date, nullable: false }
    primary_key: [id, payment_date]
    checks:
      payment_amount_check: amount >= 0
    foreign_keys:
      payment_customer_fkey: { columns: [customer_id], references: { table: customer, columns: [id] } }
`,
    steps: ['detach_partition public.payment_2024_01', 'drop_index public.payment_2024_01.payment_2024_01_customer_id_idx'],
    hazards: { 'detach_partition public.payment_2024_01': ['blocking'] },
    after: [{ sql: `SELECT count(*)::int AS n FROM payment`, rows: [{ n: 0 }] }],
  },
  {
    name: 'move a partition to other bounds: detached, then attached with the new ones',
    before: paymentsSql,
    desired: `
tables:${customers}${payments.replace("TO ('2024-02-01')", "TO ('2024-03-01')")}`,
    steps: ['detach_partition public.payment_2024_01', 'attach_partition public.payment_2024_01'],
    hazards: { 'detach_partition public.payment_2024_01': ['blocking'], 'attach_partition public.payment_2024_01': ['may_fail', 'blocking'] },
  },
  {
    name: 'a column added to and one widened on a partitioned table: planned once, on the parent, which changes every partition',
    before: paymentsSql,
    desired: `
tables:${customers}${payments.replace('      amount: numeric(10,2)', '      amount: numeric(12,2)\n      note: text')}`,
    steps: ['alter_column public.payment.amount', 'add_column public.payment.note'],
    after: [
      {
        sql: `SELECT format_type(atttypid, atttypmod) AS t FROM pg_attribute WHERE attrelid = 'payment_2024_01'::regclass AND attname IN ('amount', 'note') ORDER BY attname`,
        rows: [{ t: 'numeric(12,2)' }, { t: 'text' }],
      },
    ],
  },
];
