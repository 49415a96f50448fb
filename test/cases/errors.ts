// Bad input: one clear diagnostic per problem, at its line (and column), nothing executed.
// Each YAML text starts on line 1 (no leading newline), so the lines read as written.
import type { ErrorCase } from '../support/cases.js';

/** A gin index on text and a default too big for its type: what only the server can tell (also made right in acceptance-errors.test.ts). */
export const GIN_ON_TEXT = `tables:
  docs:
    columns:
      id: integer
      body: text
      n: { type: smallint, default: 70000 }
    indexes:
      docs_body_trgm: { columns: [body], method: gin }
`;

/** Loader errors that need a database: what the target alone can tell, and what only the server's parser or spelling finds. */
const serverCases: readonly ErrorCase[] = [
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
    name: 'on_delete_columns without set_null or set_default, and naming a column outside the key',
    desired: `tables:
  p:
    columns:
      a: { type: integer, primary_key: true }
  t:
    columns:
      a: integer
      b: integer
    foreign_keys:
      t_a_fk: { columns: [a], references: p, on_delete: cascade, on_delete_columns: [a] }
      t_b_fk: { columns: [a], references: p, on_delete: set_null, on_delete_columns: [b] }
`,
    errors: [
      { line: 10, col: 66, code: 'conflict', message: 'foreign key "t_a_fk": on_delete_columns needs on_delete set_null or set_default' },
      { line: 11, col: 87, code: 'unknown_column', message: 'foreign key "t_b_fk": on_delete_columns names "b", which is not a column of the key' },
    ],
  },
  {
    name: 'a storage parameter a table does not take, with a suggestion; one of its TOAST table',
    desired: `tables:
  t:
    with: { filfactor: 70, toast.autovacuum_enabled: false }
    columns:
      id: integer
`,
    errors: [
      { at: 'filfactor', code: 'schema_violation', message: 'storage parameter "filfactor" is not one a table takes. Did you mean "fillfactor"?' },
      { at: 'toast.autovacuum_enabled', code: 'schema_violation', message: 'storage parameter "toast.autovacuum_enabled" is not one a table takes (the parameters of its TOAST table are not managed yet)' },
    ],
  },
  {
    name: 'a replica identity naming an index that is not a unique one of the table',
    desired: `tables:
  t:
    replica_identity: { index: t_name_idx }
    columns:
      id: { type: integer, primary_key: true }
      name: text
    indexes:
      t_name_idx: { columns: [name] }
`,
    errors: [{ at: 't_name_idx', code: 'schema_violation', message: 'replica_identity names "t_name_idx", which is not a unique index, unique constraint or primary key of this table' }],
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
    name: 'an exclusion with an operator that is not plain symbols',
    offline: true,
    desired: `tables:
  t:
    columns:
      during: tstzrange
    exclusions:
      t_x: "EXCLUDE USING gist (during WITH OPERATOR(public.&&))"
`,
    errors: [{ line: 6, code: 'bad_expression', message: ['exclusion "t_x"', 'not one plain operator'] }],
  },
  {
    name: 'an exclusion that smuggles a statement after its clause',
    offline: true,
    desired: `tables:
  t:
    columns:
      during: tstzrange
    exclusions:
      t_x: "EXCLUDE USING gist (during WITH &&)); DROP TABLE t; CREATE TABLE u (x int"
`,
    errors: [{ line: 6, code: 'bad_expression', message: ['exclusion "t_x"', 'not one exclusion constraint'] }],
  },
  {
    name: 'an exclusion that is another kind of constraint, or names an unknown column',
    offline: true,
    desired: `tables:
  t:
    columns:
      during: tstzrange
    exclusions:
      t_x: "CHECK (true)"
      t_y: "EXCLUDE USING gist (durng WITH &&)"
`,
    errors: [
      { line: 6, code: 'bad_expression', message: ['exclusion "t_x"', 'not one exclusion constraint'] },
      { line: 7, code: 'unknown_column', message: ['exclusion "t_y"', 'no column "durng"'] },
    ],
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
    // Found before the database is read: no table outside the file can be referenced, and the
    // hint says why a partitioned or inheritance table cannot either.
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
      { line: 8, code: 'unknown_table', message: 'foreign key "t_pid_fkey" references unknown table "parent"' },
      { line: 9, code: 'unknown_table', message: 'foreign key "t_m_fkey" references unknown table "m"' },
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
    name: 'a table the database has partitioned and the file plain (refused), a partition the file detaches (fine), an inheritance table',
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
      { line: 2, col: 3, code: 'conflict', message: 'table "m" is partitioned by RANGE (d) in the database and not partitioned in the file: PostgreSQL cannot change how a table is partitioned in place' },
      { line: 9, col: 19, code: 'conflict', message: 'table "kid" is renamed from "child", an inheriting table in the database; tables with inheritance (INHERITS) are not managed yet' },
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
  {
    name: 'renamed_from while the new name is still taken in the database: refused at renamed_from, not a silent drop of the old one',
    before: `CREATE TABLE a (id integer); CREATE TABLE b (id integer); INSERT INTO a VALUES (1);
CREATE TABLE t (x integer, y integer); INSERT INTO t VALUES (1, 2);`,
    desired: `tables:
  b:
    renamed_from: a
    columns:
      id: integer
  t:
    columns:
      y: { type: integer, renamed_from: x }
`,
    errors: [
      {
        line: 3,
        col: 19,
        code: 'conflict',
        message: 'table "b" is renamed from "a", but the database has both: "a" cannot take the name "b" while it is taken, and without the rename the plan would drop "a" and its data',
      },
      { line: 8, col: 41, code: 'conflict', message: 'column "y" is renamed from "x", but table "t" in the database has both: "x" cannot take the name "y"' },
    ],
  },
  {
    name: "an index of 33 columns, over PostgreSQL's 32, found before the database is read",
    desired: `tables:
  t:
    columns:
${Array.from({ length: 33 }, (_, i) => `      c${i + 1}: integer`).join('\n')}
    indexes:
      t_wide_idx: { columns: [${Array.from({ length: 30 }, (_, i) => `c${i + 1}`).join(', ')}], include: [c31, c32, c33] }
`,
    errors: [{ line: 38, col: 7, code: 'limit_exceeded', message: 'index "t_wide_idx" has 33 columns (30 keys and 3 in include), and PostgreSQL allows at most 32 in an index' }],
  },
  {
    // What the server alone can tell, with what to do about it.
    name: 'a gin index on text says how to index text; a default that does not fit says to change it',
    desired: GIN_ON_TEXT,
    errors: [
      { line: 6, code: 'bad_expression', whole: true, message: 'default of column "n": the default 70000 does not fit type smallint: smallint out of range', hint: 'change the default, or the type' },
      {
        line: 8,
        code: 'bad_expression',
        whole: true,
        message: 'index "docs_body_trgm": data type text has no default operator class for access method "gin"',
        hint: `gin has default operator classes for arrays, jsonb and tsvector: for text, index an expression such as { expression: "to_tsvector('simple', column)" }, or use btree; or name an operator class for the key (opclass: gin_trgm_ops, with pg_trgm)`,
      },
    ],
  },
  {
    name: 'a problem under a key that reads as a number is found at its line',
    desired: `tables:\n  007:\n    columns:\n      010: { type: integer, nulable: false }\n`,
    errors: [{ line: 4, col: 29, code: 'unknown_key', whole: true, message: 'tables.007.columns.010: unknown key "nulable". Did you mean "nullable"?' }],
  },
  {
    // flow-commas rejoins numerc(12,2): the position is where the value starts.
    name: 'a rejoined value in a flow map keeps its position at its start',
    desired: `tables:
  t:
    columns:
      total: { type: numerc(12,2), nullable: false }
`,
    errors: [{ line: 4, col: 22, code: 'unknown_type', whole: true, message: 'unknown type "numerc(12,2)". Did you mean "numeric"?' }],
  },
  {
    name: 'sequence options PostgreSQL would refuse, each at its line',
    desired: `sequences:
  a: { increment: 0 }
  b: { type: smallint, max: 40000 }
  c: { min: 10, max: 20, start: 5 }
  d: { min: 20, max: 10 }
  e: { owned_by: t.nope }
  f: { owned_by: nowhere.id }
  t: {}
tables:
  t:
    columns:
      id: integer
`,
    errors: [
      { line: 2, code: 'schema_violation', message: 'sequence "a": increment must not be zero' },
      { line: 3, code: 'schema_violation', message: 'sequence "b": max 40000 is out of range for smallint (-32768 to 32767)' },
      { line: 4, code: 'schema_violation', message: 'sequence "c": start 5 is outside min 10 and max 20' },
      { line: 5, code: 'schema_violation', message: 'sequence "d": min (20) must be less than max (10)' },
      { line: 6, code: 'unknown_column', message: 'sequence "e": owned_by names column "nope", which table "t" does not have' },
      { line: 7, code: 'unknown_table', message: 'sequence "f": owned_by names table "nowhere", which is not a table of this file in schema "public"' },
      { line: 8, col: 3, code: 'duplicate_name', message: 'sequence "t" uses a name already taken in schema "public" by table "t"' },
    ],
  },
  {
    name: 'backfill: not one expression, a subquery, another column, a literal its type refuses, on a nullable column',
    desired: `tables:
  users:
    columns:
      id: { type: integer, primary_key: true }
      name: text
      a: { type: text, nullable: false, backfill: { sql: "lower(name" } }
      b: { type: text, nullable: false, backfill: { sql: "(SELECT max(name) FROM users)" } }
      c: { type: text, nullable: false, backfill: { sql: "lower(nme)" } }
      d: { type: integer, nullable: false, backfill: many }
      e: { type: text, backfill: unknown }
      f: { type: text, nullable: false, backfill: { sql: "'x'; DELETE FROM users" } }
`,
    errors: [
      { line: 6, col: 69, code: 'bad_expression', message: 'backfill of column "a": unbalanced parentheses' },
      { line: 7, col: 59, code: 'bad_expression', message: 'backfill of column "b" has a subquery; a backfill may read only the row\'s own columns' },
      { line: 8, col: 65, code: 'unknown_column', message: 'backfill of column "c": table "users" has no column "nme". Did you mean "name"?' },
      { line: 9, col: 54, code: 'bad_expression', message: 'backfill of column "d": the value \'many\' does not fit type integer' },
      { line: 10, code: 'conflict', message: 'column "e" is nullable: backfill fills its NULL rows only when it becomes NOT NULL', hint: 'add `nullable: false`, or remove `backfill`' },
      { line: 11, code: 'bad_expression', message: 'backfill of column "f": a ";" ends a statement; write a single expression' },
    ],
  },
  // Views (`views:`): not one SELECT, a file that is not there or leads out, a name taken, and what the server refuses.
  {
    name: 'a view that is not one SELECT, each at its line',
    desired: `tables:
  t:
    columns:
      id: integer
views:
  two:
    sql: SELECT 1; SELECT 2
  ins: { sql: "INSERT INTO t VALUES (1)" }
  cte:
    sql: |
      WITH gone AS (DELETE FROM t RETURNING id)
      SELECT id FROM gone
  missing: { file: views/missing.sql }
  outside: { file: ../secrets.sql }
  both: { sql: "SELECT 1", file: views/x.sql }
  t: { sql: "SELECT 1" }
`,
    errors: [
      { line: 7, col: 18, code: 'bad_expression', message: 'view "public.two": a ";" ends the SELECT here and another statement follows' },
      { line: 8, col: 16, code: 'bad_expression', message: 'view "public.ins": this is INSERT, not a SELECT' },
      { line: 11, col: 12, code: 'bad_expression', message: 'view "public.cte": WITH query "gone" changes data' },
      { line: 13, code: 'bad_reference', message: 'view "public.missing": cannot read file "views/missing.sql": no such file' },
      { line: 14, code: 'bad_reference', message: 'view "public.outside": file "../secrets.sql" is not a .sql file inside the folder of the schema file' },
      { line: 15, code: 'schema_violation', message: 'needs its SELECT: either `sql:` or `file:`, not both' },
      { line: 16, col: 3, code: 'duplicate_name', message: 'view "t" uses a name already taken in schema "public" by table "t"' },
    ],
  },
  {
    name: 'a view the server refuses, on tables it leaves as they are, at its SQL',
    before: 'CREATE TABLE t (id integer)',
    desired: `tables:
  t:
    columns:
      id: integer
views:
  v:
    sql: SELECT id, nope FROM t
`,
    errors: [{ line: 7, code: 'bad_expression', message: 'view "public.v": column "nope" does not exist' }],
  },
  // Materialized views (`materialized_views:`): what views refuse, indexes on expressions or partial, a name taken, and index columns it does not have.
  {
    name: 'materialized views: not one SELECT, an index on an expression or partial, a name taken, each at its line',
    offline: true,
    desired: `tables:
  t:
    columns:
      id: integer
materialized_views:
  two:
    sql: SELECT 1; SELECT 2
  m:
    sql: SELECT id FROM t
    indexes:
      m_expr: { columns: [{ expression: id + 1 }] }
      m_part: { columns: [id], where: id > 0 }
      t: { columns: [id] }
  t: { sql: "SELECT 1" }
`,
    errors: [
      { line: 7, col: 18, code: 'bad_expression', message: 'materialized view "public.two": a ";" ends the SELECT here and another statement follows' },
      { line: 11, col: 27, code: 'schema_violation', message: 'index "m_expr" of materialized view "public.m": keys are columns of the materialized view, not expressions' },
      { line: 12, code: 'schema_violation', message: 'index "m_part" of materialized view "public.m": `where:` is not supported' },
      { line: 13, col: 7, code: 'duplicate_name', message: 'index "t" uses a name already taken in schema "public" by table "t"' },
      { line: 14, col: 3, code: 'duplicate_name', message: 'materialized view "t" uses a name already taken in schema "public" by table "t"' },
    ],
  },
  {
    name: 'an index of a materialized view on a column it does not have, at the column',
    before: 'CREATE TABLE t (id integer, day date)',
    desired: `tables:
  t:
    columns:
      id: integer
      day: date
materialized_views:
  m:
    sql: SELECT day, count(*) AS n FROM t GROUP BY day
    indexes:
      m_day: { columns: [days], unique: true }
`,
    errors: [{ line: 10, col: 26, code: 'unknown_column', message: 'index "m_day": materialized view "public.m" has no column "days". Did you mean "day"?' }],
  },
  // Functions (`functions:`): exactly one CREATE FUNCTION or PROCEDURE of the key's name, at its line; what the server refuses.
  {
    name: 'a function that is not one CREATE FUNCTION, each at its line',
    desired: `functions:
  two:
    sql: |
      CREATE FUNCTION two() RETURNS integer LANGUAGE sql AS $$ SELECT 2 $$;
      CREATE FUNCTION three() RETURNS integer LANGUAGE sql AS $$ SELECT 3 $$;
  tab: { sql: "CREATE TABLE tab (id integer)" }
  bad:
    sql: |
      CREATE FUNCTION bad() RETURNS integer
      LANGUAGE sql AS $$ SELECT 1 $$ $$;
  other: { sql: "CREATE FUNCTION public.someone_else() RETURNS integer LANGUAGE sql AS $$ SELECT 1 $$" }
  neither: {}
`,
    errors: [
      { line: 5, col: 7, code: 'bad_expression', message: 'function "public.two": this is 2 statements: write exactly one CREATE FUNCTION, CREATE PROCEDURE or CREATE AGGREGATE' },
      { line: 6, col: 16, code: 'bad_expression', message: 'function "public.tab": this is CREATE TABLE, not a CREATE FUNCTION, CREATE PROCEDURE or CREATE AGGREGATE' },
      { line: 10, col: 38, code: 'bad_expression', message: 'function "public.bad": unterminated dollar-quoted string' },
      { line: 11, col: 34, code: 'bad_name', message: 'function "public.other": the statement makes "public.someone_else", not public.other' },
      { line: 12, col: 3, code: 'schema_violation', message: 'function "public.neither" needs its CREATE FUNCTION: either `sql:` or `file:`, not neither' },
    ],
  },
  {
    name: 'a function the server refuses, at its SQL',
    desired: `functions:
  f:
    sql: CREATE FUNCTION f(x no_such_type) RETURNS integer LANGUAGE sql AS $$ SELECT 1 $$
`,
    errors: [{ line: 3, code: 'bad_expression', message: 'function "public.f": type no_such_type does not exist' }],
  },
  // Enum values renamed with renamed_from: the old label kept too (offline), a label the database does not have.
  {
    name: 'an enum value renamed from a value the file still lists',
    offline: true,
    desired: `enums:
  status: [new, { name: archived, renamed_from: new }, done]
`,
    errors: [
      {
        line: 2,
        col: 49,
        code: 'conflict',
        message: 'enum value "archived" of enum "status" is renamed from "new", which is still defined (line 2): "archived" would be created new and "new" kept',
        whole: true,
        hint: 'to rename, remove "new" from the file; to keep both, remove renamed_from',
      },
    ],
  },
  {
    name: 'an enum value renamed from a value the database does not have',
    before: `CREATE TYPE status AS ENUM ('new', 'legacy', 'done');`,
    desired: `enums:
  status: [new, { name: archived, renamed_from: old }, done]
`,
    errors: [
      {
        line: 2,
        col: 49,
        code: 'bad_reference',
        message: 'enum value "archived" is renamed from "old", which enum "status" does not have in the database (its values: new, legacy, done)',
        whole: true,
        hint: 'name the value it has today, or remove renamed_from to add "archived" as a new value',
      },
    ],
  },
  {
    name: 'an aggregate naming its state function without its schema, at its SQL',
    desired: `functions:
  join_with_comma:
    sql: CREATE FUNCTION public.join_with_comma(a text, b text) RETURNS text LANGUAGE sql AS $$ SELECT a || b $$
  listed:
    sql: CREATE AGGREGATE listed(text) (SFUNC = join_with_comma, STYPE = text)
`,
    errors: [{ line: 5, code: 'bad_expression', message: 'aggregate "public.listed": function join_with_comma(text, text) does not exist' }],
  },
  {
    name: 'an aggregate under another name than its key, at its name',
    offline: true,
    desired: `functions:
  other: { sql: "CREATE AGGREGATE public.someone_else(text) (SFUNC = public.join_with_comma, STYPE = text)" }
`,
    errors: [{ line: 2, col: 35, code: 'bad_name', message: 'function "public.other": the statement makes "public.someone_else", not public.other' }],
  },

  // Triggers (`triggers:`): exactly one CREATE TRIGGER of the key's name on a table of `tables:`, at its line; what the server refuses.
  {
    name: 'a trigger that is not one CREATE TRIGGER on a table of the file, each at its line',
    desired: `tables:
  t:
    columns:
      id: integer
triggers:
  two:
    sql: |
      CREATE TRIGGER two BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION f();
      CREATE TRIGGER three BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION f();
  tab: { sql: "CREATE TABLE tab (id integer)" }
  other: { sql: "CREATE TRIGGER someone_else BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION f()" }
  elsewhere: { sql: "CREATE TRIGGER elsewhere BEFORE UPDATE ON u FOR EACH ROW EXECUTE FUNCTION f()" }
  strict: { sql: "CREATE CONSTRAINT TRIGGER strict AFTER UPDATE ON t FOR EACH ROW EXECUTE FUNCTION f()" }
  billing.moved: { sql: "CREATE TRIGGER moved BEFORE UPDATE ON public.t FOR EACH ROW EXECUTE FUNCTION f()" }
`,
    errors: [
      { line: 9, col: 7, code: 'bad_expression', message: 'trigger "public.two": this is 2 statements: write exactly one CREATE TRIGGER' },
      { line: 10, col: 16, code: 'bad_expression', message: 'trigger "public.tab": this is CREATE TABLE, not a CREATE TRIGGER' },
      { line: 11, col: 33, code: 'bad_name', message: 'trigger "public.other": the statement makes trigger "someone_else", not "other"' },
      { line: 12, col: 64, code: 'bad_reference', message: 'trigger "public.elsewhere": table public.u is not under `tables:`' },
      { line: 13, col: 19, code: 'bad_expression', message: 'trigger "public.strict": this is a CREATE CONSTRAINT TRIGGER, which schema does not manage: write a plain CREATE TRIGGER' },
      { line: 14, col: 64, code: 'bad_name', message: 'trigger "billing.moved": its table is in schema "public", not "billing"' },
    ],
  },
  {
    name: 'a trigger the server refuses on a table that exists, at its SQL',
    before: 'CREATE TABLE t (id integer);',
    desired: `tables:
  t:
    columns:
      id: integer
triggers:
  g:
    sql: CREATE TRIGGER g BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION no_such_function()
`,
    errors: [{ line: 7, code: 'bad_expression', message: 'trigger "public.g": function no_such_function() does not exist' }],
  },
  // Policies (`policies:` on a table): a role the target lacks, an expression the server refuses, each at its line.
  {
    name: 'a policy naming a role the database does not have, at the role',
    desired: `tables:
  t:
    columns:
      owner: text
    policies:
      mine:
        roles: [pg_read_all_data, no_such_role_here]
        using: owner = current_user
`,
    errors: [{ line: 7, col: 35, code: 'bad_reference', message: 'policy "mine" on table "t": role "no_such_role_here" does not exist in the database', hint: ['CREATE ROLE no_such_role_here'] }],
  },
  {
    name: 'a policy the server refuses on a table that exists, at its expression',
    before: 'CREATE TABLE t (owner text);',
    desired: `tables:
  t:
    columns:
      owner: text
    policies:
      mine:
        using: ownr = current_user
`,
    errors: [{ line: 7, col: 16, code: 'bad_expression', message: 'policy "mine" on table "public.t": column "ownr" does not exist' }],
  },
  // Domains (`domains:`): a base type, checks over VALUE, a default and a name of its own, each at its line; what the server refuses.
  {
    name: 'domains: no base type, a check reading a column, a bad expression, a name taken, each at its line',
    offline: true,
    desired: `enums:
  mood: [sad, happy]
domains:
  notype: { nullable: false }
  year:
    type: integer
    checks:
      year_check: release_year > 1900
      year_bad: VALUE > AND 1
  mood: text
  code:
    type: text
    default: { sql: "upper(" }
tables:
  t:
    columns:
      id: integer
`,
    errors: [
      { line: 4, col: 3, code: 'schema_violation', message: 'type' },
      { line: 8, col: 19, code: 'bad_expression', message: 'check "year_check" of domain "year" refers to "release_year"' },
      { line: 9, code: 'bad_expression', message: 'check "year_bad" of domain "year"' },
      { line: 10, col: 3, code: 'duplicate_name', message: 'domain "mood" uses a name already taken in schema "public" by enum "mood"' },
      { line: 13, code: 'bad_expression', message: 'default of domain "code"' },
    ],
  },
  {
    name: 'a domain the server refuses (a check comparing an integer with a word), at its key',
    desired: `domains:
  year:
    type: integer
    checks:
      year_check: VALUE > 'many'
tables: {}
`,
    errors: [{ line: 2, code: 'bad_expression', message: 'domain "public.year": invalid input syntax for type integer: "many"' }],
  },
  {
    name: 'composite types: no attributes, a misspelt attribute type, a name taken by a table, each at its line',
    offline: true,
    desired: `types:
  empty: { comment: nothing }
  price:
    attributes: { amount: numerc(10,2) }
  t:
    attributes: { a: integer }
tables:
  t:
    columns:
      id: integer
`,
    errors: [
      { line: 2, col: 3, code: 'schema_violation', message: 'attributes' },
      { line: 4, col: 27, code: 'unknown_type', message: 'unknown type "numerc(10,2)". Did you mean "numeric"?' },
      { line: 8, col: 3, code: 'duplicate_name', message: 'table "t" (its row type) uses a name already taken in schema "public" by type "t" (line 5)' },
    ],
  },
];

