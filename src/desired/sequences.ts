// `sequences:` of schema.yaml -> the Spec's sequences, checked as PostgreSQL would check
// CREATE SEQUENCE (bounds within the type, start within the bounds, a non-zero increment) and
// `owned_by` against the tables of the file; and the Spec's sequences -> the desired Model's.
// Never touches a database. A file without `sequences:` manages none (see plan/plan.ts).
import { identifierBytes, MAX_IDENTIFIER_BYTES, objectPath, parseQualifiedName, qualify, quoteIdent } from '../model/identifiers.js';
import { LEDGER_SCHEMA, type Column, type Model, type Table } from '../model/model.js';
import { regclassesIn } from '../model/sql-tokens.js';
import { SEQUENCE_TYPE_RANGES, sequenceDefaults, type Sequence, type SequenceOptions } from '../model/sequence.js';
import type { Diagnostic, DiagnosticCode, Position } from './diagnostics.js';
import { entriesAsWritten } from './names.js';
import type { SourceMap } from './source-map.js';
import type { Spec, SpecTable } from './spec.js';

/** The options as PostgreSQL would store them, those left out filled in with its defaults. */
export interface SpecSequence extends SequenceOptions {
  readonly schema: string;
  readonly name: string;
  readonly pos: Position;
  readonly ownedBy: { readonly table: string; readonly column: string; readonly pos: Position } | null;
}

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const INTEGER = /^[-+]?[0-9]+$/;

/**
 * The Spec's `sequences` from `sequences:`; nothing when the file has no such key (then the
 * database's are left as they are). Problems go to `diagnostics`, each at the line it was written.
 */
export function readSequences(raw: unknown, map: SourceMap, tables: readonly SpecTable[], diagnostics: Diagnostic[]): { sequences?: SpecSequence[] } {
  if (raw === undefined) return {};
  const error = (pos: Position, code: DiagnosticCode, message: string, hint?: string): void => {
    diagnostics.push({ ...pos, code, message, ...(hint ? { hint } : {}) });
  };
  const out: SpecSequence[] = [];
  const seen = new Map<string, Position>();
  for (const [rawName, value] of entriesAsWritten(isMap(raw) ? raw : {})) {
    const path = ['sequences', rawName];
    const pos = map.key(path);
    const q = parseQualifiedName(rawName);
    if (q === null) {
      error(pos, 'bad_name', `sequence "${rawName}" is not a name or schema.name`, 'quote a name that contains a dot: \'"my.seq"\'');
      continue;
    }
    const long = [q.schema, q.name].find((n) => identifierBytes(n) > MAX_IDENTIFIER_BYTES);
    if (q.name === '' || q.schema === '') {
      error(pos, 'bad_name', `sequence "${rawName}" has an empty name`);
      continue;
    }
    if (long !== undefined) {
      error(pos, 'identifier_too_long', `sequence "${rawName}": "${long}" is longer than PostgreSQL's ${MAX_IDENTIFIER_BYTES} bytes and would be cut`, `shorten it to at most ${MAX_IDENTIFIER_BYTES} bytes`);
      continue;
    }
    if (q.schema === LEDGER_SCHEMA || q.schema === 'information_schema' || q.schema.startsWith('pg_')) {
      error(pos, 'reserved_name', `sequence "${rawName}": schema "${q.schema}" is reserved`, 'choose another schema');
      continue;
    }
    const id = objectPath(q.schema, q.name);
    const prior = seen.get(id);
    if (prior) {
      error(pos, 'duplicate_name', `sequence "${id}" is defined twice (also at line ${prior.line})`);
      continue;
    }
    seen.set(id, pos);
    const clash = tables.find((t) => t.schema === q.schema && (t.name === q.name || t.indexes.some((i) => i.name === q.name)));
    if (clash) {
      const what = clash.name === q.name ? `table "${clash.name}"` : `an index of table "${clash.name}"`;
      error(pos, 'duplicate_name', `sequence "${q.name}" uses a name already taken in schema "${q.schema}" by ${what}`, 'sequences, tables and indexes share one namespace per schema: choose another name');
      continue;
    }
    const options = isMap(value) ? value : {};
    const s = readOne(q.schema, q.name, pos, options, path, map, tables, error);
    if (s) out.push(s);
  }
  return { sequences: out };
}

