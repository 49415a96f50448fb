// Reading schema.yaml, the base of the Spec builder (see load.ts): diagnostics, names (checked,
// qualified, claimed once per schema), renames, enums and type names.
import { identifierBytes, MAX_IDENTIFIER_BYTES, parseQualifiedName, qualify, quoteIdent } from '../model/identifiers.js';
import { LEDGER_SCHEMA } from '../model/model.js';
import { BUILTIN_TYPES, SERIAL_TYPES, TYPE_SPELLINGS } from './builtin-types.js';
import type { Diagnostic, DiagnosticCode, Position } from './diagnostics.js';
import { nearMiss, suggestion } from './did-you-mean.js';
import { SourceMap, type Path } from './source-map.js';
import { entriesAsWritten } from './names.js';
import type { Located, SpecEnum } from './spec.js';
import { checkTypeName } from './sql-text.js';
import type { LoadOptions } from './load.js';

export type Json = unknown;
export type JsonMap = Record<string, Json>;

export const isMap = (v: Json): v is JsonMap => typeof v === 'object' && v !== null && !Array.isArray(v);
export const isString = (v: Json): v is string => typeof v === 'string';

/** Why a schema may not hold objects of the file, or null when it may. */
function reservedSchema(name: string): string | null {
  if (name === LEDGER_SCHEMA) return "it holds this tool's own ledger of applied revisions, which plans never touch";
  if (name === 'information_schema') return "it holds the SQL standard's views of the catalog, which PostgreSQL maintains itself";
  if (name.startsWith('pg_')) return 'PostgreSQL keeps schema names starting with "pg_" for its own system schemas';
  return null;
}

export interface Relation {
  readonly what: string;
  readonly pos: Position;
}

/** A table or column as `renamed_from` checks see it: an id, a name for messages, its source. */
export interface Renamed {
  readonly id: string;
  readonly label: string;
  readonly pos: Position;
  readonly from: { readonly id: string; readonly label: string; readonly pos: Position } | null;
}

export const tableLabel = (t: { readonly schema: string; readonly name: string }): string => (t.schema === 'public' ? t.name : `${t.schema}.${t.name}`);
export const tableId = (t: { readonly schema: string; readonly name: string }): string => `${t.schema}\u0000${t.name}`;

/** What every part of the Spec builder shares: the diagnostics, the names seen so far, and the checks of names and types. */
export class NamesReader {
  readonly diagnostics: Diagnostic[] = [];
  protected readonly enumNames = new Map<string, SpecEnum>(); // "schema.name" (raw)
  protected readonly tableNames = new Map<string, { schema: string; name: string; path: Path; raw: JsonMap }>();
  protected readonly relations = new Map<string, Relation>(); // schema \0 name: tables, indexes, key indexes
  protected readonly typeNames = new Map<string, Relation>(); // schema \0 name: enums, table row types
  protected readonly domainNames = new Set<string>(); // "schema.name" (raw): the file's domains

  constructor(
    protected readonly file: string,
    protected readonly map: SourceMap,
    protected readonly options: LoadOptions,
  ) {}

  protected error(pos: Position, code: DiagnosticCode, message: string, hint?: string): void {
    this.diagnostics.push({ ...pos, code, message, ...(hint ? { hint } : {}) });
  }

  /** Check a name PostgreSQL will store; false (and a diagnostic) when it cannot be used. */
  protected checkName(name: string, pos: Position, what: string): boolean {
    if (name === '') {
      this.error(pos, 'bad_name', `${what} has an empty name`);
      return false;
    }
    const bytes = identifierBytes(name);
    if (bytes > MAX_IDENTIFIER_BYTES) {
      this.error(pos, 'identifier_too_long', `${what} "${name}" is ${bytes} bytes long; PostgreSQL keeps only ${MAX_IDENTIFIER_BYTES} and would silently cut it`, `shorten it to at most ${MAX_IDENTIFIER_BYTES} bytes`);
      return false;
    }
    return true;
  }

