// schema.yaml -> Spec: parse with positions, validate against the JSON Schema, resolve every
// name and reference, check SQL text with the PostgreSQL parser. Collects every problem at
// once; never touches a database or the file system.
import { LineCounter, parseDocument } from 'yaml';
import {
  identifierBytes,
  implicitName,
  MAX_IDENTIFIER_BYTES,
  parseQualifiedName,
  qualify,
  quoteIdent,
  quoteLiteral,
} from '../model/identifiers.js';
import { LEDGER_SCHEMA, type IdentityKind, type ReferentialAction, type UnmanagedTable } from '../model/model.js';
import { BUILTIN_TYPES, SERIAL_TYPES, TYPE_SPELLINGS } from './builtin-types.js';
import { rejoinFlowCommas } from './flow-commas.js';
import { isError, sortDiagnostics, type Diagnostic, type DiagnosticCode, type Position } from './diagnostics.js';
import { nearMiss, suggestion } from './did-you-mean.js';
import { TIMEOUT_HINT, timeoutProblem } from './duration.js';
import { validateAgainstSchema } from './schema-validation.js';
import { SourceMap, type Path } from './source-map.js';
import { checkYamlNodes } from './yaml-checks.js';
import {
  DEFAULT_SETTINGS,
  type Located,
  type Settings,
  type Spec,
  type SpecCheck,
  type SpecColumn,
  type SpecDefault,
  type SpecEnum,
  type SpecForeignKey,
  type SpecIndex,
  type SpecIndexKey,
  type SpecKey,
  type SpecTable,
  type SpecUnique,
} from './spec.js';
import { blankComments, checkExpression, checkTypeName, type ColumnReference } from './sql-text.js';

export interface LoadOptions {
  /**
   * Types that exist in the target database (`schema.name`, e.g. `public.citext`). Types
   * neither built in, declared in the file, nor listed here are errors. Without it (offline),
   * such a type is a warning (`unverified_type`) unless it is a slip of a known name.
   */
  readonly knownTypes?: ReadonlySet<string>;
  /**
   * Tables the target has that the tool leaves alone (partitioned, partitions, inheritance):
   * a foreign key to one is not a reference to an unknown table, but one the tool cannot manage.
   */
  readonly unmanagedTables?: readonly UnmanagedTable[];
}

export interface LoadResult {
  /** Null when there is any error (warnings allow a Spec): a Spec is only ever complete and valid. */
  readonly spec: Spec | null;
  readonly diagnostics: readonly Diagnostic[];
}

type Json = unknown;
type JsonMap = Record<string, Json>;

const isMap = (v: Json): v is JsonMap => typeof v === 'object' && v !== null && !Array.isArray(v);
const isString = (v: Json): v is string => typeof v === 'string';

const ACTIONS: Record<string, ReferentialAction> = {
  no_action: 'no action',
  restrict: 'restrict',
  cascade: 'cascade',
  set_null: 'set null',
  set_default: 'set default',
};

const IDENTITY_TYPES = new Set(['int2', 'int4', 'int8']);

/**
 * Date and time input words PostgreSQL reads as the moment they are read (`'now'`, `'today'`,
 * also inside `'today 10:00'` or an array), by type: as a literal default they are read once,
 * when the default is made, and keep that moment. The spelling reads them again on every
 * plan, so such a default would never compare equal either.
 */
const MOMENT_WORDS: Readonly<Record<string, RegExp>> = {
  date: /\b(now|today|tomorrow|yesterday)\b/i,
  timestamp: /\b(now|today|tomorrow|yesterday)\b/i,
  timestamptz: /\b(now|today|tomorrow|yesterday)\b/i,
  time: /\b(now)\b/i,
  timetz: /\b(now)\b/i,
};

/** What to write instead of a literal default naming `word`, as an expression read at each insert. */
const MOMENT_EXPRESSIONS: Readonly<Record<string, string>> = {
  now: 'now()',
  today: 'CURRENT_DATE',
  tomorrow: 'CURRENT_DATE + 1',
  yesterday: 'CURRENT_DATE - 1',
};

/** The moment word in a literal default of a built-in date or time type, or null. */
function momentWord(names: readonly string[], literal: string): string | null {
  const [schema, name] = names.length === 2 ? names : ['pg_catalog', names[0] ?? ''];
  const words = schema === 'pg_catalog' ? MOMENT_WORDS[name!] : undefined;
  return words?.exec(literal)?.[1]?.toLowerCase() ?? null;
}

/** Why a schema may not hold objects of the file, or null when it may. */
function reservedSchema(name: string): string | null {
  if (name === LEDGER_SCHEMA) return "it holds this tool's own ledger of applied revisions, which plans never touch";
  if (name === 'information_schema') return "it holds the SQL standard's views of the catalog, which PostgreSQL maintains itself";
  if (name.startsWith('pg_')) return 'PostgreSQL keeps schema names starting with "pg_" for its own system schemas';
  return null;
}

interface Relation {
  readonly what: string;
  readonly pos: Position;
}

/** A table or column as `renamed_from` checks see it: an id, a name for messages, its source. */
interface Renamed {
  readonly id: string;
  readonly label: string;
  readonly pos: Position;
  readonly from: { readonly id: string; readonly label: string; readonly pos: Position } | null;
}

const tableLabel = (t: { readonly schema: string; readonly name: string }): string => (t.schema === 'public' ? t.name : `${t.schema}.${t.name}`);
const tableId = (t: { readonly schema: string; readonly name: string }): string => `${t.schema}\u0000${t.name}`;

/**
 * The key `unique` repeats, as words (`the primary key "t_pkey"`), or null. PostgreSQL's CREATE
 * TABLE keeps one index of keys with the same columns in the same order and the same NULLS
 * [NOT] DISTINCT, the primary key's first, and drops the others silently; ALTER TABLE ADD
 * would make a second one. Only that exact repetition is refused: the same columns in another
 * order make another index, which PostgreSQL keeps.
 */
