// The details of a table's members: generated columns, column collations, and the operator
// classes, collations, storage parameters and methods of indexes; deferrable keys.
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

const DOCS = `
tables:
  docs:
    columns:
      id: { type: integer, primary_key: true }
      slug: { type: text, nullable: false }
      body: text
      tsv: tsvector
      tags: jsonb
      during: tstzrange
    indexes:
      docs_slug_pattern: { columns: [{ column: slug, opclass: text_pattern_ops }] }
      docs_slug_c: { columns: [{ column: slug, collation: C }], with: { fillfactor: 70 } }
      docs_body_fts: { method: gin, columns: [{ expression: "to_tsvector('english', body)" }], with: { fastupdate: off } }
      docs_tsv: { method: gist, columns: [tsv] }
      docs_tags_path: { method: gin, columns: [{ column: tags, opclass: jsonb_path_ops }] }
      docs_during: { method: gist, columns: [during] }
      docs_id_brin: { method: brin, columns: [id], with: { pages_per_range: 32 } }
      docs_slug_hash: { method: hash, columns: [slug] }
`;

const DOCS_SQL = `CREATE TABLE docs (id integer PRIMARY KEY, slug text NOT NULL, body text, tsv tsvector, tags jsonb, during tstzrange);
CREATE INDEX docs_slug_pattern ON docs (slug text_pattern_ops);
CREATE INDEX docs_slug_c ON docs (slug COLLATE "C") WITH (fillfactor = 70);
CREATE INDEX docs_body_fts ON docs USING gin (to_tsvector('english', body)) WITH (fastupdate = off);
CREATE INDEX docs_tsv ON docs USING gist (tsv);
CREATE INDEX docs_tags_path ON docs USING gin (tags jsonb_path_ops);
CREATE INDEX docs_during ON docs USING gist (during);
CREATE INDEX docs_id_brin ON docs USING brin (id) WITH (pages_per_range = 32);
CREATE INDEX docs_slug_hash ON docs USING hash (slug);
INSERT INTO docs VALUES (1, 'a', 'the quick brown fox', 'fox', '{"a": 1}', '[2026-01-01, 2026-02-01)');`;

const DOC_INDEXES = `SELECT pg_get_indexdef(indexrelid) AS def FROM pg_index WHERE indrelid = 'docs'::regclass AND NOT indisprimary ORDER BY 1`;
const DOC_INDEX_ROWS = [
  { def: "CREATE INDEX docs_body_fts ON public.docs USING gin (to_tsvector('english'::regconfig, body)) WITH (fastupdate=off)" },
  { def: 'CREATE INDEX docs_during ON public.docs USING gist (during)' },
  { def: "CREATE INDEX docs_id_brin ON public.docs USING brin (id) WITH (pages_per_range='32')" },
  { def: `CREATE INDEX docs_slug_c ON public.docs USING btree (slug COLLATE "C") WITH (fillfactor='70')` },
  { def: 'CREATE INDEX docs_slug_hash ON public.docs USING hash (slug)' },
  { def: 'CREATE INDEX docs_slug_pattern ON public.docs USING btree (slug text_pattern_ops)' },
  { def: 'CREATE INDEX docs_tags_path ON public.docs USING gin (tags jsonb_path_ops)' },
  { def: 'CREATE INDEX docs_tsv ON public.docs USING gist (tsv)' },
];

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
  {
    name: 'create indexes with an operator class, a collation, storage parameters, gin full text, gist, brin and hash',
    desired: DOCS,
    steps: [
      'create_table public.docs',
      'create_index public.docs.docs_slug_pattern',
      'create_index public.docs.docs_slug_c',
      'create_index public.docs.docs_body_fts',
      'create_index public.docs.docs_tsv',
      'create_index public.docs.docs_tags_path',
      'create_index public.docs.docs_during',
      'create_index public.docs.docs_id_brin',
      'create_index public.docs.docs_slug_hash',
    ],
    after: [{ sql: DOC_INDEXES, rows: DOC_INDEX_ROWS }],
  },
  {
    name: 'indexes made by hand with operator classes, collations and storage parameters are the same indexes: nothing to do',
    before: DOCS_SQL,
    desired: DOCS,
    steps: [],
  },
  {
    name: "an index's operator class, collation or storage parameters change: dropped and made again",
    before: DOCS_SQL,
    desired: DOCS.replace('opclass: text_pattern_ops', 'opclass: varchar_pattern_ops')
      .replace('{ column: slug, collation: C }', '{ column: slug, collation: POSIX }')
      .replace('fillfactor: 70', 'fillfactor: 80')
      .replace('opclass: jsonb_path_ops', 'opclass: jsonb_ops'),
    steps: [
      'drop_index public.docs.docs_slug_c',
      'drop_index public.docs.docs_slug_pattern',
      'drop_index public.docs.docs_tags_path',
      'create_index public.docs.docs_slug_c',
      'create_index public.docs.docs_slug_pattern',
      'create_index public.docs.docs_tags_path',
    ],
    hazards: { 'create_index public.docs.docs_slug_c': ['blocking'], 'create_index public.docs.docs_slug_pattern': ['blocking'], 'create_index public.docs.docs_tags_path': ['blocking'] },
    sqlContains: ['(slug COLLATE "POSIX") WITH (fillfactor = \'80\')', '(slug varchar_pattern_ops)', 'USING gin (tags)'],
  },
  {
    name: 'deferrable keys: a primary key and a unique constraint checked at commit, made and then made immediate again',
    desired: `
tables:
  seats:
    columns:
      id: integer
      row_no: integer
      place: integer
    primary_key: { columns: [id], deferrable: true }
    unique:
      seats_place_key: { columns: [row_no, place], initially_deferred: true }
`,
    steps: ['create_table public.seats'],
    sqlContains: ['CONSTRAINT seats_pkey PRIMARY KEY (id) DEFERRABLE', 'CONSTRAINT seats_place_key UNIQUE (row_no, place) DEFERRABLE INITIALLY DEFERRED'],
    after: [
      {
        sql: `SELECT conname, condeferrable, condeferred FROM pg_constraint WHERE conrelid = 'seats'::regclass ORDER BY 1`,
        rows: [
          { conname: 'seats_pkey', condeferrable: true, condeferred: false },
          { conname: 'seats_place_key', condeferrable: true, condeferred: true },
        ],
      },
    ],
  },
  {
    name: 'a unique constraint becomes deferrable: dropped and added again; one made by hand so is kept',
    before: `CREATE TABLE seats (id integer PRIMARY KEY DEFERRABLE INITIALLY DEFERRED, row_no integer, place integer, CONSTRAINT seats_place_key UNIQUE (row_no, place));
INSERT INTO seats VALUES (1, 1, 1), (2, 1, 2);`,
    desired: `
tables:
  seats:
    columns:
      id: integer
      row_no: integer
      place: integer
    primary_key: { columns: [id], deferrable: true, initially_deferred: true }
    unique:
      seats_place_key: { columns: [row_no, place], deferrable: true }
`,
    steps: ['drop_unique public.seats.seats_place_key', 'add_unique public.seats.seats_place_key'],
    hazards: { 'add_unique public.seats.seats_place_key': ['blocking', 'may_fail'] },
    after: [{ sql: `BEGIN; SET CONSTRAINTS ALL DEFERRED; UPDATE seats SET place = 3 - place; COMMIT; SELECT count(*)::int AS n FROM seats`, rows: [{ n: 2 }] }],
  },
];
