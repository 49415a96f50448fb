// `functions:` of schema.yaml -> the Spec's functions, procedures and aggregates: a name (or
// schema.name) and its whole CREATE FUNCTION, CREATE PROCEDURE or CREATE AGGREGATE statement (`sql:` inline, or `file:` a .sql
// file beside schema.yaml), read as views are (desired/sql-entries.ts) and checked with
// PostgreSQL's parser to be exactly that one statement, of the key's name. One function per
// name: overloads are not written in the file. Never touches a database. A file without
// `functions:` leaves the database's functions as they are (see plan/plan.ts).
import type { Diagnostic, Position } from './diagnostics.js';
import type { SourceMap } from './source-map.js';
import { readSqlEntries, type ReadSqlFile, type SqlKind } from './sql-entries.js';
import { checkRoutine, nameDisagrees, type CheckedRoutine } from './sql-routine.js';

export interface SpecFunction {
  readonly schema: string;
  readonly name: string;
  readonly pos: Position;
  readonly procedure: boolean;
  /** CREATE AGGREGATE: made after the functions it names, spelled once they exist (spelling/functions.ts). */
  readonly aggregate: boolean;
  /** The statement as written, its name replaced by `name` (quoted): the key's, or a stand-in's. */
  readonly sql: (name: string) => string;
  /** Where the statement was written: its `sql:` value, or the first line of its file. */
  readonly sqlPos: Position;
}

const FUNCTIONS: SqlKind<CheckedRoutine> = {
  key: 'functions',
  noun: 'function',
  needs: 'its CREATE FUNCTION',
  needsHint: 'write `sql: CREATE FUNCTION ...` (a block scalar: `sql: |`), or `file: functions/name.sql` (beside schema.yaml)',
  example: 'functions/name.sql',
  check: checkRoutine,
  checkHint: 'write exactly one CREATE FUNCTION, CREATE PROCEDURE or CREATE AGGREGATE statement, and nothing else',
};

/** The Spec's `functions` from `functions:`; nothing when the file has no such key. */
export function readFunctions(raw: unknown, map: SourceMap, readSqlFile: ReadSqlFile | undefined, diagnostics: Diagnostic[]): { functions?: SpecFunction[] } {
  const entries = readSqlEntries(FUNCTIONS, raw, map, () => undefined, readSqlFile, diagnostics);
  if (entries === undefined) return {};
  const functions: SpecFunction[] = [];
  for (const e of entries) {
    const wrong = nameDisagrees(e.checked, e.schema, e.name);
    if (wrong !== null) {
      diagnostics.push({ ...e.at(e.checked.nameAt), code: 'bad_name', message: `function "${e.schema}.${e.name}": ${wrong}`, hint: 'the key under `functions:` names the function: make the two agree' });
      continue;
    }
    functions.push({ schema: e.schema, name: e.name, pos: e.pos, procedure: e.checked.procedure, aggregate: e.checked.aggregate, sql: e.checked.named, sqlPos: e.sqlPos });
  }
  return { functions };
}