const names = (n: number): string[] => Array.from({ length: n }, (_, i) => `c${i + 1}`);
const columnLines = (n: number): string =>
  names(n)
    .map((c) => `      ${c}: integer`)
    .join('\n');

/** Loader errors found offline (no server): positions given by where the text is written. */
const offlineCases: readonly ErrorCase[] = [
  // ---- malformed YAML ----
  {
    name: 'a key given twice in one map',
    offline: true,
    desired: `tables:
  t:
    columns:
      id: integer
      id: text
`,
    errors: [{ at: 'id: text', code: 'yaml_syntax', message: ['invalid YAML', 'unique'] }],
  },
  {
    name: 'a mapping inside a one-line mapping',
    offline: true,
    desired: `tables:
  t:
    columns:
      id: type: integer
`,
    errors: [{ at: 'type: integer', code: 'yaml_syntax', message: ['invalid YAML', 'Nested mappings'] }],
  },
  {
    name: 'a tab used for indentation',
    offline: true,
    desired: `tables:\n\tt: {}\n`,
    errors: [{ at: '\tt', code: 'yaml_syntax', message: ['invalid YAML', 'Tabs'] }],
  },
  // ---- unknown keys and types ----
  {
    name: 'an unknown key, with a did-you-mean',
    offline: true,
    desired: `tables:
  t:
    columns:
      id: { type: integer, nulable: false }
`,
    errors: [{ at: 'nulable', code: 'unknown_key', message: ['unknown key "nulable"', 'Did you mean "nullable"?'] }],
  },
  {
    name: 'a misspelt top-level key',
    offline: true,
    desired: `tabels:
  t:
    columns:
      id: integer
`,
    errors: [{ at: 'tabels', code: 'unknown_key', message: ['unknown key "tabels"', 'Did you mean "tables"?'] }],
  },
  {
    name: 'a serial type, with the identity to write instead',
    offline: true,
    desired: `tables:
  t:
    columns:
      id: serial
`,
    errors: [{ at: 'serial', code: 'unsupported_type', message: ['"serial" is not a type'], hint: ['type: integer', 'identity: by_default'] }],
  },
  {
    name: 'a bigserial type, with the identity to write instead',
    offline: true,
    desired: `tables:
  t:
    columns:
      id: { type: bigserial, nullable: false }
`,
    errors: [{ at: 'bigserial', code: 'unsupported_type', message: ['"bigserial" is not a type'], hint: ['type: bigint', 'identity: by_default'] }],
  },
  // ---- names ----
  {
    name: 'a table name of 64 bytes',
    offline: true,
    desired: `tables:
  ${'t'.repeat(64)}:
    columns:
      id: integer
`,
    errors: [{ at: 't'.repeat(64), code: 'identifier_too_long', message: ['is 64 bytes long', '63'] }],
  },
  {
    name: 'a column name of 32 two-byte characters (64 bytes in UTF-8)',
    offline: true,
    desired: `tables:
  t:
    columns:
      ${'é'.repeat(32)}: integer
`,
    errors: [{ at: 'é', code: 'identifier_too_long', message: ['is 64 bytes long'] }],
  },
  {
    name: 'an index name of 64 bytes',
    offline: true,
    desired: `tables:
  t:
    columns:
      id: integer
    indexes:
      ${'i'.repeat(64)}: { columns: [id] }
`,
    errors: [{ at: 'i'.repeat(64), code: 'identifier_too_long', message: ['is 64 bytes long'] }],
  },
  {
    name: 'the same table written twice, once qualified',
    offline: true,
    desired: `tables:
  users:
    columns:
      id: integer
  public.users:
    columns:
      id: integer
`,
    errors: [{ at: 'public.users', code: 'duplicate_name', message: ['"public.users" is defined twice', 'line 2'] }],
  },
  // ---- unknown columns ----
  {
    name: 'an unknown column in an index, with a did-you-mean',
    offline: true,
    desired: `tables:
  users:
    columns:
      id: { type: integer, primary_key: true }
      email: text
    indexes:
      users_email_idx: { columns: [id, emai] }
`,
    errors: [{ at: 'emai]', code: 'unknown_column', message: ['index "users_email_idx"', 'has no column "emai"', 'Did you mean "email"?'] }],
  },
  {
    name: 'an unknown column in a primary key, with a did-you-mean',
    offline: true,
    desired: `tables:
  users:
    columns:
      id: integer
      email: text
    primary_key: [idd]
`,
    errors: [{ at: 'idd', code: 'unknown_column', message: ['primary key of "users"', 'has no column "idd"', 'Did you mean "id"?'] }],
  },
  {
    name: 'an unknown referenced column of a foreign key, with a did-you-mean',
    offline: true,
    desired: `tables:
  users:
    columns:
      id: { type: integer, primary_key: true }
  orders:
    columns:
      user_id: integer
    foreign_keys:
      orders_user_fk:
        columns: [user_id]
        references: { table: users, columns: [ix] }
`,
    errors: [{ at: 'ix', code: 'unknown_column', message: ['foreign key "orders_user_fk"', 'table "users" has no column "ix"', 'Did you mean "id"?'] }],
  },
  // ---- foreign keys ----
  {
    name: 'a foreign key to an unknown table, with a did-you-mean',
    offline: true,
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
    errors: [{ at: 'user(id)', code: 'unknown_table', message: ['references unknown table "user"', 'Did you mean "users"?'] }],
  },
  {
    name: 'a foreign key to an unknown table in another schema, with a did-you-mean',
    offline: true,
    desired: `tables:
  billing.invoices:
    columns:
      id: { type: uuid, primary_key: true }
  payments:
    columns:
      invoice_id: uuid
    foreign_keys:
      payments_invoice_fk: { columns: [invoice_id], references: billing.invoice(id) }
`,
    errors: [{ at: 'billing.invoice(id)', code: 'unknown_table', message: ['unknown table "billing.invoice"', 'Did you mean "billing.invoices"?'] }],
  },
  {
    name: 'a foreign key to columns that are not a unique key',
    offline: true,
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
    errors: [{ at: 'a(code)', code: 'bad_reference', message: ['a(code) is not a primary key or unique constraint'], hint: ['unique'] }],
  },
  {
    name: 'a foreign key to a table without a primary key, naming no columns',
    offline: true,
    desired: `tables:
  users:
    columns:
      id: integer
  orders:
    columns:
      user_id: integer
    foreign_keys:
      orders_user_fk: { columns: [user_id], references: users }
`,
    errors: [{ at: 'users }', code: 'bad_reference', message: ['table "users" has no primary key'], hint: ['users(column)'] }],
  },
  // ---- expressions ----
  {
    name: 'a check naming an unknown column, pointed at inside a plain scalar',
    offline: true,
    desired: `tables:
  orders:
    columns:
      total: numeric
    checks:
      orders_total_check: total >= 0 AND totl < 100
`,
    errors: [{ at: 'totl', code: 'unknown_column', message: ['check "orders_total_check"', 'has no column "totl"', 'Did you mean "total"?'] }],
  },
  {
    name: 'a check naming an unknown column, pointed at inside a quoted scalar',
    offline: true,
    desired: `tables:
  orders:
    columns:
      total: numeric
    checks:
      orders_total_check: "total >= 0 AND totl < 100"
`,
    errors: [{ at: 'totl', code: 'unknown_column', message: ['has no column "totl"'] }],
  },
  {
    name: 'a check naming an unknown column, pointed at inside a block scalar',
    offline: true,
    desired: `tables:
  orders:
    columns:
      total: numeric
    checks:
      orders_total_check: |
        total >= 0 AND
        totl < 100
`,
    errors: [{ at: 'totl', code: 'unknown_column', message: ['has no column "totl"'] }],
  },
  {
    name: 'a check naming an unknown column, written as { expression }',
    offline: true,
    desired: `tables:
  orders:
    columns:
      total: numeric
    checks:
      orders_total_check: { expression: totl >= 0 }
`,
    errors: [{ at: 'totl', code: 'unknown_column', message: ['has no column "totl"'] }],
  },
  {
    name: 'an index predicate naming an unknown column',
    offline: true,
    desired: `tables:
  orders:
    columns:
      id: integer
      status: text
    indexes:
      orders_pending_idx: { columns: [id], where: "state = 'pending'" }
`,
    errors: [{ at: 'state', code: 'unknown_column', message: ['index "orders_pending_idx"', 'has no column "state"'] }],
  },
  {
    name: 'a statement after an expression in a default',
    offline: true,
    desired: `tables:
  t:
    columns:
      id: integer
      x: { type: integer, default: { sql: "1; DROP TABLE x" } }
`,
    errors: [{ at: ';', code: 'bad_expression', message: ['default of column "x"', '";" ends a statement'] }],
  },
  {
    name: 'a statement after an expression in a check',
    offline: true,
    desired: `tables:
  t:
    columns:
      id: integer
    checks:
      c: 'id > 0; DROP TABLE t'
`,
    errors: [{ at: ';', code: 'bad_expression', message: ['check "c"', '";" ends a statement'] }],
  },
  {
    name: 'an expression that closes the parentheses it is put in',
    offline: true,
    desired: `tables:
  t:
    columns:
      id: integer
    checks:
      t_check: "1) + (2"
`,
    errors: [{ at: ')', code: 'bad_expression', message: ['check "t_check"', 'unbalanced ")"'] }],
  },
  {
    name: 'an expression that breaks out to add a clause',
    offline: true,
    desired: `tables:
  t:
    columns:
      id: integer
    checks:
      t_check: "true) NOT VALID --"
`,
    errors: [{ at: ')', code: 'bad_expression', message: ['check "t_check"', 'unbalanced ")"'] }],
  },
  {
    name: 'an empty expression',
    offline: true,
    desired: `tables:
  t:
    columns:
      id: integer
    checks:
      t_check: "  "
`,
    // inside the quotes, where the (empty) expression starts
    errors: [{ at: '  "\n', code: 'bad_expression', message: ['check "t_check"', 'empty'] }],
  },
  {
    name: 'a default expression that reads a column',
    offline: true,
    desired: `tables:
  t:
    columns:
      a: integer
      b: { type: integer, default: { sql: a + 1 } }
`,
    errors: [{ at: 'a + 1', code: 'bad_expression', message: ['default of column "b" refers to "a"'], hint: ['without `sql:`'] }],
  },
  // ---- conflicts ----
  {
    name: 'a primary key column declared nullable',
    offline: true,
    desired: `tables:
  t:
    columns:
      id: { type: integer, primary_key: true, nullable: true }
`,
    errors: [{ at: 'nullable', code: 'conflict', message: ['column "id" is a primary key, which is never nullable'], hint: ['remove `nullable: true`'] }],
  },
  {
    name: 'a column of the table primary key declared nullable',
    offline: true,
    desired: `tables:
  t:
    columns:
      id: { type: integer, nullable: true }
    primary_key: [id]
`,
    errors: [{ at: 'nullable', code: 'conflict', message: ['column "id" is in the primary key, which is never nullable'] }],
  },
  {
    name: 'an identity on a text column',
    offline: true,
    desired: `tables:
  t:
    columns:
      id: { type: text, identity: always }
`,
    errors: [{ at: 'always', code: 'conflict', message: ['identity column must be smallint, integer or bigint, not text'] }],
  },
  {
    name: 'an identity with a default',
    offline: true,
    desired: `tables:
  t:
    columns:
      id: { type: bigint, identity: always, default: 1 }
`,
    errors: [{ at: '1 }', code: 'conflict', message: ['both a default and an identity'] }],
  },
  {
    name: 'two columns with primary_key: true',
    offline: true,
    desired: `tables:
  t:
    columns:
      a: { type: integer, primary_key: true }
      b: { type: integer, primary_key: true }
`,
    errors: [{ at: 'b:', code: 'conflict', message: ['more than one column with `primary_key: true`'], hint: ['primary_key: [a, b]'] }],
  },
  // ---- the whole file ----
  {
    name: 'an empty file',
    offline: true,
    desired: '',
    errors: [{ at: '', code: 'schema_violation', message: ['the file is empty'], hint: ['tables: {}'] }],
  },
  {
    name: 'a file of comments only',
    offline: true,
    desired: '# nothing here yet\n',
    errors: [{ at: '#', code: 'schema_violation', message: ['the file is empty'] }],
  },
  {
    name: 'several problems at once, in file order',
    offline: true,
    desired: `enums:
  mood: [ok, ok]
tables:
  t:
    columns:
      id: { type: integer, primary_key: true, nullable: true }
      m: mood
      x: { type: text, colour: red }
      y: integr
    checks:
      t_check: totl > 0
    primary_key: [idd]
`,
    errors: [
      { at: 'ok', nth: 2, code: 'duplicate_name', message: ['lists the value "ok" twice'] },
      { at: 'nullable', code: 'conflict', message: ['is a primary key, which is never nullable'] },
      { at: 'colour', code: 'unknown_key', message: ['unknown key "colour"'] },
      { at: 'integr', code: 'unknown_type', message: ['unknown type "integr". Did you mean "integer"?'] },
      { at: 'totl', code: 'unknown_column', message: ['has no column "totl"'] },
      { at: 'primary_key: [idd]', code: 'conflict', message: ['both `primary_key` and a column with `primary_key: true`'] },
      { at: 'idd', code: 'unknown_column', message: ['has no column "idd"', 'Did you mean "id"?'] },
    ],
  },
  // Found by these tests and fixed since.
  {
    name: 'an index named like a table: the message names each once, and the schema',
    offline: true,
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
    errors: [
      {
        at: 'users: {',
        code: 'duplicate_name',
        message: ['index "users" uses a name already taken in schema "public" by table "users" (line 2)'],
        hint: ['share one namespace per schema'],
      },
    ],
  },
  {
    name: 'a unique constraint and a check with one name: taken within the table',
    offline: true,
    desired: `tables:
  t:
    columns:
      a: integer
    unique:
      t_a: [a]
    checks:
      t_a: a > 0
`,
    errors: [
      {
        at: 't_a: a',
        code: 'duplicate_name',
        message: ['check constraint "t_a" uses a name already taken in table "t" by unique constraint "t_a" (line 6)'],
        hint: ['constraints of a table need names of their own'],
      },
    ],
  },
  {
    name: 'an unknown column in a foreign key is one problem, not two',
    offline: true,
    desired: `tables:
  users:
    columns:
      id: { type: integer, primary_key: true }
  orders:
    columns:
      user_id: integer
    foreign_keys:
      orders_user_fk: { columns: [usr_id], references: users(id) }
`,
    errors: [{ at: 'usr_id', code: 'unknown_column', message: ['has no column "usr_id"', 'Did you mean "user_id"?'] }],
  },
  {
    name: 'two expressions where one belongs, pointed at the comma',
    offline: true,
    desired: `tables:
  t:
    columns:
      a: integer
      b: integer
    checks:
      t_check: "a > 0, b > 0"
`,
    errors: [{ at: ', b > 0', code: 'bad_expression', message: ['check "t_check"', 'a list of expressions, not one'] }],
  },
  // ---- schemas the file may not use ----
  {
    name: "a table in the tool's own ledger schema",
    offline: true,
    desired: `tables:
  schema_tool.revisions:
    columns:
      id: integer
`,
    errors: [{ at: 'schema_tool.revisions', code: 'reserved_name', message: ['schema "schema_tool" is reserved', "this tool's own ledger"] }],
  },
  {
    name: "tables and enums in PostgreSQL's own schemas, and one listed under schemas",
    offline: true,
    desired: `enums:
  pg_catalog.mood: [ok]
tables:
  information_schema.x: { columns: { id: integer } }
  pg_toast.x: { columns: { id: integer } }
  pg_mine.x: { columns: { id: integer } }
schemas: [pg_keep]
`,
    errors: [
      { at: 'pg_catalog.mood', code: 'reserved_name', message: ['enum "pg_catalog.mood"', 'schema "pg_catalog" is reserved', 'starting with "pg_"'] },
      { at: 'information_schema.x', code: 'reserved_name', message: ['schema "information_schema" is reserved', 'PostgreSQL maintains itself'] },
      { at: 'pg_toast.x', code: 'reserved_name', message: ['schema "pg_toast" is reserved'] },
      { at: 'pg_mine.x', code: 'reserved_name', message: ['schema "pg_mine" is reserved'] },
      { at: 'pg_keep', code: 'reserved_name', message: ['schema "pg_keep" is reserved'] },
    ],
  },
  // ---- text the scanner cannot read, and NUL characters ----
  {
    name: 'an unterminated comment, string or quoted name, at its place',
    offline: true,
    desired: `tables:
  t:
    columns:
      a: { type: integer, default: { sql: "1 /* one" } }
      b: "integer /* the type"
    checks:
      t_a: "a = 'abc"
      t_b: 'a = "abc'
`,
    errors: [
      { at: '/* one', code: 'bad_expression', message: ['default of column "a"', 'unterminated /* comment'] },
      { at: '/* the type', code: 'bad_type', message: ['unterminated /* comment'] },
      { at: "'abc", code: 'bad_expression', message: ['check "t_a"', 'unterminated quoted string'] },
      { at: '"abc', code: 'bad_expression', message: ['check "t_b"', 'unterminated quoted identifier'] },
    ],
  },
  {
    name: 'a NUL character in a default, a comment and a name',
    offline: true,
    desired: `tables:
  t:
    comment: "a\\0b"
    columns:
      a: { type: text, default: "x\\u0000y" }
      "c\\0": integer
`,
    errors: [
      { at: '"a\\0b"', code: 'bad_character', message: ['NUL character'] },
      { at: '"x\\u0000y"', code: 'bad_character', message: ['NUL character'] },
      { at: '"c\\0"', code: 'bad_character', message: ['NUL character'] },
    ],
  },
  // ---- anchors and merge keys ----
  {
    name: 'an alias without its anchor, and a merge of something that is not a map',
    offline: true,
    desired: `tables:
  a:
    columns:
      <<: *shared
  b:
    columns:
      x: &word text
      <<: *word
`,
    errors: [
      { at: '*shared', code: 'yaml_syntax', message: ['the alias *shared has no anchor &shared before it'] },
      { at: '*word', code: 'yaml_syntax', message: ['a merge key `<<` takes a map'] },
    ],
  },
  {
    name: 'a problem in a merged column set is at its line, once for all tables sharing it; one of the table itself at its own',
    offline: true,
    desired: `tables:
  a:
    columns: &shared
      id: { type: serial, primary_key: true }
  b:
    columns:
      <<: *shared
      code: { type: text, nulable: false }
`,
    errors: [
      { at: 'serial', code: 'unsupported_type', message: ['"serial" is not a type'] },
      { at: 'nulable', code: 'unknown_key', message: ['tables.b.columns.code: unknown key "nulable"'] },
    ],
  },
  // ---- how to write a type name ----
  {
    name: 'an enum with a space in its name written unquoted as a type',
    offline: true,
    desired: `enums:
  Weird Enum: [a, b]
tables:
  t:
    columns:
      a: Weird Enum
      b: { type: weird enum }
`,
    errors: [
      { at: 'Weird Enum\n', code: 'bad_type', message: ['type "Weird Enum": this is not a type name'], hint: [`write '"Weird Enum"'`] },
      { at: 'weird enum', code: 'bad_type', message: ['this is not a type name'], hint: [`write '"Weird Enum"'`] },
    ],
  },
  {
    name: 'an enum with capitals or a dot in its name written unquoted as a type',
    offline: true,
    desired: `enums:
  Mood: [ok]
  '"my.status"': [on]
tables:
  t:
    columns:
      a: Mood
      b: my.status
`,
    errors: [
      { at: 'Mood\n', code: 'unknown_type', message: ['unknown type "Mood"'], hint: [`write '"Mood"'`] },
      { at: 'my.status\n', code: 'unknown_type', message: ['unknown type "my.status"'], hint: [`write '"my.status"'`] },
    ],
  },
  {
    name: 'a type name with a space that is no enum of the file',
    offline: true,
    desired: `tables:
  t:
    columns:
      a: My Type
`,
    errors: [{ at: 'My Type', code: 'bad_type', message: ['this is not a type name'], hint: [`'"My Type"'`] }],
  },
  // ---- renamed_from that cannot mean one rename each ----
  {
    name: 'two tables renamed from the same table',
    offline: true,
    desired: `tables:
  x:
    renamed_from: b
    columns: { id: integer }
  y:
    renamed_from: billing.b
    columns: { id: integer }
  billing.z:
    renamed_from: b
    columns: { id: integer }
`,
    errors: [{ at: 'b\n    columns: { id: integer }\n', nth: 3, code: 'conflict', message: ['table "billing.z" is renamed from "billing.b", and so is table "y" (line 6)'], hint: ['the other one is new'] }],
  },
  {
    name: 'two columns renamed from the same column',
    offline: true,
    desired: `tables:
  t:
    columns:
      a: { type: integer, renamed_from: old }
      b: { type: integer, renamed_from: old }
`,
    errors: [{ at: 'old', nth: 2, code: 'conflict', message: ['column "b" of table "t" is renamed from "old", and so is column "a" (line 4)'] }],
  },
  {
    name: 'a table renamed from a table still defined',
    offline: true,
    desired: `tables:
  c:
    columns: { id: integer }
  e:
    renamed_from: c
    columns: { id: integer }
`,
    errors: [{ at: 'c\n    columns', code: 'conflict', message: ['table "e" is renamed from "c", which is still defined (line 2)'], hint: ['remove "c" from the file', 'remove renamed_from'] }],
  },
  {
    name: 'a column renamed from a column still defined',
    offline: true,
    desired: `tables:
  t:
    columns:
      a: integer
      b: { type: integer, renamed_from: a }
`,
    errors: [{ at: 'a }', code: 'conflict', message: ['column "b" of table "t" is renamed from "a", which is still defined (line 4)'] }],
  },
  {
    name: 'two tables swapping names: one problem, at the first',
    offline: true,
    desired: `tables:
  a:
    renamed_from: b
    columns: { id: integer }
  b:
    renamed_from: a
    columns: { id: integer }
`,
    errors: [{ at: 'b\n', code: 'conflict', message: ['tables swap names ("a" from "b", "b" from "a")', 'every plan would swap them again'], hint: ['swap in two plans'] }],
  },
  {
    name: 'three columns renamed round in a circle',
    offline: true,
    desired: `tables:
  t:
    columns:
      a: { type: integer, renamed_from: b }
      b: { type: integer, renamed_from: c }
      c: { type: integer, renamed_from: a }
`,
    errors: [{ at: 'b }', code: 'conflict', message: ['columns of table "t" swap names ("a" from "b", "b" from "c", "c" from "a")'] }],
  },
  // ---- limits PostgreSQL enforces only when the statement runs ----
  {
    name: 'a table of 1,601 columns: at the first column over 1,600',
    offline: true,
    desired: `tables:\n  wide:\n    columns:\n${columnLines(1601)}\n`,
    errors: [{ at: 'c1601: integer', code: 'limit_exceeded', message: ['table "wide" has 1,601 columns, and PostgreSQL allows at most 1,600: column "c1601" is the first one over'], hint: ['split the table'] }],
  },
  {
    name: 'keys of 33 columns: a primary key, a unique constraint and a foreign key, each at its name',
    offline: true,
    desired: `tables:
  t:
    columns:
${columnLines(33)}
    primary_key: [${names(33).join(', ')}]
    unique:
      t_all_key: [${names(33).reverse().join(', ')}]
    indexes:
      t_idx: { columns: [${names(33).join(', ')}] }
  u:
    columns:
${columnLines(33)}
    foreign_keys:
      u_t_fkey: { columns: [${names(33).join(', ')}], references: t }
`,
    errors: [
      { at: 'primary_key:', code: 'limit_exceeded', message: ['primary key "t_pkey" has 33 columns, and PostgreSQL allows at most 32 in a key'], hint: ['INDEX_MAX_KEYS'] },
      { at: 't_all_key:', code: 'limit_exceeded', message: ['unique constraint "t_all_key" has 33 columns'] },
      { at: 't_idx:', code: 'limit_exceeded', message: ['index "t_idx" has 33 columns, and PostgreSQL allows at most 32 in an index, include columns counted'] },
      { at: 'u_t_fkey:', code: 'limit_exceeded', message: ['foreign key "u_t_fkey" has 33 columns, and PostgreSQL allows at most 32 in a key'] },
    ],
  },
  // ---- policies ----
  {
    name: 'policies that are not one expression, or whose clauses do not fit their command, each at its line',
    offline: true,
    desired: `tables:
  t:
    columns:
      owner: text
    policies:
      two:
        using: "owner = current_user; DROP TABLE t"
      adds:
        command: insert
        using: owner = current_user
      reads:
        command: select
        with_check: owner = current_user
      nothing:
        command: update
`,
    errors: [
      { line: 7, code: 'bad_expression', message: 'policy "two" on table "t": using:' },
      { line: 10, col: 9, code: 'bad_expression', message: 'policy "adds" on table "t": a policy for insert has no using' },
      { line: 13, col: 9, code: 'bad_expression', message: 'policy "reads" on table "t": a policy for select has no with_check' },
      { line: 14, col: 7, code: 'bad_expression', message: 'policy "nothing" on table "t": it has neither using nor with_check' },
    ],
  },
  {
    name: 'a policy with a command or a kind schema does not know, at the value',
    offline: true,
    desired: `tables:
  t:
    columns:
      owner: text
    row_level_security: yes please
    policies:
      p:
        command: truncate
        as: strict
        using: "true"
`,
    errors: [
      { line: 5, code: 'schema_violation', message: 'row_level_security' },
      { line: 8, code: 'schema_violation', message: 'command' },
      { line: 9, code: 'schema_violation', message: 'as' },
    ],
  },
];

