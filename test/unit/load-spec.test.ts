// schema.yaml -> Spec, the good inputs: the example project, the shorthands, the ways to
// write a reference, renames, and the SPEC's own `{ type: numeric(12,2) }` in a flow map
// (where YAML alone would split the value at its comma).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadSpec } from '../../src/desired/load.js';
import { serverVersionDiagnostics } from '../../src/desired/target-checks.js';
import type { Spec, SpecTable } from '../../src/desired/spec.js';

function load(yaml: string): Spec {
  const result = loadSpec('schema.yaml', yaml);
  expect(result.diagnostics).toEqual([]);
  expect(result.spec).not.toBeNull();
  return result.spec!;
}

function table(spec: Spec, name: string, schema = 'public'): SpecTable {
  const t = spec.tables.find((x) => x.schema === schema && x.name === name);
  if (!t) throw new Error(`no table ${schema}.${name}`);
  return t;
}

const columns = (t: SpecTable) => Object.fromEntries(t.columns.map((c) => [c.name, c]));

describe('the example schema.yaml', () => {
  const spec = load(readFileSync(new URL('../../schema.yaml', import.meta.url), 'utf8'));

  it('loads with no diagnostics, every table in its schema', () => {
    expect(spec.tables.map((t) => `${t.schema}.${t.name}`)).toEqual(['public.users', 'public.orders', 'billing.invoices']);
    expect(spec.enums.map((e) => [e.name, e.values.map((v) => v.value)])).toEqual([['order_status', ['pending', 'paid', 'shipped', 'cancelled']]]);
  });

  it('reads the column forms of the SPEC', () => {
    const users = columns(table(spec, 'users'));
    expect(users['id']).toMatchObject({ type: { value: 'bigint' }, identity: 'always', nullable: false });
    expect(users['email']).toMatchObject({ type: { value: 'varchar(320)' }, nullable: false });
    // shorthand: type only, nullable
    expect(users['name']).toMatchObject({ type: { value: 'text' }, nullable: true, default: null, identity: null });
    // a literal is quoted for you; { sql } is an expression
    expect(users['status']!.default).toMatchObject({ kind: 'literal', sql: "'active'" });
    expect(users['created_at']!.default).toMatchObject({ kind: 'expression', sql: 'now()' });
    const orders = columns(table(spec, 'orders'));
    expect(orders['total']).toMatchObject({ type: { value: 'numeric(12,2)' }, nullable: false, default: { kind: 'literal', sql: '0' } });
    expect(orders['status']).toMatchObject({ type: { value: 'order_status' }, default: { kind: 'literal', sql: "'pending'" } });
  });

  it('gives shorthand keys the names PostgreSQL would give them', () => {
    const users = table(spec, 'users');
    expect(users.primaryKey).toMatchObject({ name: 'users_pkey', columns: [{ value: 'id' }] });
    expect(users.uniques.map((u) => [u.name, u.columns.map((c) => c.value)])).toEqual([['users_email_key', ['email']]]);
    expect(table(spec, 'orders').primaryKey).toMatchObject({ name: 'orders_pkey', columns: [{ value: 'id' }] });
    expect(table(spec, 'invoices', 'billing').primaryKey).toMatchObject({ name: 'invoices_pkey' });
  });

  it('resolves the foreign key and keeps positions for later messages', () => {
    const [fk] = table(spec, 'orders').foreignKeys;
    expect(fk).toMatchObject({ name: 'orders_user_id_fkey', onDelete: 'cascade', onUpdate: 'no action', references: { schema: 'public', table: 'users' } });
    expect(fk!.columns.map((c) => c.value)).toEqual(['user_id']);
    expect(fk!.references.columns.map((c) => c.value)).toEqual(['id']);
    const text = readFileSync(new URL('../../schema.yaml', import.meta.url), 'utf8');
    const line = text.split('\n').findIndex((l) => l.includes('orders_user_id_fkey')) + 1;
    expect(fk!.pos.line).toBe(line);
  });
});

