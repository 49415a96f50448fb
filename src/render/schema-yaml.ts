// A Model as schema.yaml: what `schema pull` writes. The file it gives plans to no change on the
// database it was read from (every value is what PostgreSQL stored, or a shorter spelling that
// PostgreSQL stores the same way), and it reads the way a person would have written it: short
// type names, shorthands where they hold, one line per column.
import { isMap, isPair, isScalar, Document, visit, type Pair } from 'yaml';
import { objectPath, parseQualifiedName } from '../model/identifiers.js';
import type { Check, Column, EnumType, ForeignKey, Index, IndexKey, KeyTiming, Model, ReferentialAction, Table, Unique } from '../model/model.js';
import { schemasInUse } from '../model/objects.js';
import { sequenceDefaults, type Sequence } from '../model/sequence.js';
import { regclassesIn } from '../model/sql-tokens.js';
import type { View } from '../model/view.js';
import type { Policy } from '../model/policy.js';
import type { Domain } from '../model/domain.js';
import { isLongBody, SqlFileNames } from './sql-files.js';

/** Something the file cannot say yet, or says differently from the database. */
export interface PullNote {
  /** `public.t.c`, `public.t.t_check`. */
  readonly object: string;
  readonly message: string;
}

export interface SchemaYaml {
  readonly text: string;
  readonly notes: readonly PullNote[];
  /** The `.sql` files the text names (`file:`), by path relative to schema.yaml: the long bodies. */
  readonly files: ReadonlyMap<string, string>;
  /** The same schema as a folder: one file per top-level key (`tables.yaml`, `views.yaml` ...), by name. */
  readonly parts: ReadonlyMap<string, string>;
}

export interface SchemaYamlOptions {
  /** Every SQL body inline under `sql:`, however long (for `--inline`, and `--schema -`). */
  readonly inline?: boolean;
}

/** format_type's long names and the short ones people write; PostgreSQL reads both as the same type. */
const SHORT_TYPES: readonly (readonly [string, string])[] = [
  ['character varying', 'varchar'],
  ['timestamp with time zone', 'timestamptz'],
  ['timestamp without time zone', 'timestamp'],
  ['time with time zone', 'timetz'],
  ['time without time zone', 'time'],
  ['bit varying', 'varbit'],
  ['character', 'char'],
];

/** `character varying(20)[]` -> `varchar(20)[]`; an enum of public without its schema. */
export function shortType(type: string, column: Pick<Column, 'typeRef'>): string {
  if (column.typeRef && column.typeRef.schema === 'public' && type.startsWith('public.')) return type.slice('public.'.length);
  for (const [long, short] of SHORT_TYPES) {
    if (type === long || type.startsWith(`${long}(`) || type.startsWith(`${long}[`)) {
      // `timestamp(3) with time zone` keeps its words: only the plain forms are rewritten.
      return short + type.slice(long.length);
    }
  }
  const precise = /^(timestamp|time)\((\d+)\) (with|without) time zone(.*)$/.exec(type);
  if (precise) return `${precise[1]}${precise[3] === 'with' ? 'tz' : ''}(${precise[2]})${precise[4]}`;
  return type;
}

/** The key a table or enum has in the file: unqualified in public. */
function fileName(schema: string, name: string): string {
  return schema === 'public' && !name.includes('.') ? name : objectPath(schema, name);
}

/** The text inside a pg_get_constraintdef `CHECK (...)`, without the outer parentheses PostgreSQL adds. */
export function checkBody(definition: string): string {
  const m = /^CHECK \(([\s\S]*)\)( NO INHERIT)?$/.exec(definition.trim());
  const inner = m ? m[1]! : definition;
  return unwrap(inner);
}

/** `(a > 0)` -> `a > 0`, when the first parenthesis closes at the end. */
function unwrap(text: string): string {
  if (!text.startsWith('(') || !text.endsWith(')')) return text;
  let depth = 0;
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quote) {
      if (ch === quote) quote = null;
      continue;
    }
    if (ch === "'" || ch === '"') quote = ch;
    else if (ch === '(') depth++;
    else if (ch === ')') {
      depth--;
      if (depth === 0 && i < text.length - 1) return text;
    }
  }
  return text.slice(1, -1);
}