function duplicatedKey(unique: SpecUnique, primaryKey: SpecKey | null, prior: readonly SpecUnique[]): string | null {
  const columns = (k: SpecKey): string => JSON.stringify(k.columns.map((c) => c.value));
  if (unique.columns.length === 0) return null;
  if (primaryKey && !unique.nullsNotDistinct && columns(primaryKey) === columns(unique)) return `the primary key "${primaryKey.name}" (line ${primaryKey.pos.line})`;
  const twin = prior.find((u) => u.nullsNotDistinct === unique.nullsNotDistinct && columns(u) === columns(unique));
  return twin ? `unique constraint "${twin.name}" (line ${twin.pos.line})` : null;
}

/** Load and check schema.yaml text. `file` is used in positions only. */
export function loadSpec(file: string, text: string, options: LoadOptions = {}): LoadResult {
  const lines = new LineCounter();
  // Merge keys on: `<<: *common` shares a set of columns between tables.
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false, merge: true });
  const map = new SourceMap(file, text, doc, lines);
  const yamlErrors: Diagnostic[] = doc.errors.map((e) => ({
    ...map.at(e.pos[0]),
    code: 'yaml_syntax',
    message: `invalid YAML: ${e.message.split('\n')[0]}`,
  }));
  if (yamlErrors.length > 0) return { spec: null, diagnostics: sortDiagnostics(yamlErrors) };
  rejoinFlowCommas(doc, text);
  const nodeErrors = checkYamlNodes(doc, map);
  if (nodeErrors.length > 0) return { spec: null, diagnostics: sortDiagnostics(nodeErrors) };

  let data: Json;
  try {
    data = doc.toJS({ maxAliasCount: 1000 }) as Json;
  } catch (error) {
    // Aliases expanding past the limit (a "billion laughs" file), or what the checks above missed.
    return { spec: null, diagnostics: [{ file, line: 1, col: 1, code: 'yaml_syntax', message: `invalid YAML: ${(error as Error).message}` }] };
  }
  if (data === null || data === undefined) {
    return {
      spec: null,
      diagnostics: [
        {
          file,
          line: 1,
          col: 1,
          code: 'schema_violation',
          message: 'the file is empty, which would mean "drop every table"',
          hint: 'describe your tables under `tables:`; write `tables: {}` if an empty database is really what you want',
        },
      ],
    };
  }
  const diagnostics = validateAgainstSchema(data, map);
  const builder = new SpecBuilder(file, map, options);
  const spec = isMap(data) ? builder.build(data) : null;
  const all = sortDiagnostics([...diagnostics, ...builder.diagnostics]);
  return { spec: all.some(isError) ? null : spec, diagnostics: all };
}

class SpecBuilder {
  readonly diagnostics: Diagnostic[] = [];
  private readonly enumNames = new Map<string, SpecEnum>(); // "schema.name" (raw)
  private readonly tableNames = new Map<string, { schema: string; name: string; path: Path; raw: JsonMap }>();
  private readonly relations = new Map<string, Relation>(); // schema \0 name: tables, indexes, key indexes
  private readonly typeNames = new Map<string, Relation>(); // schema \0 name: enums, table row types

  constructor(
    private readonly file: string,
    private readonly map: SourceMap,
    private readonly options: LoadOptions,
  ) {}

  private error(pos: Position, code: DiagnosticCode, message: string, hint?: string): void {
    this.diagnostics.push({ ...pos, code, message, ...(hint ? { hint } : {}) });
  }

  /** Check a name PostgreSQL will store; false (and a diagnostic) when it cannot be used. */
  private checkName(name: string, pos: Position, what: string): boolean {
    if (name === '') {
      this.error(pos, 'bad_name', `${what} has an empty name`);
      return false;
    }
    const bytes = identifierBytes(name);
    if (bytes > MAX_IDENTIFIER_BYTES) {
      this.error(
        pos,
        'identifier_too_long',
        `${what} "${name}" is ${bytes} bytes long; PostgreSQL keeps only ${MAX_IDENTIFIER_BYTES} and would silently cut it`,
        `shorten it to at most ${MAX_IDENTIFIER_BYTES} bytes`,
      );
      return false;
    }
    return true;
  }

  private qualifiedKey(path: Path, raw: string, what: string): { schema: string; name: string } | null {
    const pos = this.map.key(path);
    const q = parseQualifiedName(raw);
    if (q === null) {
      this.error(pos, 'bad_name', `${what} "${raw}" is not a name or schema.name`, 'quote a name that contains a dot: \'"my.table"\'');
      return null;
    }
    const ok = this.checkName(q.schema, pos, 'schema') && this.checkSchema(q.schema, pos, `${what} "${raw}"`) && this.checkName(q.name, pos, what);
    return ok ? q : null;
  }

  /** False (and a diagnostic) when the file may not put objects in `schema`. */
  private checkSchema(schema: string, pos: Position, what: string): boolean {
    const why = reservedSchema(schema);
    if (why === null) return true;
    this.error(pos, 'reserved_name', `${what}: schema "${schema}" is reserved: ${why}`, 'choose another schema');
    return false;
  }

  /**
   * Take `name` in a namespace (`scope` says which, for the message: `schema "public"`,
   * `table "t"`); a second taker gets a duplicate_name diagnostic. `what` names the taker
   * with its name: `index "users_idx"`.
   */
  private claim(registry: Map<string, Relation>, scope: string, name: string, what: string, pos: Position, hint: string): void {
    const id = `${scope}\u0000${name}`;
    const prior = registry.get(id);
    if (prior) {
      this.error(pos, 'duplicate_name', `${what} uses a name already taken in ${scope} by ${prior.what} (line ${prior.pos.line})`, hint);
      return;
    }
    registry.set(id, { what, pos });
  }