describe('references', () => {
  const spec = load(`tables:
  users:
    columns:
      id: { type: bigint, primary_key: true }
      handle: { type: text, unique: true }
  billing.invoices:
    columns:
      id: { type: uuid, primary_key: true }
  payments:
    columns:
      id: { type: bigint, primary_key: true }
      user_id: bigint
      user2_id: bigint
      invoice_id: uuid
      invoice2_id: uuid
      handle: text
    foreign_keys:
      payments_user_fk: { columns: [user_id], references: users(id), on_delete: cascade }
      payments_user2_fk: { columns: [user2_id], references: users }
      payments_invoice_fk: { columns: [invoice_id], references: billing.invoices(id) }
      payments_invoice2_fk: { columns: [invoice2_id], references: { table: billing.invoices, columns: [id] } }
      payments_handle_fk: { columns: [handle], references: { table: users, columns: [handle] }, on_update: set_null }
      payments_later_fk: { columns: [user_id], references: ledger(id) }
  ledger:
    columns:
      id: { type: bigint, primary_key: true }
`);
  const fks = Object.fromEntries(table(spec, 'payments').foreignKeys.map((f) => [f.name, f]));
  const target = (name: string) => {
    const r = fks[name]!.references;
    return `${r.schema}.${r.table}(${r.columns.map((c) => c.value).join(', ')})`;
  };

  it('reads `table(column)`', () => {
    expect(target('payments_user_fk')).toBe('public.users(id)');
    expect(fks['payments_user_fk']).toMatchObject({ onDelete: 'cascade', onUpdate: 'no action', match: 'simple', deferrable: false });
  });
  it('reads a bare table as its primary key', () => expect(target('payments_user2_fk')).toBe('public.users(id)'));
  it('reads `schema.table(column)`', () => expect(target('payments_invoice_fk')).toBe('billing.invoices(id)'));
  it('reads `{ table, columns }`', () => {
    expect(target('payments_invoice2_fk')).toBe('billing.invoices(id)');
    expect(target('payments_handle_fk')).toBe('public.users(handle)');
    expect(fks['payments_handle_fk']).toMatchObject({ onUpdate: 'set null' });
  });
  it('resolves a table defined further down', () => expect(target('payments_later_fk')).toBe('public.ledger(id)'));
});

describe('renamed_from', () => {
  it('is read for tables (in their own schema unless qualified) and columns', () => {
    const spec = load(`tables:
  customers:
    renamed_from: clients
    columns:
      id: { type: bigint, primary_key: true }
      full_name: { type: text, renamed_from: name }
  billing.invoices:
    renamed_from: public.invoices
    columns:
      id: bigint
  billing.notes:
    renamed_from: memos
    columns:
      id: bigint
`);
    expect(table(spec, 'customers').renamedFrom?.value).toEqual({ schema: 'public', name: 'clients' });
    expect(columns(table(spec, 'customers'))['full_name']!.renamedFrom?.value).toBe('name');
    expect(columns(table(spec, 'customers'))['id']!.renamedFrom).toBeNull();
    expect(table(spec, 'invoices', 'billing').renamedFrom?.value).toEqual({ schema: 'public', name: 'invoices' });
    expect(table(spec, 'notes', 'billing').renamedFrom?.value).toEqual({ schema: 'billing', name: 'memos' });
  });

  it('naming the object itself is no rename', () => {
    const spec = load(`tables:
  t:
    renamed_from: public.t
    columns:
      a: { type: integer, renamed_from: a }
`);
    expect(table(spec, 't').renamedFrom).toBeNull();
    expect(columns(table(spec, 't'))['a']!.renamedFrom).toBeNull();
  });
});