  protected qualifiedKey(path: Path, raw: string, what: string): { schema: string; name: string } | null {
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
  protected checkSchema(schema: string, pos: Position, what: string): boolean {
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
  protected claim(registry: Map<string, Relation>, scope: string, name: string, what: string, pos: Position, hint: string): void {
    const id = `${scope}\u0000${name}`;
    const prior = registry.get(id);
    if (prior) {
      this.error(pos, 'duplicate_name', `${what} uses a name already taken in ${scope} by ${prior.what} (line ${prior.pos.line})`, hint);
      return;
    }
    registry.set(id, { what, pos });
  }

  /**
   * `renamed_from` must mean one rename each: no source taken twice; no source still defined,
   * unless it is renamed itself (a chain: `a` from `b`, `b` from `c`); and no cycle, since a
   * swap of names cannot be told apart from its result (every plan would swap again).
   */
  protected checkRenames(what: 'table' | 'column' | 'enum value', scope: string, items: readonly Renamed[]): void {
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

  protected buildEnums(raw: Json): SpecEnum[] {
    if (!isMap(raw)) return [];
    const out: SpecEnum[] = [];
    for (const [rawName, values] of entriesAsWritten(raw)) {
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
      const renames: { value: string; from: Located<string> }[] = [];
      values.forEach((entry: Json, i) => {
        // A value is its label, or `{ name: b, renamed_from: a }`: the label `a` of the database, renamed.
        const renamed = isMap(entry) ? entry : null;
        const v: Json = renamed ? renamed['name'] : entry;
        const vpos = renamed ? this.map.value([...path, i, 'name']) : this.map.value([...path, i]);
        if (!isString(v)) return;
        if (seen.has(v)) this.error(vpos, 'duplicate_name', `enum "${q.name}" lists the value "${v}" twice`);
        else if (this.checkName(v, vpos, 'enum value')) {
          located.push({ value: v, pos: vpos });
          const from = renamed?.['renamed_from'];
          if (isString(from) && from !== v) {
            const fpos = this.map.value([...path, i, 'renamed_from']);
            if (this.checkName(from, fpos, 'enum value')) renames.push({ value: v, from: { value: from, pos: fpos } });
          }
        }
        seen.add(v);
      });
      this.checkRenames(
        'enum value',
        ` of enum "${q.name}"`,
        located.map((l) => {
          const r = renames.find((x) => x.value === l.value);
          return { id: l.value, label: l.value, pos: l.pos, from: r ? { id: r.from.value, label: r.from.value, pos: r.from.pos } : null };
        }),
      );
      const e: SpecEnum = { ...q, pos, values: located, ...(renames.length > 0 ? { renames } : {}) };
      this.enumNames.set(id, e);
      out.push(e);
    }
    return out;
  }

  /** An enum of the file by the name it is written with there: `mood`, `billing.status`. */
  protected enumDisplay(e: SpecEnum): string {
    return e.schema === 'public' ? e.name : `${e.schema}.${e.name}`;
  }

  /**
   * When `text` is an enum of the file written as its key is, but not as SQL writes a type
   * (unquoted, with spaces, capitals or dots): how to write it.
   */
  protected quotingHint(text: string): string | undefined {
    const written = text.trim().toLowerCase();
    const e = [...this.enumNames.values()].find((x) => this.enumDisplay(x).toLowerCase() === written);
    if (!e) return undefined;
    const sql = e.schema === 'public' ? quoteIdent(e.name) : qualify(e.schema, e.name);
    if (sql === text.trim()) return undefined;
    return `a type is written as in SQL, where a name with spaces, capitals or dots is double-quoted: write '${sql}' (the single quotes keep YAML from removing the double ones)`;
  }

  /** The type's name parts, and `builtin`: the pg_catalog name of a built-in type that is not an array. */
  protected resolveType(text: string, path: Path): { names: readonly string[]; builtin?: string } | null {
    const pos = this.map.value(path);
    const parsed = checkTypeName(text);
    if (!parsed.ok) {
      const hint = this.quotingHint(text) ?? (parsed.error.message === 'this is not a type name' ? 'a type is written as in SQL: double-quote a name with spaces, capitals or dots, as in \'"My Type"\'' : undefined);
      this.error(this.map.inValue(path, parsed.error.offset), 'bad_type', `type "${text}": ${parsed.error.message}`, hint);
      return null;
    }
    const names = parsed.value.names;
    const last = names[names.length - 1] ?? '';
    const builtin = parsed.value.array ? {} : { builtin: last };
    if (names.length === 2 && names[0] === 'pg_catalog') return { names, ...builtin };
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
    if (names.length === 1 && BUILTIN_TYPES.has(last)) return { names, ...builtin };
    const id = `${schema}.${last}`;
    if (this.enumNames.has(id) || this.domainNames.has(id) || this.options.knownTypes?.has(id)) return { names };
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
      // one slip from a built-in one (`varchr`) is an error here, with the did-you-mean; `plan`
      // still accepts it when the database really has such a type (a domain named so).
      const slip = nearMiss(written, TYPE_SPELLINGS) ?? (schema === 'public' ? nearMiss(last, [...TYPE_SPELLINGS, ...BUILTIN_TYPES]) : null);
      if (slip !== null) {
        this.error(pos, 'unknown_type', `unknown type "${text}". Did you mean "${slip}"?`, `if the database has a type "${written}" (a domain, or an extension's type), \`schema plan\` accepts it there`);
        return { names };
      }
      // A slip of an enum of this file stays a warning: a domain of the database may be named so.
      const typo = nearMiss(written, enums);
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
}