  build(data: JsonMap): Spec {
    const enums = this.buildEnums(data['enums']);
    // Collect every table name first so references resolve in any order.
    const tablesRaw = isMap(data['tables']) ? data['tables'] : {};
    for (const [rawName, raw] of Object.entries(tablesRaw)) {
      const path = ['tables', rawName];
      const q = this.qualifiedKey(path, rawName, 'table');
      if (q === null || !isMap(raw)) continue;
      const id = `${q.schema}.${q.name}`;
      const prior = this.tableNames.get(id);
      if (prior) {
        this.error(this.map.key(path), 'duplicate_name', `table "${id}" is defined twice (also at line ${this.map.key(prior.path).line})`);
        continue;
      }
      this.tableNames.set(id, { ...q, path, raw });
      this.claim(this.relations, `schema "${q.schema}"`, q.name, `table "${q.name}"`, this.map.key(path), 'tables, indexes and the indexes of keys share one namespace per schema: choose another name');
      this.claim(this.typeNames, `schema "${q.schema}"`, q.name, `table "${q.name}" (its row type)`, this.map.key(path), 'types and tables (each table has a row type of its name) share one namespace per schema: choose another name');
    }
    const tables: SpecTable[] = [];
    for (const entry of this.tableNames.values()) {
      const table = this.buildTable(entry.schema, entry.name, entry.path, entry.raw);
      if (table) tables.push(table);
    }
    const resolved = tables.map((t) => this.resolveForeignKeys(t, tables));
    this.checkRenames(
      'table',
      '',
      tables.map((t) => ({
        id: tableId(t),
        label: tableLabel(t),
        pos: t.pos,
        from: t.renamedFrom ? { id: tableId(t.renamedFrom.value), label: tableLabel(t.renamedFrom.value), pos: t.renamedFrom.pos } : null,
      })),
    );
    for (const t of tables) {
      this.checkRenames(
        'column',
        ` of table "${tableLabel(t)}"`,
        t.columns.map((c) => ({ id: c.name, label: c.name, pos: c.pos, from: c.renamedFrom ? { id: c.renamedFrom.value, label: c.renamedFrom.value, pos: c.renamedFrom.pos } : null })),
      );
    }
    const schemas: Located<string>[] = [];
    if (Array.isArray(data['schemas'])) {
      data['schemas'].forEach((s, i) => {
        const pos = this.map.value(['schemas', i]);
        if (isString(s) && this.checkName(s, pos, 'schema') && this.checkSchema(s, pos, 'schemas')) schemas.push({ value: s, pos });
      });
    }
    const raw = isMap(data['settings']) ? data['settings'] : {};
    for (const key of ['lock_timeout', 'statement_timeout']) {
      const problem = isString(raw[key]) ? timeoutProblem(raw[key]) : null;
      if (problem) this.error(this.map.value(['settings', key]), 'schema_violation', `settings.${key}: ${problem}`, TIMEOUT_HINT);
    }
    const settings: Settings = {
      online: raw['online'] === true,
      lockTimeout: isString(raw['lock_timeout']) ? raw['lock_timeout'] : DEFAULT_SETTINGS.lockTimeout,
      statementTimeout: isString(raw['statement_timeout']) ? raw['statement_timeout'] : DEFAULT_SETTINGS.statementTimeout,
      lockRetries: typeof raw['lock_retries'] === 'number' ? raw['lock_retries'] : DEFAULT_SETTINGS.lockRetries,
    };
    return { file: this.file, settings, schemas, enums, tables: resolved };
  }

  /**
   * `renamed_from` must mean one rename each: no source taken twice; no source still defined,
   * unless it is renamed itself (a chain: `a` from `b`, `b` from `c`); and no cycle, since a
   * swap of names cannot be told apart from its result (every plan would swap again).
   */
  private checkRenames(what: 'table' | 'column', scope: string, items: readonly Renamed[]): void {
    const byId = new Map(items.map((i) => [i.id, i]));
    const claimed = new Map<string, Renamed>();
    const inReportedCycle = new Set<string>();
    for (const item of items) {
      const from = item.from;
      if (from === null || inReportedCycle.has(item.id)) continue;
      const prior = claimed.get(from.id);
      if (prior) {
        this.error(
          from.pos,
          'conflict',
          `${what} "${item.label}"${scope} is renamed from "${from.label}", and so is ${what} "${prior.label}" (line ${prior.from!.pos.line}): only one ${what} can take its place`,
          `keep renamed_from on the ${what} that takes over "${from.label}" and its data; the other one is new`,
        );
        continue;
      }
      claimed.set(from.id, item);
      const source = byId.get(from.id);
      if (!source) continue;
      if (source.from === null) {
        this.error(
          from.pos,
          'conflict',
          `${what} "${item.label}"${scope} is renamed from "${from.label}", which is still defined (line ${source.pos.line}): "${item.label}" would be created new and "${from.label}" kept`,
          `to rename, remove "${from.label}" from the file; to keep both, remove renamed_from`,
        );
        continue;
      }
      const cycle = [item];
      for (let at = byId.get(source.id); at && at !== item && at.from; at = byId.get(at.from.id)) {
        if (cycle.includes(at)) break;
        cycle.push(at);
      }
      const last = cycle[cycle.length - 1]!;
      if (last.from?.id !== item.id) continue;
      for (const c of cycle) inReportedCycle.add(c.id);
      const steps = cycle.map((c) => `"${c.label}" from "${c.from!.label}"`).join(', ');
      this.error(
        from.pos,
        'conflict',
        `renamed_from makes ${what}s${scope} swap names (${steps}): a swap cannot be told apart from its result, so every plan would swap them again`,
        `swap in two plans: first rename "${from.label}" to a name not in use and apply, then give each ${what} its final name`,
      );
    }
  }

