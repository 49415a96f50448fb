// diff on hand-built Models, no database: renames from hints, renames of constraints and
// indexes that only changed name, foreign keys rebuilt when what they stand on changes, and
// hints inverted for the way back.
import { describe, expect, it } from 'vitest';
import type { Change } from '../../src/diff/changes.js';
import { diff, invertHints } from '../../src/diff/diff.js';
import type { QualifiedName } from '../../src/model/identifiers.js';
import { noHints, type Hints } from '../../src/model/hints.js';
import { tableKey, type Check, type Column, type ForeignKey, type Index, type Model, type Table, type Unique } from '../../src/model/model.js';
import { stepsFor } from '../../src/plan/plan.js';
import { column as col } from '../support/models.js';

// ---- builders ----

const notNull = (name: string, type = 'integer'): Column => col(name, type, { nullable: false });

const byName = <T extends { readonly name: string }>(...items: T[]): Record<string, T> => Object.fromEntries(items.map((i) => [i.name, i]));

function table(qualified: string, columns: Column[], extra: Partial<Omit<Table, 'kind' | 'schema' | 'name' | 'columns'>> = {}): Table {
  const [schema, name] = qualified.includes('.') ? qualified.split('.') : ['public', qualified];
  return { kind: 'table', schema: schema!, name: name!, columns, primaryKey: null, uniques: {}, checks: {}, indexes: {}, foreignKeys: {}, comment: null, ...extra };
}

function model(...tables: Table[]): Model {
  return {
    schemas: [...new Set(['public', ...tables.map((t) => t.schema)])],
    enums: {},
    tables: Object.fromEntries(tables.map((t) => [tableKey(t), t])),
  };
}

const pk = (name: string, ...columns: string[]) => ({ kind: 'primary_key' as const, name, columns });
const unique = (name: string, columns: string[], nullsNotDistinct = false): Unique => ({ kind: 'unique', name, columns, nullsNotDistinct });
const check = (name: string, definition: string): Check => ({ kind: 'check', name, definition });
const index = (name: string, columns: string[], where: string | null = null): Index => ({
  kind: 'index',
  name,
  unique: false,
  method: 'btree',
  keys: columns.map((c) => ({ column: c, expression: null, descending: false, nullsFirst: false })),
  include: [],
  where,
});
const fk = (name: string, columns: string[], ref: string, refColumns: string[]): ForeignKey => {
  const [schema, t] = ref.includes('.') ? ref.split('.') : ['public', ref];
  return {
    kind: 'foreign_key',
    name,
    columns,
    references: { schema: schema!, table: t!, columns: refColumns },
    onDelete: 'no action',
    onUpdate: 'no action',
    match: 'simple',
    deferrable: false,
    initiallyDeferred: false,
  };
};

function hints(tables: Record<string, QualifiedName> = {}, columns: Record<string, Record<string, string>> = {}): Hints {
  return {
    tables: new Map(Object.entries(tables)),
    columns: new Map(Object.entries(columns).map(([t, m]) => [t, new Map(Object.entries(m))])),
  };
}

/** A change in words: `kind table[.member]` with the details that tell changes apart. */
function describeChange(c: Change): string {
  switch (c.kind) {
    case 'rename_table':
      return `rename_table ${c.from.schema}.${c.from.name} -> ${c.to.schema}.${c.to.name}`;
    case 'rename_column':
    case 'rename_constraint':
    case 'rename_index':
      return `${c.kind} ${c.table.name}: ${c.from} -> ${c.to}`;
    case 'add_column':
    case 'drop_column':
      return `${c.kind} ${c.table.name}.${c.column.name}`;
    case 'alter_column':
      return `alter_column ${c.table.name}.${c.to.name}`;
    case 'create_table':
    case 'drop_table':
      return `${c.kind} ${c.table.schema}.${c.table.name}`;
    case 'add_foreign_key':
    case 'drop_foreign_key':
      return `${c.kind} ${c.table.name}.${c.foreignKey.name}`;
    case 'add_unique':
    case 'drop_unique':
      return `${c.kind} ${c.table.name}.${c.unique.name}`;
    case 'add_check':
    case 'drop_check':
      return `${c.kind} ${c.table.name}.${c.check.name}`;
    case 'create_index':
    case 'drop_index':
      return `${c.kind} ${c.table.name}.${c.index.name}`;
    case 'add_primary_key':
    case 'drop_primary_key':
      return `${c.kind} ${c.table.name}.${c.key.name}`;
    default:
      return c.kind;
  }
}

