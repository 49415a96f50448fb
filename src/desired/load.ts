// schema.yaml -> Spec: parse with positions, validate against the JSON Schema, resolve every
// name and reference, check SQL text with the PostgreSQL parser. Collects every problem at
// once; never touches a database or the file system.
import { LineCounter, parseDocument } from 'yaml';
import { rejoinFlowCommas } from './flow-commas.js';
import { isError, sortDiagnostics, type Diagnostic, type Position } from './diagnostics.js';
import { parseQualifiedName } from '../model/identifiers.js';
import { TIMEOUT_HINT, timeoutProblem } from './duration.js';
import { validateAgainstSchema } from './schema-validation.js';
import { readExtensions } from './extensions.js';
import { readSequences } from './sequences.js';
import { readViews, type ReadSqlFile } from './views.js';
import { readFunctions } from './functions.js';
import { readTriggers } from './triggers.js';
import { readDomains, type DomainHooks } from './domains.js';
import { readCompositeTypes } from './types.js';
import { SourceMap } from './source-map.js';
import { checkYamlNodes } from './yaml-checks.js';
import { limitDiagnostics } from './limits.js';
import { duplicateKeys, entriesAsWritten, hiddenCharacterWarnings, keepNamesAsWritten, readData } from './names.js';
import { DEFAULT_SETTINGS, type Located, type Settings, type Spec, type SpecTable } from './spec.js';
import { isMap, isString, tableId, tableLabel, type Json, type JsonMap } from './load-names.js';
import { TableReader } from './load-tables.js';
import { inheritedColumnNames, readPartitioning, withInheritedColumns } from './partitions.js';
import { excludedDiagnostics, readExclude } from './exclude.js';
import { mergeParts, type SchemaPart } from './load-files.js';

export type { SchemaPart } from './load-files.js';
export interface LoadOptions {
  /**
   * Types that exist in the target database (`schema.name`, e.g. `public.citext`). Types
   * neither built in, declared in the file, nor listed here are errors. Without it (offline),
   * such a type is a warning (`unverified_type`) unless it is a slip of a known name.
   */
  readonly knownTypes?: ReadonlySet<string>;
  /** Reads the `.sql` file a view names (`file:`); without it, such a view is an error. */
  readonly readSqlFile?: ReadSqlFile;
}

export interface LoadResult {
  /** Null when there is any error (warnings allow a Spec): a Spec is only ever complete and valid. */
  readonly spec: Spec | null;
  readonly diagnostics: readonly Diagnostic[];
}

/** The text of schema.yaml, or the files of a schema folder (sorted, see load-files.ts). */
export type SchemaText = string | readonly SchemaPart[];

/** One file read: its data and source map, or why it cannot be read. */
export type ParsedPart = { readonly data: Json; readonly map: SourceMap; readonly warnings: readonly Diagnostic[] } | { readonly diagnostics: readonly Diagnostic[] };

/** Parse one YAML file with positions; the problems of YAML itself stop here. */
export function parsePart(file: string, text: string): ParsedPart {
  const lines = new LineCounter();
  // Merge keys on: `<<: *common` shares a set of columns between tables.
  // Keys are names as written: `007` and `7` are two keys, not one given twice.
  // Keys given twice are found by duplicateKeys (as sameKey compares them), in one pass.
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: false, prettyErrors: false, merge: true });
  const map = new SourceMap(file, text, doc, lines);
  const yamlErrors: Diagnostic[] = [...doc.errors.map((e) => ({ offset: e.pos[0], message: e.message.split('\n')[0] })), ...duplicateKeys(doc).map((offset) => ({ offset, message: 'Map keys must be unique' }))].map(
    (e) => ({ ...map.at(e.offset), code: 'yaml_syntax', message: `invalid YAML: ${e.message}` }),
  );
  if (yamlErrors.length > 0) return { diagnostics: sortDiagnostics(yamlErrors) };
  rejoinFlowCommas(doc, text);
  const names = keepNamesAsWritten(doc);
  const nodeErrors = checkYamlNodes(doc, map);
  if (nodeErrors.length > 0) return { diagnostics: sortDiagnostics(nodeErrors) };
  try {
    return { data: readData(doc, 1000) as Json, map, warnings: hiddenCharacterWarnings(names, map) };
  } catch (error) {
    // Aliases expanding past the limit (a "billion laughs" file), or what the checks above missed.
    return { diagnostics: [{ file, line: 1, col: 1, code: 'yaml_syntax', message: `invalid YAML: ${(error as Error).message}` }] };
  }
}

/** Load and check schema.yaml text (or the files of a schema folder). `file` is used in positions only. */
export function loadSpec(file: string, text: SchemaText, options: LoadOptions = {}): LoadResult {
  if (typeof text !== 'string') return loadSpecFiles(file, text, options);
  const part = parsePart(file, text);
  if ('diagnostics' in part) return { spec: null, diagnostics: part.diagnostics };
  const { data, map } = part;
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
  return checkData(file, data, map, part.warnings, options);
}

/**
 * The files of a schema folder as one schema: each parsed alone, then merged (load-files.ts), a
 * name or setting given in two files being an error at both places. `folder` is the Spec's file.
 */
