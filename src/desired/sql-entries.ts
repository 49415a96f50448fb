// What `views:` and `functions:` share: entries keyed by a name or schema.name, each giving its
// whole SQL inline (`sql:`) or in a `.sql` file beside schema.yaml (`file:`, read through the
// loader's `readSqlFile` port), checked by the kind's own parser check. Every problem is a
// diagnostic at the line (of schema.yaml or of the .sql file) where it was written.
import { identifierBytes, MAX_IDENTIFIER_BYTES, objectPath, parseQualifiedName } from '../model/identifiers.js';
import { LEDGER_SCHEMA } from '../model/model.js';
import type { Diagnostic, DiagnosticCode, Position } from './diagnostics.js';
import { entriesAsWritten } from './names.js';
import type { SourceMap } from './source-map.js';
import type { Checked } from './sql-text.js';

/**
 * Reads a `.sql` file named by `file:`, relative to the folder of the YAML file `from` that names
 * it (schema.yaml, or a file of a schema folder): its text and the path to show, or why not.
 */
export type ReadSqlFile = (relative: string, from: string) => { readonly text: string; readonly file: string } | { readonly error: string };

/** One entry whose SQL passed its check. */
export interface SqlEntry<T> {
  /** The name as the file writes it (the key under `kind.key`). */
  readonly key: string;
  readonly schema: string;
  readonly name: string;
  readonly pos: Position;
  readonly checked: T;
  /** Where the SQL was written: its `sql:` value, or the first line of its file. */
  readonly sqlPos: Position;
  /** The place of a character offset of the SQL text. */
  readonly at: (offset: number) => Position;
  readonly entry: Readonly<Record<string, unknown>>;
}

export interface SqlKind<T> {
  /** The file's key: `views`. */
  readonly key: string;
  /** For people: `view`. */
  readonly noun: string;
  /** `its SELECT`. */
  readonly needs: string;
  /** `write \`sql: SELECT ...\`, or \`file: views/name.sql\` (beside schema.yaml)`. */
  readonly needsHint: string;
  /** `views/name.sql`. */
  readonly example: string;
  readonly check: (text: string) => Checked<T>;
  /** What to write instead, when the check refuses the text. */
  readonly checkHint: string;
}

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
 * The entries of `raw` (the value of `kind.key`) whose names and SQL are sound; nothing when
 * the file has no such key. `claim` takes each name in its namespace.
 */
export function readSqlEntries<T>(
  kind: SqlKind<T>,
  raw: unknown,
  map: SourceMap,
  claim: (schema: string, name: string, pos: Position, what?: string) => void,
  readSqlFile: ReadSqlFile | undefined,
  diagnostics: Diagnostic[],
): SqlEntry<T>[] | undefined {
  if (raw === undefined) return undefined;
  const error = (pos: Position, code: DiagnosticCode, message: string, hint?: string): void => {
    diagnostics.push({ ...pos, code, message, ...(hint ? { hint } : {}) });
  };
  const { noun } = kind;
  const out: SqlEntry<T>[] = [];
  const seen = new Map<string, Position>();
  for (const [rawName, value] of entriesAsWritten(isMap(raw) ? raw : {})) {
    const path = [kind.key, rawName];
    const pos = map.key(path);
    const q = parseQualifiedName(rawName);
    if (q === null || q.name === '' || q.schema === '') {
      error(pos, 'bad_name', `${noun} "${rawName}" is not a name or schema.name`, `quote a name that contains a dot: '"my.${noun}"'`);
      continue;
    }
    const long = [q.schema, q.name].find((n) => identifierBytes(n) > MAX_IDENTIFIER_BYTES);
    if (long !== undefined) {
      error(pos, 'identifier_too_long', `${noun} "${rawName}": "${long}" is longer than PostgreSQL's ${MAX_IDENTIFIER_BYTES} bytes and would be cut`, `shorten it to at most ${MAX_IDENTIFIER_BYTES} bytes`);
      continue;
    }
    if (q.schema === LEDGER_SCHEMA || q.schema === 'information_schema' || q.schema.startsWith('pg_')) {
      error(pos, 'reserved_name', `${noun} "${rawName}": schema "${q.schema}" is reserved`, 'choose another schema');
      continue;
    }
    const id = objectPath(q.schema, q.name);
    const prior = seen.get(id);
    if (prior) {
      error(pos, 'duplicate_name', `${noun} "${id}" is defined twice (also at line ${prior.line})`);
      continue;
    }
    seen.set(id, pos);
    claim(q.schema, q.name, pos, noun);
    const entry = isMap(value) ? value : {};
    const inline = entry['sql'];
    const named = entry['file'];
    if ((typeof inline === 'string') === (typeof named === 'string')) {
      error(pos, 'schema_violation', `${noun} "${id}" needs ${kind.needs}: either \`sql:\` or \`file:\`, not ${typeof inline === 'string' ? 'both' : 'neither'}`, kind.needsHint);
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
        error(fpos, 'bad_reference', `${noun} "${id}": file "${rel}" is not a .sql file inside the folder of the schema file`, `name a .sql file by a path relative to schema.yaml, without "..": ${kind.example}`);
        continue;
      }
      const got = readSqlFile ? readSqlFile(rel, fpos.file) : { error: 'SQL files are read only from a schema file on disk' };
      if ('error' in got) {
        error(fpos, 'bad_reference', `${noun} "${id}": cannot read file "${rel}": ${got.error}`, `create the file beside schema.yaml, or write ${kind.needs.replace(/^its /, 'the ')} inline under \`sql:\``);
        continue;
      }
      text = got.text;
      at = (offset) => positionIn(got.file, got.text, offset);
      sqlPos = { file: got.file, line: 1, col: 1 };
    }
    const checked = kind.check(text);
    if (!checked.ok) {
      error(at(checked.error.offset), 'bad_expression', `${noun} "${id}": ${checked.error.message}`, kind.checkHint);
      continue;
    }
    out.push({ key: rawName, schema: q.schema, name: q.name, pos, checked: checked.value, sqlPos, at, entry });
  }
  return out;
}