/** A collation as the file writes it: a name of pg_catalog alone, unquoted (`C`); another schema's as SQL. */
function collationName(sql: string): string {
  const m = /^"((?:[^"]|"")*)"$/.exec(sql);
  if (m) return m[1]!.replace(/""/g, '"');
  const q = sql.includes('.') ? parseQualifiedName(sql) : null;
  // Another schema's, in double quotes: the file reads a name without them as one name.
  const quoted = (s: string): string => `"${s.replace(/"/g, '""')}"`;
  return q ? `${quoted(q.schema)}.${quoted(q.name)}` : sql;
}

const NUMERIC_TYPES = /^(smallint|integer|bigint|numeric|real|double precision)(\(|$)/;

/**
 * A default as the file says it: a literal when PostgreSQL stored one (`'active'::text` ->
 * active, `0` -> 0, `true`), else `{ sql }` with PostgreSQL's own text.
 */
export function defaultValue(column: Column): unknown {
  const d = column.default;
  if (d === null) return undefined;
  const base = column.type.replace(/\(.*$/, '');
  const literal = /^'((?:[^']|'')*)'::(.+)$/.exec(d);
  if (literal && (literal[2] === column.type || literal[2] === base)) {
    const value = literal[1]!.replace(/''/g, "'");
    if (NUMERIC_TYPES.test(column.type) && /^-?\d+$/.test(value) && Number.isSafeInteger(Number(value))) return Number(value);
    return value;
  }
  if (NUMERIC_TYPES.test(column.type) && /^\d+$/.test(d) && Number.isSafeInteger(Number(d))) return Number(d);
  if (column.type === 'boolean' && (d === 'true' || d === 'false')) return d === 'true';
  return { sql: d };
}

function columnEntry(table: Table, column: Column): unknown {
  const single = table.primaryKey && table.primaryKey.columns.length === 1 && table.primaryKey.columns[0] === column.name && table.primaryKey.name === `${table.name}_pkey` && !table.primaryKey.deferrable;
  const inKey = table.primaryKey?.columns.includes(column.name) ?? false;
  const entry: Record<string, unknown> = { type: shortType(column.type, column) };
  if (column.identity) entry['identity'] = column.identity;
  if (single) entry['primary_key'] = true;
  if (!column.nullable && !column.identity && !inKey) entry['nullable'] = false;
  const value = defaultValue(column);
  if (value !== undefined) entry['default'] = value;
  const unique = Object.values(table.uniques).find((u) => u.columns.length === 1 && u.columns[0] === column.name && u.name === `${table.name}_${column.name}_key` && !u.nullsNotDistinct && !u.deferrable);
  if (unique) entry['unique'] = true;
  if (column.comment !== null) entry['comment'] = column.comment;
  if (column.generated !== undefined) entry['generated'] = unwrap(column.generated);
  if (column.collation !== undefined) entry['collation'] = collationName(column.collation);
  const keys = Object.keys(entry);
  return keys.length === 1 ? entry['type'] : entry;
}

function keyEntry(key: IndexKey): unknown {
  const defaultNulls = key.descending;
  if (!key.descending && key.nullsFirst === defaultNulls && key.column !== null && key.opclass === undefined && key.collation === undefined) return key.column;
  const entry: Record<string, unknown> = key.column !== null ? { column: key.column } : { expression: key.expression };
  if (key.collation !== undefined) entry['collation'] = collationName(key.collation);
  if (key.opclass !== undefined) entry['opclass'] = key.opclass;
  if (key.descending) entry['order'] = 'desc';
  if (key.nullsFirst !== defaultNulls) entry['nulls'] = key.nullsFirst ? 'first' : 'last';
  return entry;
}

function indexEntry(index: Index): unknown {
  const entry: Record<string, unknown> = {};
  if (index.unique) entry['unique'] = true;
  if (index.nullsNotDistinct) entry['nulls_not_distinct'] = true;
  if (index.method !== 'btree') entry['method'] = index.method;
  entry['columns'] = index.keys.map(keyEntry);
  if (index.include.length > 0) entry['include'] = [...index.include];
  if (index.where !== null) entry['where'] = unwrap(index.where);
  if (index.with !== undefined) entry['with'] = Object.fromEntries(Object.entries(index.with).map(([k, v]) => [k, /^-?\d+(\.\d+)?$/.test(v) && String(Number(v)) === v ? Number(v) : v]));
  if (index.comment !== undefined) entry['comment'] = index.comment;
  return entry;
}

const ACTION: Readonly<Record<ReferentialAction, string>> = { 'no action': 'no_action', restrict: 'restrict', cascade: 'cascade', 'set null': 'set_null', 'set default': 'set_default' };

