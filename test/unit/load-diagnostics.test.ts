// schema.yaml -> Spec, the bad inputs: each problem is one diagnostic at the line and column
// (1-based) where the user wrote the offending text, with a stable code and a message in
// words. Positions are computed from the input text itself (where the needle is written), so
// a case reads as "the error points at `totl`".
import { describe, expect, it } from 'vitest';
import type { DiagnosticCode } from '../../src/spec/diagnostics.js';
import { loadSpec } from '../../src/spec/load.js';

/** 1-based line and column of the `nth` occurrence of `needle` in `text`. */
function at(text: string, needle: string, nth = 1): { line: number; col: number } {
  let index = -1;
  for (let i = 0; i < nth; i++) {
    index = text.indexOf(needle, index + 1);
    if (index < 0) throw new Error(`"${needle}" (occurrence ${nth}) is not in the text`);
  }
  const before = text.slice(0, index);
  const line = before.split('\n').length;
  return { line, col: index - (before.lastIndexOf('\n') + 1) + 1 };
}

interface Expected {
  /** Where the diagnostic points: the first character of this text ... */
  readonly at: string;
  /** ... at its nth occurrence. */
  readonly nth?: number;
  readonly code: DiagnosticCode;
  /** Words the message must contain. */
  readonly message: readonly string[];
  readonly hint?: readonly string[];
}

interface Case {
  readonly name: string;
  readonly yaml: string;
  readonly errors: readonly Expected[];
}

function check({ yaml, errors }: Case): void {
  const result = loadSpec('schema.yaml', yaml);
  expect(result.spec).toBeNull();
  const got = result.diagnostics.map((d) => ({ file: d.file, line: d.line, col: d.col, code: d.code, message: d.message, hint: d.hint }));
  expect(got.map(({ line, col, code }) => ({ line, col, code }))).toEqual(errors.map((e) => ({ ...at(yaml, e.at, e.nth), code: e.code })));
  errors.forEach((e, i) => {
    expect(got[i]!.file).toBe('schema.yaml');
    for (const words of e.message) expect(got[i]!.message).toContain(words);
    for (const words of e.hint ?? []) expect(got[i]!.hint ?? '').toContain(words);
  });
}