  private buildEnums(raw: Json): SpecEnum[] {
    if (!isMap(raw)) return [];
    const out: SpecEnum[] = [];
    for (const [rawName, values] of Object.entries(raw)) {
      const path = ['enums', rawName];
      const q = this.qualifiedKey(path, rawName, 'enum');
      if (q === null || !Array.isArray(values)) continue;
      const pos = this.map.key(path);
      const id = `${q.schema}.${q.name}`;
      if (this.enumNames.has(id)) {
        this.error(pos, 'duplicate_name', `enum "${id}" is defined twice`);
        continue;
      }
      this.claim(this.typeNames, `schema "${q.schema}"`, q.name, `enum "${q.name}"`, pos, 'types and tables (each table has a row type of its name) share one namespace per schema: choose another name');
      const seen = new Set<string>();
      const located: Located<string>[] = [];
      values.forEach((v, i) => {
        const vpos = this.map.value([...path, i]);
        if (!isString(v)) return;
        if (seen.has(v)) this.error(vpos, 'duplicate_name', `enum "${q.name}" lists the value "${v}" twice`);
        else if (this.checkName(v, vpos, 'enum value')) located.push({ value: v, pos: vpos });
        seen.add(v);
      });
      const e: SpecEnum = { ...q, pos, values: located };
      this.enumNames.set(id, e);
      out.push(e);
    }
    return out;
  }

  /** An enum of the file by the name it is written with there: `mood`, `billing.status`. */
  private enumDisplay(e: SpecEnum): string {
    return e.schema === 'public' ? e.name : `${e.schema}.${e.name}`;
  }

  /**
   * When `text` is an enum of the file written as its key is, but not as SQL writes a type
   * (unquoted, with spaces, capitals or dots): how to write it.
   */
  private quotingHint(text: string): string | undefined {
    const written = text.trim().toLowerCase();
    const e = [...this.enumNames.values()].find((x) => this.enumDisplay(x).toLowerCase() === written);
    if (!e) return undefined;
    const sql = e.schema === 'public' ? quoteIdent(e.name) : qualify(e.schema, e.name);
    if (sql === text.trim()) return undefined;
    return `a type is written as in SQL, where a name with spaces, capitals or dots is double-quoted: write '${sql}' (the single quotes keep YAML from removing the double ones)`;
  }

  private resolveType(text: string, path: Path): { names: readonly string[] } | null {
    const pos = this.map.value(path);
    const parsed = checkTypeName(text);
    if (!parsed.ok) {
      const hint =
        this.quotingHint(text) ??
        (parsed.error.message === 'this is not a type name' ? 'a type is written as in SQL: double-quote a name with spaces, capitals or dots, as in \'"My Type"\'' : undefined);
      this.error(this.map.inValue(path, parsed.error.offset), 'bad_type', `type "${text}": ${parsed.error.message}`, hint);
      return null;
    }
    const names = parsed.value.names;
    const last = names[names.length - 1] ?? '';
    if (names.length === 2 && names[0] === 'pg_catalog') return { names };
    if (names.length === 1 && SERIAL_TYPES.has(last)) {
      this.error(
        pos,
        'unsupported_type',
        `"${text}" is not a type but a shorthand for a column with its own sequence`,
        `write { type: ${last.startsWith('big') || last === 'serial8' ? 'bigint' : 'integer'}, identity: by_default }`,
      );
      return null;
    }
    if (names.length > 2) {
      this.error(pos, 'bad_type', `type "${text}" has too many name parts; write type or schema.type`);
      return null;
    }
    const schema = names.length === 2 ? names[0]! : 'public';
    if (names.length === 1 && BUILTIN_TYPES.has(last)) return { names };
    const id = `${schema}.${last}`;
    if (this.enumNames.has(id) || this.options.knownTypes?.has(id)) return { names };
    if (names.length === 1 && this.options.knownTypes?.has(`pg_catalog.${last}`)) return { names };
    const quoting = this.quotingHint(text);
    if (quoting) {
      this.error(pos, 'unknown_type', `unknown type "${text}"`, quoting);
      return null;
    }
    const written = names.length === 2 ? `${schema}.${last}` : last;
    const enums = [...this.enumNames.values()].map((e) => this.enumDisplay(e));
    if (this.options.knownTypes === undefined) {
      // Offline, any other name may be a type of the database (a domain, an extension's type)
      // and only the database can tell: `plan` decides when it spells the file there. A name
      // one slip from a known one (`integr`) says so, but stays a warning, since a domain may
      // well be named `posint`: validate never rejects a file plan would accept.
      const typo = nearMiss(written, [...TYPE_SPELLINGS, ...enums]) ?? (schema === 'public' ? nearMiss(last, [...TYPE_SPELLINGS, ...BUILTIN_TYPES]) : null);
      this.diagnostics.push({
        ...pos,
        code: 'unverified_type',
        severity: 'warning',
        ...(typo === null
          ? {
              message: `type "${text}" is neither built in nor an enum of this file: \`schema plan\` will check it against the database`,
              hint: 'a type from an extension (citext, hstore, ...) needs the extension installed in that database',
            }
          : {
              message: `type "${text}" is neither built in nor an enum of this file. Did you mean "${typo}"?`,
              hint: `if the database has no type "${written}" (a domain, or an extension's type), \`schema plan\` stops with an error here`,
            }),
      });
      return { names };
    }
    this.error(
      pos,
      'unknown_type',
      `unknown type "${text}".${suggestion(written, [...TYPE_SPELLINGS, ...enums])}`,
      'use a PostgreSQL type, declare the enum under `enums:`, or install the extension that provides it in the database',
    );
    return null;
  }

