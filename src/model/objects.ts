// The kinds of object this tool manages, and one walk over a Model that visits each object
// once (`objectsOf`). A new kind is added to OBJECT_KINDS and KindObjects; every registry
// typed `Record<ObjectKind, ...>` (introspect/kinds, diff/kinds, plan/kinds, render/objects)
// then fails to compile until it has the kind's part (see docs/adding-an-object-kind.md).
import { objectPath } from './identifiers.js';
import type { Check, Column, EnumType, ForeignKey, Index, Model, OwnedSequence, PrimaryKey, Table, Unique } from './model.js';
import type { Extension } from './extension.js';
import type { Sequence } from './sequence.js';
import type { Routine } from './routine.js';
import type { View } from './view.js';
import type { Trigger } from './trigger.js';
import type { Policy } from './policy.js';
import type { Domain } from './domain.js';
import type { CompositeType } from './composite.js';

/** A schema as an object of its own (the Model keeps schemas as a list of names). */
export interface SchemaObject {
  readonly kind: 'schema';
  readonly name: string;
}

/** The Model type of each kind. */
export interface KindObjects {
  readonly schema: SchemaObject;
  readonly extension: Extension;
  readonly enum: EnumType;
  readonly sequence: Sequence;
  readonly table: Table;
  readonly column: Column;
  readonly primary_key: PrimaryKey;
  readonly unique: Unique;
  readonly check: Check;
  readonly index: Index;
  readonly foreign_key: ForeignKey;
  readonly owned_sequence: OwnedSequence;
  readonly view: View;
  readonly function: Routine;
  readonly trigger: Trigger;
  readonly policy: Policy;
  readonly domain: Domain;
  readonly composite_type: CompositeType;
}

/** A kind of object: a key of KindObjects, so every kind has its Model type. */
export type ObjectKind = keyof KindObjects;

/** Every kind, in the order objectsOf visits them. */
export const OBJECT_KINDS = [
  'schema',
  'extension',
  'enum',
  'domain',
  'composite_type',
  'sequence',
  'table',
  'column',
  'owned_sequence',
  'primary_key',
  'unique',
  'check',
  'index',
  'foreign_key',
  'view',
  'function',
  'trigger',
  'policy',
] as const satisfies readonly ObjectKind[];

/**
 * One object of a Model: its kind, its object path (as plans name it: `public.users`,
 * `public.users.email`), the object, and the table and column it belongs to, if any.
 */
export type ModelObject = {
  readonly [K in ObjectKind]: {
    readonly kind: K;
    readonly path: string;
    readonly object: KindObjects[K];
    readonly table: Table | null;
    readonly column: Column | null;
  };
}[ObjectKind];

/**
 * Every object of `model`, each once, in a stable order: schemas, extensions (`extension pg_trgm`: their names are not in a schema), enums, domains, composite types, sequences, then each table
 * followed by its columns (with the sequences they own), primary key, uniques, checks, indexes
 * and foreign keys; then views, then functions, then triggers, then policies. An owned sequence's path is in its table's schema, as PostgreSQL names it.
 */
export function objectsOf(model: Model): ModelObject[] {
  const out: ModelObject[] = [];
  for (const name of model.schemas) out.push({ kind: 'schema', path: objectPath(name), object: { kind: 'schema', name }, table: null, column: null });
  for (const [name, x] of Object.entries(model.extensions ?? {})) out.push({ kind: 'extension', path: `extension ${objectPath(name)}`, object: x, table: null, column: null });
  for (const [path, e] of Object.entries(model.enums)) out.push({ kind: 'enum', path, object: e, table: null, column: null });
  for (const [path, d] of Object.entries(model.domains ?? {})) out.push({ kind: 'domain', path, object: d, table: null, column: null });
  for (const [path, c] of Object.entries(model.types ?? {})) out.push({ kind: 'composite_type', path, object: c, table: null, column: null });
  for (const [path, s] of Object.entries(model.sequences ?? {})) out.push({ kind: 'sequence', path, object: s, table: null, column: null });
  for (const [path, t] of Object.entries(model.tables)) {
    out.push({ kind: 'table', path, object: t, table: null, column: null });
    const member = (name: string): string => objectPath(t.schema, t.name, name);
    for (const c of t.columns) {
      out.push({ kind: 'column', path: member(c.name), object: c, table: t, column: null });
      for (const s of c.ownedSequences ?? []) out.push({ kind: 'owned_sequence', path: objectPath(t.schema, s.name), object: s, table: t, column: c });
    }
    if (t.primaryKey) out.push({ kind: 'primary_key', path: member(t.primaryKey.name), object: t.primaryKey, table: t, column: null });
    for (const u of Object.values(t.uniques)) out.push({ kind: 'unique', path: member(u.name), object: u, table: t, column: null });
    for (const c of Object.values(t.checks)) out.push({ kind: 'check', path: member(c.name), object: c, table: t, column: null });
    for (const i of Object.values(t.indexes)) out.push({ kind: 'index', path: member(i.name), object: i, table: t, column: null });
    for (const f of Object.values(t.foreignKeys)) out.push({ kind: 'foreign_key', path: member(f.name), object: f, table: t, column: null });
  }
  for (const [path, v] of Object.entries(model.views ?? {})) out.push({ kind: 'view', path, object: v, table: null, column: null });
  for (const [path, f] of Object.entries(model.functions ?? {})) out.push({ kind: 'function', path, object: f, table: null, column: null });
  for (const [path, t] of Object.entries(model.triggers ?? {})) out.push({ kind: 'trigger', path, object: t, table: null, column: null });
  for (const [path, p] of Object.entries(model.policies ?? {})) out.push({ kind: 'policy', path, object: p, table: null, column: null });
  return out;
}

