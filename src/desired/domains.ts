// `domains:` of schema.yaml -> the Spec's domains: a domain's name (or schema.name) and its base
// `type`, `nullable`, `default` (a literal, or `{ sql: ... }`, as a column's), `collation`,
// `checks` (name -> one expression over VALUE) and `comment`. Each text is checked with
// PostgreSQL's parser to be one type or one expression; the server spells them in the spelling
// transaction (spelling/domains.ts). Never touches a database. A file without `domains:` leaves
// the database's domains as they are (see plan/plan.ts).
import { parseQualifiedName, quoteIdent } from '../model/identifiers.js';
import type { Position } from './diagnostics.js';
import type { Json, JsonMap } from './load-names.js';
import { entriesAsWritten } from './names.js';
import { readDefault } from './defaults.js';
import type { Path, SourceMap } from './source-map.js';
import type { Located, SpecDefault } from './spec.js';
import { blankComments, checkExpression } from './sql-text.js';
import type { DiagnosticCode } from './diagnostics.js';

export interface SpecDomainCheck {
  readonly name: string;
  readonly pos: Position;
  /** One expression over VALUE, as written (comments blanked). */
  readonly expression: string;
}

export interface SpecDomain {
  readonly schema: string;
  readonly name: string;
  readonly pos: Position;
  /** The base type as written (checked to be one type name). */
  readonly type: Located<string>;
  readonly nullable: boolean;
  readonly default: SpecDefault | null;
  /** The collation as SQL: its name (or schema.name) quoted. */
  readonly collation: Located<string> | null;
  readonly checks: readonly SpecDomainCheck[];
  readonly comment: string | null;
}

/** What the Spec builder lends the reader: its source map, its checks of names and types, and its diagnostics. */
export interface DomainHooks {
  readonly map: SourceMap;
  error(pos: Position, code: DiagnosticCode, message: string, hint?: string): void;
  qualifiedKey(path: Path, raw: string, what: string): { schema: string; name: string } | null;
  checkName(name: string, pos: Position, what: string): boolean;
  /** Take the name among the file's types (enums, tables' row types); a clash is reported. */
  claimType(schema: string, name: string, pos: Position, what: string): void;
  /** Check a type text as a column's type is checked; null (reported) when it is not one. */
  resolveType(text: string, path: Path): unknown;
}

const isMap = (v: Json): v is JsonMap => typeof v === 'object' && v !== null && !Array.isArray(v);
const isString = (v: Json): v is string => typeof v === 'string';

function readDomainDefault(h: DomainHooks, what: string, path: Path, raw: Json): SpecDefault | null {
  return readDefault(h.map, (pos, code, message, hint) => h.error(pos, code, message, hint), what, path, raw, 'a default cannot read a value');
}

function readChecks(h: DomainHooks, what: string, path: Path, raw: Json): SpecDomainCheck[] {
  if (!isMap(raw)) return [];
  const out: SpecDomainCheck[] = [];
  for (const [name, text] of entriesAsWritten(raw)) {
    const cpath = [...path, name];
    const pos = h.map.key(cpath);
    if (!h.checkName(name, pos, 'check') || !isString(text)) continue;
    const checked = checkExpression(text);
    if (!checked.ok) {
      h.error(h.map.inValue(cpath, checked.error.offset), 'bad_expression', `check "${name}" of ${what}: ${checked.error.message}`);
      continue;
    }
    const other = checked.value.find((r) => r.parts.length !== 1 || r.parts[0]!.toLowerCase() !== 'value');
    if (other) {
      h.error(
        h.map.inValue(cpath, other.offset),
        'bad_expression',
        `check "${name}" of ${what} refers to "${other.parts.join('.')}"; a domain's check reads only VALUE, the value being checked`,
        'write the condition over VALUE: `VALUE >= 0`',
      );
      continue;
    }
    out.push({ name, pos, expression: blankComments(text) });
  }
  return out;
}

/** The Spec's `domains` from `domains:`; nothing when the file has no such key. */
export function readDomains(raw: Json, h: DomainHooks): { domains?: SpecDomain[] } {
  if (raw === undefined) return {};
  const out: SpecDomain[] = [];
  const seen = new Map<string, Position>();
  for (const [rawName, value] of entriesAsWritten(isMap(raw) ? raw : {})) {
    const path = ['domains', rawName];
    const q = h.qualifiedKey(path, rawName, 'domain');
    if (q === null) continue;
    const pos = h.map.key(path);
    const id = `${q.schema}.${q.name}`;
    const prior = seen.get(id);
    if (prior) {
      h.error(pos, 'duplicate_name', `domain "${id}" is defined twice (also at line ${prior.line})`);
      continue;
    }
    seen.set(id, pos);
    h.claimType(q.schema, q.name, pos, 'domain');
    const def: JsonMap = isString(value) ? { type: value } : isMap(value) ? value : {};
    const typePath = isString(value) ? path : [...path, 'type'];
    // Without a base type: the JSON Schema says so at its line.
    if (!isString(def['type'])) continue;
    if (h.resolveType(def['type'], typePath) === null) continue;
    const what = `domain "${rawName}"`;
    let collation: Located<string> | null = null;
    if (isString(def['collation'])) {
      const cpos = h.map.value([...path, 'collation']);
      const c = parseQualifiedName(def['collation'], '');
      if (c === null) h.error(cpos, 'bad_name', `collation "${def['collation']}" of ${what} is not a name or schema.name`);
      else collation = { value: c.schema === '' ? quoteIdent(c.name) : `${quoteIdent(c.schema)}.${quoteIdent(c.name)}`, pos: cpos };
    }
    out.push({
      schema: q.schema,
      name: q.name,
      pos,
      type: { value: blankComments(def['type']), pos: h.map.value(typePath) },
      nullable: def['nullable'] !== false,
      default: readDomainDefault(h, what, [...path, 'default'], def['default']),
      collation,
      checks: readChecks(h, what, [...path, 'checks'], def['checks']),
      comment: isString(def['comment']) ? def['comment'] : null,
    });
  }
  return { domains: out };
}