describe('keys and names as written, whatever YAML would read them as', () => {
  const written = (): Spec =>
    load(`enums:
  levels: [1, 2.0, true]
tables:
  007:
    columns:
      b: integer
      007: integer
      7: integer
      1e3: { type: integer, renamed_from: 0x10 }
      null: { type: integer, default: 007 }
      true: { type: text, default: true }
    primary_key: [007, 1e3]
    unique:
      1_000: [7]
    indexes:
      0o17: { columns: [7, { column: 1e3 }], include: [null] }
  123456789012345678901234567890:
    renamed_from: 1e5
    columns:
      ref: integer
    foreign_keys:
      0x1f: { columns: [ref], references: 007(7) }
`);

  it('every key is a name: 007, 1e3, 0x10, null and true are not read as numbers or constants', () => {
    const spec = written();
    expect(spec.tables.map((t) => t.name)).toEqual(['007', '123456789012345678901234567890']);
    const t = table(spec, '007');
    // In the order written, though JavaScript puts keys like "7" first in an object.
    expect(t.columns.map((c) => c.name)).toEqual(['b', '007', '7', '1e3', 'null', 'true']);
    expect(t.primaryKey).toMatchObject({ name: '007_pkey', columns: [{ value: '007' }, { value: '1e3' }] });
    expect(t.uniques.map((u) => [u.name, u.columns.map((c) => c.value)])).toEqual([['1_000', ['7']]]);
    expect(t.indexes.map((i) => [i.name, i.keys.map((k) => k.column?.value), i.include.map((c) => c.value)])).toEqual([['0o17', ['7', '1e3'], ['null']]]);
  });

  it('values that name something are taken as written; other values keep their types', () => {
    const spec = written();
    const t = table(spec, '007');
    expect(columns(t)['1e3']!.renamedFrom?.value).toBe('0x10');
    expect(table(spec, '123456789012345678901234567890').renamedFrom?.value).toEqual({ schema: 'public', name: '1e5' });
    expect(table(spec, '123456789012345678901234567890').foreignKeys[0]).toMatchObject({ name: '0x1f', references: { table: '007', columns: [{ value: '7' }] } });
    expect(spec.enums[0]!.values.map((v) => v.value)).toEqual(['1', '2.0', 'true']);
    expect(columns(t)['null']!.default).toMatchObject({ kind: 'literal', sql: '007' });
    expect(columns(t)['true']!.default).toMatchObject({ kind: 'literal', sql: 'true' });
  });

  it('007 and 7 are two keys; 007 and "007" the same one, given twice', () => {
    const twice = loadSpec('schema.yaml', `tables:\n  t:\n    columns:\n      007: integer\n      "007": text\n`);
    expect(twice.spec).toBeNull();
    expect(twice.diagnostics.map((d) => [d.line, d.code])).toEqual([[5, 'yaml_syntax']]);
  });
});

describe('commas inside a flow map (flow-commas)', () => {
  it('reads `{ type: numeric(12,2), nullable: false }` as the type numeric(12,2)', () => {
    const spec = load(`tables:
  t:
    columns:
      total: { type: numeric(12,2), nullable: false }
      spaced: { type: numeric(12, 2) }
      last: { nullable: false, type: numeric(10,2) }
`);
    const c = columns(table(spec, 't'));
    expect(c['total']).toMatchObject({ type: { value: 'numeric(12,2)' }, nullable: false });
    expect(c['spaced']).toMatchObject({ type: { value: 'numeric(12, 2)' }, nullable: true });
    expect(c['last']).toMatchObject({ type: { value: 'numeric(10,2)' }, nullable: false });
  });

  it('rejoins an expression with commas in a flow map', () => {
    const spec = load(`tables:
  t:
    columns:
      n: { type: numeric, default: { sql: round(2.5, 0) } }
      d: integer
    checks:
      t_d_check: { expression: d in (1, 2) }
`);
    expect(columns(table(spec, 't'))['n']!.default).toMatchObject({ kind: 'expression', sql: 'round(2.5, 0)' });
    expect(table(spec, 't').checks[0]!.expression.value).toBe('d in (1, 2)');
  });

  it('leaves a flow list alone', () => {
    const spec = load(`enums:
  mood: [happy, sad]
tables:
  t:
    columns:
      a: integer
      b: integer
    primary_key: [a, b]
`);
    expect(table(spec, 't').primaryKey!.columns.map((c) => c.value)).toEqual(['a', 'b']);
    expect(spec.enums[0]!.values.map((v) => v.value)).toEqual(['happy', 'sad']);
  });

  it('leaves quoted values alone, parentheses and all', () => {
    const spec = load(`tables:
  t:
    columns:
      a: { type: text, comment: "total (gross", nullable: false }
      b: { type: text, comment: 'a (b, c' }
      c: { type: text, default: "x (y", nullable: false }
`);
    const c = columns(table(spec, 't'));
    expect(c['a']).toMatchObject({ comment: 'total (gross', nullable: false });
    expect(c['b']).toMatchObject({ comment: 'a (b, c' });
    expect(c['c']).toMatchObject({ default: { kind: 'literal', sql: "'x (y'" }, nullable: false });
  });

  it('does not swallow keys when the parentheses never balance', () => {
    const result = loadSpec(
      'schema.yaml',
      `tables:
  t:
    columns:
      a: { type: text, comment: a (b, nullable: false }
`,
    );
    // `a (b` stays a comment and `nullable: false` stays a key of its own
    expect(result.diagnostics).toEqual([]);
    expect(columns(result.spec!.tables[0]!)['a']).toMatchObject({ comment: 'a (b', nullable: false });
  });
});