function foreignKeyEntry(fk: ForeignKey): unknown {
  const r = fk.references;
  const entry: Record<string, unknown> = { columns: [...fk.columns], references: { table: fileName(r.schema, r.table), columns: [...r.columns] } };
  if (fk.onDelete !== 'no action') entry['on_delete'] = ACTION[fk.onDelete];
  if (fk.onUpdate !== 'no action') entry['on_update'] = ACTION[fk.onUpdate];
  if (fk.match !== 'simple') entry['match'] = fk.match;
  if (fk.onDeleteColumns) entry['on_delete_columns'] = [...fk.onDeleteColumns];
  if (fk.deferrable) entry['deferrable'] = true;
  if (fk.initiallyDeferred) entry['initially_deferred'] = true;
  return entry;
}

function checkEntry(table: Table, check: Check, notes: PullNote[]): string {
  if (check.notValid) notes.push({ object: `${objectPath(table.schema, table.name)}.${check.name}`, message: 'a NOT VALID check: schema.yaml cannot keep one unvalidated yet, so a plan would validate it' });
  return checkBody(check.definition);
}

/** A storage parameter's text as YAML reads it back the same: a number or boolean as such, else the text. */
function storageValue(v: string): unknown {
  if (v === 'true' || v === 'false') return v === 'true';
  return /^-?[0-9]+(\.[0-9]+)?$/.test(v) && String(Number(v)) === v ? Number(v) : v;
}
/** `deferrable: true` and `initially_deferred: true` of a key, when set. */
const timingEntry = (k: KeyTiming): Record<string, true> => ({ ...(k.deferrable ? { deferrable: true as const } : {}), ...(k.initiallyDeferred ? { initially_deferred: true as const } : {}) });

function tableEntry(table: Table, notes: PullNote[]): Record<string, unknown> {
  const entry: Record<string, unknown> = {};
  if (table.comment !== null) entry['comment'] = table.comment;
  if (table.unlogged) entry['unlogged'] = true;
  if (table.replicaIdentity) entry['replica_identity'] = typeof table.replicaIdentity === 'object' ? { index: table.replicaIdentity.index } : table.replicaIdentity;
  if (table.storage) entry['with'] = Object.fromEntries(Object.entries(table.storage).map(([k, v]) => [k, storageValue(v)]));
  if (table.partitionBy) entry['partition_by'] = table.partitionBy;
  const of = table.partitionOf;
  // A partition has its parent's columns: the file lists none.
  if (of) {
    // Read in the partition's own schema.
    entry['partition_of'] = of.schema === table.schema && !of.table.includes('.') ? of.table : objectPath(of.schema, of.table);
    if (of.bound === 'DEFAULT') entry['default'] = true;
    else entry['for_values'] = of.bound.replace(/^FOR VALUES /, '');
  } else entry['columns'] = Object.fromEntries(table.columns.map((c) => [c.name, columnEntry(table, c)]));
  const pk = table.primaryKey;
  if (pk?.deferrable) entry['primary_key'] = { ...(pk.name === `${table.name}_pkey` ? {} : { name: pk.name }), columns: [...pk.columns], ...timingEntry(pk) };
  else if (pk && !(pk.columns.length === 1 && pk.name === `${table.name}_pkey`)) entry['primary_key'] = pk.name === `${table.name}_pkey` ? [...pk.columns] : { name: pk.name, columns: [...pk.columns] };
  const uniques = Object.values(table.uniques).filter((u) => !(u.columns.length === 1 && u.name === `${table.name}_${u.columns[0]}_key` && !u.nullsNotDistinct && !u.deferrable));
  const uniqueEntry = (u: Unique): unknown => (u.nullsNotDistinct || u.deferrable ? { columns: [...u.columns], ...(u.nullsNotDistinct ? { nulls_not_distinct: true } : {}), ...timingEntry(u) } : [...u.columns]);
  if (uniques.length > 0) entry['unique'] = Object.fromEntries(uniques.map((u) => [u.name, uniqueEntry(u)]));
  // Exclusions are kept with the checks (introspect/kinds/constraint.ts); the file has them apart, as written by the server.
  const checks = Object.values(table.checks).filter((c) => !c.definition.startsWith('EXCLUDE '));
  if (checks.length > 0) entry['checks'] = Object.fromEntries(checks.map((c) => [c.name, checkEntry(table, c, notes)]));
  const exclusions = Object.values(table.checks).filter((c) => c.definition.startsWith('EXCLUDE '));
  if (exclusions.length > 0) entry['exclusions'] = Object.fromEntries(exclusions.map((c) => [c.name, c.definition]));
  const indexes = Object.values(table.indexes);
  if (indexes.length > 0) entry['indexes'] = Object.fromEntries(indexes.map((i) => [i.name, indexEntry(i)]));
  const fks = Object.values(table.foreignKeys);
  if (fks.length > 0) entry['foreign_keys'] = Object.fromEntries(fks.map((f) => [f.name, foreignKeyEntry(f)]));
  return entry;
}