const changes = (current: Model, desired: Model, h: Hints = noHints) => diff(current, desired, h).changes.map(describeChange);

// ---- the tests ----

describe('renames from hints', () => {
  const people = table('people', [notNull('id'), col('mail', 'text')], {
    primaryKey: pk('people_pkey', 'id'),
    checks: byName(check('people_mail_check', "CHECK ((mail <> ''::text))")),
    indexes: byName(index('people_mail_idx', ['mail'], '(mail IS NOT NULL)')),
    uniques: byName(unique('people_mail_key', ['mail'])),
  });
  // The same table after `ALTER TABLE people RENAME TO users; ... RENAME mail TO email`:
  // PostgreSQL rewrites the stored expressions, and keeps the constraint names.
  const users = table('users', [notNull('id'), col('email', 'text')], {
    primaryKey: pk('people_pkey', 'id'),
    checks: byName(check('people_mail_check', "CHECK ((email <> ''::text))")),
    indexes: byName(index('people_mail_idx', ['email'], '(email IS NOT NULL)')),
    uniques: byName(unique('people_mail_key', ['email'])),
  });
  const renamed = hints({ 'public.users': { schema: 'public', name: 'people' } }, { 'public.users': { email: 'mail' } });

  it('renames the table and the column, and nothing else changes', () => {
    expect(changes(model(people), model(users), renamed)).toEqual(['rename_table public.people -> public.users', 'rename_column users: mail -> email']);
  });

  it('without the hints, drops and re-creates', () => {
    expect(changes(model(people), model(users))).toEqual(['drop_table public.people', 'create_table public.users', 'create_index users.people_mail_idx']);
  });

  it('reports the renames that took effect', () => {
    const { renames } = diff(model(people), model(users), renamed);
    expect(renames.tables).toEqual(new Map([['public.users', { schema: 'public', name: 'people' }]]));
    expect(renames.columns).toEqual(new Map([['public.users', new Map([['email', 'mail']])]]));
  });

  it('moves a table to another schema', () => {
    const before = table('invoices', [notNull('id')]);
    const after = table('billing.invoices', [notNull('id')]);
    expect(changes(model(before), model(after), hints({ 'billing.invoices': { schema: 'public', name: 'invoices' } }))).toEqual(['create_schema', 'rename_table public.invoices -> billing.invoices']);
  });

  it('keeps a foreign key whose referenced table and column are renamed', () => {
    const orders = (ref: string, refCol: string) => table('orders', [notNull('id'), col('person_id')], { foreignKeys: byName(fk('orders_person_fk', ['person_id'], ref, [refCol])) });
    const p = table('people', [notNull('pid')], { primaryKey: pk('people_pkey', 'pid') });
    const u = table('users', [notNull('id')], { primaryKey: pk('people_pkey', 'id') });
    expect(changes(model(p, orders('people', 'pid')), model(u, orders('users', 'id')), hints({ 'public.users': { schema: 'public', name: 'people' } }, { 'public.users': { id: 'pid' } }))).toEqual([
      'rename_table public.people -> public.users',
      'rename_column users: pid -> id',
    ]);
  });

  describe('renames that hang together', () => {
    const steps = (current: Model, desired: Model, h: Hints) => stepsFor(diff(current, desired, h).changes, desired).map((s) => `${s.op} ${s.object}`);
    const a = (...cols: string[]) =>
      table(
        'a',
        cols.map((c) => col(c)),
      );
    const b = (...cols: string[]) =>
      table(
        'b',
        cols.map((c) => col(c)),
      );
    const c = (...cols: string[]) =>
      table(
        'c',
        cols.map((x) => col(x)),
      );

    it('a chain (a from b, b from c) renames b out of the way first, and columns likewise', () => {
      const chain = hints({ 'public.a': { schema: 'public', name: 'b' }, 'public.b': { schema: 'public', name: 'c' } }, { 'public.b': { x: 'y', y: 'z' } });
      expect(steps(model(b('id'), c('y', 'z')), model(a('id'), b('x', 'y')), chain)).toEqual(['rename_table public.a', 'rename_table public.b', 'rename_column public.b.x', 'rename_column public.b.y']);
    });

    it('a chain already applied renames nothing again', () => {
      const chain = hints({ 'public.a': { schema: 'public', name: 'b' }, 'public.b': { schema: 'public', name: 'c' } });
      expect(changes(model(a('id'), b('x')), model(a('id'), b('x')), chain)).toEqual([]);
    });

    it('a cycle (a swap) is no rename: it cannot be told apart from its result', () => {
      const swap = hints({ 'public.a': { schema: 'public', name: 'b' }, 'public.b': { schema: 'public', name: 'a' } }, { 'public.c': { p: 'q', q: 'p' } });
      expect(changes(model(a('x'), b('y'), c('p', 'q')), model(a('y'), b('x'), c('p', 'q')), swap)).toEqual(['drop_column a.x', 'add_column a.y', 'drop_column b.y', 'add_column b.x']);
    });

    it('two renames from one source: neither', () => {
      const twice = hints({ 'public.a': { schema: 'public', name: 'c' }, 'public.b': { schema: 'public', name: 'c' } });
      expect(changes(model(c('id')), model(a('id'), b('id')), twice)).toEqual(['drop_table public.c', 'create_table public.a', 'create_table public.b']);
    });
  });

  describe('generated columns', () => {
    const generated = table('g', [col('a'), col('b', 'integer', { generated: '(a * 2)' })], { indexes: byName(index('g_b_idx', ['b']), index('g_a_idx', ['a'])) });
    const plain = table('g', [col('a'), col('b')], { indexes: byName(index('g_b_idx', ['b']), index('g_a_idx', ['a'])) });

    it('a plain column is not the generated one', () => {
      expect(changes(model(generated), model(plain))).toEqual(['alter_column g.b']);
    });

    it('becoming generated again rebuilds what stands on the column, and only that', () => {
      expect(changes(model(plain), model(generated))).toEqual(['alter_column g.b', 'drop_index g.g_b_idx', 'create_index g.g_b_idx']);
    });
  });

  describe('a renamed_from that no longer applies is ignored', () => {
    it('when the rename already happened', () => {
      expect(changes(model(users), model(users), renamed)).toEqual([]);
      expect(diff(model(users), model(users), renamed).renames.tables.size).toBe(0);
    });

    it('when the new name already exists beside the old one', () => {
      const oldPeople = table('people', [col('x')]);
      expect(changes(model(users, oldPeople), model(users), renamed)).toEqual(['drop_table public.people']);
    });

    it('when the old column is not there', () => {
      const noMail = table('users', [notNull('id')], { primaryKey: pk('people_pkey', 'id') });
      const withEmail = table('users', [notNull('id'), col('email', 'text')], { primaryKey: pk('people_pkey', 'id') });
      expect(changes(model(noMail), model(withEmail), renamed)).toEqual(['add_column users.email']);
    });

    it('when the desired state still has the old column too', () => {
      const before = table('t', [col('a'), col('b')]);
      const after = table('t', [col('a'), col('b'), col('c')]);
      expect(changes(model(before), model(after), hints({}, { 'public.t': { c: 'a' } }))).toEqual(['add_column t.c']);
    });
  });
});