/** A text default that does not fit its built-in type is an error offline, in PostgreSQL's own words. */
const defaultMisfits: readonly ErrorCase[] = (
  [
    ['integer', 'abc', 'invalid input syntax for type integer: "abc"'],
    ['int', '1.5', 'invalid input syntax for type integer: "1.5"'],
    ['smallint', '40000', 'value "40000" is out of range for type smallint'],
    ['bigint', '9223372036854775808', 'value "9223372036854775808" is out of range for type bigint'],
    ['boolean', 'maybe', 'invalid input syntax for type boolean: "maybe"'],
    ['bool', 'o', 'invalid input syntax for type boolean: "o"'],
    ['numeric(10,2)', 'ten', 'invalid input syntax for type numeric: "ten"'],
    ['double precision', '1,5', 'invalid input syntax for type double precision: "1,5"'],
    ['uuid', 'not-a-uuid', 'invalid input syntax for type uuid: "not-a-uuid"'],
  ] as const
).map(([type, value, words]) => ({
  name: `a text default that does not fit built-in ${type} is an error offline: ${value}`,
  offline: true,
  desired: `tables:\n  t:\n    columns:\n      x: { type: "${type}", default: "${value}" }\n`,
  errors: [{ line: 4, code: 'bad_expression', message: `default of column "x": the default '${value}' does not fit type ${words.split(' type ')[1]!.split(':')[0]}: ${words}`, whole: true }],
}));

