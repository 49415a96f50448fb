// The functions, procedures and aggregates of the file, spelled by the server in the spelling
// transaction: each statement is run under a stand-in name in the session's temporary schema,
// with check_function_bodies off (so a body may read what the plan makes), and read back with
// pg_get_functiondef, the function that prints the database's (an aggregate: the statement the
// catalog query builds from pg_aggregate), under the key's name. Both sides of the comparison are
// then the same server's text. Making a function runs none of its body. The file's new functions
// are made under their own names first (`makeNewFunctions`), so that an aggregate naming its
// state function, and a view calling a new function or aggregate, can be spelled. Everything is
// rolled back with the transaction.
import { buildRoutine, routineByNameSql, type RoutineRow } from '../introspect/kinds/function.js';
import { objectPath, qualify, quoteIdent, quoteLiteral } from '../model/identifiers.js';
import { BODIES_UNCHECKED, routinePath, type Routine } from '../model/routine.js';
import type { Diagnostic, Position } from '../desired/diagnostics.js';
import type { Spec } from '../desired/spec.js';
import type { Model } from '../model/model.js';
import type { Db } from '../db/db.js';
import { attempt } from './attempt.js';

/**
 * The file's new functions (no function of their name in the database) that a column default
 * calls: made under their own names while the defaults are spelled, so the defaults find them.
 */
export function functionSpellingSetup(spec: Spec, current: Model): Array<{ readonly sql: string[]; readonly pos: Position; readonly what: string }> {
  const defaults = spec.tables.flatMap((t) => t.columns.flatMap((c) => (c.default?.kind === 'expression' ? [c.default.sql.toLowerCase()] : [])));
  const existing = new Set(Object.values(current.functions ?? {}).map((f) => objectPath(f.schema, f.name)));
  return (spec.functions ?? [])
    .filter((f) => !existing.has(objectPath(f.schema, f.name)) && defaults.some((d) => d.includes(f.name.toLowerCase())))
    .map((f) => ({ sql: [BODIES_UNCHECKED, f.sql(qualify(f.schema, f.name))], pos: f.sqlPos, what: `function "${objectPath(f.schema, f.name)}"` }));
}

/**
 * The file's new enums under their own names (the spelling made them as stand-ins, which a
 * signature naming the enum does not find), where this role may: a function may take or
 * return one. One that cannot be made leaves its functions to fail with the server's words.
 */
export async function newEnums(db: Db, spec: Spec, current: Model): Promise<void> {
  for (const e of spec.enums) {
    if (current.enums[objectPath(e.schema, e.name)]) continue;
    await attempt(
      db,
      'spelling_enum',
      async () => {
        await db.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(e.schema)}`);
        await db.query(`CREATE TYPE ${qualify(e.schema, e.name)} AS ENUM (${e.values.map((v) => quoteLiteral(v.value)).join(', ')})`);
      },
      { keep: true },
    );
  }
}

/**
 * The file's functions, then its aggregates, that the database has no function of the name of,
 * made under their own names where they can be (one that cannot is left to its spelling to
 * report), for the rest of the transaction: an aggregate's SFUNC and a view's call find them.
 */
export async function makeNewFunctions(db: Db, spec: Spec, current: Model): Promise<void> {
  const existing = new Set(Object.values(current.functions ?? {}).map((f) => objectPath(f.schema, f.name)));
  const fresh = (spec.functions ?? []).filter((f) => !existing.has(objectPath(f.schema, f.name)));
  await db.query("SET LOCAL search_path = ''");
  for (const f of [...fresh.filter((g) => !g.aggregate), ...fresh.filter((g) => g.aggregate)]) {
    await attempt(
      db,
      'spelling_new_function',
      async () => {
        await db.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(f.schema)}`);
        await db.query(BODIES_UNCHECKED);
        await db.query(f.sql(qualify(f.schema, f.name)));
      },
      { keep: true },
    );
  }
}

/** By object path (with identity arguments): each function of the file as the server spells it. Problems are diagnostics at its SQL. */
export async function spellFunctions(db: Db, spec: Spec): Promise<{ functions: Record<string, Routine>; diagnostics: Diagnostic[] }> {
  const functions: Record<string, Routine> = {};
  const diagnostics: Diagnostic[] = [];
  let n = 0;
  await db.query("SET LOCAL search_path = ''");
  for (const f of spec.functions ?? []) {
    const temp = `schema_fn_spell_${++n}`;
    const tried = await attempt(db, 'spelling_function', async () => {
      await db.query(BODIES_UNCHECKED);
      await db.query(f.sql(`pg_temp.${quoteIdent(temp)}`));
      return db.query<RoutineRow>(routineByNameSql(), [temp]);
    });
    if (tried.ok) {
      for (const row of tried.value) {
        const header = new RegExp(`^(\\s*CREATE OR REPLACE (?:FUNCTION|PROCEDURE|AGGREGATE) )[^(]*\\b${temp}\\(`);
        const r = buildRoutine({ ...row, schema: f.schema, name: f.name });
        const spelled: Routine = { ...r, definition: r.definition.replace(header, `$1${qualify(f.schema, f.name)}(`) };
        functions[routinePath(spelled)] = spelled;
      }
      continue;
    }
    const message = tried.message.replaceAll(`pg_temp.${temp}`, objectPath(f.schema, f.name)).replaceAll(temp, f.name);
    diagnostics.push({
      ...f.sqlPos,
      file: f.sqlPos.file || spec.file,
      code: 'bad_expression',
      message: `${f.aggregate ? 'aggregate' : 'function'} "${objectPath(f.schema, f.name)}": ${message}`,
      hint: `the server refuses this statement: correct it (names are read with an empty search_path: types${f.aggregate ? ' and functions' : ''} of your own need their schema)`,
    });
  }
  return { functions, diagnostics };
}