describe('constraints and indexes that only changed name', () => {
  const base = (extra: Partial<Table>) => table('users', [notNull('id'), col('email', 'text'), col('age')], extra);

  it('renames a unique constraint', () => {
    expect(changes(model(base({ uniques: byName(unique('users_email_uq', ['email'])) })), model(base({ uniques: byName(unique('users_email_key', ['email'])) })))).toEqual([
      'rename_constraint users: users_email_uq -> users_email_key',
    ]);
  });

  it('renames a check constraint', () => {
    const def = 'CHECK ((age >= 0))';
    expect(changes(model(base({ checks: byName(check('age_ok', def)) })), model(base({ checks: byName(check('users_age_check', def)) })))).toEqual(['rename_constraint users: age_ok -> users_age_check']);
  });

  it('renames a primary key', () => {
    expect(changes(model(base({ primaryKey: pk('people_pkey', 'id') })), model(base({ primaryKey: pk('users_pkey', 'id') })))).toEqual(['rename_constraint users: people_pkey -> users_pkey']);
  });

  it('renames an index', () => {
    expect(changes(model(base({ indexes: byName(index('a_idx', ['email'])) })), model(base({ indexes: byName(index('users_email_idx', ['email'])) })))).toEqual(['rename_index users: a_idx -> users_email_idx']);
  });

  it('drops and adds when the definition changed as well as the name', () => {
    expect(changes(model(base({ checks: byName(check('age_ok', 'CHECK ((age >= 0))')) })), model(base({ checks: byName(check('users_age_check', 'CHECK ((age > 0))')) })))).toEqual([
      'drop_check users.age_ok',
      'add_check users.users_age_check',
    ]);
    expect(changes(model(base({ indexes: byName(index('a_idx', ['email'])) })), model(base({ indexes: byName(index('b_idx', ['age'])) })))).toEqual(['drop_index users.a_idx', 'create_index users.b_idx']);
  });

  it('a unique index whose NULLS NOT DISTINCT changes is rebuilt, also under a new name', () => {
    const unique = (name: string, nnd: boolean): Index => ({ ...index(name, ['email']), unique: true, ...(nnd ? { nullsNotDistinct: true as const } : {}) });
    expect(changes(model(base({ indexes: byName(unique('a_idx', true)) })), model(base({ indexes: byName(unique('a_idx', false)) })))).toEqual(['drop_index users.a_idx', 'create_index users.a_idx']);
    expect(changes(model(base({ indexes: byName(unique('a_idx', false)) })), model(base({ indexes: byName(unique('b_idx', true)) })))).toEqual(['drop_index users.a_idx', 'create_index users.b_idx']);
    expect(changes(model(base({ indexes: byName(unique('a_idx', true)) })), model(base({ indexes: byName(unique('b_idx', true)) })))).toEqual(['rename_index users: a_idx -> b_idx']);
  });

  it('renames a foreign key that only changed name (no re-check of every row)', () => {
    const users = table('users', [notNull('id')], { primaryKey: pk('users_pkey', 'id') });
    const orders = (name: string) => table('orders', [notNull('id'), col('user_id')], { foreignKeys: byName(fk(name, ['user_id'], 'users', ['id'])) });
    expect(changes(model(users, orders('orders_user_id_fkey')), model(users, orders('orders_user_fk')))).toEqual(['rename_constraint orders: orders_user_id_fkey -> orders_user_fk']);
  });

  it('rebuilds a changed definition under the same name', () => {
    expect(changes(model(base({ indexes: byName(index('i', ['email'])) })), model(base({ indexes: byName(index('i', ['email', 'age'])) })))).toEqual(['drop_index users.i', 'create_index users.i']);
  });
});

