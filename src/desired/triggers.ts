// `triggers:` of schema.yaml -> the Spec's triggers: a trigger's name (or schema.name, the
// schema of its table) and its whole CREATE TRIGGER statement (`sql:` inline, or `file:` a .sql
// file beside schema.yaml), read as functions are (desired/sql-entries.ts) and checked with
// PostgreSQL's parser to be exactly that one statement, of the key's name, on a table of
// `tables:`. Trigger names are per table in PostgreSQL; here one name is one trigger of the
// schema. Never touches a database. A file without `triggers:` leaves the database's triggers
// as they are (see plan/plan.ts).
import { objectPath, qualify } from '../model/identifiers.js';
import type { Diagnostic, Position } from './diagnostics.js';
import type { SourceMap } from './source-map.js';
import { readSqlEntries, type ReadSqlFile, type SqlKind } from './sql-entries.js';
import { checkTrigger, type CheckedTrigger } from './sql-trigger.js';

export interface SpecTrigger {
  /** The schema of its table. */
  readonly schema: string;
  readonly table: string;
  readonly name: string;
  readonly pos: Position;
  /** The statement as written, its name and table replaced by `name` and `table` (quoted). */
  readonly sql: (name: string, table: string) => string;
  /** Where the statement was written: its `sql:` value, or the first line of its file. */
  readonly sqlPos: Position;
}

const TRIGGERS: SqlKind<CheckedTrigger> = {
  key: 'triggers',
  noun: 'trigger',
  needs: 'its CREATE TRIGGER',
  needsHint: 'write `sql: CREATE TRIGGER ...` (a block scalar: `sql: |`), or `file: triggers/name.sql` (beside schema.yaml)',
  example: 'triggers/name.sql',
  check: checkTrigger,
  checkHint: 'write exactly one CREATE TRIGGER statement, and nothing else',
};

/** The Spec's `triggers` from `triggers:`; nothing when the file has no such key. */
export function readTriggers(
  raw: unknown,
  map: SourceMap,
  tables: readonly { readonly schema: string; readonly name: string }[],
  readSqlFile: ReadSqlFile | undefined,
  diagnostics: Diagnostic[],
): { triggers?: Array<SpecTrigger> } {
  const entries = readSqlEntries(TRIGGERS, raw, map, () => undefined, readSqlFile, diagnostics);
  if (entries === undefined) return {};
  const declared = new Set(tables.map((t) => objectPath(t.schema, t.name)));
  const triggers: SpecTrigger[] = [];
  for (const e of entries) {
    const c = e.checked;
    if (c.name !== e.name) {
      diagnostics.push({
        ...e.at(c.nameAt),
        code: 'bad_name',
        message: `trigger "${objectPath(e.schema, e.name)}": the statement makes trigger "${c.name}", not "${e.name}"`,
        hint: 'the key under `triggers:` names the trigger: make the two agree',
      });
      continue;
    }
    // The key's schema is written when the key is not the bare name.
    const keyQualified = e.key !== e.name && e.key !== `"${e.name}"`;
    if (c.tableSchema !== null && keyQualified && c.tableSchema !== e.schema) {
      diagnostics.push({
        ...e.at(c.tableAt),
        code: 'bad_name',
        message: `trigger "${objectPath(e.schema, e.name)}": its table is in schema "${c.tableSchema}", not "${e.schema}"`,
        hint: 'the schema of the key is the schema of the table: make the two agree, or leave one out',
      });
      continue;
    }
    const schema = c.tableSchema ?? e.schema;
    if (!declared.has(objectPath(schema, c.table))) {
      diagnostics.push({
        ...e.at(c.tableAt),
        code: 'bad_reference',
        message: `trigger "${objectPath(e.schema, e.name)}": table ${objectPath(schema, c.table)} is not under \`tables:\``,
        hint: 'a trigger is on a table of the file: declare the table under `tables:`, or correct its name',
      });
      continue;
    }
    triggers.push({ schema, table: c.table, name: e.name, pos: e.pos, sql: c.named, sqlPos: e.sqlPos });
  }
  return { triggers };
}

/** The qualified name of a trigger's table, for its statement. */
export const triggerTable = (t: SpecTrigger): string => qualify(t.schema, t.table);
