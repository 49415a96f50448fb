// Renames: which `renamed_from` hints take effect, and the current Model as it will be once
// they have run, so everything else compares by final names. Pure.
import { objectPath, parseQualifiedName, type QualifiedName } from '../model/identifiers.js';
import type { Hints } from '../model/hints.js';
import { columnNamed, type ForeignKey, type Model, type Table } from '../model/model.js';
import { renameColumnIn } from '../model/sql-tokens.js';

export function mapValues<T, U>(record: Readonly<Record<string, T>>, fn: (v: T) => U): Record<string, U> {
  const out: Record<string, U> = {};
  for (const [k, v] of Object.entries(record)) out[k] = fn(v);
  return out;
}

/** The current Model as it will be once the renames have run, so everything else compares by final names. */
export function applyRenames(
  current: Model,
  desired: Model,
  tableTo: ReadonlyMap<string, string>, // current key -> desired key
  columnRenames: ReadonlyMap<string, ReadonlyMap<string, string>>, // desired key -> old -> new
): Model {
  const renameRef = (ref: ForeignKey['references']): ForeignKey['references'] => {
    const from = objectPath(ref.schema, ref.table);
    const to = tableTo.get(from) ?? from;
    const target = to === from ? null : desired.tables[to]!;
    const cols = columnRenames.get(to);
    return {
      schema: target?.schema ?? ref.schema,
      table: target?.name ?? ref.table,
      columns: ref.columns.map((c) => cols?.get(c) ?? c),
    };
  };
  const tables: Record<string, Table> = {};
  for (const [key, t] of Object.entries(current.tables)) {
    const to = tableTo.get(key) ?? key;
    const target = to === key ? null : desired.tables[to]!;
    const cols = columnRenames.get(to) ?? new Map<string, string>();
    const rc = (c: string): string => cols.get(c) ?? c;
    tables[to] = {
      ...t,
      schema: target?.schema ?? t.schema,
      name: target?.name ?? t.name,
      columns: t.columns.map((c) => ({ ...c, name: rc(c.name) })),
      primaryKey: t.primaryKey ? { ...t.primaryKey, columns: t.primaryKey.columns.map(rc) } : null,
      uniques: mapValues(t.uniques, (u) => ({ ...u, columns: u.columns.map(rc) })),
      checks: mapValues(t.checks, (c) => ({ ...c, definition: renameColumnIn(c.definition, cols) })),
      indexes: mapValues(t.indexes, (i) => ({
        ...i,
        keys: i.keys.map((k) => ({
          ...k,
          column: k.column === null ? null : rc(k.column),
          expression: k.expression === null ? null : renameColumnIn(k.expression, cols),
        })),
        include: i.include.map(rc),
        where: i.where === null ? null : renameColumnIn(i.where, cols),
      })),
      foreignKeys: mapValues(t.foreignKeys, (f) => ({ ...f, columns: f.columns.map(rc), references: renameRef(f.references) })),
    };
  }
  return { ...current, tables };
}

/**
 * The renames that can take effect, as target -> source. A rename needs its source today and
 * its target wanted. The target may exist today only when it is itself renamed away, and the
 * source may still be wanted only when it is itself the target of a rename (a chain: `a` from
 * `b`, `b` from `c`); a rename never takes an occupied name. A source claimed twice is no
 * rename, and neither is a cycle (a swap cannot be told apart from its result, so the loader
 * rejects both).
 */
export function validRenames(hints: Iterable<readonly [string, string]>, exists: (name: string) => boolean, wanted: (name: string) => boolean): Map<string, string> {
  const out = new Map<string, string>();
  const claims = new Map<string, number>();
  for (const [to, from] of hints) {
    if (to === from || !wanted(to) || !exists(from)) continue;
    out.set(to, from);
    claims.set(from, (claims.get(from) ?? 0) + 1);
  }
  for (const [to, from] of out) if (claims.get(from)! > 1) out.delete(to);
  const inCycle = (start: string): boolean => {
    let at = out.get(start);
    for (let n = 0; at !== undefined && at !== start && n < out.size; n++) at = out.get(at);
    return at === start;
  };
  for (let changed = true; changed;) {
    changed = false;
    const sources = new Set(out.values());
    for (const [to, from] of out) {
      if ((exists(to) && !sources.has(to)) || (wanted(from) && !out.has(from)) || inCycle(to)) {
        out.delete(to);
        changed = true;
      }
    }
  }
  return out;
}

export function effectiveRenames(current: Model, desired: Model, hints: Hints) {
  const tableHints = [...hints.tables].map(([to, from]) => [to, objectPath(from.schema, from.name)] as const);
  const tables = validRenames(
    tableHints,
    (k) => current.tables[k] !== undefined,
    (k) => desired.tables[k] !== undefined,
  ); // desired key -> current key
  const columns = new Map<string, Map<string, string>>(); // desired key -> old -> new
  for (const [key, renames] of hints.columns) {
    const d = desired.tables[key];
    const c = current.tables[tables.get(key) ?? key];
    if (!d || !c) continue;
    const valid = validRenames(
      renames,
      (n) => columnNamed(c, n) !== undefined,
      (n) => columnNamed(d, n) !== undefined,
    );
    if (valid.size > 0) columns.set(key, new Map([...valid].map(([to, from]) => [from, to])));
  }
  return { tables, columns };
}

/** The hints that undo `renames` (for the downgrade's diff). */
export function invertHints(renames: Hints): Hints {
  const tables = new Map<string, QualifiedName>();
  const keyOf = new Map<string, string>(); // renamed key -> original key
  for (const [to, from] of renames.tables) {
    const fromKey = objectPath(from.schema, from.name);
    // An object path is quoted parts joined by dots, so it reads back exactly.
    tables.set(fromKey, parseQualifiedName(to)!);
    keyOf.set(to, fromKey);
  }
  const columns = new Map<string, Map<string, string>>();
  for (const [key, m] of renames.columns) {
    const inverted = new Map<string, string>();
    for (const [to, from] of m) inverted.set(from, to);
    columns.set(keyOf.get(key) ?? key, inverted);
  }
  const enumValues = new Map([...(renames.enumValues ?? [])].map(([key, m]) => [key, new Map([...m].map(([to, from]) => [from, to]))]));
  return { tables, columns, ...(enumValues.size > 0 ? { enumValues } : {}) };
}

export function asHints(current: Model, renames: ReturnType<typeof effectiveRenames>): Hints {
  return {
    tables: new Map([...renames.tables].map(([to, from]) => [to, { schema: current.tables[from]!.schema, name: current.tables[from]!.name }])),
    columns: new Map([...renames.columns].map(([key, m]) => [key, new Map([...m].map(([from, to]) => [to, from]))])),
  };
}
