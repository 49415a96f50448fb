// Spec + PostgreSQL's spellings -> the desired Model. Pure: the spellings were read by
// db/spell.ts; names, column lists, key actions and flags need no server.
import { objectPath } from '../model/identifiers.js';
import type { Column, EnumType, ForeignKey, Index, KeyTiming, Model, Table, Unique, Check } from '../model/model.js';
import type { Diagnostic } from './diagnostics.js';
import { extensionsModel, extensionSpellingSetup } from './extensions.js';
import { sequencesModel, sequenceSpellingSetup } from './sequences.js';
import { materializedOf, unspelledView, type SpecView } from './views.js';
import type { View } from '../model/view.js';

export { extensionSpellingSetup, sequenceSpellingSetup };
import type { Spec, SpecKey, SpecTable } from './spec.js';

/** What the server said about one desired table's free-form parts. */
export interface SpelledTable {
  readonly columns: Readonly<Record<string, Pick<Column, 'type' | 'default' | 'typeRef' | 'generated' | 'collation'>>>;
  /** Check name -> pg_get_constraintdef. */
  readonly checks: Readonly<Record<string, string>>;
  readonly indexes: Readonly<Record<string, Pick<Index, 'keys' | 'where' | 'include' | 'method' | 'unique' | 'nullsNotDistinct' | 'with'>>>;
}

/** Keyed by the desired table's object path. */
export type Spelling = ReadonlyMap<string, SpelledTable>;

export function desiredSchemas(spec: Spec): string[] {
  const all = new Set<string>(['public']);
  for (const s of spec.schemas) all.add(s.value);
  for (const e of spec.enums) all.add(e.schema);
  for (const t of spec.tables) all.add(t.schema);
  for (const s of spec.sequences ?? []) all.add(s.schema);
  for (const v of [...(spec.views ?? []), ...(spec.materializedViews ?? [])]) all.add(v.schema);
  for (const f of spec.functions ?? []) all.add(f.schema);
  for (const d of spec.domains ?? []) all.add(d.schema);
  for (const t of spec.types ?? []) all.add(t.schema);
  for (const x of spec.extensions ?? []) if (x.schema !== null && x.schema.value !== 'pg_catalog') all.add(x.schema.value);
  return [...all].sort();
}

/** DEFERRABLE and INITIALLY DEFERRED as the Model holds them: present only when set. */
const timingOf = (k: SpecKey): KeyTiming => ({ ...(k.deferrable ? { deferrable: true as const } : {}), ...(k.initiallyDeferred ? { initiallyDeferred: true as const } : {}) });

function tableToModel(t: SpecTable, spelled: SpelledTable): Table {
  const columns: Column[] = t.columns.map((c) => {
    const s = spelled.columns[c.name];
    return {
      kind: 'column',
      name: c.name,
      type: s?.type ?? c.type.value,
      typeRef: s?.typeRef ?? null,
      nullable: c.nullable,
      default: s?.default ?? null,
      identity: c.identity,
      comment: c.comment,
      ...(s?.generated !== undefined ? { generated: s.generated } : c.generated ? { generated: c.generated.value } : {}),
      ...(s?.collation !== undefined ? { collation: s.collation } : c.collation ? { collation: c.collation.value } : {}),
    };
  });
  const uniques: Record<string, Unique> = {};
  for (const u of t.uniques) {
    uniques[u.name] = { kind: 'unique', name: u.name, columns: u.columns.map((c) => c.value), nullsNotDistinct: u.nullsNotDistinct, ...timingOf(u) };
  }
  const checks: Record<string, Check> = {};
  for (const c of t.checks) checks[c.name] = { kind: 'check', name: c.name, definition: spelled.checks[c.name] ?? '' };
  const indexes: Record<string, Index> = {};
  for (const i of t.indexes) {
    const s = spelled.indexes[i.name];
    if (s) indexes[i.name] = { kind: 'index', name: i.name, ...s, ...(i.comment !== null ? { comment: i.comment } : {}) };
  }
  const foreignKeys: Record<string, ForeignKey> = {};
  for (const f of t.foreignKeys) {
    foreignKeys[f.name] = {
      kind: 'foreign_key',
      name: f.name,
      columns: f.columns.map((c) => c.value),
      references: { schema: f.references.schema, table: f.references.table, columns: f.references.columns.map((c) => c.value) },
      onDelete: f.onDelete,
      ...(f.onDeleteColumns ? { onDeleteColumns: f.onDeleteColumns.map((c) => c.value) } : {}),
      onUpdate: f.onUpdate,
      match: f.match,
      deferrable: f.deferrable,
      initiallyDeferred: f.initiallyDeferred,
    };
  }
  return {
    kind: 'table',
    schema: t.schema,
    name: t.name,
    columns,
    primaryKey: t.primaryKey ? { kind: 'primary_key', name: t.primaryKey.name, columns: t.primaryKey.columns.map((c) => c.value), ...timingOf(t.primaryKey) } : null,
    uniques,
    checks,
    indexes,
    foreignKeys,
    comment: t.comment,
    ...(t.unlogged ? { unlogged: t.unlogged } : {}),
    ...(t.storage ? { storage: t.storage } : {}),
    ...(t.replicaIdentity ? { replicaIdentity: t.replicaIdentity } : {}),
    // As written until the server spells them (spelling/partitions.ts), which also leaves a partition's columns to its parent.
    ...(t.partitionBy ? { partitionBy: t.partitionBy.value } : {}),
    ...(t.partitionOf ? { partitionOf: { schema: t.partitionOf.schema, table: t.partitionOf.table, bound: t.partitionOf.bound.value } } : {}),
  };
}

