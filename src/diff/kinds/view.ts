// Views: created, replaced (CREATE OR REPLACE when the new text only appends columns), dropped
// and created again, commented. A view standing on a table or column that the plan drops or
// retypes is dropped before and made again after (PostgreSQL refuses to retype a column a view
// reads), and so is every view standing on a view that goes; PostgreSQL follows renames itself.
// A materialized view has no CREATE OR REPLACE: a new text drops it and makes it again (its
// rows computed anew); its indexes are made and dropped by name, as a table's. A file without
// `materialized_views:` leaves the database's as they are, even when what they read goes (the
// plan then names them in the way: plan/kinds/view.ts). Pure.
import { objectPath } from '../../model/identifiers.js';
import type { Index, Model } from '../../model/model.js';
import { managedViews, viewWord, type View, type ViewUse } from '../../model/view.js';
import type { Change } from '../changes.js';
import { sameIndex } from './index.js';

export type ViewChange =
  /** `broken`: why making it fails (it reads what the plan drops), for the hazard; `again`: it exists today and is dropped first. */
  | { readonly kind: 'create_view'; readonly view: View; readonly broken?: string; readonly again?: true }
  | { readonly kind: 'replace_view'; readonly from: View; readonly to: View }
  | { readonly kind: 'comment_view'; readonly view: View }
  | { readonly kind: 'drop_view'; readonly view: View }
  | { readonly kind: 'create_view_index'; readonly view: View; readonly index: Index }
  | { readonly kind: 'drop_view_index'; readonly view: View; readonly index: Index };

/** The indexes of `a` that `b` has alike (same name, same definition). */
const sameIndexes = (a: View, b: View): boolean => {
  const x = a.materialized?.indexes ?? {};
  const y = b.materialized?.indexes ?? {};
  return Object.keys(x).length === Object.keys(y).length && Object.entries(x).every(([k, i]) => y[k] !== undefined && sameIndex(i, y[k]));
};

export const sameView = (a: View, b: View): boolean => a.definition === b.definition && a.comment === b.comment && !a.materialized === !b.materialized && sameIndexes(a, b);

/** The new columns start with the old ones, same names and types: CREATE OR REPLACE VIEW accepts it. */
function appendsOnly(from: View, to: View): boolean {
  if (from.materialized || to.materialized) return false;
  if (from.unspelled || to.unspelled || to.columns.length < from.columns.length) return false;
  return from.columns.every((c, i) => to.columns[i]?.name === c.name && to.columns[i]?.type === c.type);
}

/**
 * What a change of the plan does to something a view reads, and for people what. A view must go
 * before a column it reads is dropped or retyped; PostgreSQL follows a rename by itself, but a
 * view made again from its old text no longer finds a name the plan dropped or renamed.
 */
interface Move {
  readonly how: 'dropped' | 'renamed' | 'retyped';
  readonly what: string;
}

/** What the table changes of the plan do under the views, by the names of today. */
interface Moved {
  /** Relations dropped or renamed (object paths of today) -> what happens. */
  readonly relations: Map<string, Move>;
  /** `table path \0 column` of today -> what happens to the column. */
  readonly columns: Map<string, Move[]>;
  /** Tables (paths of today) with any column in `columns`. */
  readonly tables: Set<string>;
}

export interface ViewRenames {
  /** Desired table key -> its key today. */
  readonly tableFrom: ReadonlyMap<string, string>;
  /** Desired table key -> old column name -> new. */
  readonly columns: ReadonlyMap<string, ReadonlyMap<string, string>>;
}

function moved(changes: readonly Change[], renames: ViewRenames): Moved {
  const out: Moved = { relations: new Map(), columns: new Map(), tables: new Set() };
  const todayTable = (t: { schema: string; name: string }): string => {
    const key = objectPath(t.schema, t.name);
    return renames.tableFrom.get(key) ?? key;
  };
  const todayColumn = (t: { schema: string; name: string }, name: string): string => {
    const key = objectPath(t.schema, t.name);
    for (const [from, to] of renames.columns.get(key) ?? []) if (to === name) return from;
    return name;
  };
  const column = (table: string, name: string, how: Move['how'], what: string): void => {
    const key = `${table}\u0000${name}`;
    out.columns.set(key, [...(out.columns.get(key) ?? []), { how, what }]);
    out.tables.add(table);
  };
  for (const c of changes) {
    if (c.kind === 'drop_table') out.relations.set(objectPath(c.table.schema, c.table.name), { how: 'dropped', what: `table ${objectPath(c.table.schema, c.table.name)} is dropped` });
    else if (c.kind === 'rename_table') out.relations.set(objectPath(c.from.schema, c.from.name), { how: 'renamed', what: `table ${objectPath(c.from.schema, c.from.name)} is renamed` });
    else if (c.kind === 'drop_column') {
      const t = todayTable(c.table);
      column(t, c.column.name, 'dropped', `column ${t}.${objectPath(c.column.name)} is dropped`);
    } else if (c.kind === 'rename_column') {
      const t = todayTable(c.table);
      column(t, c.from, 'renamed', `column ${t}.${objectPath(c.from)} is renamed`);
    } else if (c.kind === 'alter_column' && c.changed.includes('type')) {
      const t = todayTable(c.table);
      const name = todayColumn(c.table, c.to.name);
      column(t, name, 'retyped', `column ${t}.${objectPath(name)} changes type`);
    }
  }
  return out;
}