/** A policy with only what is not PostgreSQL's default (for all, permissive, to public). */
function policyEntry(p: Policy): Record<string, unknown> {
  const entry: Record<string, unknown> = {};
  if (p.command !== 'all') entry['command'] = p.command;
  if (!p.permissive) entry['as'] = 'restrictive';
  if (!(p.roles.length === 1 && p.roles[0] === 'public')) entry['roles'] = [...p.roles];
  if (p.using !== null) entry['using'] = p.using;
  if (p.withCheck !== null) entry['with_check'] = p.withCheck;
  if (p.comment !== null) entry['comment'] = p.comment;
  return entry;
}

/** A table's row-level security switches that are on, and its policies, if any. */
function securityEntry(model: Model, table: Table): Record<string, unknown> {
  const entry: Record<string, unknown> = {};
  const rls = model.rowSecurity?.[objectPath(table.schema, table.name)];
  if (rls?.enabled) entry['row_level_security'] = true;
  if (rls?.forced) entry['force_row_level_security'] = true;
  const policies = Object.values(model.policies ?? {}).filter((p) => p.schema === table.schema && p.table === table.name);
  if (policies.length > 0) entry['policies'] = Object.fromEntries(policies.map((p) => [p.name, policyEntry(p)]));
  return entry;
}

/** A whole number as the file writes it: a YAML number when JSON holds it exactly, else a string. */
function wholeNumber(text: string): number | string {
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : text;
}

/** The sequences the columns of `t` own and their defaults call, as sequences owned by those columns. */
function servingSequences(t: Table): Sequence[] {
  return t.columns.flatMap((c) => {
    const called = new Set(c.default === null ? [] : regclassesIn(c.default));
    return (c.ownedSequences ?? []).filter((s) => called.has(objectPath(t.schema, s.name))).map((s): Sequence => ({ kind: 'sequence', schema: t.schema, ...s, ownedBy: { table: t.name, column: c.name } }));
  });
}

/** A sequence with only the options that are not PostgreSQL's defaults. */
function sequenceEntry(seq: Sequence): Record<string, unknown> {
  const increment = BigInt(seq.increment);
  const defaults = sequenceDefaults(seq.type, increment, null, null);
  const entry: Record<string, unknown> = {};
  if (seq.type !== 'bigint') entry['type'] = seq.type;
  if (increment !== 1n) entry['increment'] = wholeNumber(seq.increment);
  if (BigInt(seq.min) !== defaults.min) entry['min'] = wholeNumber(seq.min);
  if (BigInt(seq.max) !== defaults.max) entry['max'] = wholeNumber(seq.max);
  const start = increment > 0n ? BigInt(seq.min) : BigInt(seq.max);
  if (BigInt(seq.start) !== start) entry['start'] = wholeNumber(seq.start);
  if (seq.cache !== '1') entry['cache'] = wholeNumber(seq.cache);
  if (seq.cycle) entry['cycle'] = true;
  if (seq.ownedBy) entry['owned_by'] = objectPath(seq.ownedBy.table, seq.ownedBy.column);
  return entry;
}

/** A domain with only what is not PostgreSQL's default; its type alone when that is all it has. */
function domainEntry(d: Domain, notes: PullNote[]): unknown {
  const entry: Record<string, unknown> = { type: shortType(d.type, { typeRef: null }) };
  if (!d.nullable) entry['nullable'] = false;
  const value = defaultValue({ type: d.type, default: d.default } as Column);
  if (value !== undefined) entry['default'] = value;
  if (d.collation !== null) entry['collation'] = d.collation;
  const checks = Object.values(d.checks);
  for (const c of checks) if (c.notValid) notes.push({ object: objectPath(d.schema, d.name, c.name), message: 'a NOT VALID check: schema.yaml cannot keep one unvalidated yet, so a plan would validate it' });
  if (checks.length > 0) entry['checks'] = Object.fromEntries(checks.map((c) => [c.name, checkBody(c.definition)]));
  if (d.comment !== null) entry['comment'] = d.comment;
  return Object.keys(entry).length === 1 ? entry['type'] : entry;
}

