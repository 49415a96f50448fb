// `views:` of schema.yaml -> the Spec's views: a name (or schema.name), the SELECT (`sql:`
// inline, or `file:` a .sql file beside schema.yaml, read through the loader's `readSqlFile`
// port), and a comment. The SELECT is checked with PostgreSQL's parser to be exactly one
// statement that only reads (desired/sql-text.ts checkSelect). Never touches a database. A file
// without `views:` leaves the database's views as they are (see plan/plan.ts).
// `materialized_views:` is read by the same code, with `with_data` and `indexes` (on columns).
import { identifierBytes, MAX_IDENTIFIER_BYTES, objectPath } from '../model/identifiers.js';
import type { Index } from '../model/model.js';
import type { View } from '../model/view.js';
import type { Diagnostic, DiagnosticCode, Position } from './diagnostics.js';
import { entriesAsWritten } from './names.js';
import type { SourceMap } from './source-map.js';
import { readSqlEntries, type ReadSqlFile, type SqlKind } from './sql-entries.js';
import { checkSelect, type CheckedSelect } from './sql-text.js';

export interface SpecView {
  readonly schema: string;
  readonly name: string;
  readonly pos: Position;
  /** The SELECT with its relations qualified (see checkSelect). */
  readonly sql: string;
  /** Where the SELECT was written: its `sql:` value, or the first line of its file. */
  readonly sqlPos: Position;
  readonly comment: string | null;
  /** The relations it reads (tables or views), from the parsed SELECT. */
  readonly reads: readonly { readonly schema: string; readonly name: string }[];
  /** A materialized view (`materialized_views:`): how it is made and its indexes. */
  readonly materialized?: { readonly withData: boolean; readonly indexes: readonly SpecViewIndex[] };
}

/** An index of a materialized view, with where its key columns were written (checked once the server spelled the view). */
export interface SpecViewIndex {
  readonly index: Index;
  readonly pos: Position;
  readonly columns: readonly { readonly value: string; readonly pos: Position }[];
}

export type { ReadSqlFile } from './sql-entries.js';

const VIEWS: SqlKind<CheckedSelect> = {
  key: 'views',
  noun: 'view',
  needs: 'its SELECT',
  needsHint: 'write `sql: SELECT ...`, or `file: views/name.sql` (beside schema.yaml)',
  example: 'views/name.sql',
  check: checkSelect,
  checkHint: 'write exactly one SELECT, which only reads: no second statement, no INSERT, UPDATE or DELETE',
};

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const MATERIALIZED_VIEWS: SqlKind<CheckedSelect> = { ...VIEWS, key: 'materialized_views', noun: 'materialized view' };

/**
 * The Spec's `views` from `views:`; nothing when the file has no such key. Problems go to
 * `diagnostics`, each at the line (of schema.yaml or of the .sql file) where it was written.
 */
export function readViews(
  raw: unknown,
  map: SourceMap,
  claim: (schema: string, name: string, pos: Position, what?: string) => void,
  readSqlFile: ReadSqlFile | undefined,
  diagnostics: Diagnostic[],
  materialized = false,
): { views?: SpecView[] } {
  const kind = materialized ? MATERIALIZED_VIEWS : VIEWS;
  const entries = readSqlEntries(kind, raw, map, claim, readSqlFile, diagnostics);
  if (entries === undefined) return {};
  const error = (pos: Position, code: DiagnosticCode, message: string, hint?: string): void => {
    diagnostics.push({ ...pos, code, message, ...(hint ? { hint } : {}) });
  };
  const views = entries.map((e): SpecView => {
    const comment = typeof e.entry['comment'] === 'string' ? e.entry['comment'] : null;
    const made = { schema: e.schema, name: e.name, pos: e.pos, sql: e.checked.text, sqlPos: e.sqlPos, comment, reads: e.checked.reads };
    if (!materialized) return made;
    const id = objectPath(e.schema, e.name);
    const indexes = readViewIndexes(e.entry['indexes'], [kind.key, e.key, 'indexes'], map, (iname, ipos) => claim(e.schema, iname, ipos, 'index'), error, id);
    return { ...made, materialized: { withData: e.entry['with_data'] !== false, indexes } };
  });
  return { views };
}

