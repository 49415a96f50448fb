// One walk over a Model (objectsOf), the registries typed over ObjectKind, and the ops as data:
// without a server.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DECLARED_IN } from '../../src/desired/kinds.js';
import { diff } from '../../src/diff/diff.js';
import { noHints } from '../../src/model/hints.js';
import { fingerprint } from '../../src/model/fingerprint.js';
import type { Introspection } from '../../src/introspect/introspect.js';
import { driftSteps } from '../../src/operations/plan.js';
import type { Index, Model, Table } from '../../src/model/model.js';
import { mapModel, OBJECT_KINDS, objectsOf, schemasInUse, type ObjectMap } from '../../src/model/objects.js';
import type { Extension } from '../../src/model/extension.js';
import type { Sequence } from '../../src/model/sequence.js';
import type { View } from '../../src/model/view.js';
import { stepsFor } from '../../src/plan/plan.js';
import { OPS, isOp, opKind, summarize } from '../../src/plan/types.js';
import { describeObjects } from '../../src/render/objects.js';

const seq = (extra: Partial<Sequence> = {}): Sequence => ({
  kind: 'sequence',
  schema: 'public',
  name: 'numbers',
  type: 'bigint',
  start: '1',
  increment: '1',
  min: '1',
  max: '9223372036854775807',
  cache: '1',
  cycle: false,
  ownedBy: null,
  ...extra,
});

const users: Table = {
  kind: 'table',
  schema: 'public',
  name: 'users',
  comment: null,
  columns: [
    {
      kind: 'column',
      name: 'id',
      type: 'integer',
      typeRef: null,
      nullable: false,
      default: "nextval('public.users_id_seq'::regclass)",
      identity: null,
      comment: null,
      ownedSequences: [{ name: 'users_id_seq', type: 'integer', start: '1', increment: '1', min: '1', max: '2147483647', cache: '1', cycle: false }],
    },
    { kind: 'column', name: 'email', type: 'text', typeRef: null, nullable: true, default: null, identity: null, comment: null },
  ],
  primaryKey: { kind: 'primary_key', name: 'users_pkey', columns: ['id'] },
  uniques: { users_email_key: { kind: 'unique', name: 'users_email_key', columns: ['email'], nullsNotDistinct: false } },
  checks: {},
  indexes: {},
  foreignKeys: {},
};

const model: Model = { schemas: ['public'], enums: { 'public.mood': { kind: 'enum', schema: 'public', name: 'mood', values: ['ok'] } }, tables: { 'public.users': users }, sequences: { 'public.numbers': seq() } };

describe('objectsOf', () => {
  it('visits every object once, with its kind, its path and the table it belongs to', () => {
    expect(objectsOf(model).map((o) => [o.kind, o.path, o.table?.name ?? null])).toEqual([
      ['schema', 'public', null],
      ['enum', 'public.mood', null],
      ['sequence', 'public.numbers', null],
      ['table', 'public.users', null],
      ['column', 'public.users.id', 'users'],
      ['owned_sequence', 'public.users_id_seq', 'users'],
      ['column', 'public.users.email', 'users'],
      ['primary_key', 'public.users.users_pkey', 'users'],
      ['unique', 'public.users.users_email_key', 'users'],
    ]);
    // Every kind it yields is a kind of OBJECT_KINDS.
    expect(objectsOf(model).every((o) => (OBJECT_KINDS as readonly string[]).includes(o.kind))).toBe(true);
  });

  it('describes each object by its kind; a sequence a column owns is part of the column', () => {
    const described = describeObjects(model);
    expect(described.get('public.numbers')).toBe('SEQUENCE AS bigint START 1 INCREMENT 1 MINVALUE 1 MAXVALUE 9223372036854775807 CACHE 1');
    expect(described.has('public.users_id_seq')).toBe(false);
    expect(described.get('public.users.users_email_key')).toBe('UNIQUE (email)');
  });
});

