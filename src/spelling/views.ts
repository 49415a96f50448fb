// The views of the file, spelled by the server in the spelling transaction: a view whose text
// is not the database's already is made as a TEMPORARY view from its checked SELECT (one
// statement on the extended protocol, under a savepoint) and read back with pg_get_viewdef, the
// function that prints the database's views, so two texts of one meaning compare equal. Making
// a view runs nothing of its SELECT. A view that cannot be made before the plan runs (it reads
// a table, column or view the plan makes) stays as the file writes it: it differs, so the plan
// makes it again. Everything is rolled back with the transaction.
import { viewByOidSql, buildView, type ViewRow } from '../introspect/kinds/view.js';
import { objectPath, quoteIdent } from '../model/identifiers.js';
import type { Model } from '../model/model.js';
import type { View } from '../model/view.js';
import type { Diagnostic } from '../desired/diagnostics.js';
import { suggestion } from '../desired/did-you-mean.js';
import type { Spec } from '../desired/spec.js';
import type { SpecView } from '../desired/views.js';
import type { Db } from '../db/db.js';
import { attempt } from './attempt.js';

/**
 * The view reads only what exists today and what the file leaves as it is (same tables with
 * the same column names, same views): then a failure to make it is the file's to fix.
 */
function onSteadyGround(v: SpecView, spec: Spec, current: Model): boolean {
  return v.reads.every((r) => {
    const path = objectPath(r.schema, r.name);
    const table = current.tables[path];
    if (table) {
      const wanted = spec.tables.find((t) => t.schema === r.schema && t.name === r.name);
      if (!wanted) return false;
      const names = (cols: readonly { readonly name: string }[]): string =>
        cols
          .map((c) => c.name)
          .sort()
          .join('\u0000');
      return names(wanted.columns) === names(table.columns);
    }
    const view = current.views?.[path];
    if (!view) return false;
    const same = [...(spec.views ?? []), ...(spec.materializedViews ?? [])].find((w) => w.schema === r.schema && w.name === r.name);
    return same === undefined || same.sql === view.definition;
  });
}

/**
 * The view reads a table whose columns the plan changes (a type, a column added or dropped):
 * spelled against today's columns, its text could read differently once the plan ran (`>= 18`
 * becomes `>= 18::numeric`), so it is left as the file writes it.
 */
function readsChangingTable(v: SpecView, current: Model, desired: Model): boolean {
  const shape = (t: Model['tables'][string] | undefined): string =>
    t === undefined
      ? ''
      : t.columns
          .map((c) => `${c.name}\u0000${c.type}`)
          .sort()
          .join('\u0001');
  return v.reads.some((r) => {
    const path = objectPath(r.schema, r.name);
    return current.tables[path] !== undefined && shape(current.tables[path]) !== shape(desired.tables[path]);
  });
}

/** The index columns of materialized view `v` that the server's spelling of it does not have: one diagnostic each, where written. */
function unknownIndexColumns(v: SpecView, spelled: View, file: string): Diagnostic[] {
  const names = new Set(spelled.columns.map((c) => c.name));
  return (v.materialized?.indexes ?? []).flatMap((i) =>
    i.columns
      .filter((c) => !names.has(c.value))
      .map((c) => ({
        ...c.pos,
        file: c.pos.file || file,
        code: 'unknown_column' as const,
        message: `index "${i.index.name}": materialized view "${objectPath(v.schema, v.name)}" has no column "${c.value}".${suggestion(c.value, names)}`,
        hint: `its columns are ${[...names].join(', ')}: name one of them, or add the column to its SELECT`,
      })),
  );
}

/**
 * By object path: each view of the file the server could spell (`desired`: the rest of the
 * desired Model, spelled). Problems that are the file's are diagnostics at the view's SQL.
 */
export async function spellViews(db: Db, spec: Spec, current: Model, desired: Model): Promise<{ spelled: Map<string, View>; diagnostics: Diagnostic[] }> {
  const spelled = new Map<string, View>();
  const diagnostics: Diagnostic[] = [];
  let n = 0;
  for (const v of [...(spec.views ?? []), ...(spec.materializedViews ?? [])]) {
    const path = objectPath(v.schema, v.name);
    const today = current.views?.[path];
    // Spelled against today's columns, such a view's text may read otherwise once the plan
    // changed them: kept only when it reads as today's, and marked so that the server's
    // spelling after the plan stands for it (see verify/scratch-replay.ts).
    const changing = readsChangingTable(v, current, desired);
    const asToday = (): View => ({ ...today!, comment: v.comment, ...(changing ? { unspelled: true as const } : {}) });
    if (today && today.definition === v.sql) {
      diagnostics.push(...unknownIndexColumns(v, today, spec.file));
      spelled.set(path, asToday());
      continue;
    }
    const temp = `schema_view$${++n}`;
    // Read, it is given back with its locks: a file of many views stays within the lock budget.
    const tried = await attempt(db, 'spelling_view', async () => {
      await db.query(`CREATE TEMPORARY VIEW ${quoteIdent(temp)} AS ${v.sql}`);
      const [row] = await db.query<ViewRow>(viewByOidSql(), [`pg_temp.${quoteIdent(temp)}`]);
      return row;
    });
    if (tried.ok) {
      const view = tried.value ? { ...buildView(tried.value), schema: v.schema, name: v.name, comment: v.comment } : null;
      if (view) diagnostics.push(...unknownIndexColumns(v, view, spec.file));
      if (view && !changing) spelled.set(path, view);
      else if (view && today && view.definition === today.definition) spelled.set(path, asToday());
    } else if (onSteadyGround(v, spec, current)) {
      diagnostics.push({
        ...v.sqlPos,
        file: v.sqlPos.file || spec.file,
        code: 'bad_expression',
        message: `view "${path}": ${tried.message.replaceAll(temp, v.name)}`,
        hint: 'the server refuses this SELECT: correct it (names are read with an empty search_path; functions and types of your own need their schema)',
      });
    }
  }
  return { spelled, diagnostics };
}
