// The triggers of the file, spelled by the server in the spelling transaction: a trigger on a
// table that exists today is made on it under a stand-in name (one statement on the extended
// protocol, under a savepoint, names resolved in the schema of its table) and read back with
// pg_get_triggerdef under an empty search_path, as introspection reads the database's, under
// the key's name. Making a trigger runs none of its function; everything is rolled back with
// the transaction. A trigger that cannot be made before the plan runs (its table, a column or
// its function is made by the plan) stays as the file writes it, with the schema of its table
// as the search_path its step sets: it differs, so the plan makes it.
import { triggerDefinitionSql } from '../introspect/kinds/trigger.js';
import { objectPath, qualify, quoteIdent } from '../model/identifiers.js';
import type { Model } from '../model/model.js';
import { triggerPath, type Trigger } from '../model/trigger.js';
import type { Diagnostic } from '../desired/diagnostics.js';
import type { Spec } from '../desired/spec.js';
import type { SpecTrigger } from '../desired/triggers.js';
import type { Db } from '../db/db.js';
import { attempt } from './attempt.js';

/** A lock on the table not granted in time: the server's, not a fault of the file. */
const LOCK_NOT_AVAILABLE = '55P03';

/** Its table exists with the columns the file gives it, and the file makes no function the database lacks: a failure is the file's to fix. */
function onSteadyGround(t: SpecTrigger, spec: Spec, current: Model): boolean {
  const table = current.tables[objectPath(t.schema, t.table)];
  const wanted = spec.tables.find((w) => w.schema === t.schema && w.name === t.table);
  if (!table || !wanted) return false;
  const names = (cols: readonly { readonly name: string }[]): string =>
    cols
      .map((c) => c.name)
      .sort()
      .join('\u0000');
  if (names(table.columns) !== names(wanted.columns)) return false;
  const existing = new Set(Object.values(current.functions ?? {}).map((f) => objectPath(f.schema, f.name)));
  return (spec.functions ?? []).every((f) => existing.has(objectPath(f.schema, f.name)));
}

/** The trigger as the file writes it: its name and table qualified, other names read in its table's schema when its step runs. */
const asWritten = (t: SpecTrigger): Trigger => ({ kind: 'trigger', schema: t.schema, table: t.table, name: t.name, definition: t.sql(quoteIdent(t.name), qualify(t.schema, t.table)), searchPath: t.schema });

/** By object path: each trigger of the file as the server spells it. Problems are diagnostics at its SQL. */
export async function spellTriggers(db: Db, spec: Spec, current: Model): Promise<{ triggers: Record<string, Trigger>; diagnostics: Diagnostic[] }> {
  const triggers: Record<string, Trigger> = {};
  const diagnostics: Diagnostic[] = [];
  let n = 0;
  for (const t of spec.triggers ?? []) {
    if (!current.tables[objectPath(t.schema, t.table)]) {
      triggers[triggerPath(t)] = asWritten(t);
      continue;
    }
    const temp = `schema_trg_spell_${++n}`;
    const table = qualify(t.schema, t.table);
    const tried = await attempt(
      db,
      'spelling_trigger',
      async () => {
        await db.query(`SET LOCAL search_path = ${quoteIdent(t.schema)}`);
        await db.query(t.sql(temp, table));
        await db.query("SET LOCAL search_path = ''");
        const rows = await db.query<{ definition: string }>(triggerDefinitionSql(), [table, temp]);
        return rows[0]?.definition ?? '';
      },
      { alsoNotTheFile: [LOCK_NOT_AVAILABLE] },
    );
    if (tried.ok) {
      const definition = tried.value.trim().replace(new RegExp(`^CREATE TRIGGER ${temp} `), `CREATE TRIGGER ${quoteIdent(t.name)} `);
      triggers[triggerPath(t)] = { kind: 'trigger', schema: t.schema, table: t.table, name: t.name, definition };
    } else if (!onSteadyGround(t, spec, current)) triggers[triggerPath(t)] = asWritten(t);
    else
      diagnostics.push({
        ...t.sqlPos,
        file: t.sqlPos.file || spec.file,
        code: 'bad_expression',
        message: `trigger "${objectPath(t.schema, t.name)}": ${tried.message.replaceAll(temp, t.name)}`,
        hint: `the server refuses this statement: correct it (names are read in schema "${t.schema}", the schema of its table)`,
      });
  }
  return { triggers, diagnostics };
}
