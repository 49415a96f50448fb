// `views:` of schema.yaml -> the Spec's views: a name (or schema.name), the SELECT (`sql:`
// inline, or `file:` a .sql file beside schema.yaml, read through the loader's `readSqlFile`
// port), and a comment. The SELECT is checked with PostgreSQL's parser to be exactly one
// statement that only reads (desired/sql-text.ts checkSelect). Never touches a database. A file
// without `views:` leaves the database's views as they are (see plan/plan.ts).
import type { View } from '../model/view.js';
import type { Diagnostic, Position } from './diagnostics.js';
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

/**
 * The Spec's `views` from `views:`; nothing when the file has no such key. Problems go to
 * `diagnostics`, each at the line (of schema.yaml or of the .sql file) where it was written.
 */
export function readViews(raw: unknown, map: SourceMap, claim: (schema: string, name: string, pos: Position) => void, readSqlFile: ReadSqlFile | undefined, diagnostics: Diagnostic[]): { views?: SpecView[] } {
  const entries = readSqlEntries(VIEWS, raw, map, claim, readSqlFile, diagnostics);
  if (entries === undefined) return {};
  const views = entries.map((e) => {
    const comment = typeof e.entry['comment'] === 'string' ? e.entry['comment'] : null;
    return { schema: e.schema, name: e.name, pos: e.pos, sql: e.checked.text, sqlPos: e.sqlPos, comment, reads: e.checked.reads };
  });
  return { views };
}

/**
 * A desired view as the file writes it, before the server spelled it: its text as written
 * (qualified), no columns, what it reads as whole relations.
 */
export function unspelledView(v: SpecView): View {
  return { kind: 'view', schema: v.schema, name: v.name, definition: v.sql, columns: [], comment: v.comment, uses: v.reads.map((r) => ({ schema: r.schema, name: r.name, column: null })), unspelled: true };
}