  private buildColumn(path: Path, name: string, raw: Json): (SpecColumn & { pk: boolean; unique: boolean; nullableSet: boolean }) | null {
    const pos = this.map.key(path);
    if (!this.checkName(name, pos, 'column')) return null;
    const def: JsonMap = isString(raw) ? { type: raw } : isMap(raw) ? raw : {};
    const typePath = isString(raw) ? path : [...path, 'type'];
    if (!isString(def['type'])) return null;
    const typeText = def['type'];
    const resolved = this.resolveType(typeText, typePath);
    const identity = (def['identity'] === 'always' || def['identity'] === 'by_default' ? def['identity'] : null) as IdentityKind | null;
    if (identity && resolved) {
      const n = resolved.names;
      const base = n[n.length - 1] ?? '';
      if (n.length > 2 || (n.length === 2 && n[0] !== 'pg_catalog') || !IDENTITY_TYPES.has(base)) {
        this.error(this.map.value([...path, 'identity']), 'conflict', `column "${name}": an identity column must be smallint, integer or bigint, not ${typeText}`);
      }
    }
    let dflt = this.buildDefault(name, [...path, 'default'], def['default']);
    const word = dflt && resolved && isString(def['default']) ? momentWord(resolved.names, def['default']) : null;
    if (dflt && word) {
      const instead = MOMENT_EXPRESSIONS[word]!;
      this.error(
        dflt.pos,
        'bad_expression',
        `default of column "${name}": the literal '${word}' is read once, when the default is made, and keeps that moment for every row`,
        `for the time of each insert, write an expression: default: { sql: ${instead} }`,
      );
      dflt = null;
    }
    if (identity && dflt) {
      this.error(dflt.pos, 'conflict', `column "${name}" has both a default and an identity`, 'an identity column takes its values from its sequence; remove `default`');
    }
    const pk = def['primary_key'] === true;
    const nullableSet = typeof def['nullable'] === 'boolean';
    // PostgreSQL makes primary key and identity columns NOT NULL; the desired state says so too.
    const nullable = nullableSet ? (def['nullable'] as boolean) : !pk && identity === null;
    if ((pk || identity) && nullable) {
      const what = pk ? 'a primary key' : 'an identity column';
      this.error(this.map.key([...path, 'nullable']), 'conflict', `column "${name}" is ${what}, which is never nullable`, 'remove `nullable: true`');
    }
    let renamedFrom: Located<string> | null = null;
    if (isString(def['renamed_from'])) {
      const rpos = this.map.value([...path, 'renamed_from']);
      if (this.checkName(def['renamed_from'], rpos, 'column')) renamedFrom = { value: def['renamed_from'], pos: rpos };
      if (def['renamed_from'] === name) renamedFrom = null;
    }
    return {
      name,
      pos,
      type: { value: resolved ? blankComments(typeText) : typeText, pos: this.map.value(typePath) },
      nullable,
      default: dflt,
      identity,
      comment: isString(def['comment']) ? def['comment'] : null,
      renamedFrom,
      pk,
      unique: def['unique'] === true,
      nullableSet,
    };
  }

  private buildDefault(column: string, path: Path, raw: Json): SpecDefault | null {
    const pos = this.map.value(path);
    if (raw === undefined || raw === null) return null;
    if (typeof raw === 'boolean') return { kind: 'literal', sql: raw ? 'true' : 'false', pos };
    if (typeof raw === 'number') {
      const source = this.map.source(path);
      if (source !== null && /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(source)) {
        return { kind: 'literal', sql: source.startsWith('+') ? source.slice(1) : source, pos };
      }
      if (Number.isFinite(raw)) return { kind: 'literal', sql: String(raw), pos };
      return { kind: 'literal', sql: quoteLiteral(Number.isNaN(raw) ? 'NaN' : raw > 0 ? 'Infinity' : '-Infinity'), pos };
    }
    if (isString(raw)) return { kind: 'literal', sql: quoteLiteral(raw), pos };
    if (isMap(raw) && isString(raw['sql'])) {
      const sqlPath = [...path, 'sql'];
      const checked = checkExpression(raw['sql']);
      if (!checked.ok) {
        this.error(this.map.inValue(sqlPath, checked.error.offset), 'bad_expression', `default of column "${column}": ${checked.error.message}`);
        return null;
      }
      const ref = checked.value[0];
      if (ref) {
        this.error(
          this.map.inValue(sqlPath, ref.offset),
          'bad_expression',
          `default of column "${column}" refers to "${ref.parts.join('.')}"; a default cannot read other columns`,
          'to quote a text value, write it without `sql:`',
        );
        return null;
      }
      return { kind: 'expression', sql: blankComments(raw['sql']), pos: this.map.value(sqlPath) };
    }
    return null;
  }

  /** Column names of a list, each checked to exist in the table. */
  private columnList(table: string, columns: ReadonlySet<string>, path: Path, raw: Json, what: string): Located<string>[] {
    if (!Array.isArray(raw)) return [];
    const out: Located<string>[] = [];
    const seen = new Set<string>();
    raw.forEach((c, i) => {
      const pos = this.map.value([...path, i]);
      if (!isString(c)) return;
      if (!columns.has(c)) {
        this.error(pos, 'unknown_column', `${what}: table "${table}" has no column "${c}".${suggestion(c, columns)}`);
        return;
      }
      if (seen.has(c)) {
        this.error(pos, 'duplicate_name', `${what}: column "${c}" is listed twice`);
        return;
      }
      seen.add(c);
      out.push({ value: c, pos });
    });
    return out;
  }

  private checkColumnRefs(table: string, columns: ReadonlySet<string>, path: Path, refs: readonly ColumnReference[], what: string): boolean {
    let ok = true;
    for (const ref of refs) {
      const pos = this.map.inValue(path, ref.offset);
      if (ref.parts.length !== 1) {
        this.error(pos, 'bad_expression', `${what}: write the column name alone, not "${ref.parts.join('.')}"`);
        ok = false;
      } else if (!columns.has(ref.parts[0]!)) {
        this.error(pos, 'unknown_column', `${what}: table "${table}" has no column "${ref.parts[0]}".${suggestion(ref.parts[0]!, columns)}`);
        ok = false;
      }
    }
    return ok;
  }