describe('mapModel', () => {
  const withExtension: Model = { ...model, extensions: { pg_trgm: { kind: 'extension', name: 'pg_trgm', schema: 'public', version: '1.6' } as Extension } };

  it('walks what objectsOf walks, at the same paths and places, and changes nothing it is not asked to', () => {
    const seen: [string, string, string | null, string | null][] = [];
    const note = Object.fromEntries(
      OBJECT_KINDS.map((kind) => [
        kind,
        (object: unknown, at: { path: string; table: Table | null; column: { name: string } | null }) => {
          seen.push([kind, at.path, at.table?.name ?? null, at.column?.name ?? null]);
          return object;
        },
      ]),
    ) as ObjectMap;
    expect(mapModel(withExtension, note)).toEqual(withExtension);
    expect(seen).toEqual(objectsOf(withExtension).map((o) => [o.kind, o.path, o.table?.name ?? null, o.column?.name ?? null]));
    expect(mapModel(withExtension, {})).toEqual(withExtension);
  });

  it('an object made null is left out, with what it holds', () => {
    const out = mapModel(model, { unique: () => null, column: (c) => (c.name === 'id' ? null : c), sequence: () => null });
    expect(objectsOf(out).map((o) => `${o.kind} ${o.path}`)).toEqual(['schema public', 'enum public.mood', 'table public.users', 'column public.users.email', 'primary_key public.users.users_pkey']);
    expect(out.sequences).toEqual({});
    expect(mapModel(model, { table: () => null }).tables).toEqual({});
  });

  it('schemasInUse: the schemas holding a table, an enum, a sequence or an extension', () => {
    const elsewhere: Model = { ...model, schemas: ['public', 'app', 'empty'], enums: { 'app.mood': { kind: 'enum', schema: 'app', name: 'mood', values: ['ok'] } } };
    expect([...schemasInUse(elsewhere)].sort()).toEqual(['app', 'public']);
  });
});

describe('where the file declares each kind', () => {
  it('schemas/schema.json has the key of every kind the file can declare', () => {
    const schema = JSON.parse(readFileSync(new URL('../../schemas/schema.json', import.meta.url), 'utf8'));
    for (const [kind, path] of Object.entries(DECLARED_IN)) {
      if (path === null) continue;
      const [top, member] = path;
      expect(schema.properties[top], `${kind}: ${top}`).toBeDefined();
      if (member !== undefined) expect(schema.definitions.table.properties[member], `${kind}: ${top}.${member}`).toBeDefined();
    }
    expect(Object.keys(DECLARED_IN).sort()).toEqual([...OBJECT_KINDS].sort());
  });
});

describe('ops are data', () => {
  it('each op has its class, and only ops of the table are ops', () => {
    expect(opKind('create_sequence')).toBe('add');
    expect(opKind('alter_sequence')).toBe('change');
    expect(opKind('drop_sequence')).toBe('destroy');
    expect(opKind('validate_constraint')).toBe('change');
    expect(isOp('drop_table')).toBe(true);
    expect(isOp('truncate_table')).toBe(false);
    expect(isOp('toString')).toBe(false);
    expect(Object.values(OPS).every((c) => ['add', 'change', 'destroy'].includes(c))).toBe(true);
  });
});

describe('sequences through diff and plan', () => {
  const base: Model = { schemas: ['public'], enums: {}, tables: {} };
  it('a desired Model without sequences changes none; with them, each difference is one step', () => {
    expect(diff({ ...base, sequences: { 'public.numbers': seq() } }, base, noHints).changes).toEqual([]);
    const desired: Model = { ...base, sequences: { 'public.numbers': seq({ type: 'integer', max: '1000', cycle: true }), 'public.fresh': seq({ name: 'fresh', increment: '-1', min: '-100', max: '-1', start: '-1' }) } };
    const current: Model = { ...base, sequences: { 'public.numbers': seq(), 'public.gone': seq({ name: 'gone' }) } };
    const { changes } = diff(current, desired, noHints);
    expect(changes.map((c) => [c.kind, c.kind === 'alter_sequence' ? c.changed : null])).toEqual([
      ['alter_sequence', ['type', 'max', 'cycle']],
      ['create_sequence', null],
      ['drop_sequence', null],
    ]);
    // Made first (phase 4), changed (5), dropped last (6).
    const steps = stepsFor(changes, desired);
    expect(steps.map((s) => [s.op, s.object, s.sql, s.hazards.map((h) => h.code)])).toEqual([
      ['create_sequence', 'public.fresh', ['CREATE SEQUENCE public.fresh AS bigint INCREMENT BY -1 MINVALUE -100'], []],
      ['alter_sequence', 'public.numbers', ['ALTER SEQUENCE public.numbers AS integer MAXVALUE 1000 CYCLE'], ['may_fail']],
      ['drop_sequence', 'public.gone', ['DROP SEQUENCE public.gone'], ['data_loss']],
    ]);
    expect(summarize(steps)).toEqual({ add: 1, change: 1, destroy: 1 });
  });
});

