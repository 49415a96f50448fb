// The state the chain defines after a revision ran on a drifted database: the recorded state with
// the revision's effect and without the drift, or nothing when the two touch the same object.
import { describe, expect, it } from 'vitest';
import { chainState } from '../../src/apply/chain-state.js';
import { fingerprint } from '../../src/model/fingerprint.js';
import type { Column, Model, Table } from '../../src/model/model.js';
import type { Sequence } from '../../src/model/sequence.js';
import type { Step } from '../../src/plan/types.js';

const column = (name: string, type = 'text', nullable = true): Column => ({ kind: 'column', name, type, typeRef: null, nullable, default: null, identity: null, comment: null });
const table = (name: string, columns: Column[], extra: Partial<Table> = {}): Table => ({
  kind: 'table',
  schema: 'public',
  name,
  columns,
  primaryKey: null,
  uniques: {},
  checks: {},
  indexes: {},
  foreignKeys: {},
  comment: null,
  ...extra,
});
const model = (...tables: Table[]): Model => ({ schemas: ['public'], enums: {}, tables: Object.fromEntries(tables.map((t) => [`public.${t.name}`, t])) });
const step = (op: Step['op'], object: string): Step => ({ op, object, sql: [], hazards: [] });

const users = table('users', [column('id', 'integer', false), column('email')]);
const notes = table('notes', [column('id', 'integer', false)]);

describe('chainState', () => {
  it('keeps the revision and leaves out a column added by hand, a table dropped by hand and an index added by hand', () => {
    const recorded = model(users, notes);
    const before = model(
      table('users', [...users.columns, column('nick')], { indexes: { users_nick_idx: { kind: 'index', name: 'users_nick_idx', unique: false, method: 'btree', keys: [], include: [], where: null } } }),
    );
    const tags = table('tags', [column('name', 'text', false)]);
    const after = model(before.tables['public.users']!, tags);
    const expected = model(users, notes, tags);
    expect(fingerprint(chainState(recorded, before, after, [step('create_table', 'public.tags')])!)).toBe(fingerprint(expected));
  });

  it('takes what the revision changes from the database after it', () => {
    const recorded = model(users, notes);
    const before = model(users, table('notes', [...notes.columns, column('hand')]));
    const after = model(table('users', [users.columns[0]!, column('email', 'text', false)]), before.tables['public.notes']!);
    expect(fingerprint(chainState(recorded, before, after, [step('alter_column', 'public.users.email')])!)).toBe(fingerprint(model(after.tables['public.users']!, notes)));
  });

  it('a column renamed by the revision is gone under its old name', () => {
    const recorded = model(users);
    const before = model(users, notes); // a table made by hand
    const renamed = table('users', [users.columns[0]!, column('mail')]);
    const after = model(renamed, notes);
    expect(fingerprint(chainState(recorded, before, after, [step('rename_column', 'public.users.mail')])!)).toBe(fingerprint(model(renamed)));
  });

  it('keeps the sequences the revision makes and leaves out one made by hand', () => {
    const seq = (name: string, max = '9223372036854775807'): Sequence => ({ kind: 'sequence', schema: 'public', name, type: 'bigint', start: '1', increment: '1', min: '1', max, cache: '1', cycle: false, ownedBy: null });
    const recorded: Model = { ...model(users), sequences: { 'public.kept': seq('kept') } };
    const before: Model = { ...recorded, sequences: { 'public.kept': seq('kept'), 'public.by_hand': seq('by_hand') } };
    const after: Model = { ...before, sequences: { ...before.sequences, 'public.numbers': seq('numbers', '1000') } };
    const state = chainState(recorded, before, after, [step('create_sequence', 'public.numbers')])!;
    expect(Object.keys(state.sequences ?? {}).sort()).toEqual(['public.kept', 'public.numbers']);
    expect(fingerprint(state)).toBe(fingerprint({ ...model(users), sequences: { 'public.kept': seq('kept'), 'public.numbers': seq('numbers', '1000') } }));
  });

  it('cannot tell when the revision changes an object that was also changed by hand', () => {
    const recorded = model(users);
    const widened = table('users', [users.columns[0]!, column('email', 'character varying(200)')]);
    const after = model(table('users', [users.columns[0]!, column('email', 'character varying(200)', false)]));
    expect(chainState(recorded, model(widened), after, [step('alter_column', 'public.users.email')])).toBeNull();
    // Named by the revision but left as the drift had made it (the same change by hand first).
    expect(chainState(recorded, model(widened), model(widened), [step('alter_column', 'public.users.email')])).toBeNull();
    // A column the revision adds to a table the chain does not have.
    expect(chainState(recorded, model(users, notes), model(users, table('notes', [...notes.columns, column('body')])), [step('add_column', 'public.notes.body')])).toBeNull();
  });
});