  private expression(table: string, columns: ReadonlySet<string>, path: Path, text: string, what: string): Located<string> | null {
    const checked = checkExpression(text);
    if (!checked.ok) {
      this.error(this.map.inValue(path, checked.error.offset), 'bad_expression', `${what}: ${checked.error.message}`);
      return null;
    }
    if (!this.checkColumnRefs(table, columns, path, checked.value, what)) return null;
    return { value: blankComments(text), pos: this.map.value(path) };
  }

  private buildTable(schema: string, name: string, path: Path, raw: JsonMap): SpecTable | null {
    const pos = this.map.key(path);
    const columnsRaw = isMap(raw['columns']) ? raw['columns'] : {};
    const columns = Object.entries(columnsRaw)
      .map(([cname, craw]) => this.buildColumn([...path, 'columns', cname], cname, craw))
      .filter((c): c is NonNullable<typeof c> => c !== null);
    const columnNames = new Set(Object.keys(columnsRaw));
    const constraintNames = new Map<string, Relation>();
    const claimConstraint = (cname: string, what: string, cpos: Position): boolean => {
      if (!this.checkName(cname, cpos, what)) return false;
      this.claim(constraintNames, `table "${name}"`, cname, `${what} "${cname}"`, cpos, 'the constraints of a table need names of their own: choose another name');
      return true;
    };
    const claimIndex = (iname: string, what: string, ipos: Position): void => {
      this.claim(this.relations, `schema "${schema}"`, iname, `${what} "${iname}"`, ipos, 'tables, indexes and the indexes of keys share one namespace per schema: choose another name');
    };

    // Primary key: on the table, or `primary_key: true` on one column.
    let primaryKey: SpecKey | null = null;
    let pkComplete = true;
    const pkColumns = columns.filter((c) => c.pk);
    const pkRaw = raw['primary_key'];
    if (pkRaw !== undefined) {
      const pkPath = [...path, 'primary_key'];
      const kpos = this.map.key(pkPath);
      if (pkColumns.length > 0) {
        this.error(kpos, 'conflict', `table "${name}" has both \`primary_key\` and a column with \`primary_key: true\``, 'keep one of them');
      }
      const listRaw = isMap(pkRaw) ? pkRaw['columns'] : pkRaw;
      const listPath = isMap(pkRaw) ? [...pkPath, 'columns'] : pkPath;
      const pkName = isMap(pkRaw) && isString(pkRaw['name']) ? pkRaw['name'] : implicitName(name, null, 'pkey');
      const list = this.columnList(name, columnNames, listPath, listRaw, `primary key of "${name}"`);
      pkComplete = Array.isArray(listRaw) && list.length === listRaw.length;
      if (claimConstraint(pkName, 'primary key', kpos)) claimIndex(pkName, 'primary key', kpos);
      primaryKey = { name: pkName, pos: kpos, columns: list };
    } else if (pkColumns.length > 1) {
      this.error(pkColumns[1]!.pos, 'conflict', `table "${name}" has more than one column with \`primary_key: true\``, `for a composite key write \`primary_key: [${pkColumns.map((c) => c.name).join(', ')}]\` on the table`);
    } else if (pkColumns.length === 1) {
      const c = pkColumns[0]!;
      const pkName = implicitName(name, null, 'pkey');
      if (claimConstraint(pkName, 'primary key', c.pos)) claimIndex(pkName, 'primary key', c.pos);
      primaryKey = { name: pkName, pos: c.pos, columns: [{ value: c.name, pos: c.pos }] };
    }
    // Primary key columns are NOT NULL in PostgreSQL; say so in the desired state too.
    const pkSet = new Set(primaryKey?.columns.map((c) => c.value) ?? []);
    const finalColumns: SpecColumn[] = columns.map((c) => {
      if (pkSet.has(c.name) && c.nullable && !c.pk) {
        if (c.nullableSet) {
          this.error(this.map.key([...path, 'columns', c.name, 'nullable']), 'conflict', `column "${c.name}" is in the primary key, which is never nullable`, 'remove `nullable: true`');
        }
      }
      const { pk: _pk, unique: _u, nullableSet: _n, ...column } = c;
      return { ...column, nullable: pkSet.has(c.name) ? false : c.nullable };
    });

    // Unique constraints: `unique: true` on columns, and the table's `unique` map.
    const uniques: SpecUnique[] = [];
    // `complete`: every column was found (an unknown one, already reported, is left out of the list).
    const completeUniques: SpecUnique[] = [];
    const addUnique = (unique: SpecUnique, written: Position, complete: boolean): void => {
      const twin = complete ? duplicatedKey(unique, pkComplete ? primaryKey : null, completeUniques) : null;
      if (complete) completeUniques.push(unique);
      if (twin === null) uniques.push(unique);
      else {
        this.error(
          written,
          'conflict',
          `unique constraint "${unique.name}" duplicates ${twin} on (${unique.columns.map((c) => c.value).join(', ')}): PostgreSQL would not create it with the table, so it would be planned again on every run`,
          'remove it: the key already there makes these columns unique',
        );
      }
    };
    for (const c of columns.filter((col) => col.unique)) {
      const uname = implicitName(name, c.name, 'key');
      if (claimConstraint(uname, 'unique constraint', c.pos)) claimIndex(uname, 'unique constraint', c.pos);
      addUnique({ name: uname, pos: c.pos, columns: [{ value: c.name, pos: c.pos }], nullsNotDistinct: false }, this.map.key([...path, 'columns', c.name, 'unique']), true);
    }
    if (isMap(raw['unique'])) {
      for (const [uname, uraw] of Object.entries(raw['unique'])) {
        const upath = [...path, 'unique', uname];
        const upos = this.map.key(upath);
        if (claimConstraint(uname, 'unique constraint', upos)) claimIndex(uname, 'unique constraint', upos);
        const listRaw = isMap(uraw) ? uraw['columns'] : uraw;
        const listPath = isMap(uraw) ? [...upath, 'columns'] : upath;
        const list = this.columnList(name, columnNames, listPath, listRaw, `unique constraint "${uname}"`);
        const complete = Array.isArray(listRaw) && list.length === listRaw.length;
        addUnique({ name: uname, pos: upos, columns: list, nullsNotDistinct: isMap(uraw) && uraw['nulls_not_distinct'] === true }, upos, complete);
      }
    }

    const checks: SpecCheck[] = [];
    if (isMap(raw['checks'])) {
      for (const [cname, craw] of Object.entries(raw['checks'])) {
        const cpath = [...path, 'checks', cname];
        const cpos = this.map.key(cpath);
        claimConstraint(cname, 'check constraint', cpos);
        const text = isString(craw) ? craw : isMap(craw) && isString(craw['expression']) ? craw['expression'] : null;
        if (text === null) continue;
        const expr = this.expression(name, columnNames, isString(craw) ? cpath : [...cpath, 'expression'], text, `check "${cname}"`);
        if (expr) checks.push({ name: cname, pos: cpos, expression: expr });
      }
    }

    const indexes: SpecIndex[] = [];
    if (isMap(raw['indexes'])) {
      for (const [iname, iraw] of Object.entries(raw['indexes'])) {
        const ipath = [...path, 'indexes', iname];
        const ipos = this.map.key(ipath);
        if (!this.checkName(iname, ipos, 'index') || !isMap(iraw)) continue;
        claimIndex(iname, 'index', ipos);
        const index = this.buildIndex(name, columnNames, iname, ipath, ipos, iraw);
        if (index) indexes.push(index);
      }
    }

    const foreignKeys: SpecForeignKey[] = [];
    if (isMap(raw['foreign_keys'])) {
      for (const [fname, fraw] of Object.entries(raw['foreign_keys'])) {
        const fpath = [...path, 'foreign_keys', fname];
        const fpos = this.map.key(fpath);
        if (!claimConstraint(fname, 'foreign key', fpos) || !isMap(fraw)) continue;
        const fk = this.buildForeignKey(name, columnNames, fname, fpath, fpos, fraw);
        if (fk) foreignKeys.push(fk);
      }
    }

    let renamedFrom: SpecTable['renamedFrom'] = null;
    if (isString(raw['renamed_from'])) {
      const rpos = this.map.value([...path, 'renamed_from']);
      const q = parseQualifiedName(raw['renamed_from'], schema);
      if (q === null) this.error(rpos, 'bad_name', `renamed_from "${raw['renamed_from']}" is not a name or schema.name`);
      else if (this.checkName(q.schema, rpos, 'schema') && this.checkName(q.name, rpos, 'table')) {
        if (q.schema !== schema || q.name !== name) renamedFrom = { value: q, pos: rpos };
      }
    }

    return {
      schema,
      name,
      pos,
      comment: isString(raw['comment']) ? raw['comment'] : null,
      renamedFrom,
      columns: finalColumns,
      primaryKey,
      uniques,
      checks,
      indexes,
      foreignKeys,
    };
  }

