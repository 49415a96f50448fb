// (Model, Model, hints) -> Change[]. Pure. Compares what PostgreSQL stores, object by object,
// by name; `renamed_from` hints turn a drop and an add into a rename; foreign keys are dropped
// and re-added whenever anything they stand on changes.
import { implicitName, objectPath, parseQualifiedName, qualify, quoteLiteral, type QualifiedName } from '../model/identifiers.js';
import type { Hints } from '../model/hints.js';
import {
  columnNamed,
  type Check,
  type Column,
  type EnumType,
  type ForeignKey,
  type Index,
  type Model,
  type PrimaryKey,
  type Table,
  type Unique,
} from '../model/model.js';
import { mentionsColumn, mentionsType, renameColumnIn } from '../model/sql-tokens.js';
import type { Change, EnumAddition, EnumColumn } from './changes.js';

export interface DiffOptions {
  /** Schemas holding objects this tool does not manage: never dropped. */
  readonly occupiedSchemas?: readonly string[];
}

export interface DiffResult {
  readonly changes: readonly Change[];
  /** The renames that took effect, as hints (invert them for the way back). */
  readonly renames: Hints;
}

// ---- equality, field by field: what makes two objects the same ----

const sameList = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

export function sameColumn(a: Column, b: Column): boolean {
  return (
    a.type === b.type &&
    a.nullable === b.nullable &&
    a.default === b.default &&
    a.identity === b.identity &&
    a.comment === b.comment &&
    a.generated === b.generated
  );
}

const samePrimaryKey = (a: PrimaryKey, b: PrimaryKey): boolean => sameList(a.columns, b.columns);
const sameUnique = (a: Unique, b: Unique): boolean => sameList(a.columns, b.columns) && a.nullsNotDistinct === b.nullsNotDistinct;
const sameCheck = (a: Check, b: Check): boolean => a.definition === b.definition;

export function sameIndex(a: Index, b: Index): boolean {
  return (
    // An INVALID index (a failed concurrent build) is never the index wanted: build it again.
    !a.invalid &&
    !b.invalid &&
    a.unique === b.unique &&
    (a.nullsNotDistinct ?? false) === (b.nullsNotDistinct ?? false) &&
    a.method === b.method &&
    a.where === b.where &&
    sameList(a.include, b.include) &&
    a.keys.length === b.keys.length &&
    a.keys.every((k, i) => {
      const o = b.keys[i]!;
      return k.column === o.column && k.expression === o.expression && k.descending === o.descending && k.nullsFirst === o.nullsFirst;
    })
  );
}

export function sameForeignKey(a: ForeignKey, b: ForeignKey): boolean {
  return (
    sameList(a.columns, b.columns) &&
    a.references.schema === b.references.schema &&
    a.references.table === b.references.table &&
    sameList(a.references.columns, b.references.columns) &&
    a.onDelete === b.onDelete &&
    a.onUpdate === b.onUpdate &&
    a.match === b.match &&
    a.deferrable === b.deferrable &&
    a.initiallyDeferred === b.initiallyDeferred
  );
}

// ---- renames ----

function mapValues<T, U>(record: Readonly<Record<string, T>>, fn: (v: T) => U): Record<string, U> {
  const out: Record<string, U> = {};
  for (const [k, v] of Object.entries(record)) out[k] = fn(v);
  return out;
}