function readOne(
  schema: string,
  name: string,
  pos: Position,
  options: Record<string, unknown>,
  path: readonly string[],
  map: SourceMap,
  tables: readonly SpecTable[],
  error: (pos: Position, code: DiagnosticCode, message: string, hint?: string) => void,
): SpecSequence | null {
  const at = (key: string): Position => map.value([...path, key]);
  const type = typeof options['type'] === 'string' ? options['type'] : 'bigint';
  const range = SEQUENCE_TYPE_RANGES[type];
  if (!range) return null; // the JSON Schema reported it
  let ok = true;
  /** A whole number exactly as written (int8 values do not survive a JavaScript number). */
  const number = (key: string): bigint | null => {
    const v = options[key];
    if (v === undefined) return null;
    const text = map.source([...path, key]) ?? String(v);
    if (!INTEGER.test(text)) {
      error(at(key), 'schema_violation', `sequence "${name}": ${key} must be a whole number, not ${text}`);
      ok = false;
      return null;
    }
    const n = BigInt(text);
    if (n < range[0] || n > range[1]) {
      error(at(key), 'schema_violation', `sequence "${name}": ${key} ${text} is out of range for ${type} (${range[0]} to ${range[1]})`, 'choose a larger type or a smaller value');
      ok = false;
      return null;
    }
    return n;
  };
  const increment = number('increment') ?? 1n;
  if (increment === 0n) {
    error(at('increment'), 'schema_violation', `sequence "${name}": increment must not be zero`);
    return null;
  }
  const min = number('min');
  const max = number('max');
  const start = number('start');
  const cache = number('cache') ?? 1n;
  if (!ok) return null;
  const d = sequenceDefaults(type, increment, min, max);
  if (d.min >= d.max) {
    error(at(max !== null ? 'max' : 'min'), 'schema_violation', `sequence "${name}": min (${d.min}) must be less than max (${d.max})`);
    return null;
  }
  const first = start ?? d.start;
  if (first < d.min || first > d.max) {
    error(at(start !== null ? 'start' : 'min'), 'schema_violation', `sequence "${name}": start ${first} is outside min ${d.min} and max ${d.max}`, 'set start between min and max');
    return null;
  }
  if (cache < 1n) {
    error(at('cache'), 'schema_violation', `sequence "${name}": cache must be at least 1`);
    return null;
  }
  let ownedBy: SpecSequence['ownedBy'] = null;
  const owner = options['owned_by'];
  if (typeof owner === 'string') {
    const opos = at('owned_by');
    const parts = parseQualifiedName(owner, '');
    const table = parts === null || parts.schema === '' ? undefined : tables.find((t) => t.schema === schema && t.name === parts.schema);
    if (parts === null || parts.schema === '') {
      error(opos, 'bad_reference', `sequence "${name}": owned_by "${owner}" is not table.column`, `name a column of a table in schema "${schema}" as table.column (a sequence and its owner share a schema)`);
      return null;
    }
    if (!table) {
      error(
        opos,
        'unknown_table',
        `sequence "${name}": owned_by names table "${parts.schema}", which is not a table of this file in schema "${schema}"`,
        'a sequence belongs to a column of a table of this file in its own schema',
      );
      return null;
    }
    if (!table.columns.some((c) => c.name === parts.name)) {
      error(opos, 'unknown_column', `sequence "${name}": owned_by names column "${parts.name}", which table "${table.name}" does not have`, `use one of: ${table.columns.map((c) => c.name).join(', ')}`);
      return null;
    }
    ownedBy = { table: table.name, column: parts.name, pos: opos };
  }
  return {
    schema,
    name,
    pos,
    type,
    start: String(first),
    increment: String(increment),
    min: String(d.min),
    max: String(d.max),
    cache: String(cache),
    cycle: options['cycle'] === true,
    ownedBy,
  };
}

/**
 * The desired Model's sequences, by object path; and, changed in place, `tables` with the
 * sequences their columns serve: one `owned_by` a column whose default calls it is part of that column
 * (`Column.ownedSequences`), as the catalog reads a serial's, not a sequence of its own.
 */
export function sequencesModel(sequences: readonly SpecSequence[], tables: Record<string, Table>): Record<string, Sequence> {
  const out: Record<string, Sequence> = {};
  for (const s of sequences) {
    const owner = s.ownedBy && tables[objectPath(s.schema, s.ownedBy.table)];
    const column = owner?.columns.find((c) => c.name === s.ownedBy!.column);
    if (owner && column && column.default !== null && regclassesIn(column.default).includes(objectPath(s.schema, s.name))) {
      const { name, type, start, increment, min, max, cache, cycle } = s;
      const served: Column = { ...column, ownedSequences: [...(column.ownedSequences ?? []), { name, type, start, increment, min, max, cache, cycle }] };
      tables[objectPath(owner.schema, owner.name)] = { ...owner, columns: owner.columns.map((c) => (c === column ? served : c)) };
      continue;
    }
    const { schema, name, type, start, increment, min, max, cache, cycle } = s;
    out[objectPath(schema, name)] = { kind: 'sequence', schema, name, type, start, increment, min, max, cache, cycle, ownedBy: s.ownedBy && { table: s.ownedBy.table, column: s.ownedBy.column } };
  }
  return out;
}

/**
 * What the spelling transaction (db/spell.ts) makes before it spells the defaults: each new
 * sequence of the file that a default may call (its name appears in one), in its schema, so
 * PostgreSQL can read `nextval('s')` as it will after the plan. Rolled back with the rest.
 */
export function sequenceSpellingSetup(spec: Spec, current: Model): Array<{ readonly sql: string[]; readonly pos: Position; readonly what: string }> {
  const defaults = spec.tables.flatMap((t) => t.columns.flatMap((c) => (c.default?.kind === 'expression' ? [c.default.sql.toLowerCase()] : [])));
  const out: Array<{ sql: string[]; pos: Position; what: string }> = [];
  // The database's: its own, and those its columns own (a serial's).
  const existing = new Set([...Object.keys(current.sequences ?? {}), ...Object.values(current.tables).flatMap((t) => t.columns.flatMap((c) => (c.ownedSequences ?? []).map((q) => objectPath(t.schema, q.name))))]);
  for (const s of spec.sequences ?? []) {
    if (existing.has(objectPath(s.schema, s.name)) || !defaults.some((d) => d.includes(s.name.toLowerCase()))) continue;
    const schema = current.schemas.includes(s.schema) ? [] : [`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(s.schema)}`];
    out.push({ sql: [...schema, `CREATE SEQUENCE ${qualify(s.schema, s.name)} AS ${s.type}`], pos: s.pos, what: `sequence "${s.name}"` });
  }
  return out;
}