  private buildIndex(table: string, columns: ReadonlySet<string>, name: string, path: Path, pos: Position, raw: JsonMap): SpecIndex | null {
    const keys: SpecIndexKey[] = [];
    if (Array.isArray(raw['columns'])) {
      raw['columns'].forEach((k, i) => {
        const kpath = [...path, 'columns', i];
        const entry: JsonMap = isString(k) ? { column: k } : isMap(k) ? k : {};
        const descending = entry['order'] === 'desc';
        const nullsFirst = entry['nulls'] === 'first' ? true : entry['nulls'] === 'last' ? false : null;
        if (isString(entry['column'])) {
          const cpos = this.map.value(isString(k) ? kpath : [...kpath, 'column']);
          const column = entry['column'];
          if (columns.has(column)) keys.push({ column: { value: column, pos: cpos }, expression: null, descending, nullsFirst });
          else this.error(cpos, 'unknown_column', `index "${name}": table "${table}" has no column "${column}".${suggestion(column, columns)}`);
        } else if (isString(entry['expression'])) {
          const expr = this.expression(table, columns, [...kpath, 'expression'], entry['expression'], `index "${name}"`);
          if (expr) keys.push({ column: null, expression: expr, descending, nullsFirst });
        }
      });
    }
    const method = isString(raw['method']) ? raw['method'] : 'btree';
    const unique = raw['unique'] === true;
    if (unique && method !== 'btree') {
      this.error(this.map.value([...path, 'method']), 'conflict', `index "${name}": only btree indexes can be unique, not ${method}`);
    }
    const nullsNotDistinct = raw['nulls_not_distinct'] === true;
    if (nullsNotDistinct && !unique) {
      this.error(
        this.map.key([...path, 'nulls_not_distinct']),
        'conflict',
        `index "${name}": nulls_not_distinct only means something for a unique index`,
        'add `unique: true`, or remove nulls_not_distinct',
      );
    }
    const include = this.columnList(table, columns, [...path, 'include'], raw['include'], `index "${name}"`);
    const where = isString(raw['where']) ? this.expression(table, columns, [...path, 'where'], raw['where'], `index "${name}"`) : null;
    return { name, pos, unique, nullsNotDistinct, method, keys, include, where };
  }

  private parseReference(text: string): { table: string; columns: string[] | null } | null {
    const m = /^\s*([^()]+?)\s*(?:\(([^()]*)\))?\s*$/.exec(text);
    if (!m) return null;
    const columns = m[2] === undefined ? null : m[2].split(',').map((c) => c.trim().replace(/^"(.*)"$/, '$1').replaceAll('""', '"'));
    if (columns?.some((c) => c === '')) return null;
    return { table: m[1]!, columns };
  }