/** Generated columns and collations: what the loader finds alone, and what only the server tells. */
const tableDetailErrors: readonly ErrorCase[] = [
  {
    name: 'a generated column with a default, another with an identity, another with a backfill',
    offline: true,
    desired: `tables:
  t:
    columns:
      a: integer
      b: { type: integer, default: 0, generated: "a * 2" }
      c: { type: integer, identity: always, generated: "a * 3" }
      d: { type: integer, nullable: false, backfill: 0, generated: "a * 4" }
`,
    errors: [
      { line: 5, col: 39, code: 'conflict', message: 'column "b" has both a generation expression and a default', hint: ['remove `default`'] },
      { line: 6, col: 45, code: 'conflict', message: 'column "c" has both a generation expression and an identity', hint: ['remove `identity`'] },
      { line: 7, col: 57, code: 'conflict', message: 'column "d" has both a generation expression and a backfill', hint: ['remove `backfill`'] },
    ],
  },
  {
    name: 'a generation expression reading a generated column, itself, a column the table lacks, or two expressions',
    offline: true,
    desired: `tables:
  t:
    columns:
      a: integer
      b: { type: integer, generated: "a * 2" }
      c: { type: integer, generated: "b + 1" }
      d: { type: integer, generated: { sql: "d + 1" } }
      e: { type: integer, generated: "aa + 1" }
      f: { type: integer, generated: "1; DROP TABLE t" }
`,
    errors: [
      { line: 6, col: 39, code: 'bad_expression', message: 'generation expression of column "c" reads "b", which is a generated column too', hint: ['the columns "b" is computed from'] },
      { line: 7, col: 46, code: 'bad_expression', message: 'generation expression of column "d" reads the column itself' },
      { line: 8, col: 39, code: 'unknown_column', message: ['generation expression of column "e": table "t" has no column "aa"', 'Did you mean "a"?'] },
      { line: 9, code: 'bad_expression', message: 'generation expression of column "f"' },
    ],
  },
  {
    name: 'a key initially deferred but not deferrable',
    offline: true,
    desired: `tables:
  t:
    columns:
      a: integer
    primary_key: { columns: [a], deferrable: false, initially_deferred: true }
`,
    errors: [{ line: 5, code: 'conflict', message: 'primary key "t_pkey": initially_deferred needs deferrable', hint: 'remove `deferrable: false`' }],
  },
  {
    name: 'a collation written in double quotes that is not a name',
    offline: true,
    desired: `tables:
  t:
    columns:
      a: { type: text, collation: '"public' }
`,
    errors: [{ line: 4, col: 35, code: 'bad_name', message: 'collation of column "a": "public is not a name or "schema"."name"' }],
  },
];

