// Bad input: one clear diagnostic per problem, at its line (and column), nothing executed.
// Each YAML text starts on line 1 (no leading newline), so the lines read as written.
import type { ErrorCase } from '../support/cases.js';

export const errorCases: readonly ErrorCase[] = [
  {
    name: 'malformed YAML',
    desired: `tables:
  t:
    columns:
      id: { type: integer
      x: text
`,
    errors: [{ line: 5, code: 'yaml_syntax', message: 'invalid YAML' }],
  },
  {
    name: 'an unknown key, with a suggestion',
    desired: `tables:
  t:
    columns:
      id: { type: integer, nulable: false }
`,
    errors: [{ line: 4, col: 28, code: 'unknown_key', message: 'unknown key "nulable". Did you mean "nullable"?' }],
  },
  {
    name: 'settings that are not durations or counts, said in words',
    desired: `settings:
  lock_timeout: 5x
  lock_retries: -1
tables: {}
`,
    errors: [
      { line: 2, col: 17, code: 'schema_violation', message: 'settings.lock_timeout: "5x" is not a duration' },
      { line: 3, col: 17, code: 'schema_violation', message: 'settings.lock_retries: must be 0 or more' },
    ],
  },
  {
    name: 'a timeout without a unit, or longer than PostgreSQL holds, at its line',
    desired: `settings:
  lock_timeout: 5
  statement_timeout: 99999999999h
tables: {}
`,
    errors: [
      { line: 2, col: 17, code: 'schema_violation', message: 'settings.lock_timeout: 5 needs a unit, like 5s' },
      { line: 3, col: 22, code: 'schema_violation', message: 'settings.statement_timeout: "99999999999h" is longer than PostgreSQL allows for a timeout (2147483647 ms, about 24 days)' },
    ],
  },
  {
    name: 'an unknown type, with a suggestion',
    desired: `tables:
  t:
    columns:
      id: integr
`,
    errors: [{ line: 4, col: 11, code: 'unknown_type', message: 'unknown type "integr". Did you mean "integer"?' }],
  },
  {
    name: 'a serial type, with the identity it should be',
    desired: `tables:
  t:
    columns:
      id: bigserial
`,
    errors: [{ line: 4, col: 11, code: 'unsupported_type', message: '"bigserial" is not a type' }],
  },
  {
    name: 'a foreign key to an unknown table, with a suggestion',
    desired: `tables:
  users:
    columns:
      id: { type: integer, primary_key: true }
  orders:
    columns:
      user_id: integer
    foreign_keys:
      orders_user_fk: { columns: [user_id], references: user(id) }
`,
    errors: [{ line: 9, col: 57, code: 'unknown_table', message: 'references unknown table "user". Did you mean "users"?' }],
  },
  {
    name: 'an index on an unknown column',
    desired: `tables:
  users:
    columns:
      id: { type: integer, primary_key: true }
      email: text
    indexes:
      users_mail_idx: { columns: [id, mail] }
`,
    errors: [{ line: 7, col: 39, code: 'unknown_column', message: 'table "users" has no column "mail"' }],
  },
  {
    name: 'a check naming an unknown column, pointed at inside the expression',
    desired: `tables:
  orders:
    columns:
      total: numeric
    checks:
      orders_total_check: totl >= 0 AND total < 100
`,
    errors: [{ line: 6, col: 27, code: 'unknown_column', message: 'has no column "totl". Did you mean "total"?' }],
  },
  {
    name: 'an identifier over 63 bytes',
    desired: `tables:
  ${'t'.repeat(64)}:
    columns:
      id: integer
`,
    errors: [{ line: 2, col: 3, code: 'identifier_too_long', message: 'is 64 bytes long' }],
  },
  {
    name: 'an identifier of 32 two-byte characters is 64 bytes',
    desired: `tables:
  t:
    columns:
      ${'é'.repeat(32)}: integer
`,
    errors: [{ line: 4, col: 7, code: 'identifier_too_long', message: 'is 64 bytes long' }],
  },
  {
    name: 'an index named like a table in the same schema',
    desired: `tables:
  users:
    columns:
      id: integer
  things:
    columns:
      id: integer
    indexes:
      users: { columns: [id] }
`,
    errors: [{ line: 9, col: 7, code: 'duplicate_name', message: 'already taken in schema "public" by table "users" (line 2)' }],
  },
  {
    name: 'an SQL statement where an expression belongs',
    desired: `tables:
  t:
    columns:
      id: integer
      x: { type: integer, default: { sql: "1; DROP TABLE t" } }
`,
    errors: [{ line: 5, code: 'bad_expression', message: 'a ";" ends a statement' }],
  },
  {
    name: 'an expression that breaks out of its parentheses',
    desired: `tables:
  t:
    columns:
      id: integer
    checks:
      t_check: "true) NOT VALID; SELECT (1"
`,
    errors: [{ line: 6, code: 'bad_expression', message: 'check "t_check"' }],
  },
  {
    name: 'a foreign key to columns that are not a unique key',
    desired: `tables:
  a:
    columns:
      id: { type: integer, primary_key: true }
      code: text
  b:
    columns:
      code: text
    foreign_keys:
      b_code_fk: { columns: [code], references: a(code) }
`,
    errors: [{ line: 10, code: 'bad_reference', message: 'a(code) is not a primary key or unique constraint' }],
  },
  {
    name: 'an unknown function in a default is found by the server, at its line',
    desired: `tables:
  t:
    columns:
      id: integer
      made: { type: timestamptz, default: { sql: no_such_function() } }
`,
    errors: [{ line: 5, code: 'bad_expression', message: 'function no_such_function() does not exist' }],
  },
  {
    name: 'a literal default that does not fit its type is found by the server',
    desired: `tables:
  t:
    columns:
      n: { type: integer, default: many }
`,
    errors: [{ line: 4, code: 'bad_expression', message: 'default of column "n": the default \'many\' does not fit type integer: invalid input syntax for type integer' }],
  },
  {
    name: 'literal defaults out of range, too long, or rounded by their type, each at its line',
    desired: `tables:
  t:
    columns:
      a: { type: smallint, default: 99999 }
      b: { type: varchar(2), default: abcdef }
      c: { type: integer, default: 1.5 }
      d: { type: numeric(12,2), default: 0 }
      e: { type: integer, default: 1e3 }
`,
    errors: [
      { line: 4, col: 37, code: 'bad_expression', message: 'default of column "a": the default 99999 does not fit type smallint: smallint out of range' },
      { line: 5, col: 39, code: 'bad_expression', message: `default of column "b": the default 'abcdef' does not fit type varchar(2): value too long for type character varying(2)` },
      { line: 6, col: 36, code: 'bad_expression', message: 'default of column "c": the default 1.5 does not fit type integer: it would be stored as 2' },
    ],
  },
  {
    name: 'a number default rounded by its column type, found when everything else spells',
    desired: `tables:
  t:
    columns:
      price: { type: numeric(5,2), default: 1.005 }
      qty: { type: integer, default: 2 }
`,
    errors: [{ line: 4, code: 'bad_expression', message: 'default of column "price": the default 1.005 does not fit type numeric(5,2): it would be stored as 1.01' }],
  },
  {
    name: 'an index whose method has no operator class for the column type, with what to do',
    desired: `tables:
  docs:
    columns:
      id: { type: integer, primary_key: true }
      body: text
      meta: json
      tags: text[]
    unique:
      docs_meta_key: [meta]
    indexes:
      docs_body_idx: { columns: [body], method: gin }
      docs_tags_idx: { columns: [tags], method: gin }
      docs_meta_idx: { columns: [meta] }
`,
    errors: [
      { line: 9, code: 'bad_expression', message: 'unique constraint "docs_meta_key": data type json has no default operator class for access method "btree"' },
      { line: 11, col: 7, code: 'bad_expression', message: 'index "docs_body_idx": data type text has no default operator class for access method "gin"' },
      { line: 13, col: 7, code: 'bad_expression', message: 'index "docs_meta_idx": data type json has no default operator class for access method "btree"' },
    ],
  },
  {
    name: 'names the database gives to objects schema does not manage',
    before: `CREATE VIEW report AS SELECT 1 AS id; CREATE DOMAIN mood AS text; CREATE SEQUENCE tickets; CREATE MATERIALIZED VIEW totals AS SELECT 1 AS n;`,
    desired: `enums:
  mood: [ok, bad]
tables:
  report:
    columns:
      id: integer
  t:
    columns:
      id: integer
    primary_key: { name: totals, columns: [id] }
    indexes:
      tickets: { columns: [id] }
`,
    errors: [
      { line: 2, col: 3, code: 'conflict', message: 'enum "mood" cannot be created: the database has a domain public.mood, which schema does not manage' },
      { line: 4, col: 3, code: 'conflict', message: 'table "report" cannot be created: the database has a view public.report, which schema does not manage' },
      { line: 10, code: 'conflict', message: 'primary key "totals" cannot be created (its index takes that name): the database has a materialized view public.totals' },
      { line: 12, col: 7, code: 'conflict', message: 'index "tickets" cannot be created: the database has a sequence public.tickets' },
    ],
  },
  {
    name: "the server's messages name the file's columns, not the spelling's own",
    desired: `tables:
  t:
    columns:
      flag: { type: boolean, default: 1 }
      r: record
`,
    errors: [
      { line: 4, code: 'bad_expression', message: 'default of column "flag": the default 1 does not fit type boolean: column "flag" is of type boolean but default expression is of type integer' },
      { line: 5, col: 10, code: 'bad_expression', message: 'column "r" has pseudo-type record' },
    ],
  },
  {
    name: 'a problem in columns shared through a YAML merge key is reported once',
    desired: `tables:
  a:
    columns: &shared
      id: integer
      made: { type: timestamptz, default: { sql: nw() } }
  b:
    columns:
      <<: *shared
      other: text
`,
    errors: [{ line: 5, code: 'bad_expression', message: 'function nw() does not exist' }],
  },
  {
    name: 'a foreign key to an inheritance parent or a partitioned table, which schema leaves alone',
    before: `CREATE TABLE parent (id integer PRIMARY KEY); CREATE TABLE child () INHERITS (parent);
CREATE TABLE m (id integer, d date, PRIMARY KEY (id, d)) PARTITION BY RANGE (d);`,
    desired: `tables:
  t:
    columns:
      pid: integer
      mid: integer
      md: date
    foreign_keys:
      t_pid_fkey: { columns: [pid], references: parent(id) }
      t_m_fkey: { columns: [mid, md], references: m(id, d) }
      t_x_fkey: { columns: [pid], references: nowhere(id) }
`,
    errors: [
      { line: 8, code: 'bad_reference', message: 'foreign key "t_pid_fkey" references "parent", an inheritance parent in the database: schema does not manage partitioned or inheritance tables, nor foreign keys to them' },
      { line: 9, code: 'bad_reference', message: 'foreign key "t_m_fkey" references "m", a partitioned table in the database' },
      { line: 10, code: 'unknown_table', message: 'foreign key "t_x_fkey" references unknown table "nowhere"' },
    ],
  },
  {
    name: 'every problem at once, in file order',
    desired: `enums:
  mood: [ok, ok]
tables:
  t:
    columns:
      id: { type: integer, primary_key: true, nullable: true }
      m: mood
      x: { type: text, colour: red }
    primary_key: [idd]
`,
    errors: [
      { line: 2, code: 'duplicate_name', message: 'lists the value "ok" twice' },
      { line: 6, code: 'conflict', message: 'is a primary key, which is never nullable' },
      { line: 8, code: 'unknown_key', message: 'unknown key "colour"' },
      { line: 9, code: 'conflict', message: 'has both `primary_key` and a column with `primary_key: true`' },
      { line: 9, code: 'unknown_column', message: 'has no column "idd". Did you mean "id"?' },
    ],
  },
  {
    name: 'an enum the database has but the file does not declare',
    before: `CREATE TYPE mood AS ENUM ('ok');`,
    desired: `tables:
  t:
    columns:
      m: mood
`,
    errors: [{ line: 4, code: 'unknown_type', message: 'exists in the database but not under `enums:`' }],
  },
  {
    name: 'a foreign key between types PostgreSQL cannot compare, found once the types are spelled',
    desired: `enums:
  mood: [ok, bad]
tables:
  people:
    columns:
      id: { type: int, primary_key: true }
  notes:
    columns:
      mood: mood
      amount: decimal
      author: int8
    foreign_keys:
      notes_mood_fkey: { columns: [mood], references: people(id) }
      notes_amount_fkey: { columns: [amount], references: people(id) }
      notes_author_fkey: { columns: [author], references: people(id) }
`,
    errors: [
      { line: 13, col: 7, code: 'bad_reference', message: 'foreign key "notes_mood_fkey": column "mood" (public.mood) cannot reference people.id (integer)' },
      { line: 14, col: 7, code: 'bad_reference', message: 'column "amount" (numeric) cannot reference people.id (integer): PostgreSQL has no equality operator' },
    ],
  },
  {
    name: 'a table the database has as partitioned, partition or inheritance table',
    before: `
CREATE TABLE m (id integer, d date) PARTITION BY RANGE (d);
CREATE TABLE m2024 PARTITION OF m FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE parent (a integer); CREATE TABLE child (b integer) INHERITS (parent);`,
    desired: `tables:
  m:
    columns:
      id: integer
  m2024:
    columns:
      id: integer
  kid:
    renamed_from: child
    columns:
      b: integer
`,
    errors: [
      { line: 2, col: 3, code: 'conflict', message: 'table "m" is a partitioned table in the database; partitioned tables, partitions and tables with inheritance are not managed yet' },
      { line: 5, col: 3, code: 'conflict', message: 'table "m2024" is a partition in the database' },
      { line: 9, col: 19, code: 'conflict', message: 'table "kid" is renamed from "child", an inheriting table in the database' },
    ],
  },
  {
    name: 'an empty file would drop everything',
    desired: `# nothing here yet\n`,
    errors: [{ line: 1, code: 'schema_violation', message: 'the file is empty' }],
  },
  {
    name: "a table in the tool's own ledger schema",
    desired: `tables:
  schema_tool.revisions:
    columns:
      id: integer
`,
    errors: [{ line: 2, col: 3, code: 'reserved_name', message: `schema "schema_tool" is reserved: it holds this tool's own ledger` }],
  },
  {
    name: "a table in PostgreSQL's own schemas",
    desired: `tables:
  pg_catalog.x: { columns: { id: integer } }
  information_schema.y: { columns: { id: integer } }
`,
    errors: [
      { line: 2, col: 3, code: 'reserved_name', message: 'schema "pg_catalog" is reserved' },
      { line: 3, col: 3, code: 'reserved_name', message: 'schema "information_schema" is reserved' },
    ],
  },
  {
    name: 'an unterminated comment in a check, at its place',
    desired: `tables:
  t:
    columns:
      a: integer
    checks:
      t_a_check: "a > 0 /* unterminated"
`,
    errors: [{ line: 6, col: 25, code: 'bad_expression', message: 'check "t_a_check": unterminated /* comment' }],
  },
  {
    name: 'an expression that ends too soon is said to end, not to have a parenthesis it never had',
    desired: `tables:
  t:
    columns:
      a: integer
    checks:
      t_a_check: "a + "
    indexes:
      t_a_idx: { columns: [{ expression: "a AND" }] }
`,
    errors: [
      { line: 6, col: 23, code: 'bad_expression', message: 'check "t_a_check": syntax error at end of expression' },
      { line: 8, col: 48, code: 'bad_expression', message: 'index "t_a_idx": syntax error at end of expression' },
    ],
  },
  {
    name: "a literal 'now' or 'today' default, which PostgreSQL reads once and keeps, at its line",
    desired: `tables:
  t:
    columns:
      a: { type: timestamptz, default: now }
      b: { type: date, default: Today }
      c: { type: timestamp(3), default: tomorrow 10:00 }
      d: { type: time, default: now }
      e: { type: time, default: allballs }
      f: { type: timestamptz, default: epoch }
      g: { type: timestamptz, default: { sql: now() } }
      h: { type: text, default: now }
`,
    errors: [
      { line: 4, col: 40, code: 'bad_expression', message: `default of column "a": the literal 'now' is read once, when the default is made, and keeps that moment for every row` },
      { line: 5, col: 33, code: 'bad_expression', message: `default of column "b": the literal 'today' is read once` },
      { line: 6, col: 41, code: 'bad_expression', message: `default of column "c": the literal 'tomorrow' is read once` },
      { line: 7, col: 33, code: 'bad_expression', message: `default of column "d": the literal 'now' is read once` },
    ],
  },
  {
    name: 'a unique constraint PostgreSQL would fold into the primary key or another unique one, at its line',
    desired: `tables:
  t:
    columns:
      id: { type: integer, primary_key: true, unique: true }
      b: integer
    unique:
      u1: [id, b]
      u2: [id, b]
      u3: { columns: [id, b], nulls_not_distinct: false }
`,
    errors: [
      { line: 4, col: 47, code: 'conflict', message: 'unique constraint "t_id_key" duplicates the primary key "t_pkey" (line 4) on (id): PostgreSQL would not create it with the table' },
      { line: 8, col: 7, code: 'conflict', message: 'unique constraint "u2" duplicates unique constraint "u1" (line 7) on (id, b)' },
      { line: 9, col: 7, code: 'conflict', message: 'unique constraint "u3" duplicates unique constraint "u1" (line 7) on (id, b)' },
    ],
  },
  {
    name: 'nulls_not_distinct on an index that is not unique',
    desired: `tables:
  t:
    columns:
      a: integer
    indexes:
      t_a_idx: { columns: [a], nulls_not_distinct: true }
`,
    errors: [{ line: 6, col: 32, code: 'conflict', message: 'index "t_a_idx": nulls_not_distinct only means something for a unique index' }],
  },
  {
    name: 'a NUL character in a literal default',
    desired: `tables:
  t:
    columns:
      a: { type: text, default: "x\\u0000y" }
`,
    errors: [{ line: 4, col: 33, code: 'bad_character', message: 'NUL character' }],
  },
  {
    name: 'an enum with a space in its name, written as a type without quotes',
    desired: `enums:
  Weird Enum: [a, b]
tables:
  t:
    columns:
      a: Weird Enum
`,
    errors: [{ line: 6, col: 10, code: 'bad_type', message: 'type "Weird Enum": this is not a type name' }],
  },
  {
    name: 'a type from an extension the database does not have',
    desired: `tables:
  t:
    columns:
      email: citext
`,
    errors: [{ line: 4, col: 14, code: 'unknown_type', message: 'unknown type "citext"' }],
  },
];