describe('flow maps: pieces after a comma may read as numbers or booleans', () => {
  it.each([
    ['{ sql: greatest(1, 2, 3) }', 'greatest(1, 2, 3)'],
    ['{ sql: make_date(2020, 1, 1) }', 'make_date(2020, 1, 1)'],
    ['{ sql: coalesce(NULL, true, false) }', 'coalesce(NULL, true, false)'],
  ])('default: %s', (flow, sql) => {
    const yaml = `tables:\n  t:\n    columns:\n      c: { type: text, default: ${flow} }\n`;
    const result = loadSpec('schema.yaml', yaml);
    expect(result.diagnostics).toEqual([]);
    expect(result.spec!.tables[0]!.columns[0]!.default).toMatchObject({ kind: 'expression', sql });
  });
});

describe('YAML anchors and merge keys', () => {
  const yaml = `tables:
  users:
    columns: &audited
      id: { type: bigint, primary_key: true }
      created_at: { type: timestamptz, nullable: false, default: { sql: now() } }
      updated_at: timestamptz
    indexes:
      users_created_idx: { columns: [created_at] }
  orders:
    columns:
      <<: *audited
      total: numeric(12,2)
      updated_at: date
  invoices:
    columns: *audited
`;
  const spec = load(yaml);

  it('a shared column set merged into tables: its columns first, the table own after, an own column wins', () => {
    const orders = table(spec, 'orders');
    expect(orders.columns.map((c) => `${c.name} ${c.type.value}`)).toEqual(['id bigint', 'created_at timestamptz', 'updated_at date', 'total numeric(12,2)']);
    expect(orders.primaryKey?.columns.map((c) => c.value)).toEqual(['id']);
    expect(table(spec, 'invoices').columns.map((c) => c.name)).toEqual(['id', 'created_at', 'updated_at']);
  });

  it('positions: a merged column is where it is written, a column of the table itself at its own line', () => {
    const orders = columns(table(spec, 'orders'));
    expect(orders['id']!.pos.line).toBe(4);
    expect(orders['created_at']!.default!.pos.line).toBe(5);
    expect(orders['updated_at']!.pos.line).toBe(13);
    expect(orders['total']!.pos.line).toBe(12);
    expect(table(spec, 'orders').pos.line).toBe(9);
  });
});

describe('SQL comments in expressions and types', () => {
  it('are blanked out, so the text can be put inside parentheses', () => {
    const spec = load(`tables:
  t:
    columns:
      a: { type: "integer -- the type", default: { sql: "0 -- zero" } }
    checks:
      t_a: "a >= 0 /* never negative */ -- note"
`);
    const t = table(spec, 't');
    // The same length as written: offsets into the text still hold.
    expect(t.columns[0]!.type.value).toBe(`integer${' '.repeat(' -- the type'.length)}`);
    expect(t.columns[0]!.default).toMatchObject({ kind: 'expression', sql: `0${' '.repeat(' -- zero'.length)}` });
    expect(t.checks[0]!.expression.value.trimEnd()).toBe('a >= 0');
  });
});

describe('what an older server cannot do', () => {
  const yaml = `tables:
  t:
    columns: { a: integer, b: integer }
    unique:
      t_a_key: { columns: [a], nulls_not_distinct: true }
    indexes:
      t_b_idx: { columns: [b], unique: true, nulls_not_distinct: true }
`;

  it('nulls_not_distinct needs PostgreSQL 15: on 14 each use is an error at its line', () => {
    const spec = loadSpec('schema.yaml', yaml).spec!;
    expect(serverVersionDiagnostics(spec, 150000)).toEqual([]);
    expect(serverVersionDiagnostics(spec, 140011).map((d) => [d.line, d.col, d.code, d.message])).toEqual([
      [5, 7, 'conflict', 'unique constraint "t_a_key": nulls_not_distinct needs PostgreSQL 15 or later, and this server is PostgreSQL 14'],
      [7, 7, 'conflict', 'index "t_b_idx": nulls_not_distinct needs PostgreSQL 15 or later, and this server is PostgreSQL 14'],
    ]);
  });
});