describe('extensions through diff and plan', () => {
  const base: Model = { schemas: ['public'], enums: {}, tables: {} };
  const ext = (name: string, schema: string | null, version: string | null): Extension => ({ kind: 'extension', name, schema, version });
  it('a desired Model without extensions changes none; what the file leaves out is no difference; each difference is one step', () => {
    expect(diff({ ...base, extensions: { citext: ext('citext', 'public', '1.6') } }, base, noHints).changes).toEqual([]);
    const current: Model = {
      ...base,
      schemas: ['public', 'tools'],
      extensions: { citext: ext('citext', 'public', '1.6'), pg_trgm: ext('pg_trgm', 'public', '1.6'), hstore: ext('hstore', 'public', '1.7'), gone: ext('gone', 'public', '1.0') },
    };
    const desired: Model = {
      ...current,
      extensions: { citext: ext('citext', null, null), pg_trgm: ext('pg_trgm', 'tools', null), hstore: ext('hstore', 'public', '1.8'), 'uuid-ossp': ext('uuid-ossp', 'public', '1.1') },
    };
    const { changes } = diff(current, desired, noHints);
    expect(changes.map((c) => [c.kind, c.kind === 'alter_extension' ? c.changed : null])).toEqual([
      ['alter_extension', ['schema']],
      ['alter_extension', ['version']],
      ['create_extension', null],
      ['drop_extension', null],
    ]);
    const updates = new Set(['hstore\u00001.7\u00001.8']);
    const steps = stepsFor(changes, desired, { extensionUpdates: updates });
    expect(steps.map((s) => [s.op, s.object, s.sql, s.hazards.map((h) => h.code)])).toEqual([
      ['alter_extension', 'pg_trgm', ['ALTER EXTENSION pg_trgm SET SCHEMA tools'], []],
      ['alter_extension', 'hstore', ["ALTER EXTENSION hstore UPDATE TO '1.8'"], ['irreversible']],
      ['create_extension', 'uuid-ossp', [`CREATE EXTENSION IF NOT EXISTS "uuid-ossp" SCHEMA public VERSION '1.1'`], []],
      ['drop_extension', 'gone', ['DROP EXTENSION gone RESTRICT'], ['data_loss']],
    ]);
    expect(summarize(steps)).toEqual({ add: 1, change: 2, destroy: 1 });
  });
});