/**
 * A materialized view's entry: its text, comment, with_data when it holds no rows, and its
 * indexes; an index keyed by an expression or partial cannot be written (`materialized_views:`
 * indexes columns only), so it is left out with a note.
 */
function materializedEntry(v: View, entry: Record<string, unknown>, notes: PullNote[]): Record<string, unknown> {
  const m = v.materialized!;
  const out: Record<string, unknown> = { ...entry, ...(m.withData ? {} : { with_data: false }) };
  const writable = Object.values(m.indexes).filter((i) => {
    const ok = i.where === null && i.keys.every((k) => k.column !== null);
    if (!ok) notes.push({ object: objectPath(v.schema, v.name, i.name), message: 'an index on an expression or with WHERE: materialized_views: cannot declare one yet, so it is left out and a plan would drop it' });
    return ok;
  });
  if (writable.length > 0) out['indexes'] = Object.fromEntries(writable.map((i) => [i.name, indexEntry(i)]));
  return out;
}

/** The keys of the maps written on one line each: a column, an index, a key, a unique constraint. */
const ONE_LINE_PARENTS = new Set(['types', 'columns', 'indexes', 'foreign_keys', 'unique', 'sequences', 'extensions']);

/** The Model as the text of schema.yaml, with a header of `lines` (comments), and what the file cannot say. */
export function schemaYaml(model: Model, header: readonly string[] = [], options: SchemaYamlOptions = {}): SchemaYaml {
  const notes: PullNote[] = [];
  // A long body goes to a file of its kind's folder (views/public.film_list.sql), named by `file:`.
  const files = new Map<string, string>();
  const names = new SqlFileNames();
  const body = (folder: string, schema: string, name: string, sql: string): Record<string, string> => {
    if (options.inline === true || !isLongBody(sql)) return { sql };
    const path = names.name(folder, schema, name);
    files.set(path, sql.endsWith('\n') ? sql : `${sql}\n`);
    return { file: path };
  };
  // A sequence a column owns and its default calls (serial's) is part of the column in the Model;
  // the file says it as a sequence `owned_by` that column, which the loader makes part of it again.
  const sequences = [...Object.values(model.sequences ?? {}), ...Object.values(model.tables).flatMap(servingSequences)].sort((a, b) => (objectPath(a.schema, a.name) < objectPath(b.schema, b.name) ? -1 : 1));
  // Written with its schema and version, so the file installs it as the database has it.
  const extensions = Object.values(model.extensions ?? {});
  const used = schemasInUse(model).add('public');
  const doc: Record<string, unknown> = {};
  const bare = model.schemas.filter((s) => !used.has(s));
  if (bare.length > 0) doc['schemas'] = bare;
  if (extensions.length > 0) doc['extensions'] = Object.fromEntries(extensions.map((x) => [x.name, { ...(x.schema === null ? {} : { schema: x.schema }), ...(x.version === null ? {} : { version: x.version }) }]));
  const enums = Object.values(model.enums);
  if (enums.length > 0) doc['enums'] = Object.fromEntries(enums.map((e: EnumType) => [fileName(e.schema, e.name), [...e.values]]));
  const domains = Object.values(model.domains ?? {});
  if (domains.length > 0) doc['domains'] = Object.fromEntries(domains.map((d) => [fileName(d.schema, d.name), domainEntry(d, notes)]));
  const types = Object.values(model.types ?? {});
  if (types.length > 0)
    doc['types'] = Object.fromEntries(
      types.map((t) => [fileName(t.schema, t.name), { attributes: Object.fromEntries(t.attributes.map((a) => [a.name, shortType(a.type, { typeRef: null })])), ...(t.comment === null ? {} : { comment: t.comment }) }]),
    );
  if (sequences.length > 0) doc['sequences'] = Object.fromEntries(sequences.map((q) => [fileName(q.schema, q.name), sequenceEntry(q)]));
  const tables = Object.values(model.tables);
  if (tables.length > 0) doc['tables'] = Object.fromEntries(tables.map((t) => [fileName(t.schema, t.name), { ...tableEntry(t, notes), ...securityEntry(model, t) }]));
  // Views as the server prints them (pg_get_viewdef): the file then reads as the database, so the plan is empty. Inline, as a block.
  const views = Object.values(model.views ?? {});
  const viewEntry = (v: View): Record<string, unknown> => ({
    ...body(v.materialized ? 'materialized_views' : 'views', v.schema, v.name, `${v.definition}\n`),
    ...(v.comment === null ? {} : { comment: v.comment }),
  });
  const plain = views.filter((v) => !v.materialized);
  if (plain.length > 0) doc['views'] = Object.fromEntries(plain.map((v) => [fileName(v.schema, v.name), viewEntry(v)]));
  // Materialized views alike, with their indexes; one not populated is written with_data: false (made empty until REFRESH).
  const materialized = views.filter((v) => v.materialized);
  if (materialized.length > 0) doc['materialized_views'] = Object.fromEntries(materialized.map((v) => [fileName(v.schema, v.name), materializedEntry(v, viewEntry(v), notes)]));
  // Functions as the server prints them (pg_get_functiondef), inline as a block. The file holds
  // one per name: a database with overloads keeps `functions:` out, so the file leaves them all alone.
  const functions = Object.values(model.functions ?? {});
  const perName = new Map<string, number>();
  for (const f of functions) perName.set(fileName(f.schema, f.name), (perName.get(fileName(f.schema, f.name)) ?? 0) + 1);
  const overloaded = [...perName].filter(([, n]) => n > 1).map(([name]) => name);
  if (overloaded.length > 0)
    notes.push({
      object: overloaded[0]!,
      message: `functions: not written, so the file leaves every function as it is: ${overloaded.join(', ')} ${overloaded.length === 1 ? 'has' : 'have'} overloads, and the file holds one function per name`,
    });
  else if (functions.length > 0) doc['functions'] = Object.fromEntries(functions.map((f) => [fileName(f.schema, f.name), body('functions', f.schema, f.name, `${f.definition};\n`)]));
  // Triggers as the server prints them (pg_get_triggerdef). The file holds one per name in a
  // schema: a database with one name on two tables of a schema keeps `triggers:` out.
  const triggers = Object.values(model.triggers ?? {});
  const triggerNames = new Map<string, number>();
  for (const t of triggers) triggerNames.set(fileName(t.schema, t.name), (triggerNames.get(fileName(t.schema, t.name)) ?? 0) + 1);
  const shared = [...triggerNames].filter(([, n]) => n > 1).map(([name]) => name);
  if (shared.length > 0)
    notes.push({
      object: shared[0]!,
      message: `triggers: not written, so the file leaves every trigger as it is: ${shared.join(', ')} ${shared.length === 1 ? 'names triggers' : 'name triggers'} on more than one table, and the file holds one trigger per name in a schema`,
    });
  else if (triggers.length > 0) doc['triggers'] = Object.fromEntries(triggers.map((t) => [fileName(t.schema, t.name), body('triggers', t.schema, t.name, t.definition)]));
  const empty =
    enums.length === 0 &&
    tables.length === 0 &&
    bare.length === 0 &&
    sequences.length === 0 &&
    domains.length === 0 &&
    types.length === 0 &&
    extensions.length === 0 &&
    views.length === 0 &&
    doc['functions'] === undefined;
  const yaml = empty ? '{}\n' : yamlText(doc);
  const comments = header.map((l) => `# ${l}\n`).join('');
  const text = `${comments}${yaml}`;
  // A schema folder: one file per top-level key (tables.yaml, views.yaml ...), each with the header.
  const parts = new Map(Object.entries(doc).map(([key, value]) => [`${key}.yaml`, `${comments}${yamlText({ [key]: value })}`]));
  if (parts.size === 0) parts.set('tables.yaml', `${comments}tables: {}\n`);
  return { text, notes, files, parts };
}

/** Data as YAML the way pull writes it: the entries of ONE_LINE_PARENTS and every list on one line. */
function yamlText(data: Record<string, unknown>): string {
  const document = new Document(data);
  visit(document, {
    Pair(_key, pair: Pair, path) {
      const parent = path[path.length - 2];
      if (isPair(parent) && isScalar(parent.key) && ONE_LINE_PARENTS.has(String(parent.key.value)) && isMap(pair.value)) pair.value.flow = true;
    },
    Seq(_key, seq) {
      seq.flow = true;
    },
  });
  return document.toString({ lineWidth: 0, flowCollectionPadding: true });
}
