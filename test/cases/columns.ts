// Tables and columns: creating, dropping, altering; the cast table's widening vs narrowing per
// type family.
import type { HazardCode } from '../../src/plan/types.js';
import type { PlanCase } from '../support/cases.js';

const table = (column: string): string => `CREATE TABLE t (id integer PRIMARY KEY, c ${column});`;
const desired = (column: string): string => `
tables:
  t:
    columns:
      id: { type: integer, primary_key: true }
      c: "${column}"
`;

/** A type change on an existing table holding a row that survives it. */
function typeChange(from: string, to: string, value: string, hazards: readonly HazardCode[] | undefined, extra: Partial<PlanCase> = {}): PlanCase {
  return {
    name: `${from} -> ${to}`,
    before: `${table(from)} INSERT INTO t VALUES (1, ${value});`,
    desired: desired(to),
    steps: ['alter_column public.t.c'],
    ...(hazards ? { hazards: { 'alter_column public.t.c': hazards } } : {}),
    ...extra,
  };
}

const LOSSY = ['lossy_type_change', 'irreversible', 'table_rewrite'] as const;

export const columnCases: readonly PlanCase[] = [
  {
    // YAML would read these keys as 7, 1000, 16 and 1.2345678901234568e+29: the plan would drop
    // the table "007" and its rows, and create "7".
    name: 'keys are names as written: 007, 1e3, 0x10 and a 30-digit number',
    before: `CREATE TABLE "007" ("007" integer, "1e3" text); INSERT INTO "007" VALUES (7, 'kept');`,
    desired: `
tables:
  007:
    columns:
      007: integer
      1e3: text
      0x10: { type: integer, default: 0x10 }
  123456789012345678901234567890:
    columns:
      1.0: integer
    primary_key: [1.0]
`,
    steps: ['create_table public."123456789012345678901234567890"', 'add_column public."007"."0x10"'],
    after: [{ sql: 'SELECT "007", "1e3", "0x10" FROM "007"', rows: [{ '007': 7, '1e3': 'kept', '0x10': 16 }] }],
  },
  {
    name: 'create a table with every kind of column',
    desired: `
tables:
  things:
    comment: Things we keep
    columns:
      id:       { type: bigint, identity: always, primary_key: true }
      code:     { type: varchar(20), nullable: false, unique: true, comment: The public code }
      price:    { type: numeric(10,2), nullable: false, default: 0 }
      ratio:    { type: double precision, default: 0.5 }
      tags:     { type: "text[]", default: { sql: "'{}'::text[]" } }
      payload:  { type: jsonb, nullable: false, default: { sql: "'{}'::jsonb" } }
      seen_at:  { type: timestamptz(3), default: { sql: now() } }
      active:   { type: boolean, nullable: false, default: true }
      note:     text
      big:      { type: numeric, default: 12345678901234567890 }
`,
    steps: ['create_table public.things'],
    after: [
      {
        sql: `SELECT column_name, data_type, is_nullable, column_default FROM information_schema.columns WHERE table_name = 'things' ORDER BY ordinal_position`,
        rows: [
          { column_name: 'id', data_type: 'bigint', is_nullable: 'NO', column_default: null },
          { column_name: 'code', data_type: 'character varying', is_nullable: 'NO', column_default: null },
          { column_name: 'price', data_type: 'numeric', is_nullable: 'NO', column_default: '0' },
          { column_name: 'ratio', data_type: 'double precision', is_nullable: 'YES', column_default: '0.5' },
          { column_name: 'tags', data_type: 'ARRAY', is_nullable: 'YES', column_default: "'{}'::text[]" },
          { column_name: 'payload', data_type: 'jsonb', is_nullable: 'NO', column_default: "'{}'::jsonb" },
          { column_name: 'seen_at', data_type: 'timestamp with time zone', is_nullable: 'YES', column_default: 'now()' },
          { column_name: 'active', data_type: 'boolean', is_nullable: 'NO', column_default: 'true' },
          { column_name: 'note', data_type: 'text', is_nullable: 'YES', column_default: null },
          { column_name: 'big', data_type: 'numeric', is_nullable: 'YES', column_default: "'12345678901234567890'::numeric" },
        ],
      },
      { sql: `SELECT obj_description('public.things'::regclass, 'pg_class') AS comment`, rows: [{ comment: 'Things we keep' }] },
    ],
  },
  {
    name: 'drop a table that holds rows',
    before: `CREATE TABLE old (id integer PRIMARY KEY, v text); INSERT INTO old VALUES (1, 'a'), (2, 'b');`,
    desired: `tables: {}`,
    steps: ['drop_table public.old'],
    hazards: { 'drop_table public.old': ['data_loss', 'irreversible'] },
  },
  {
    name: 'add a nullable column',
    before: `${table('text')} INSERT INTO t VALUES (1, 'x');`,
    desired: `
tables:
  t:
    columns:
      id: { type: integer, primary_key: true }
      c: text
      d: { type: integer, comment: A new one }
`,
    steps: ['add_column public.t.d'],
  },
  {
    name: 'add a NOT NULL column without a default to a table with rows',
    before: `${table('text')} INSERT INTO t VALUES (1, 'x');`,
    desired: `
tables:
  t:
    columns:
      id: { type: integer, primary_key: true }
      c: text
      d: { type: integer, nullable: false, default: 7 }
`,
    steps: ['add_column public.t.d'],
    after: [{ sql: 'SELECT d FROM t', rows: [{ d: 7 }] }],
  },
  {
    name: 'add a NOT NULL column without a default may fail',
    before: table('text'),
    desired: `
tables:
  t:
    columns:
      id: { type: integer, primary_key: true }
      c: text
      d: { type: integer, nullable: false }
`,
    steps: ['add_column public.t.d'],
    hazards: { 'add_column public.t.d': ['may_fail'] },
  },
  {
    name: 'drop a column',
    before: `CREATE TABLE t (id integer PRIMARY KEY, c text, gone integer); INSERT INTO t VALUES (1, 'x', 5);`,
    desired: desired('text'),
    steps: ['drop_column public.t.gone'],
    hazards: { 'drop_column public.t.gone': ['data_loss', 'irreversible'] },
    after: [{ sql: 'SELECT id, c FROM t', rows: [{ id: 1, c: 'x' }] }],
  },
  {
    name: 'SET NOT NULL may fail and blocks',
    before: `${table('text')} INSERT INTO t VALUES (1, 'x');`,
    desired: `
tables:
  t:
    columns:
      id: { type: integer, primary_key: true }
      c: { type: text, nullable: false }
`,
    steps: ['alter_column public.t.c'],
    hazards: { 'alter_column public.t.c': ['may_fail', 'blocking'] },
    sqlContains: ['ALTER TABLE public.t ALTER COLUMN c SET NOT NULL'],
  },
  {
    name: 'change a default from a literal to an expression and back to none',
    before: `CREATE TABLE t (id integer PRIMARY KEY, c text DEFAULT 'a', d timestamptz, e integer DEFAULT 3);`,
    desired: `
tables:
  t:
    columns:
      id: { type: integer, primary_key: true }
      c: { type: text, default: b }
      d: { type: timestamptz, default: { sql: CURRENT_TIMESTAMP } }
      e: integer
`,
    steps: ['alter_column public.t.c', 'alter_column public.t.d', 'alter_column public.t.e'],
  },
  {
    name: 'add an identity to an existing column',
    before: `CREATE TABLE t (id integer NOT NULL, c text); INSERT INTO t VALUES (10, 'x');`,
    desired: `
tables:
  t:
    columns:
      id: { type: integer, identity: by_default }
      c: text
`,
    steps: ['alter_column public.t.id'],
    sqlContains: ['ALTER TABLE public.t ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY', "SELECT pg_catalog.setval(pg_catalog.pg_get_serial_sequence('public.t', 'id'), max(id)) FROM public.t HAVING max(id) >= 1"],
  },
  {
    name: 'change comments of a table and a column',
    before: `CREATE TABLE t (id integer PRIMARY KEY, c text); COMMENT ON TABLE t IS 'old'; COMMENT ON COLUMN t.c IS 'old c';`,
    desired: `
tables:
  t:
    comment: "new: it's better"
    columns:
      id: { type: integer, primary_key: true }
      c: { type: text, comment: new c }
`,
    steps: ['alter_column public.t.c', 'alter_table public.t'],
    after: [{ sql: `SELECT obj_description('public.t'::regclass, 'pg_class') AS d`, rows: [{ d: "new: it's better" }] }],
  },

  {
    name: 'a generated column listed as a plain one becomes plain, keeping its values; the way back regenerates it',
    before: `
CREATE TABLE g (id integer PRIMARY KEY, a integer, b integer GENERATED ALWAYS AS (a * 2) STORED, c text GENERATED ALWAYS AS ('x' || a) STORED);
CREATE INDEX g_b_idx ON g (b);
INSERT INTO g (id, a) VALUES (1, 5);`,
    desired: `
tables:
  g:
    columns:
      id: { type: integer, primary_key: true }
      a: integer
      b: integer
      c: text
    indexes:
      g_b_idx: { columns: [b] }
`,
    steps: ['alter_column public.g.b', 'alter_column public.g.c'],
    sqlContains: ['ALTER TABLE public.g ALTER COLUMN b DROP EXPRESSION'],
    after: [{ sql: 'SELECT b, c FROM g', rows: [{ b: 10, c: 'x5' }] }],
  },
  // The cast table, family by family.
  typeChange('bigint', 'integer', '42', LOSSY),
  typeChange('varchar(100)', 'varchar(10)', `'short'`, LOSSY),
  typeChange('numeric(10,2)', 'numeric(8,0)', '12.5', LOSSY),
  typeChange('timestamptz', 'date', `'2026-01-02 03:04:05+00'`, LOSSY),
  typeChange('text', 'integer', `'17'`, LOSSY, { sqlContains: ['ALTER COLUMN c TYPE integer USING c::integer'] }),
  typeChange('integer', 'bigint', '42', ['table_rewrite']),
  typeChange('smallint', 'integer', '42', ['table_rewrite']),
  typeChange('varchar(10)', 'text', `'x'`, undefined),
  typeChange('varchar(10)', 'varchar(100)', `'x'`, undefined),
  typeChange('numeric(8,2)', 'numeric(12,2)', '1.25', undefined),
  typeChange('timestamp(6)', 'timestamp(3)', `'2026-01-01 00:00:00.123456'`, LOSSY),
  typeChange('double precision', 'real', '1.5', LOSSY),
  typeChange('real', 'double precision', '1.5', ['table_rewrite']),
  typeChange('integer', 'numeric(12,2)', '42', ['table_rewrite']),
  typeChange('integer', 'numeric(5,2)', '42', LOSSY),
  typeChange('numeric(10,2)', 'integer', '42.00', LOSSY),
  typeChange('json', 'jsonb', `'{"a": 1}'`, LOSSY),
  typeChange('jsonb', 'text', `'{"a": 1}'`, ['table_rewrite']),
  typeChange('date', 'timestamptz', `'2026-01-02'`, ['table_rewrite']),
  typeChange('text[]', 'varchar(5)[]', `'{ab}'`, LOSSY),
  typeChange('uuid', 'text', `'9f0c2f8e-1a1b-4c2d-9e3f-0a1b2c3d4e5f'`, ['table_rewrite']),
  typeChange('text', 'uuid', `'9f0c2f8e-1a1b-4c2d-9e3f-0a1b2c3d4e5f'`, LOSSY, { sqlContains: ['USING c::uuid'] }),
  typeChange('boolean', 'integer', 'true', ['table_rewrite'], { sqlContains: ['USING c::integer'] }),
];