describe('views through diff and plan', () => {
  const col = (name: string, type: string): Table['columns'][number] => ({ kind: 'column', name, type, typeRef: null, nullable: true, default: null, identity: null, comment: null });
  const t: Table = { kind: 'table', schema: 'public', name: 't', comment: null, columns: [col('a', 'integer'), col('b', 'text')], primaryKey: null, uniques: {}, checks: {}, indexes: {}, foreignKeys: {} };
  const view = (name: string, definition: string, columns: string[], uses: View['uses'], extra: Partial<View> = {}): View => ({
    kind: 'view',
    schema: 'public',
    name,
    definition,
    columns: columns.map((c) => ({ name: c, type: 'integer' })),
    comment: null,
    uses,
    ...extra,
  });
  const onA = view('va', 'SELECT t.a FROM public.t', ['a'], [{ schema: 'public', name: 't', column: 'a' }]);
  const onVa = view('vv', 'SELECT va.a FROM public.va', ['a'], [{ schema: 'public', name: 'va', column: 'a' }]);
  const current: Model = { schemas: ['public'], enums: {}, tables: { 'public.t': t }, views: { 'public.va': onA, 'public.vv': onVa } };

  it('a desired Model without views changes none; appended columns replace in place; a retyped column makes its views go first and come back last', () => {
    expect(diff(current, { ...current, views: undefined }, noHints).changes).toEqual([]);
    const appended = { ...current, views: { ...current.views, 'public.va': view('va', 'SELECT t.a, t.b FROM public.t', ['a', 'b'], onA.uses) } };
    expect(diff(current, appended, noHints).changes.map((c) => c.kind)).toEqual(['replace_view']);
    const retyped: Model = { ...current, tables: { 'public.t': { ...t, columns: [col('a', 'bigint'), col('b', 'text')] } } };
    const { changes } = diff(current, retyped, noHints);
    const steps = stepsFor(changes, retyped);
    expect(steps.map((s) => `${s.op} ${s.object}`)).toEqual(['drop_view public.vv', 'drop_view public.va', 'alter_column public.t.a', 'create_view public.va', 'create_view public.vv']);
    expect(steps[3]!.sql).toEqual(['CREATE VIEW public.va AS SELECT t.a FROM public.t']);
    expect(summarize(steps)).toEqual({ add: 2, change: 1, destroy: 2 });
  });

  it('a view of the file that could not be spelled is never replaced in place; one the file leaves out is dropped', () => {
    const unspelled = { ...current, views: { 'public.va': view('va', 'SELECT a, b FROM public.t', [], [{ schema: 'public', name: 't', column: null }], { unspelled: true }) } };
    const named = (c: ReturnType<typeof diff>['changes'][number]): string => `${c.kind} ${c.kind === 'drop_view' || c.kind === 'create_view' ? c.view.name : ''}`;
    expect(diff(current, unspelled, noHints).changes.map(named)).toEqual(['drop_view va', 'drop_view vv', 'create_view va']);
  });
  describe('materialized views', () => {
    const index: Index = { kind: 'index', name: 'mv_a', unique: true, method: 'btree', keys: [{ column: 'a', expression: null, descending: false, nullsFirst: false }], include: [], where: null };
    const mv = view('mv', 'SELECT t.a FROM public.t', ['a'], onA.uses, { materialized: { withData: true, indexes: { mv_a: index } } });
    const today: Model = { ...current, views: { ...current.views, 'public.mv': mv } };
    const managing = (views: Model['views']): Model => ({ ...today, views, managedViews: { plain: true, materialized: true } });

    it('a file without materialized_views: never plans one, even around a column it retypes', () => {
      const retyped: Model = { ...today, tables: { 'public.t': { ...t, columns: [col('a', 'bigint'), col('b', 'text')] } } };
      const kinds = diff(today, retyped, noHints).changes.map((c) => `${c.kind} ${'view' in c ? c.view.name : ''}`);
      expect(kinds).not.toContain('drop_view mv');
      expect(kinds).toContain('drop_view va');
    });

    it('a new text drops it and makes it again, never in place; its index is made after it; a REFRESH (with_data) is not a difference', () => {
      const changed = managing({ ...today.views, 'public.mv': { ...mv, definition: 'SELECT t.a, t.b FROM public.t' } });
      const steps = stepsFor(diff(today, changed, noHints).changes, changed);
      expect(steps.map((s) => `${s.op} ${s.object}`)).toEqual(['drop_view public.mv', 'create_view public.mv', 'create_view_index public.mv.mv_a']);
      expect(steps[0]!.sql).toEqual(['DROP MATERIALIZED VIEW public.mv']);
      expect(steps[1]!.sql).toEqual(['CREATE MATERIALIZED VIEW public.mv AS SELECT t.a, t.b FROM public.t\nWITH DATA']);
      expect(steps[1]!.hazards.map((h) => h.code)).toEqual(['blocking']);
      const empty = managing({ ...today.views, 'public.mv': { ...mv, materialized: { withData: false, indexes: { mv_a: index } } } });
      expect(diff(today, empty, noHints).changes).toEqual([]);
      expect(fingerprint(empty)).toBe(fingerprint(today));
    });

    it('changed by hand, it is drift when the recorded state has materialized views, and not when it was recorded before they were read', () => {
      const now = { model: { ...today, views: { ...today.views, 'public.mv': { ...mv, materialized: { withData: true, indexes: {} } } } }, unmanaged: { counts: {}, occupiedSchemas: [] } } as unknown as Introspection;
      expect(driftSteps(today, now).map((s) => `${s.op} ${s.object}`)).toEqual(['drop_view_index public.mv.mv_a']);
      expect(driftSteps(current, now)).toEqual([]);
    });

    it('a plain view and a materialized one of one name and text differ', () => {
      const plain = managing({ ...today.views, 'public.mv': { ...mv, materialized: undefined } as View });
      expect(diff(today, plain, noHints).changes.map((c) => c.kind)).toEqual(['drop_view', 'create_view']);
      expect(fingerprint(plain)).not.toBe(fingerprint(today));
    });
  });
});