/** What the plan does to what `uses` names. */
function hits(uses: readonly ViewUse[], m: Moved): Move[] {
  const out: Move[] = [];
  for (const u of uses) {
    const rel = objectPath(u.schema, u.name);
    const r = m.relations.get(rel);
    if (r) out.push(r);
    if (u.column !== null) {
      const c = m.columns.get(`${rel}\u0000${u.column}`);
      if (c) out.push(...c);
    } else if (m.tables.has(rel)) {
      for (const [key, c] of m.columns) if (key.startsWith(`${rel}\u0000`)) out.push(...c);
    }
  }
  return out;
}

/** The view changes from `base` to `desired`, given the plan's other changes. */
export function diffViews(base: Model, desired: Model, changes: readonly Change[], renames: ViewRenames): ViewChange[] {
  if (desired.views === undefined) return [];
  // Materialized views the file does not declare are kept as they are: never planned.
  const leaves = managedViews(desired).materialized ? (): boolean => false : (v: View): boolean => v.materialized !== undefined;
  const only = (views: Readonly<Record<string, View>>): Record<string, View> => Object.fromEntries(Object.entries(views).filter(([, v]) => !leaves(v)));
  const wanted = only(desired.views);
  const have = only(base.views ?? {});
  const m = moved(changes, renames);
  // The views of today that go (dropped, or dropped and made again), and why.
  const goes = new Map<string, string | null>();
  const broken = new Map<string, string>();
  for (const [key, from] of Object.entries(have)) {
    const to = wanted[key];
    if (!to) {
      goes.set(key, null);
      continue;
    }
    const h = hits(from.uses, m);
    const forcing = h.find((x) => x.how !== 'renamed');
    if (forcing) {
      goes.set(key, forcing.what);
      const gone = h.find((x) => x.how !== 'retyped');
      if (gone && to.definition === from.definition) broken.set(key, gone.what);
    } else if (!from.materialized !== !to.materialized || (to.definition !== from.definition && !appendsOnly(from, to))) goes.set(key, null);
  }
  // A view standing on a view that goes goes too (PostgreSQL refuses to drop the one under it).
  for (let grew = true; grew;) {
    grew = false;
    for (const [key, from] of Object.entries(have)) {
      if (goes.has(key)) continue;
      const under = from.uses.find((u) => goes.has(objectPath(u.schema, u.name)));
      if (under) {
        const path = objectPath(under.schema, under.name);
        goes.set(key, `view ${path} under it is made again`);
        // The one under it is dropped for good, and the file's text still reads it: making it again fails.
        if (!wanted[path] && wanted[key]?.uses.some((u) => objectPath(u.schema, u.name) === path)) broken.set(key, `${viewWord(have[path]!)} ${path} is dropped`);
        grew = true;
      }
    }
  }
  const out: ViewChange[] = [];
  for (const key of goes.keys()) out.push({ kind: 'drop_view', view: have[key]! });
  for (const [key, to] of Object.entries(wanted)) {
    const from = have[key];
    const made = !from || goes.has(key);
    if (made) {
      const why = broken.get(key);
      out.push({ kind: 'create_view', view: to, ...(why ? { broken: why } : {}), ...(from ? { again: true as const } : {}) });
    } else if (to.definition !== from.definition) out.push({ kind: 'replace_view', from, to });
    else if (to.comment !== from.comment) out.push({ kind: 'comment_view', view: to });
    // Indexes: all of one made (again); else those that differ, dropped and made.
    const old = made ? {} : (from.materialized?.indexes ?? {});
    const now = to.materialized?.indexes ?? {};
    for (const [name, i] of Object.entries(old)) if (!now[name] || !sameIndex(i, now[name])) out.push({ kind: 'drop_view_index', view: from!, index: i });
    for (const [name, i] of Object.entries(now)) if (!old[name] || !sameIndex(old[name], i)) out.push({ kind: 'create_view_index', view: to, index: i });
  }
  return out;
}
