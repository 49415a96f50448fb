// `views:` of schema.yaml -> the Spec's views: a name (or schema.name), the SELECT (`sql:`
// inline, or `file:` a .sql file beside schema.yaml, read through the loader's `readSqlFile`
// port), and a comment. The SELECT is checked with PostgreSQL's parser to be exactly one
// statement that only reads (desired/sql-text.ts checkSelect). Never touches a database. A file
// without `views:` leaves the database's views as they are (see plan/plan.ts).
import { identifierBytes, MAX_IDENTIFIER_BYTES, objectPath, parseQualifiedName } from '../model/identifiers.js';
import { LEDGER_SCHEMA } from '../model/model.js';
import type { View } from '../model/view.js';
import type { Diagnostic, DiagnosticCode, Position } from './diagnostics.js';
import { entriesAsWritten } from './names.js';
import type { SourceMap } from './source-map.js';
import { checkSelect } from './sql-text.js';

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

/** Reads a `.sql` file named by `file:`, relative to the folder of schema.yaml: its text and the path to show, or why not. */
export type ReadSqlFile = (relative: string) => { readonly text: string; readonly file: string } | { readonly error: string };

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The line and column of `offset` (characters) in `text`. */
function positionIn(file: string, text: string, offset: number): Position {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { file, line, col: offset - (before.lastIndexOf('\n') + 1) + 1 };
}

/** A path that stays in the folder of schema.yaml: relative, no `..`, no drive. */
const insideFolder = (p: string): boolean => p !== '' && !p.startsWith('/') && !p.startsWith('\\') && !/^[A-Za-z]:/.test(p) && !p.split(/[\\/]/).includes('..');

/**
 * The Spec's `views` from `views:`; nothing when the file has no such key. Problems go to
 * `diagnostics`, each at the line (of schema.yaml or of the .sql file) where it was written.
 */
export function readViews(raw: unknown, map: SourceMap, claim: (schema: string, name: string, pos: Position) => void, readSqlFile: ReadSqlFile | undefined, diagnostics: Diagnostic[]): { views?: SpecView[] } {
  if (raw === undefined) return {};
  const error = (pos: Position, code: DiagnosticCode, message: string, hint?: string): void => {
    diagnostics.push({ ...pos, code, message, ...(hint ? { hint } : {}) });
  };
  const out: SpecView[] = [];
  const seen = new Map<string, Position>();
  for (const [rawName, value] of entriesAsWritten(isMap(raw) ? raw : {})) {
    const path = ['views', rawName];
    const pos = map.key(path);
    const q = parseQualifiedName(rawName);
    if (q === null || q.name === '' || q.schema === '') {
      error(pos, 'bad_name', `view "${rawName}" is not a name or schema.name`, 'quote a name that contains a dot: \'"my.view"\'');
      continue;
    }
    const long = [q.schema, q.name].find((n) => identifierBytes(n) > MAX_IDENTIFIER_BYTES);
    if (long !== undefined) {
      error(pos, 'identifier_too_long', `view "${rawName}": "${long}" is longer than PostgreSQL's ${MAX_IDENTIFIER_BYTES} bytes and would be cut`, `shorten it to at most ${MAX_IDENTIFIER_BYTES} bytes`);
      continue;
    }
    if (q.schema === LEDGER_SCHEMA || q.schema === 'information_schema' || q.schema.startsWith('pg_')) {
      error(pos, 'reserved_name', `view "${rawName}": schema "${q.schema}" is reserved`, 'choose another schema');
      continue;
    }
    const id = objectPath(q.schema, q.name);
    const prior = seen.get(id);
    if (prior) {
      error(pos, 'duplicate_name', `view "${id}" is defined twice (also at line ${prior.line})`);
      continue;
    }
    seen.set(id, pos);
    claim(q.schema, q.name, pos);
    const entry = isMap(value) ? value : {};
    const inline = entry['sql'];
    const named = entry['file'];
    if ((typeof inline === 'string') === (typeof named === 'string')) {
      error(
        pos,
        'schema_violation',
        `view "${id}" needs its SELECT: either \`sql:\` or \`file:\`, not ${typeof inline === 'string' ? 'both' : 'neither'}`,
        'write `sql: SELECT ...`, or `file: views/name.sql` (beside schema.yaml)',
      );
      continue;
    }
    let text: string;
    let at: (offset: number) => Position;
    let sqlPos: Position;
    if (typeof inline === 'string') {
      text = inline;
      at = (offset) => map.inValue([...path, 'sql'], offset);
      sqlPos = map.value([...path, 'sql']);
    } else {
      const fpos = map.value([...path, 'file']);
      const rel = named as string;
      if (!insideFolder(rel) || !/\.sql$/i.test(rel)) {
        error(fpos, 'bad_reference', `view "${id}": file "${rel}" is not a .sql file inside the folder of the schema file`, 'name a .sql file by a path relative to schema.yaml, without "..": views/name.sql');
        continue;
      }
      const got = readSqlFile ? readSqlFile(rel) : { error: 'SQL files are read only from a schema file on disk' };
      if ('error' in got) {
        error(fpos, 'bad_reference', `view "${id}": cannot read file "${rel}": ${got.error}`, 'create the file beside schema.yaml, or write the SELECT inline under `sql:`');
        continue;
      }
      text = got.text;
      at = (offset) => positionIn(got.file, got.text, offset);
      sqlPos = { file: got.file, line: 1, col: 1 };
    }
    const checked = checkSelect(text);
    if (!checked.ok) {
      error(at(checked.error.offset), 'bad_expression', `view "${id}": ${checked.error.message}`, 'write exactly one SELECT, which only reads: no second statement, no INSERT, UPDATE or DELETE');
      continue;
    }
    const comment = typeof entry['comment'] === 'string' ? entry['comment'] : null;
    out.push({ schema: q.schema, name: q.name, pos, sql: checked.value.text, sqlPos, comment, reads: checked.value.reads });
  }
  return { views: out };
}

/**
 * A desired view as the file writes it, before the server spelled it: its text as written
 * (qualified), no columns, what it reads as whole relations.
 */
export function unspelledView(v: SpecView): View {
  return { kind: 'view', schema: v.schema, name: v.name, definition: v.sql, columns: [], comment: v.comment, uses: v.reads.map((r) => ({ schema: r.schema, name: r.name, column: null })), unspelled: true };
}