function loadSpecFiles(folder: string, parts: readonly SchemaPart[], options: LoadOptions): LoadResult {
  const none = (message: string): LoadResult => ({
    spec: null,
    diagnostics: [
      { file: folder, line: 1, col: 1, code: 'schema_violation', message, hint: 'describe your tables under `tables:` in a .yaml file of the folder; write `tables: {}` if an empty database is really what you want' },
    ],
  });
  if (parts.length === 0) return none('the folder holds no .yaml or .yml file, which would mean "drop every table"');
  const parsed = parts.map((p) => parsePart(p.file, p.text));
  const broken = parsed.flatMap((p) => ('diagnostics' in p ? p.diagnostics : []));
  if (broken.length > 0) return { spec: null, diagnostics: sortDiagnostics(broken) };
  const read = parsed.filter((p): p is Extract<ParsedPart, { data: Json }> => 'data' in p);
  const merged = mergeParts(folder, read);
  if (merged.diagnostics.length > 0) return { spec: null, diagnostics: sortDiagnostics(merged.diagnostics) };
  if (merged.data === null) return none('every file of the folder is empty, which would mean "drop every table"');
  return checkData(
    folder,
    merged.data,
    merged.map,
    read.flatMap((p) => p.warnings),
    options,
  );
}

/** The Spec of data read from the file(s), with every problem at the place it was written. */
export function checkData(file: string, data: Json, map: SourceMap, warnings: readonly Diagnostic[], options: LoadOptions): LoadResult {
  const diagnostics = validateAgainstSchema(data, map);
  const builder = new SpecBuilder(file, map, options);
  const spec = isMap(data) ? builder.build(data) : null;
  const excluded = spec ? excludedDiagnostics(spec, spec.exclude ?? []) : [];
  const all = sortDiagnostics([...diagnostics, ...builder.diagnostics, ...excluded, ...limitDiagnostics(spec?.tables ?? []), ...warnings]);
  return { spec: all.some(isError) ? null : spec, diagnostics: all };
}

class SpecBuilder extends TableReader {
  build(data: JsonMap): Spec {
    const enums = this.buildEnums(data['enums']);
    // Before the tables: a column's type may be a domain of the file.
    const hooks: DomainHooks = {
      map: this.map,
      error: (pos, code, message, hint) => this.error(pos, code, message, hint),
      qualifiedKey: (path, raw, what) => this.qualifiedKey(path, raw, what),
      checkName: (name, pos, what) => this.checkName(name, pos, what),
      claimType: (schema, name, pos, what) =>
        this.claim(this.typeNames, `schema "${schema}"`, name, `${what} "${name}"`, pos, 'types and tables (each table has a row type of its name) share one namespace per schema: choose another name'),
      resolveType: (text, path) => this.resolveType(text, path),
    };
    // Their names first: a domain may stand on a composite type of the file, and an attribute may be a domain.
    for (const key of ['domains', 'types']) {
      for (const rawName of Object.keys(isMap(data[key]) ? data[key] : {})) {
        const q = parseQualifiedName(rawName);
        if (q) this.domainNames.add(`${q.schema}.${q.name}`);
      }
    }
    const domains = readDomains(data['domains'], hooks);
    const types = readCompositeTypes(data['types'], hooks);
    // Collect every table name first so references resolve in any order.
    const tablesRaw = isMap(data['tables']) ? data['tables'] : {};
    for (const [rawName, raw] of entriesAsWritten(tablesRaw)) {
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
      this.claim(
        this.typeNames,
        `schema "${q.schema}"`,
        q.name,
        `table "${q.name}" (its row type)`,
        this.map.key(path),
        'types and tables (each table has a row type of its name) share one namespace per schema: choose another name',
      );
    }
    const parts = new Map([...this.tableNames.values()].map((e) => [e, readPartitioning(e, this.tableNames, this.map, (...d) => this.error(...d))] as const));
    const built: SpecTable[] = [];
    for (const entry of this.tableNames.values()) {
      const table = this.buildTable(entry.schema, entry.name, entry.path, entry.raw, inheritedColumnNames(entry, parts));
      const { partitionBy, partitionOf } = parts.get(entry) ?? {};
      if (table) built.push({ ...table, ...(partitionBy ? { partitionBy } : {}), ...(partitionOf ? { partitionOf } : {}) });
    }
    const tables = withInheritedColumns(built);
    const byId = new Map(tables.map((t) => [tableId(t), t]));
    const resolved = tables.map((t) => this.resolveForeignKeys(t, tables, byId));
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
    const claimView = (schema: string, name: string, pos: Position, what = 'view'): void => {
      const hint = 'tables, views and indexes share one namespace per schema: choose another name';
      const before = this.diagnostics.length;
      this.claim(this.relations, `schema "${schema}"`, name, `${what} "${name}"`, pos, hint);
      if (this.diagnostics.length === before && what !== 'index')
        this.claim(this.typeNames, `schema "${schema}"`, name, `${what} "${name}" (its row type)`, pos, 'types, tables and views (each has a row type of its name) share one namespace per schema: choose another name');
    };
    const materialized = readViews(data['materialized_views'], this.map, claimView, this.options.readSqlFile, this.diagnostics, true).views;
    return {
      file: this.file,
      settings,
      schemas,
      enums,
      ...domains,
      ...types,
      tables: resolved,
      ...readSequences(data['sequences'], this.map, resolved, this.diagnostics),
      ...readExtensions(data['extensions'], this.map, this.diagnostics),
      ...readViews(data['views'], this.map, claimView, this.options.readSqlFile, this.diagnostics),
      ...(materialized ? { materializedViews: materialized } : {}),
      ...readFunctions(data['functions'], this.map, this.options.readSqlFile, this.diagnostics),
      ...readTriggers(data['triggers'], this.map, resolved, this.options.readSqlFile, this.diagnostics),
      ...(data['exclude'] === undefined ? {} : { exclude: readExclude(data['exclude'], this.map) }),
    };
  }
}