/**
 * The `indexes:` of materialized view `id`: as a table's (desired/load-parts.ts buildIndex), keyed
 * by columns only; an expression or `where:` would need the server to spell it against the
 * view's columns, so it is refused.
 */
function readViewIndexes(
  raw: unknown,
  path: readonly (string | number)[],
  map: SourceMap,
  claim: (name: string, pos: Position) => void,
  error: (pos: Position, code: DiagnosticCode, message: string, hint?: string) => void,
  id: string,
): SpecViewIndex[] {
  const out: SpecViewIndex[] = [];
  for (const [name, value] of entriesAsWritten(isMap(raw) ? raw : {})) {
    const ipath = [...path, name];
    const pos = map.key(ipath);
    const long = identifierBytes(name) > MAX_IDENTIFIER_BYTES;
    if (long) {
      error(pos, 'identifier_too_long', `index "${name}" of materialized view "${id}" is longer than PostgreSQL's ${MAX_IDENTIFIER_BYTES} bytes and would be cut`, `shorten it to at most ${MAX_IDENTIFIER_BYTES} bytes`);
      continue;
    }
    claim(name, pos);
    const entry = isMap(value) ? value : {};
    const method = typeof entry['method'] === 'string' ? entry['method'] : 'btree';
    const unique = entry['unique'] === true;
    if (unique && method !== 'btree') error(map.value([...ipath, 'method']), 'conflict', `index "${name}": only btree indexes can be unique, not ${method}`);
    const nullsNotDistinct = entry['nulls_not_distinct'] === true;
    if (nullsNotDistinct && !unique)
      error(map.key([...ipath, 'nulls_not_distinct']), 'conflict', `index "${name}": nulls_not_distinct only means something for a unique index`, 'add `unique: true`, or remove nulls_not_distinct');
    if (entry['where'] !== undefined)
      error(
        map.key([...ipath, 'where']),
        'schema_violation',
        `index "${name}" of materialized view "${id}": \`where:\` is not supported on a materialized view's index`,
        'index the whole materialized view, or filter its rows in its SELECT',
      );
    const columns: { value: string; pos: Position }[] = [];
    const keys: Index['keys'][number][] = [];
    (Array.isArray(entry['columns']) ? entry['columns'] : []).forEach((k: unknown, i: number) => {
      const kpath = [...ipath, 'columns', i];
      const key = typeof k === 'string' ? { column: k } : isMap(k) ? k : {};
      if (typeof key['column'] !== 'string') {
        error(
          map.value(kpath),
          'schema_violation',
          `index "${name}" of materialized view "${id}": keys are columns of the materialized view, not expressions`,
          'add the expression as a column of its SELECT, and index that column',
        );
        return;
      }
      const descending = key['order'] === 'desc';
      const nullsFirst = key['nulls'] === 'first' ? true : key['nulls'] === 'last' ? false : descending;
      columns.push({ value: key['column'], pos: map.value(typeof k === 'string' ? kpath : [...kpath, 'column']) });
      keys.push({ column: key['column'], expression: null, descending, nullsFirst });
    });
    const include = (Array.isArray(entry['include']) ? entry['include'] : []).filter((c): c is string => typeof c === 'string');
    include.forEach((c, i) => columns.push({ value: c, pos: map.value([...ipath, 'include', i]) }));
    out.push({ index: { kind: 'index', name, unique, method, keys, include, where: null, ...(unique && nullsNotDistinct ? { nullsNotDistinct: true as const } : {}) }, pos, columns });
  }
  return out;
}

/**
 * A desired view as the file writes it, before the server spelled it: its text as written
 * (qualified), no columns, what it reads as whole relations.
 */
export function unspelledView(v: SpecView): View {
  const view: View = { kind: 'view', schema: v.schema, name: v.name, definition: v.sql, columns: [], comment: v.comment, uses: v.reads.map((r) => ({ schema: r.schema, name: r.name, column: null })), unspelled: true };
  return v.materialized ? { ...view, materialized: materializedOf(v.materialized) } : view;
}

/** The Model's part of a materialized view of the file. */
export const materializedOf = (m: NonNullable<SpecView['materialized']>): NonNullable<View['materialized']> => ({ withData: m.withData, indexes: Object.fromEntries(m.indexes.map((i) => [i.index.name, i.index])) });
