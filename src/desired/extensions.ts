// `extensions:` of schema.yaml -> the Spec's extensions (a name, and the schema and version the
// file asks for, if any); and the Spec's extensions -> the desired Model's. Never touches a
// database: which extensions the server has is the target's to say (target-checks.ts). A file
// without `extensions:` manages none (see plan/plan.ts).
import { BUILTIN_EXTENSIONS, createExtensionSql, type Extension } from '../model/extension.js';
import { identifierBytes, MAX_IDENTIFIER_BYTES, quoteIdent } from '../model/identifiers.js';
import { LEDGER_SCHEMA, type Model } from '../model/model.js';
import type { Diagnostic, DiagnosticCode, Position } from './diagnostics.js';
import { entriesAsWritten } from './names.js';
import type { SourceMap } from './source-map.js';
import type { Spec } from './spec.js';

export interface SpecExtension {
  readonly name: string;
  readonly pos: Position;
  readonly schema: { readonly value: string; readonly pos: Position } | null;
  readonly version: { readonly value: string; readonly pos: Position } | null;
}

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
/** An extension's name as control files spell them (`uuid-ossp`, `pg_trgm`). */
const NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;
/** A version as pg_extension spells them (`1.6`, `1.0.1`). */
const VERSION = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * The Spec's `extensions` from `extensions:`; nothing when the file has no such key (then the
 * database's are left as they are). Problems go to `diagnostics`, each at the line it was written.
 * The keys of each entry are checked by the JSON Schema.
 */
export function readExtensions(raw: unknown, map: SourceMap, diagnostics: Diagnostic[]): { extensions?: SpecExtension[] } {
  if (raw === undefined) return {};
  const error = (pos: Position, code: DiagnosticCode, message: string, hint?: string): void => {
    diagnostics.push({ ...pos, code, message, ...(hint ? { hint } : {}) });
  };
  const out: SpecExtension[] = [];
  for (const [name, value] of entriesAsWritten(isMap(raw) ? raw : {})) {
    const pos = map.key(['extensions', name]);
    if (!NAME.test(name)) {
      error(pos, 'bad_name', `extension "${name}" is not an extension's name`, 'write the name as `CREATE EXTENSION` takes it: pg_trgm, citext, "uuid-ossp"');
      continue;
    }
    if (identifierBytes(name) > MAX_IDENTIFIER_BYTES) {
      error(pos, 'identifier_too_long', `extension "${name}" is longer than PostgreSQL's ${MAX_IDENTIFIER_BYTES} bytes`, 'no extension has such a name: check the spelling');
      continue;
    }
    if (BUILTIN_EXTENSIONS.has(name)) {
      error(pos, 'reserved_name', `extension "${name}" is in every database and is left alone`, `remove "${name}" from \`extensions:\``);
      continue;
    }
    const options = isMap(value) ? value : {};
    let bad = false;
    const text = (key: 'schema' | 'version', pattern: RegExp, hint: string): { value: string; pos: Position } | null => {
      const v = options[key];
      if (v === undefined || v === null) return null;
      const at = map.value(['extensions', name, key]);
      if (typeof v === 'number') {
        error(at, 'schema_violation', `extension "${name}": ${key} ${v} is a number, not text: YAML reads 1.10 as 1.1`, `write the version in quotes, as pg_extension spells it: version: '1.10'`);
        bad = true;
        return null;
      }
      const s = v;
      if (typeof s !== 'string' || !pattern.test(s) || identifierBytes(s) > MAX_IDENTIFIER_BYTES) {
        error(at, key === 'schema' ? 'bad_name' : 'schema_violation', `extension "${name}": ${key} ${JSON.stringify(v)} is not ${key === 'schema' ? 'a schema name' : 'a version'}`, hint);
        bad = true;
        return null;
      }
      if (key === 'schema' && (s === LEDGER_SCHEMA || s === 'information_schema' || (s.startsWith('pg_') && s !== 'pg_catalog'))) {
        error(at, 'reserved_name', `extension "${name}": schema "${s}" is reserved`, 'choose another schema, or leave `schema` out');
        bad = true;
        return null;
      }
      return { value: s, pos: at };
    };
    const schema = text('schema', /^[^\s.]+$/, 'a schema of the database or of this file, such as public');
    const version = text('version', VERSION, "quote it as pg_extension spells it, such as '1.6'");
    if (bad) continue;
    out.push({ name, pos, schema, version });
  }
  return { extensions: out };
}

/** The desired Model's extensions, by name: what the file leaves out is null (the plan fills it in from the target). */
export function extensionsModel(extensions: readonly SpecExtension[]): Record<string, Extension> {
  return Object.fromEntries(extensions.map((x) => [x.name, { kind: 'extension', name: x.name, schema: x.schema?.value ?? null, version: x.version?.value ?? null }]));
}

/**
 * What the spelling transaction makes before it spells the tables: each extension of the file
 * the database does not have yet, so a column of one of its types (citext) reads as it will
 * after the plan. Rolled back with the rest.
 */
export function extensionSpellingSetup(spec: Spec, current: Model): Array<{ readonly sql: string[]; readonly pos: Position; readonly what: string }> {
  const out: Array<{ sql: string[]; pos: Position; what: string }> = [];
  for (const x of spec.extensions ?? []) {
    if (current.extensions?.[x.name]) continue;
    const schema = x.schema === null || current.schemas.includes(x.schema.value) ? [] : [`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(x.schema.value)}`];
    out.push({ sql: [...schema, createExtensionSql({ kind: 'extension', name: x.name, schema: x.schema?.value ?? null, version: x.version?.value ?? null })], pos: x.pos, what: `extension "${x.name}"` });
  }
  return out;
}