/** The current Model as it will be once the renames have run, so everything else compares by final names. */
function applyRenames(
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
function validRenames(hints: Iterable<readonly [string, string]>, exists: (name: string) => boolean, wanted: (name: string) => boolean): Map<string, string> {
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
  for (let changed = true; changed; ) {
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

function effectiveRenames(current: Model, desired: Model, hints: Hints) {
  const tableHints = [...hints.tables].map(([to, from]) => [to, objectPath(from.schema, from.name)] as const);
  const tables = validRenames(tableHints, (k) => current.tables[k] !== undefined, (k) => desired.tables[k] !== undefined); // desired key -> current key
  const columns = new Map<string, Map<string, string>>(); // desired key -> old -> new
  for (const [key, renames] of hints.columns) {
    const d = desired.tables[key];
    const c = current.tables[tables.get(key) ?? key];
    if (!d || !c) continue;
    const valid = validRenames(renames, (n) => columnNamed(c, n) !== undefined, (n) => columnNamed(d, n) !== undefined);
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
  return { tables, columns };
}

// ---- the diff ----

function pairRenames<T extends { readonly name: string }>(removed: T[], added: T[], same: (a: T, b: T) => boolean): Array<[T, T]> {
  const pairs: Array<[T, T]> = [];
  for (const r of [...removed]) {
    const match = added.find((a) => same(r, a));
    if (!match) continue;
    pairs.push([r, match]);
    removed.splice(removed.indexOf(r), 1);
    added.splice(added.indexOf(match), 1);
  }
  return pairs;
}

const keySignature = (columns: readonly string[]): string => [...columns].sort().join('\u0000');

interface TableFacts {
  /** table key -> dropped column names */
  readonly droppedColumns: Map<string, Set<string>>;
  /** table key -> columns whose type changes */
  readonly retypedColumns: Map<string, Set<string>>;
  /** table key -> signatures of unique keys dropped or rebuilt */
  readonly droppedKeys: Map<string, Set<string>>;
  /** `table key \0 object name` of checks, indexes and foreign keys that must be rebuilt */
  readonly forced: Set<string>;
}

function add<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(value);
}

function diffEnums(base: Model, desired: Model, changes: Change[], facts: TableFacts): void {
  const allText = (m: Model): string[] =>
    Object.values(m.tables).flatMap((t) => [
      ...t.columns.map((c) => c.default ?? ''),
      ...Object.values(t.checks).map((c) => c.definition),
      ...Object.values(t.indexes).flatMap((i) => [i.where ?? '', ...i.keys.map((k) => k.expression ?? '')]),
    ]);
  const desiredText = allText(desired);
  for (const [key, to] of Object.entries(desired.enums)) {
    const from = base.enums[key];
    if (!from) {
      changes.push({ kind: 'create_enum', enum: to });
      continue;
    }
    if (sameList(from.values, to.values)) continue;
    const kept = to.values.filter((v) => from.values.includes(v));
    const added = to.values.filter((v) => !from.values.includes(v));
    // A value added in a transaction cannot be used in it; rebuild when the plan uses one.
    const typeName = qualify(to.schema, to.name);
    const usesNew = added.some((v) => desiredText.some((t) => t.includes(`${quoteLiteral(v)}::${typeName}`)));
    if (sameList(kept, from.values) && !usesNew) {
      const additions: EnumAddition[] = added.map((value) => {
        const at = to.values.indexOf(value);
        const after = at > 0 ? to.values[at - 1]! : null;
        return { value, after, before: after === null ? (to.values[at + 1] ?? null) : null };
      });
      changes.push({ kind: 'add_enum_values', enum: to, additions });
      continue;
    }
    let retiredName = implicitName(to.name, null, 'retired');
    for (let n = 2; base.enums[objectPath(to.schema, retiredName)] || desired.enums[objectPath(to.schema, retiredName)]; n++) {
      retiredName = implicitName(to.name, null, `retired${n}`);
    }
    const columns: EnumColumn[] = [];
    for (const [tkey, dt] of Object.entries(desired.tables)) {
      const bt = base.tables[tkey];
      if (!bt) continue;
      let touched = false;
      for (const dc of dt.columns) {
        const bc = columnNamed(bt, dc.name);
        const isK = (c: Column | undefined): boolean => c?.typeRef?.schema === to.schema && c.typeRef.name === to.name;
        if (!bc || !isK(bc) || !isK(dc) || bc.typeRef!.array !== dc.typeRef!.array) continue;
        columns.push({ table: dt, column: dc.name, array: dc.typeRef!.array, oldDefault: bc.default, newDefault: dc.default });
        touched = true;
      }
      if (!touched) continue;
      // Stored expressions naming the old type would not survive the conversion: rebuild them.
      for (const c of Object.values(bt.checks)) if (mentionsType(c.definition, to.schema, to.name)) facts.forced.add(`${tkey}\u0000${c.name}`);
      for (const i of Object.values(bt.indexes)) {
        const text = [i.where ?? '', ...i.keys.map((k) => k.expression ?? '')].join(' ');
        if (mentionsType(text, to.schema, to.name)) facts.forced.add(`${tkey}\u0000${i.name}`);
      }
    }
    changes.push({ kind: 'rebuild_enum', from, to, retiredName, columns });
    changes.push({ kind: 'drop_enum', enum: { ...from, name: retiredName }, retiredFrom: from });
  }
  for (const [key, e] of Object.entries(base.enums)) if (!desired.enums[key]) changes.push({ kind: 'drop_enum', enum: e, retiredFrom: null });
}

function diffNamed<T extends { readonly name: string }>(
  tkey: string,
  from: Readonly<Record<string, T>>,
  to: Readonly<Record<string, T>>,
  same: (a: T, b: T) => boolean,
  facts: TableFacts,
): { dropped: T[]; added: T[]; renamed: Array<[T, T]> } {
  const dropped: T[] = [];
  const added: T[] = [];
  for (const [name, a] of Object.entries(from)) {
    const b = to[name];
    if (!b) dropped.push(a);
    else if (!same(a, b) || facts.forced.has(`${tkey}\u0000${name}`)) {
      dropped.push(a);
      added.push(b);
    }
  }
  for (const [name, b] of Object.entries(to)) if (!from[name]) added.push(b);
  const renamed = pairRenames(
    dropped.filter((d) => !to[d.name]),
    added.filter((a) => !from[a.name]),
    same,
  );
  const renamedFrom = new Set(renamed.map(([a]) => a.name));
  const renamedTo = new Set(renamed.map(([, b]) => b.name));
  return {
    dropped: dropped.filter((d) => !renamedFrom.has(d.name) || to[d.name] !== undefined),
    added: added.filter((a) => !renamedTo.has(a.name) || from[a.name] !== undefined),
    renamed,
  };
}

/**
 * A column that becomes generated is dropped and added again (PostgreSQL cannot add an
 * expression to a column), and what stands on it goes with it: rebuild those too.
 */
function rebuildOn(tkey: string, bt: Table, columns: ReadonlySet<string>, facts: TableFacts): void {
  const on = (names: readonly string[], texts: ReadonlyArray<string | null> = []): boolean =>
    names.some((n) => columns.has(n)) || texts.some((t) => t !== null && [...columns].some((c) => mentionsColumn(t, c)));
  for (const c of columns) add(facts.retypedColumns, tkey, c);
  for (const u of Object.values(bt.uniques)) if (on(u.columns)) facts.forced.add(`${tkey}\u0000${u.name}`);
  for (const c of Object.values(bt.checks)) if (on([], [c.definition])) facts.forced.add(`${tkey}\u0000${c.name}`);
  for (const i of Object.values(bt.indexes)) {
    if (on([...i.keys.flatMap((k) => (k.column === null ? [] : [k.column])), ...i.include], [i.where, ...i.keys.map((k) => k.expression)])) facts.forced.add(`${tkey}\u0000${i.name}`);
  }
}

function diffTable(tkey: string, bt: Table, dt: Table, changes: Change[], facts: TableFacts): void {
  for (const c of bt.columns) {
    if (!columnNamed(dt, c.name)) {
      changes.push({ kind: 'drop_column', table: bt, column: c });
      add(facts.droppedColumns, tkey, c.name);
    }
  }
  const regenerated = new Set<string>();
  for (const c of dt.columns) {
    const old = columnNamed(bt, c.name);
    if (!old) changes.push({ kind: 'add_column', table: dt, column: c });
    else if (!sameColumn(old, c)) {
      changes.push({ kind: 'alter_column', table: dt, from: old, to: c });
      if (old.type !== c.type) add(facts.retypedColumns, tkey, c.name);
      if (c.generated !== undefined && old.generated !== c.generated) regenerated.add(c.name);
    }
  }
  rebuildOn(tkey, bt, regenerated, facts);

  // Primary key.
  const bpk = bt.primaryKey;
  const dpk = dt.primaryKey;
  if (bpk && dpk && samePrimaryKey(bpk, dpk) && !bpk.columns.some((c) => regenerated.has(c))) {
    if (bpk.name !== dpk.name) changes.push({ kind: 'rename_constraint', table: dt, from: bpk.name, to: dpk.name, constraint: dpk });
  } else {
    if (bpk) {
      changes.push({ kind: 'drop_primary_key', table: bt, key: bpk });
      add(facts.droppedKeys, tkey, keySignature(bpk.columns));
    }
    if (dpk) changes.push({ kind: 'add_primary_key', table: dt, key: dpk });
  }

  const uniques = diffNamed(tkey, bt.uniques, dt.uniques, sameUnique, facts);
  for (const u of uniques.dropped) {
    changes.push({ kind: 'drop_unique', table: bt, unique: u });
    add(facts.droppedKeys, tkey, keySignature(u.columns));
  }
  for (const [a, b] of uniques.renamed) changes.push({ kind: 'rename_constraint', table: dt, from: a.name, to: b.name, constraint: b });
  for (const u of uniques.added) changes.push({ kind: 'add_unique', table: dt, unique: u });

  const checks = diffNamed(tkey, bt.checks, dt.checks, sameCheck, facts);
  for (const c of checks.dropped) changes.push({ kind: 'drop_check', table: bt, check: c });
  for (const [a, b] of checks.renamed) changes.push({ kind: 'rename_constraint', table: dt, from: a.name, to: b.name, constraint: b });
  for (const c of checks.added) changes.push({ kind: 'add_check', table: dt, check: c });
  const dropped = new Set(checks.dropped.map((c) => c.name));
  for (const c of Object.values(bt.checks)) {
    if (c.notValid && dt.checks[c.name] && !dropped.has(c.name)) changes.push({ kind: 'validate_constraint', table: dt, constraint: dt.checks[c.name]! });
  }

  const indexes = diffNamed(tkey, bt.indexes, dt.indexes, sameIndex, facts);
  for (const i of indexes.dropped) {
    changes.push({ kind: 'drop_index', table: bt, index: i });
    if (i.unique && i.where === null && i.keys.every((k) => k.column !== null)) add(facts.droppedKeys, tkey, keySignature(i.keys.map((k) => k.column!)));
  }
  for (const [a, b] of indexes.renamed) changes.push({ kind: 'rename_index', table: dt, from: a.name, to: b.name });
  for (const i of indexes.added) changes.push({ kind: 'create_index', table: dt, index: i });

  if (bt.comment !== dt.comment) changes.push({ kind: 'alter_table', table: dt, fromComment: bt.comment });
}

function diffForeignKeys(base: Model, desired: Model, changes: Change[], facts: TableFacts): void {
  const readd = new Set<string>(); // desired table key \0 fk name
  const renamedTo = new Set<string>();
  for (const [tkey, bt] of Object.entries(base.tables)) {
    const dt = desired.tables[tkey];
    const standsOnChange = (fk: ForeignKey): boolean => {
      const refKey = objectPath(fk.references.schema, fk.references.table);
      return (
        fk.columns.some((c) => facts.droppedColumns.get(tkey)?.has(c) || facts.retypedColumns.get(tkey)?.has(c)) ||
        fk.references.columns.some((c) => facts.droppedColumns.get(refKey)?.has(c) || facts.retypedColumns.get(refKey)?.has(c)) ||
        facts.droppedKeys.get(refKey)?.has(keySignature(fk.references.columns)) === true ||
        !desired.tables[refKey] ||
        facts.forced.has(`${tkey}\u0000${fk.name}`)
      );
    };
    // A key that only changed its name is renamed: no re-check of every row under lock.
    const gone = Object.values(bt.foreignKeys).filter((fk) => dt && !dt.foreignKeys[fk.name] && !standsOnChange(fk));
    const arriving = dt ? Object.values(dt.foreignKeys).filter((fk) => !bt.foreignKeys[fk.name]) : [];
    const renames = pairRenames(gone, arriving, sameForeignKey);
    for (const [from, to] of renames) {
      changes.push({ kind: 'rename_constraint', table: dt!, from: from.name, to: to.name, constraint: to });
      renamedTo.add(`${tkey}\u0000${to.name}`);
      if (from.notValid) changes.push({ kind: 'validate_constraint', table: dt!, constraint: to });
    }
    const renamedFrom = new Set(renames.map(([from]) => from.name));
    for (const fk of Object.values(bt.foreignKeys)) {
      if (renamedFrom.has(fk.name)) continue;
      const wanted = dt?.foreignKeys[fk.name];
      if (!dt || !wanted || !sameForeignKey(fk, wanted) || standsOnChange(fk)) {
        changes.push({ kind: 'drop_foreign_key', table: bt, foreignKey: fk });
        if (dt && wanted) readd.add(`${tkey}\u0000${fk.name}`);
      } else if (fk.notValid) {
        changes.push({ kind: 'validate_constraint', table: dt, constraint: wanted });
      }
    }
  }
  for (const [tkey, dt] of Object.entries(desired.tables)) {
    const bt = base.tables[tkey];
    for (const fk of Object.values(dt.foreignKeys)) {
      if (renamedTo.has(`${tkey}\u0000${fk.name}`)) continue;
      if (!bt || !bt.foreignKeys[fk.name] || readd.has(`${tkey}\u0000${fk.name}`)) {
        changes.push({ kind: 'add_foreign_key', table: dt, foreignKey: fk });
      }
    }
  }
}

/** Every difference between `current` and `desired`, as Changes. Never touches a database. */
export function diff(current: Model, desired: Model, hints: Hints, options: DiffOptions = {}): DiffResult {
  const renames = effectiveRenames(current, desired, hints);
  const tableTo = new Map([...renames.tables].map(([to, from]) => [from, to]));
  const base = applyRenames(current, desired, tableTo, renames.columns);
  const changes: Change[] = [];
  const facts: TableFacts = { droppedColumns: new Map(), retypedColumns: new Map(), droppedKeys: new Map(), forced: new Set() };

  for (const s of desired.schemas) if (!base.schemas.includes(s)) changes.push({ kind: 'create_schema', schema: s });
  const occupied = new Set(options.occupiedSchemas ?? []);
  for (const s of base.schemas) {
    if (!desired.schemas.includes(s) && s !== 'public' && !occupied.has(s)) changes.push({ kind: 'drop_schema', schema: s });
  }

  for (const [to, from] of renames.tables) {
    const t = current.tables[from]!;
    const d = desired.tables[to]!;
    const renamedColumns = new Set(renames.columns.get(to)?.values() ?? []);
    const columns = d.columns.map((c) => c.name).filter((c) => !renamedColumns.has(c));
    changes.push({ kind: 'rename_table', from: { schema: t.schema, name: t.name }, to: { schema: d.schema, name: d.name }, table: d, columns });
  }
  for (const [key, m] of renames.columns) {
    for (const [from, to] of m) changes.push({ kind: 'rename_column', table: desired.tables[key]!, from, to });
  }

  diffEnums(base, desired, changes, facts);

  for (const [tkey, bt] of Object.entries(base.tables)) {
    if (!desired.tables[tkey]) changes.push({ kind: 'drop_table', table: bt });
  }
  for (const [tkey, dt] of Object.entries(desired.tables)) {
    const bt = base.tables[tkey];
    if (!bt) {
      changes.push({ kind: 'create_table', table: dt });
      for (const index of Object.values(dt.indexes)) changes.push({ kind: 'create_index', table: dt, index });
    } else {
      diffTable(tkey, bt, dt, changes, facts);
    }
  }
  diffForeignKeys(base, desired, changes, facts);

  return { changes, renames: asHints(current, renames) };
}

function asHints(current: Model, renames: ReturnType<typeof effectiveRenames>): Hints {
  return {
    tables: new Map([...renames.tables].map(([to, from]) => [to, { schema: current.tables[from]!.schema, name: current.tables[from]!.name }])),
    columns: new Map([...renames.columns].map(([key, m]) => [key, new Map([...m].map(([from, to]) => [to, from]))])),
  };
}

/** The renames of `hints` that take effect from `current` to `desired`: `diff`'s `renames`, without the diff. */
export function effectiveHints(current: Model, desired: Model, hints: Hints): Hints {
  return asHints(current, effectiveRenames(current, desired, hints));
}