const cases: readonly Case[] = [
  // ---- malformed YAML ----
  {
    name: 'a key given twice in one map',
    yaml: `tables:
  t:
    columns:
      id: integer
      id: text
`,
    errors: [{ at: 'id: text', code: 'yaml_syntax', message: ['invalid YAML', 'unique'] }],
  },
  {
    name: 'a mapping inside a one-line mapping',
    yaml: `tables:
  t:
    columns:
      id: type: integer
`,
    errors: [{ at: 'type: integer', code: 'yaml_syntax', message: ['invalid YAML', 'Nested mappings'] }],
  },
  {
    name: 'a tab used for indentation',
    yaml: `tables:\n\tt: {}\n`,
    errors: [{ at: '\tt', code: 'yaml_syntax', message: ['invalid YAML', 'Tabs'] }],
  },
  // ---- unknown keys and types ----
  {
    name: 'an unknown key, with a did-you-mean',
    yaml: `tables:
  t:
    columns:
      id: { type: integer, nulable: false }
`,
    errors: [{ at: 'nulable', code: 'unknown_key', message: ['unknown key "nulable"', 'Did you mean "nullable"?'] }],
  },
  {
    name: 'a misspelt top-level key',
    yaml: `tabels:
  t:
    columns:
      id: integer
`,
    errors: [{ at: 'tabels', code: 'unknown_key', message: ['unknown key "tabels"', 'Did you mean "tables"?'] }],
  },
  {
    name: 'a serial type, with the identity to write instead',
    yaml: `tables:
  t:
    columns:
      id: serial
`,
    errors: [{ at: 'serial', code: 'unsupported_type', message: ['"serial" is not a type'], hint: ['type: integer', 'identity: by_default'] }],
  },
  {
    name: 'a bigserial type, with the identity to write instead',
    yaml: `tables:
  t:
    columns:
      id: { type: bigserial, nullable: false }
`,
    errors: [{ at: 'bigserial', code: 'unsupported_type', message: ['"bigserial" is not a type'], hint: ['type: bigint', 'identity: by_default'] }],
  },
  // ---- names ----
  {
    name: 'a table name of 64 bytes',
    yaml: `tables:
  ${'t'.repeat(64)}:
    columns:
      id: integer
`,
    errors: [{ at: 't'.repeat(64), code: 'identifier_too_long', message: ['is 64 bytes long', '63'] }],
  },
  {
    name: 'a column name of 32 two-byte characters (64 bytes in UTF-8)',
    yaml: `tables:
  t:
    columns:
      ${'é'.repeat(32)}: integer
`,
    errors: [{ at: 'é', code: 'identifier_too_long', message: ['is 64 bytes long'] }],
  },
  {
    name: 'an index name of 64 bytes',
    yaml: `tables:
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
    yaml: `tables:
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
    yaml: `tables:
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
    yaml: `tables:
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
    yaml: `tables:
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
    yaml: `tables:
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
    yaml: `tables:
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
    yaml: `tables:
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
    yaml: `tables:
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
    yaml: `tables:
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
    yaml: `tables:
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
    yaml: `tables:
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
    yaml: `tables:
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
    yaml: `tables:
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
    yaml: `tables:
  t:
    columns:
      id: integer
      x: { type: integer, default: { sql: "1; DROP TABLE x" } }
`,
    errors: [{ at: ';', code: 'bad_expression', message: ['default of column "x"', '";" ends a statement'] }],
  },
  {
    name: 'a statement after an expression in a check',
    yaml: `tables:
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
    yaml: `tables:
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
    yaml: `tables:
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
    yaml: `tables:
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
    yaml: `tables:
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
    yaml: `tables:
  t:
    columns:
      id: { type: integer, primary_key: true, nullable: true }
`,
    errors: [{ at: 'nullable', code: 'conflict', message: ['column "id" is a primary key, which is never nullable'], hint: ['remove `nullable: true`'] }],
  },
  {
    name: 'a column of the table primary key declared nullable',
    yaml: `tables:
  t:
    columns:
      id: { type: integer, nullable: true }
    primary_key: [id]
`,
    errors: [{ at: 'nullable', code: 'conflict', message: ['column "id" is in the primary key, which is never nullable'] }],
  },
  {
    name: 'an identity on a text column',
    yaml: `tables:
  t:
    columns:
      id: { type: text, identity: always }
`,
    errors: [{ at: 'always', code: 'conflict', message: ['identity column must be smallint, integer or bigint, not text'] }],
  },
  {
    name: 'an identity with a default',
    yaml: `tables:
  t:
    columns:
      id: { type: bigint, identity: always, default: 1 }
`,
    errors: [{ at: '1 }', code: 'conflict', message: ['both a default and an identity'] }],
  },
  {
    name: 'two columns with primary_key: true',
    yaml: `tables:
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
    yaml: '',
    errors: [{ at: '', code: 'schema_violation', message: ['the file is empty'], hint: ['tables: {}'] }],
  },
  {
    name: 'a file of comments only',
    yaml: '# nothing here yet\n',
    errors: [{ at: '#', code: 'schema_violation', message: ['the file is empty'] }],
  },
  {
    name: 'several problems at once, in file order',
    yaml: `enums:
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
      { at: 'integr', code: 'unverified_type', message: ['type "integr" is neither built in', 'Did you mean "integer"?'] },
      { at: 'totl', code: 'unknown_column', message: ['has no column "totl"'] },
      { at: 'primary_key: [idd]', code: 'conflict', message: ['both `primary_key` and a column with `primary_key: true`'] },
      { at: 'idd', code: 'unknown_column', message: ['has no column "idd"', 'Did you mean "id"?'] },
    ],
  },
  // Found by these tests and fixed since.
  {
    name: 'an index named like a table: the message names each once, and the schema',
    yaml: `tables:
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
    yaml: `tables:
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
    yaml: `tables:
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
    yaml: `tables:
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
    yaml: `tables:
  schema_tool.revisions:
    columns:
      id: integer
`,
    errors: [{ at: 'schema_tool.revisions', code: 'reserved_name', message: ['schema "schema_tool" is reserved', "this tool's own ledger"] }],
  },
  {
    name: "tables and enums in PostgreSQL's own schemas, and one listed under schemas",
    yaml: `enums:
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
    yaml: `tables:
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
    yaml: `tables:
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
    yaml: `tables:
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
    yaml: `tables:
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
    yaml: `enums:
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
    yaml: `enums:
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
    yaml: `tables:
  t:
    columns:
      a: My Type
`,
    errors: [{ at: 'My Type', code: 'bad_type', message: ['this is not a type name'], hint: [`'"My Type"'`] }],
  },
  // ---- renamed_from that cannot mean one rename each ----
  {
    name: 'two tables renamed from the same table',
    yaml: `tables:
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
    errors: [
      { at: 'b\n    columns: { id: integer }\n', nth: 3, code: 'conflict', message: ['table "billing.z" is renamed from "billing.b", and so is table "y" (line 6)'], hint: ['the other one is new'] },
    ],
  },
  {
    name: 'two columns renamed from the same column',
    yaml: `tables:
  t:
    columns:
      a: { type: integer, renamed_from: old }
      b: { type: integer, renamed_from: old }
`,
    errors: [{ at: 'old', nth: 2, code: 'conflict', message: ['column "b" of table "t" is renamed from "old", and so is column "a" (line 4)'] }],
  },
  {
    name: 'a table renamed from a table still defined',
    yaml: `tables:
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
    yaml: `tables:
  t:
    columns:
      a: integer
      b: { type: integer, renamed_from: a }
`,
    errors: [{ at: 'a }', code: 'conflict', message: ['column "b" of table "t" is renamed from "a", which is still defined (line 4)'] }],
  },
  {
    name: 'two tables swapping names: one problem, at the first',
    yaml: `tables:
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
    yaml: `tables:
  t:
    columns:
      a: { type: integer, renamed_from: b }
      b: { type: integer, renamed_from: c }
      c: { type: integer, renamed_from: a }
`,
    errors: [{ at: 'b }', code: 'conflict', message: ['columns of table "t" swap names ("a" from "b", "b" from "c", "c" from "a")'] }],
  },
];

describe('loadSpec diagnostics', () => {
  it.each(cases)('$name', (c) => check(c));

  it('puts the file name given into every position', () => {
    const result = loadSpec('db/shop.yaml', 'tables:\n  t:\n    columns:\n      id: integr\n');
    expect(result.diagnostics.map((d) => d.file)).toEqual(['db/shop.yaml']);
  });
});

describe('loadSpec accepts what is close to an error but right', () => {
  const ok = (yaml: string) => {
    const result = loadSpec('schema.yaml', yaml);
    expect(result.diagnostics).toEqual([]);
    expect(result.spec).not.toBeNull();
    return result.spec!;
  };

  it('a chain of renames: each source is itself renamed', () => {
    const spec = ok(`tables:
  a:
    renamed_from: b
    columns: { id: integer }
  b:
    renamed_from: c
    columns:
      x: { type: integer, renamed_from: y }
      y: { type: integer, renamed_from: z }
`);
    expect(spec.tables.map((t) => t.renamedFrom?.value.name)).toEqual(['b', 'c']);
  });

  it('names of exactly 63 bytes, ASCII or not', () => {
    const spec = ok(`tables:
  ${'t'.repeat(63)}:
    columns:
      ${'é'.repeat(31)}x: integer
`);
    expect(spec.tables[0]!.name).toHaveLength(63);
    expect(Buffer.byteLength(spec.tables[0]!.columns[0]!.name)).toBe(63);
  });

  it('an index in another schema named like a table', () => {
    ok(`tables:
  users:
    columns:
      id: integer
  billing.things:
    columns:
      id: integer
    indexes:
      users: { columns: [id] }
`);
  });

  it('the same check name on two tables (constraint names are per table)', () => {
    ok(`tables:
  t:
    columns:
      a: integer
    checks:
      positive: a > 0
  u:
    columns:
      a: integer
    checks:
      positive: a > 0
`);
  });

  it('identity on smallint, integer and bigint however they are spelled', () => {
    ok(`tables:
  t:
    columns:
      a: { type: int, identity: always }
      b: { type: int8, identity: by_default }
      c: { type: smallint, identity: by_default }
`);
  });

  it('a default that is a function call, not a column', () => {
    const spec = ok(`tables:
  t:
    columns:
      made: { type: timestamptz, default: { sql: now() } }
      day: { type: date, default: { sql: CURRENT_DATE } }
`);
    expect(spec.tables[0]!.columns.map((c) => c.default)).toMatchObject([
      { kind: 'expression', sql: 'now()' },
      { kind: 'expression', sql: 'CURRENT_DATE' },
    ]);
  });
});

describe('offline, types only the database can confirm are warnings', () => {
  const yaml = `tables:
  t:
    columns:
      email: citext
      tags: hstore
      vec: extensions.vector(3)
      also: public.citext
`;

  it('each at its line, with a Spec all the same', () => {
    const result = loadSpec('schema.yaml', yaml);
    expect(result.spec).not.toBeNull();
    expect(result.diagnostics.map((d) => [d.line, d.col, d.code, d.severity])).toEqual([
      [4, 14, 'unverified_type', 'warning'],
      [5, 13, 'unverified_type', 'warning'],
      [6, 12, 'unverified_type', 'warning'],
      [7, 13, 'unverified_type', 'warning'],
    ]);
    expect(result.diagnostics[0]!.message).toBe('type "citext" is neither built in nor an enum of this file: `schema plan` will check it against the database');
  });

  it('a slip of a built-in type or an enum of the file is a warning with its did-you-mean: a domain may be named posint', () => {
    const slips = `enums:
  mood: [ok]
tables:
  t:
    columns:
      a: intger
      b: { type: jsnob, nullable: false }
      c: timestampz
      d: public.integr
      e: posint
      f: mod
`;
    const result = loadSpec('schema.yaml', slips);
    expect(result.spec).not.toBeNull();
    expect(result.diagnostics.map((d) => [d.line, d.col, d.code, d.severity, d.message])).toEqual([
      [6, 10, 'unverified_type', 'warning', 'type "intger" is neither built in nor an enum of this file. Did you mean "integer"?'],
      [7, 18, 'unverified_type', 'warning', 'type "jsnob" is neither built in nor an enum of this file. Did you mean "jsonb"?'],
      [8, 10, 'unverified_type', 'warning', 'type "timestampz" is neither built in nor an enum of this file. Did you mean "timestamptz"?'],
      [9, 10, 'unverified_type', 'warning', 'type "public.integr" is neither built in nor an enum of this file. Did you mean "integer"?'],
      [10, 10, 'unverified_type', 'warning', 'type "posint" is neither built in nor an enum of this file. Did you mean "point"?'],
      [11, 10, 'unverified_type', 'warning', 'type "mod" is neither built in nor an enum of this file. Did you mean "mood"?'],
    ]);
    expect(result.diagnostics[4]!.hint).toBe('if the database has no type "posint" (a domain, or an extension\'s type), `schema plan` stops with an error here');
    // Against a database that has none of them, each is an error.
    const online = loadSpec('schema.yaml', slips, { knownTypes: new Set() });
    expect(online.spec).toBeNull();
    expect(online.diagnostics.map((d) => [d.line, d.code, d.severity])).toEqual([6, 7, 8, 9, 10, 11].map((line) => [line, 'unknown_type', undefined]));
  });

  it('against a database (known types given), an unknown type is an error', () => {
    const result = loadSpec('schema.yaml', yaml, { knownTypes: new Set(['public.citext']) });
    expect(result.spec).toBeNull();
    expect(result.diagnostics.map((d) => [d.line, d.code, d.severity])).toEqual([
      [5, 'unknown_type', undefined],
      [6, 'unknown_type', undefined],
    ]);
  });
});