describe('foreign keys stand on columns and keys', () => {
  const users = (idType = 'integer', extra: Partial<Table> = {}) => table('users', [notNull('id', idType), col('email', 'text'), col('age')], { primaryKey: pk('users_pkey', 'id'), ...extra });
  const orders = (userIdType = 'integer', extra: Partial<Table> = {}) =>
    table('orders', [notNull('id'), col('user_id', userIdType), col('note', 'text')], { foreignKeys: byName(fk('orders_user_fk', ['user_id'], 'users', ['id'])), ...extra });

  it('are dropped and re-added when the referenced column changes type', () => {
    expect(changes(model(users(), orders()), model(users('bigint'), orders('bigint')))).toEqual([
      'alter_column users.id',
      'alter_column orders.user_id',
      'drop_foreign_key orders.orders_user_fk',
      'add_foreign_key orders.orders_user_fk',
    ]);
    expect(changes(model(users(), orders()), model(users('bigint'), orders()))).toEqual(['alter_column users.id', 'drop_foreign_key orders.orders_user_fk', 'add_foreign_key orders.orders_user_fk']);
  });

  it('are dropped before the type change and added after it', () => {
    const desired = model(users('bigint'), orders('bigint'));
    const { changes: list } = diff(model(users(), orders()), desired, noHints);
    expect(stepsFor(list, desired).map((s) => `${s.op} ${s.object}`)).toEqual([
      'drop_foreign_key public.orders.orders_user_fk',
      'alter_column public.users.id',
      'alter_column public.orders.user_id',
      'add_foreign_key public.orders.orders_user_fk',
    ]);
  });

  it('are dropped and re-added when the referencing column changes type', () => {
    expect(changes(model(users(), orders()), model(users(), orders('bigint')))).toEqual(['alter_column orders.user_id', 'drop_foreign_key orders.orders_user_fk', 'add_foreign_key orders.orders_user_fk']);
  });

  it('are dropped and re-added when the unique key they reference is rebuilt', () => {
    const byEmail = (nnd: boolean) => [
      users('integer', { uniques: byName(unique('users_email_key', ['email'], nnd)) }),
      table('logins', [col('email', 'text')], { foreignKeys: byName(fk('logins_email_fk', ['email'], 'users', ['email'])) }),
    ];
    expect(changes(model(...byEmail(false)), model(...byEmail(true)))).toEqual([
      'drop_unique users.users_email_key',
      'add_unique users.users_email_key',
      'drop_foreign_key logins.logins_email_fk',
      'add_foreign_key logins.logins_email_fk',
    ]);
  });

  it('are left alone when an unrelated column changes', () => {
    expect(
      changes(
        model(users(), orders()),
        model(users('integer', { columns: [notNull('id'), col('email', 'text'), col('age', 'bigint')] }), orders('integer', { columns: [notNull('id'), col('user_id'), col('note', 'character varying(100)')] })),
      ),
    ).toEqual(['alter_column users.age', 'alter_column orders.note']);
  });

  it('are dropped with the table they reference, and not re-added', () => {
    const standalone = table('orders', [notNull('id'), col('user_id'), col('note', 'text')]);
    expect(changes(model(users(), orders()), model(standalone))).toEqual(['drop_table public.users', 'drop_foreign_key orders.orders_user_fk']);
  });
});