/**
 * The desired Model. Also reports columns whose type is an enum the file does not declare:
 * the plan would drop that enum while the column still needs it.
 */
/**
 * The desired views: as the server spelled each (`spelled`, by object path), else as the file
 * writes it (see unspelledView). Only when the file has `views:` or `materialized_views:`.
 */
export function viewsModel(spec: Spec, spelled: ReadonlyMap<string, View>): Pick<Model, 'views' | 'managedViews'> {
  if (!spec.views && !spec.materializedViews) return {};
  const one = (v: SpecView): [string, View] => {
    const path = objectPath(v.schema, v.name);
    // The spelling reads a temporary plain view: whether it is materialized, and how, is the file's.
    const { materialized: _m, ...view } = spelled.get(path) ?? unspelledView(v);
    return [path, v.materialized ? { ...view, materialized: materializedOf(v.materialized) } : view];
  };
  const views = Object.fromEntries([...(spec.views ?? []), ...(spec.materializedViews ?? [])].map(one));
  return { views, ...(spec.materializedViews ? { managedViews: { plain: spec.views !== undefined, materialized: true } } : {}) };
}

export function toModel(spec: Spec, spelling: Spelling, spelledViews: ReadonlyMap<string, View> = new Map()): { model: Model; diagnostics: Diagnostic[] } {
  const enums: Record<string, EnumType> = {};
  for (const e of spec.enums) enums[objectPath(e.schema, e.name)] = { kind: 'enum', schema: e.schema, name: e.name, values: e.values.map((v) => v.value) };
  const tables: Record<string, Table> = {};
  const diagnostics: Diagnostic[] = [];
  for (const t of spec.tables) {
    const key = objectPath(t.schema, t.name);
    const table = tableToModel(t, spelling.get(key) ?? { columns: {}, checks: {}, indexes: {} });
    tables[key] = table;
    for (const c of table.columns) {
      if (c.typeRef && !enums[objectPath(c.typeRef.schema, c.typeRef.name)]) {
        const pos = t.columns.find((sc) => sc.name === c.name)?.type.pos ?? t.pos;
        diagnostics.push({
          ...pos,
          code: 'unknown_type',
          message: `column "${c.name}" uses the enum ${objectPath(c.typeRef.schema, c.typeRef.name)}, which exists in the database but not under \`enums:\``,
          hint: 'declare it under `enums:` (the file is the whole truth: undeclared enums are dropped)',
        });
      }
    }
  }
  // Before `tables` is used: a sequence owned by a column whose default calls it moves into that column.
  const sequences = spec.sequences ? { sequences: sequencesModel(spec.sequences, tables) } : {};
  return {
    model: {
      schemas: desiredSchemas(spec),
      enums,
      tables,
      ...sequences,
      ...(spec.extensions ? { extensions: extensionsModel(spec.extensions) } : {}),
      ...viewsModel(spec, spelledViews),
    },
    diagnostics,
  };
}
