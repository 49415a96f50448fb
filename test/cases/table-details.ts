// The details of a table's members: generated columns and column collations.
import type { PlanCase } from '../support/cases.js';

const items = (total: string, extra = ''): string => `
tables:
  items:
    columns:
      id: { type: integer, primary_key: true }
      price: { type: numeric(10,2), nullable: false }
      qty: { type: integer, nullable: false }
      total: ${total}${extra}
`;

const ITEMS = `CREATE TABLE items (id integer PRIMARY KEY, price numeric(10,2) NOT NULL, qty integer NOT NULL);
INSERT INTO items VALUES (1, 2.50, 4);`;

export const tableDetailCases: readonly PlanCase[] = [
  {
    name: 'create a table with a generated column and collated columns',
    desired: `
tables:
  parts:
    columns:
      id: { type: integer, primary_key: true }
      price: { type: numeric(10,2), nullable: false }
      qty: { type: integer, nullable: false, default: 1 }
      total: { type: numeric, generated: "price * qty" }
      label: { type: text, generated: { sql: "upper(code)" }, collation: C }
      code: { type: text, collation: C }
      title: { type: "varchar(40)", collation: "POSIX" }
    indexes:
      parts_code_idx: { columns: [code] }
`,
    steps: ['create_table public.parts', 'create_index public.parts.parts_code_idx'],
    sqlContains: ['total numeric GENERATED ALWAYS AS (price * (qty)::numeric) STORED', 'code text COLLATE "C"', 'title character varying(40) COLLATE "POSIX"'],
    after: [
      { sql: `INSERT INTO parts (id, price, qty, code) VALUES (1, 2.50, 4, 'ab') RETURNING total::text, label`, rows: [{ total: '10.00', label: 'AB' }] },
      {
        sql: `SELECT a.attname, co.collname FROM pg_attribute a JOIN pg_collation co ON co.oid = a.attcollation WHERE a.attrelid = 'parts'::regclass AND a.attname IN ('code', 'title', 'label') ORDER BY 1`,
        rows: [
          { attname: 'code', collname: 'C' },
          { attname: 'label', collname: 'C' },
          { attname: 'title', collname: 'POSIX' },
        ],
      },
    ],
  },
  {
    name: 'add a generated column to a table with rows: computed for every row',
    before: ITEMS,
    desired: items('{ type: numeric, generated: "price * qty" }'),
    steps: ['add_column public.items.total'],
    hazards: { 'add_column public.items.total': ['table_rewrite'] },
    after: [{ sql: 'SELECT total::text FROM items', rows: [{ total: '10.00' }] }],
  },
  {
    name: "change a generated column's expression: dropped and added again, its values computed anew",
    before: `${ITEMS.replace('qty integer NOT NULL)', 'qty integer NOT NULL, total numeric GENERATED ALWAYS AS (price * qty) STORED)')}
CREATE INDEX items_total_idx ON items (total);`,
    desired: items('{ type: numeric, generated: "price * qty * 2" }', '\n    indexes:\n      items_total_idx: { columns: [total] }'),
    steps: ['drop_index public.items.items_total_idx', 'alter_column public.items.total', 'create_index public.items.items_total_idx'],
    hazards: { 'alter_column public.items.total': ['data_loss', 'table_rewrite'], 'create_index public.items.items_total_idx': ['blocking'] },
    sqlContains: ['ALTER TABLE public.items DROP COLUMN total', 'ADD COLUMN total numeric GENERATED ALWAYS AS ((price * (qty)::numeric) * (2)::numeric) STORED'],
    after: [{ sql: 'SELECT total::text FROM items', rows: [{ total: '20.00' }] }],
  },
  {
    name: 'a generated column written the way the server prints it, or another way, is the same column: nothing to do',
    before: `CREATE TABLE items (id integer PRIMARY KEY, price numeric(10,2) NOT NULL, qty integer NOT NULL, total numeric GENERATED ALWAYS AS (price * qty) STORED);`,
    desired: items('{ type: numeric, generated: "(price * (qty)::numeric)" }'),
    steps: [],
  },
  {
    name: 'a generated column becomes plain (DROP EXPRESSION), keeping its values; the way back computes them again',
    before: `${ITEMS.replace('qty integer NOT NULL)', 'qty integer NOT NULL, total numeric GENERATED ALWAYS AS (price * qty) STORED)')}`,
    desired: items('numeric'),
    steps: ['alter_column public.items.total'],
    sqlContains: ['ALTER TABLE public.items ALTER COLUMN total DROP EXPRESSION'],
    after: [{ sql: `UPDATE items SET price = 1 RETURNING total::text`, rows: [{ total: '10.00' }] }],
  },
  {
    name: 'a plain column becomes generated: dropped and added again',
    before: `${ITEMS.replace('qty integer NOT NULL)', 'qty integer NOT NULL, total numeric)')}`,
    desired: items('{ type: numeric, generated: "price * qty" }'),
    steps: ['alter_column public.items.total'],
    hazards: { 'alter_column public.items.total': ['data_loss', 'table_rewrite'] },
    after: [{ sql: 'SELECT total::text FROM items', rows: [{ total: '10.00' }] }],
  },
  {
    name: 'a column gets a collation: its index is rebuilt with it; the way back takes the default again',
    before: `CREATE TABLE words (id integer PRIMARY KEY, w text, n text COLLATE "POSIX");
CREATE INDEX words_w_idx ON words (w);
INSERT INTO words VALUES (1, 'b', 'x'), (2, 'B', 'y'), (3, 'a', 'z');`,
    desired: `
tables:
  words:
    columns:
      id: { type: integer, primary_key: true }
      w: { type: text, collation: C }
      n: text
    indexes:
      words_w_idx: { columns: [w] }
`,
    steps: ['alter_column public.words.w', 'alter_column public.words.n'],
    hazards: { 'alter_column public.words.n': ['blocking'], 'alter_column public.words.w': ['blocking'] },
    sqlContains: ['ALTER TABLE public.words ALTER COLUMN w TYPE text COLLATE "C"', 'ALTER TABLE public.words ALTER COLUMN n TYPE text COLLATE pg_catalog."default"'],
    after: [{ sql: `SELECT string_agg(w, '' ORDER BY w) AS s FROM words`, rows: [{ s: 'Bab' }] }],
  },
  {
    name: 'a collated column changes type: the collation stays',
    before: `CREATE TABLE words (id integer PRIMARY KEY, w varchar(10) COLLATE "C");`,
    desired: `
tables:
  words:
    columns:
      id: { type: integer, primary_key: true }
      w: { type: text, collation: C }
`,
    steps: ['alter_column public.words.w'],
    sqlContains: ['ALTER TABLE public.words ALTER COLUMN w TYPE text COLLATE "C"'],
  },
];