describe('invertHints', () => {
  const cases: Array<[string, Hints]> = [
    ['a table and a column', hints({ 'public.users': { schema: 'public', name: 'people' } }, { 'public.users': { email: 'mail' } })],
    ['a move between schemas', hints({ 'billing.invoices': { schema: 'public', name: 'invoices' } })],
    ['names that need quotes', hints({ 'public."New Name"': { schema: 'public', name: 'old.name' } }, { 'public."New Name"': { 'To Col': 'from"col' } })],
    ['a column of a table that keeps its name', hints({}, { 'public.t': { b: 'a' } })],
  ];

  it.each(cases)('undoes itself: %s', (_name, h) => {
    expect(invertHints(invertHints(h))).toEqual(h);
  });

  it('keys the inverted column renames by the table name of before', () => {
    const inverted = invertHints(hints({ 'public.users': { schema: 'public', name: 'people' } }, { 'public.users': { email: 'mail' } }));
    expect(inverted.tables).toEqual(new Map([['public.people', { schema: 'public', name: 'users' }]]));
    expect(inverted.columns).toEqual(new Map([['public.people', new Map([['mail', 'email']])]]));
  });

  it("plans the way back as renames, from the diff's own renames", () => {
    const before = table('my.table', [notNull('id'), col('Old Col')]);
    const after = table('public.New Name', [notNull('id'), col('New Col')]);
    const there = diff(model(before), model(after), hints({ 'public."New Name"': { schema: 'my', name: 'table' } }, { 'public."New Name"': { 'New Col': 'Old Col' } }));
    expect(there.changes.map(describeChange)).toEqual(['drop_schema', 'rename_table my.table -> public.New Name', 'rename_column New Name: Old Col -> New Col']);
    const back = diff(model(after), model(before), invertHints(there.renames));
    expect(back.changes.map(describeChange)).toEqual(['create_schema', 'rename_table public.New Name -> my.table', 'rename_column table: New Col -> Old Col']);
  });
});
