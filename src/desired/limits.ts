// Limits PostgreSQL enforces only when the statement runs, checked in the file: columns in a
// table, columns in an index (INCLUDE columns count too) and in a key. Pure; each problem at
// the line of what goes over the limit.
import type { Diagnostic } from './diagnostics.js';
import type { SpecTable } from './spec.js';

/** MaxHeapAttributeNumber: the columns a table can have. */
export const MAX_TABLE_COLUMNS = 1600;
/** INDEX_MAX_KEYS (as PostgreSQL is built by default): the columns of an index, key or foreign key. */
export const MAX_INDEX_KEYS = 32;

const count = (n: number): string => n.toLocaleString('en-US');

export function limitDiagnostics(tables: readonly SpecTable[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const t of tables) {
    const label = t.schema === 'public' ? t.name : `${t.schema}.${t.name}`;
    const over = t.columns[MAX_TABLE_COLUMNS];
    if (over) {
      out.push({
        ...over.pos,
        code: 'limit_exceeded',
        message: `table "${label}" has ${count(t.columns.length)} columns, and PostgreSQL allows at most ${count(MAX_TABLE_COLUMNS)}: column "${over.name}" is the first one over`,
        hint: 'split the table: move columns that belong together into a table of their own, keyed by the same primary key',
      });
    }
    const keys = [
      ...(t.primaryKey ? [{ what: `primary key "${t.primaryKey.name}"`, pos: t.primaryKey.pos, n: t.primaryKey.columns.length }] : []),
      ...t.uniques.map((u) => ({ what: `unique constraint "${u.name}"`, pos: u.pos, n: u.columns.length })),
      ...t.foreignKeys.map((f) => ({ what: `foreign key "${f.name}"`, pos: f.pos, n: f.columns.length })),
    ];
    for (const k of keys) {
      if (k.n <= MAX_INDEX_KEYS) continue;
      out.push({
        ...k.pos,
        code: 'limit_exceeded',
        message: `${k.what} has ${k.n} columns, and PostgreSQL allows at most ${MAX_INDEX_KEYS} in a key`,
        hint: `key on at most ${MAX_INDEX_KEYS} columns (PostgreSQL's INDEX_MAX_KEYS), for instance on a surrogate key column`,
      });
    }
    for (const i of t.indexes) {
      const n = i.keys.length + i.include.length;
      if (n <= MAX_INDEX_KEYS) continue;
      out.push({
        ...i.pos,
        code: 'limit_exceeded',
        message: `index "${i.name}" has ${n} columns${i.include.length > 0 ? ` (${i.keys.length} keys and ${i.include.length} in include)` : ''}, and PostgreSQL allows at most ${MAX_INDEX_KEYS} in an index, include columns counted`,
        hint: `index at most ${MAX_INDEX_KEYS} columns (PostgreSQL's INDEX_MAX_KEYS), or split it into several indexes`,
      });
    }
  }
  return out;
}