  private buildForeignKey(table: string, columns: ReadonlySet<string>, name: string, path: Path, pos: Position, raw: JsonMap): SpecForeignKey | null {
    const list = this.columnList(table, columns, [...path, 'columns'], raw['columns'], `foreign key "${name}"`);
    // A column already reported unknown would make the counts below disagree falsely.
    if (!Array.isArray(raw['columns']) || list.length !== raw['columns'].length) return null;
    const refPath = [...path, 'references'];
    const refPos = this.map.value(refPath);
    const refRaw = raw['references'];
    let ref: { table: string; columns: string[] | null } | null = null;
    let colPaths: Path[] = [];
    if (isString(refRaw)) {
      ref = this.parseReference(refRaw);
      if (ref === null) {
        this.error(refPos, 'bad_reference', `foreign key "${name}": cannot read references "${refRaw}"`, 'write `table(column, ...)`, `schema.table(column)` or `table`');
        return null;
      }
      colPaths = (ref.columns ?? []).map(() => refPath);
    } else if (isMap(refRaw) && isString(refRaw['table'])) {
      const cols = Array.isArray(refRaw['columns']) ? refRaw['columns'].filter(isString) : null;
      ref = { table: refRaw['table'], columns: cols };
      colPaths = (cols ?? []).map((_c, i) => [...refPath, 'columns', i]);
    }
    if (ref === null) return null;
    const q = parseQualifiedName(ref.table);
    if (q === null) {
      this.error(refPos, 'bad_reference', `foreign key "${name}": "${ref.table}" is not a table name`);
      return null;
    }
    const onDelete = ACTIONS[String(raw['on_delete'] ?? 'no_action')] ?? 'no action';
    const onUpdate = ACTIONS[String(raw['on_update'] ?? 'no_action')] ?? 'no action';
    const initiallyDeferred = raw['initially_deferred'] === true;
    if (initiallyDeferred && raw['deferrable'] === false) {
      this.error(this.map.key([...path, 'initially_deferred']), 'conflict', `foreign key "${name}": initially_deferred needs deferrable`);
    }
    return {
      name,
      pos,
      columns: list,
      references: {
        schema: q.schema,
        table: q.name,
        columns: (ref.columns ?? []).map((c, i) => ({ value: c, pos: this.map.value(colPaths[i] ?? refPath) })),
        pos: refPos,
      },
      onDelete,
      onUpdate,
      match: raw['match'] === 'full' ? 'full' : 'simple',
      deferrable: raw['deferrable'] === true || initiallyDeferred,
      initiallyDeferred,
    };
  }

  /**
   * Resolve each foreign key's target: the table, its columns (its primary key when none are
   * named), and a unique key over them. Returns the table with every reference complete.
   */
  private resolveForeignKeys(table: SpecTable, tables: readonly SpecTable[]): SpecTable {
    const foreignKeys: SpecForeignKey[] = [];
    for (const fk of table.foreignKeys) {
      const ref = fk.references;
      const target = tables.find((t) => t.schema === ref.schema && t.name === ref.table);
      const refName = ref.schema === 'public' ? ref.table : `${ref.schema}.${ref.table}`;
      if (!target) {
        const leftAlone = this.options.unmanagedTables?.find((u) => u.schema === ref.schema && u.name === ref.table);
        if (leftAlone) {
          this.error(
            ref.pos,
            'bad_reference',
            `foreign key "${fk.name}" references "${refName}", ${/^[aeiou]/.test(leftAlone.kind) ? 'an' : 'a'} ${leftAlone.kind} in the database: schema does not manage partitioned or inheritance tables, nor foreign keys to them`,
            'remove the foreign key from schema.yaml and add it by hand: schema leaves foreign keys to such tables as they are',
          );
          continue;
        }
        const names = tables.map((t) => (t.schema === 'public' ? t.name : `${t.schema}.${t.name}`));
        this.error(ref.pos, 'unknown_table', `foreign key "${fk.name}" references unknown table "${refName}".${suggestion(refName, names)}`);
        continue;
      }
      let refColumns = ref.columns.map((c) => c.value);
      if (refColumns.length === 0) {
        if (!target.primaryKey) {
          this.error(ref.pos, 'bad_reference', `foreign key "${fk.name}": table "${refName}" has no primary key`, `name the referenced columns: ${refName}(column)`);
          continue;
        }
        refColumns = target.primaryKey.columns.map((c) => c.value);
      }
      const located = ref.columns.length > 0 ? ref.columns : refColumns.map((c) => ({ value: c, pos: ref.pos }));
      const targetColumns = new Set(target.columns.map((c) => c.name));
      let ok = true;
      for (const c of located) {
        if (!targetColumns.has(c.value)) {
          this.error(c.pos, 'unknown_column', `foreign key "${fk.name}": table "${refName}" has no column "${c.value}".${suggestion(c.value, targetColumns)}`);
          ok = false;
        }
      }
      if (!ok) continue;
      if (refColumns.length !== fk.columns.length) {
        this.error(ref.pos, 'bad_reference', `foreign key "${fk.name}" has ${fk.columns.length} column(s) but references ${refColumns.length}`);
        continue;
      }
      const wanted = [...refColumns].sort().join('\u0000');
      const keys = [
        ...(target.primaryKey ? [target.primaryKey.columns] : []),
        ...target.uniques.map((u) => u.columns),
        ...target.indexes.filter((i) => i.unique && !i.where && i.keys.every((k) => k.column)).map((i) => i.keys.map((k) => k.column!)),
      ];
      if (!keys.some((k) => k.map((c) => c.value).sort().join('\u0000') === wanted)) {
        this.error(
          ref.pos,
          'bad_reference',
          `foreign key "${fk.name}": ${refName}(${refColumns.join(', ')}) is not a primary key or unique constraint`,
          `a foreign key must reference a unique key; add \`unique: true\` or a unique constraint on ${refName}(${refColumns.join(', ')})`,
        );
        continue;
      }
      foreignKeys.push({ ...fk, references: { ...ref, columns: located } });
    }
    return { ...table, foreignKeys };
  }
}