/** Said by the server while it spells the file. */
const tableDetailServerErrors: readonly ErrorCase[] = [
  {
    name: 'a generation expression that is not immutable, a collation that does not exist, a collation on an integer',
    desired: `tables:
  t:
    columns:
      a: integer
      b: { type: timestamptz, generated: "now()" }
      c: { type: text, collation: no_such_collation }
      d: { type: integer, collation: C }
`,
    errors: [
      { line: 5, code: 'bad_expression', message: ['generation expression of column "b"', 'immutable'] },
      { line: 6, code: 'bad_expression', message: ['column "c"', 'collation "no_such_collation"', 'does not exist'] },
      { line: 7, code: 'bad_expression', message: ['column "d"', 'collations are not supported by type integer'] },
    ],
  },
  {
    name: 'an operator class that does not exist, one of another method, a storage parameter out of bounds',
    desired: `tables:
  t:
    columns:
      a: text
      b: jsonb
    indexes:
      t_a_idx: { columns: [{ column: a, opclass: no_such_ops }] }
      t_b_idx: { columns: [{ column: b, opclass: jsonb_path_ops }] }
      t_a_ff: { columns: [a], with: { fillfactor: 5 } }
`,
    errors: [
      { line: 7, code: 'bad_expression', message: ['index "t_a_idx"', 'operator class "no_such_ops" does not exist for access method "btree"'] },
      { line: 8, code: 'bad_expression', message: ['index "t_b_idx"', 'operator class "jsonb_path_ops" does not exist for access method "btree"'] },
      { line: 9, code: 'bad_expression', message: ['index "t_a_ff"', 'fillfactor'] },
    ],
  },
];