/** Where an object sits, for `mapModel`'s functions: its path, and its table and column, if any. */
export interface ObjectPlace {
  readonly path: string;
  readonly table: Table | null;
  readonly column: Column | null;
}

/**
 * Per kind, what `mapModel` makes of an object: itself as it is or changed, or null to leave it
 * out (with what it holds: a table's members, a column's sequences). A kind not given is kept.
 */
export type ObjectMap = { readonly [K in ObjectKind]?: (object: KindObjects[K], at: ObjectPlace) => KindObjects[K] | null };

/**
 * `model` with each object `map` names made anew, walked as `objectsOf` walks it (same paths,
 * same order; a member's place names its table and column as they were). The one rebuild of a
 * Model: a new kind is added here and in `objectsOf`, and every rebuild made with it follows.
 */
export function mapModel(model: Model, map: ObjectMap): Model {
  const one = <K extends ObjectKind>(kind: K, object: KindObjects[K], path: string, table: Table | null = null, column: Column | null = null): KindObjects[K] | null => {
    const f = map[kind] as ((o: KindObjects[K], at: ObjectPlace) => KindObjects[K] | null) | undefined;
    return f ? f(object, { path, table, column }) : object;
  };
  const each = <K extends ObjectKind>(kind: K, entries: Readonly<Record<string, KindObjects[K]>>, path: (key: string, x: KindObjects[K]) => string, table: Table | null = null): Record<string, KindObjects[K]> =>
    Object.fromEntries(
      Object.entries(entries).flatMap(([key, x]) => {
        const made = one(kind, x, path(key, x), table);
        return made === null ? [] : [[key, made]];
      }),
    );
  const schemas = model.schemas.flatMap((name) => one('schema', { kind: 'schema', name }, objectPath(name))?.name ?? []);
  // In objectsOf's order, so a function that keeps notes sees the objects as objectsOf lists them.
  const extensions = model.extensions && each('extension', model.extensions, (name) => `extension ${objectPath(name)}`);
  const enums = each('enum', model.enums, (path) => path);
  const domains = model.domains && each('domain', model.domains, (path) => path);
  const types = model.types && each('composite_type', model.types, (path) => path);
  const sequences = model.sequences && each('sequence', model.sequences, (path) => path);
  const tables = Object.fromEntries(
    Object.entries(model.tables).flatMap(([path, was]) => {
      const t = one('table', was, path);
      if (t === null) return [];
      const member = (_key: string, x: { readonly name: string }): string => objectPath(was.schema, was.name, x.name);
      const columns = t.columns.flatMap((c) => {
        const made = one('column', c, objectPath(was.schema, was.name, c.name), was);
        if (made === null) return [];
        if (!made.ownedSequences || !map.owned_sequence) return [made];
        return [{ ...made, ownedSequences: made.ownedSequences.flatMap((s) => one('owned_sequence', s, objectPath(was.schema, s.name), was, c) ?? []) }];
      });
      const primaryKey = t.primaryKey && one('primary_key', t.primaryKey, objectPath(was.schema, was.name, t.primaryKey.name), was);
      const table: Table = {
        ...t,
        columns,
        primaryKey,
        uniques: each('unique', t.uniques, member, was),
        checks: each('check', t.checks, member, was),
        indexes: each('index', t.indexes, member, was),
        foreignKeys: each('foreign_key', t.foreignKeys, member, was),
      };
      return [[path, table]];
    }),
  );
  const views = model.views && each('view', model.views, (path) => path);
  const functions = model.functions && each('function', model.functions, (path) => path);
  const triggers = model.triggers && each('trigger', model.triggers, (path) => path);
  const policies = model.policies && each('policy', model.policies, (path) => path);
  return {
    ...model,
    schemas,
    ...(extensions ? { extensions } : {}),
    enums,
    ...(domains ? { domains } : {}),
    ...(types ? { types } : {}),
    ...(sequences ? { sequences } : {}),
    tables,
    ...(views ? { views } : {}),
    ...(functions ? { functions } : {}),
    ...(triggers ? { triggers } : {}),
    ...(policies ? { policies } : {}),
  };
}

/** The schemas that hold an object of `model` (a table, an enum, a sequence, an extension's objects), whether or not listed as schemas. */
export function schemasInUse(model: Model): Set<string> {
  return new Set(objectsOf(model).flatMap((o) => (o.kind === 'schema' || o.table !== null || !('schema' in o.object) || o.object.schema === null ? [] : [o.object.schema])));
}