/** A partitioned table of the partition cases below. */
const PARENT = `tables:
  payment:
    partition_by: "RANGE (paid_on)"
    columns:
      id: bigint
      paid_on: date
`;

/** Partitioned tables and partitions (test/cases/partitions.ts): what the loader and the target refuse. */
const partitionErrors: readonly ErrorCase[] = [
  {
    name: 'a partition of a table the file does not have',
    offline: true,
    desired: `${PARENT}  payment_old:\n    partition_of: payments\n    default: true\n`,
    errors: [{ at: 'payments', code: 'unknown_table', message: 'table "payment_old" is a partition of "payments", which is not a table of this file', hint: ['partition_by'] }],
  },
  {
    name: 'a partition of a table that is not partitioned',
    offline: true,
    desired: `tables:\n  customer:\n    columns:\n      id: integer\n  customer_eu:\n    partition_of: customer\n    for_values: "IN (1)"\n`,
    errors: [{ line: 6, code: 'conflict', message: 'table "customer_eu" is a partition of "customer", which has no partition_by', hint: ['add partition_by to "customer"'] }],
  },
  {
    name: 'for_values or default without partition_of',
    offline: true,
    desired: `${PARENT}  other:\n    for_values: "FROM (1) TO (2)"\n    columns:\n      id: integer\n  rest:\n    default: true\n    columns:\n      id: integer\n`,
    errors: [
      { line: 8, code: 'conflict', message: 'table "other" has for_values but no partition_of' },
      { line: 12, code: 'conflict', message: 'table "rest" has default: true but no partition_of' },
    ],
  },
  {
    name: 'a partition with both default and for_values, one with neither, one that lists columns',
    offline: true,
    desired: `${PARENT}  p1:\n    partition_of: payment\n    for_values: "FROM ('2024-01-01') TO ('2024-02-01')"\n    default: true\n  p2:\n    partition_of: payment\n  p3:\n    partition_of: payment\n    default: true\n    columns:\n      id: bigint\n`,
    errors: [
      { line: 10, code: 'conflict', message: 'partition "p1" has both for_values and default: true' },
      { line: 12, code: 'conflict', message: 'partition "p2" has neither for_values nor default: true' },
      { line: 16, code: 'conflict', message: 'partition "p3" lists columns: a partition has the columns of its parent', hint: ['remove columns: and change the columns of "payment" instead'] },
    ],
  },
  {
    name: 'a partition key or bound with more than a key or bound in it',
    offline: true,
    desired: `tables:\n  t:\n    partition_by: "RANGE (id) TABLESPACE pg_default"\n    columns:\n      id: integer\n  u:\n    partition_by: "RANGE (id)"\n    columns:\n      id: integer\n  u1:\n    partition_of: u\n    for_values: "IN (1) PARTITION BY LIST (id)"\n`,
    errors: [
      { line: 3, code: 'bad_expression', message: 'partition_by of table "t": this is more than one partition key' },
      { line: 12, code: 'bad_expression', message: 'for_values of table "u1": this is more than one bound' },
    ],
  },
  {
    name: 'an index of a partition on a column its parent does not have',
    offline: true,
    desired: `${PARENT}  p1:\n    partition_of: payment\n    default: true\n    indexes:\n      p1_amount_idx: { columns: [amount] }\n`,
    errors: [{ at: 'amount', nth: 2, code: 'unknown_column', message: 'amount' }],
  },
  {
    name: 'a bound the server refuses: of the wrong kind for the key, or overlapping another',
    desired: `${PARENT}  p1:\n    partition_of: payment\n    for_values: "IN ('2024-01-01')"\n  p2:\n    partition_of: payment\n    for_values: "FROM ('2024-01-01') TO ('2024-03-01')"\n  p3:\n    partition_of: payment\n    for_values: "FROM ('2024-02-01') TO ('2024-04-01')"\n`,
    errors: [
      { line: 9, code: 'bad_expression', message: ['partition "public.p1"', 'invalid bound specification for a range partition'] },
      { line: 15, code: 'bad_expression', message: ['partition "public.p3"', 'would overlap partition "p2"'] },
    ],
  },
  {
    name: 'a table partitioned in the file but not in the database: refused, its rows are not dropped',
    before: 'CREATE TABLE payment (id bigint, paid_on date)',
    desired: PARENT,
    errors: [{ line: 3, code: 'conflict', message: 'table "payment" is not partitioned in the database and partitioned by RANGE (paid_on) in the file', hint: ['INSERT ... SELECT'] }],
  },
];

/**
 * The one table of loader errors. `offline` cases run with no server (test/unit/errors.test.ts,
 * also in `npm run test:unit`); the others against a database (test/acceptance-errors.test.ts).
 */
export const errorCases: readonly ErrorCase[] = [...serverCases, ...offlineCases, ...defaultMisfits, ...tableDetailErrors, ...tableDetailServerErrors, ...partitionErrors];
