// Random pairs of schemas with rows, for the round-trip property (test/property.test.ts and
// `npm run fuzz`): a schema A of 2 to 6 tables with rows that satisfy it, and a schema B made
// from A by a few mutations (renames, drops, type changes, keys, checks, indexes, foreign keys,
// enums). Objects carry ids, so B knows what each of its tables and columns was in A (its
// `renamed_from`) and which columns a change leaves alone. Everything is built from plain
// numbers drawn by fast-check, so a failing pair shrinks to fewer tables, columns, rows and
// mutations.
import fc from 'fast-check';
import {
  ENUM_VALUES,
  Ids,
  KEYABLE,
  CHECK_KINDS,
  APP,
  COLUMN_NAMES,
  ENUM_NAMES,
  TABLE_NAMES,
  TYPE_KINDS,
  colOf,
  distinct,
  family,
  pick,
  referenceable,
  sameCols,
  satisfying,
  checkHolds,
  tableNames,
  typeFrom,
  valueOf,
  defaultOf,
  type Col,
  type EnumDef,
  type FkDef,
  type Pair,
  type Row,
  type Schema,
  type Tab,
} from './pairs/model.js';
import { MUTATIONS, mutate, rawMutation, type MutationKind, type Mutating, type RawMutation } from './pairs/mutate.js';
import { describePair } from './pairs/render.js';

export { MUTATIONS, type MutationKind } from './pairs/mutate.js';
export { APP, qualified, type Pair, type Schema } from './pairs/model.js';
export { describePair, insertSql, toYaml, untouched } from './pairs/render.js';

// ---- the raw draws ----

const rawType = fc.record({ kind: fc.nat({ max: TYPE_KINDS.length - 1 }), a: fc.nat({ max: 3 }), b: fc.nat({ max: 2 }) });
const rawColumn = fc.record({ name: fc.nat({ max: 99 }), type: rawType, notNull: fc.boolean(), def: fc.option(fc.nat({ max: 999 }), { nil: undefined }) });
const rawTable = fc.record({
  name: fc.nat({ max: 99 }),
  /** In the second schema (`app`). */
  app: fc.boolean(),
  columns: fc.array(rawColumn, { minLength: 1, maxLength: 5 }),
  /** 0: one column; 1: none; 2: two columns; 3: one column, declared on it. */
  pk: fc.nat({ max: 3 }),
  uniques: fc.array(fc.record({ col: fc.nat({ max: 9 }), two: fc.boolean(), shorthand: fc.boolean() }), { maxLength: 2 }),
  checks: fc.array(fc.nat({ max: 9 }), { maxLength: 2 }),
  indexes: fc.array(fc.record({ cols: fc.array(fc.nat({ max: 9 }), { minLength: 1, maxLength: 2 }), unique: fc.boolean(), desc: fc.boolean(), partial: fc.boolean() }), { maxLength: 2 }),
  fks: fc.array(fc.record({ parent: fc.nat({ max: 9 }), onDelete: fc.nat({ max: 3 }) }), { maxLength: 2 }),
  rows: fc.array(fc.array(fc.nat({ max: 999 }), { minLength: 1, maxLength: 6 }), { maxLength: 4 }),
});
type RawTable = typeof rawTable extends fc.Arbitrary<infer T> ? T : never;
const rawEnum = fc.record({ name: fc.nat({ max: 9 }), values: fc.uniqueArray(fc.nat({ max: ENUM_VALUES.length - 1 }), { minLength: 1, maxLength: 4 }) });
type RawEnum = typeof rawEnum extends fc.Arbitrary<infer T> ? T : never;

export interface PairOptions {
  /** Mutation kinds left out (for instance while a known bug is being fixed). */
  readonly without?: readonly MutationKind[];
}

/** Pairs (A with rows, B), shrinking towards fewer and simpler tables and mutations. */
export function pairs(options: PairOptions = {}): fc.Arbitrary<Pair> {
  const kinds = MUTATIONS.filter((k) => !options.without?.includes(k));
  return fc
    .record({
      enums: fc.array(rawEnum, { maxLength: 2 }),
      tables: fc.array(rawTable, { minLength: 2, maxLength: 6 }),
      mutations: fc.array(rawMutation, { minLength: 1, maxLength: 6 }),
      added: fc.array(rawTable, { maxLength: 1 }),
    })
    .map((raw) =>
      buildPair(
        raw.enums,
        raw.tables,
        raw.mutations.map((m) => ({ ...m, kind: MUTATIONS.indexOf(kinds[m.kind % kinds.length]!) })),
        raw.added,
      ),
    );
}

/** A table from its raw draw; foreign keys to `parents` (tables made before it). */
function buildTable(raw: RawTable, ids: Ids, enums: readonly EnumDef[], takenTables: Set<string>, parents: readonly Tab[]): Tab {
  const name = pick(TABLE_NAMES, raw.name, takenTables);
  takenTables.add(name);
  const taken = new Set<string>();
  const columns: Col[] = raw.columns.map((rc) => {
    const cname = pick(COLUMN_NAMES, rc.name, taken);
    taken.add(cname);
    const type = typeFrom(rc.type, enums);
    return { id: ids.next(), name: cname, type, nullable: !rc.notNull, def: rc.def === undefined ? null : defaultOf(type, rc.def, enums) };
  });
  const t: Tab = { id: ids.next(), schema: raw.app ? APP : 'public', name, columns, pk: null, uniques: [], checks: [], indexes: [], fks: [] };
  const keyable = columns.filter((c) => KEYABLE.has(c.type.kind));
  if (raw.pk !== 1 && keyable.length > 0) {
    const cols = (raw.pk === 2 && keyable.length > 1 ? keyable.slice(0, 2) : keyable.slice(0, 1)).map((c) => c.id);
    t.pk = { name: `${name}_pkey`, cols, shorthand: raw.pk === 3 };
    for (const c of cols) colOf(t, c).nullable = false;
  }
  for (const u of raw.uniques) {
    if (keyable.length === 0) break;
    const first = keyable[u.col % keyable.length]!;
    const second = u.two ? keyable[(u.col + 1) % keyable.length]! : first;
    const cols = first === second ? [first.id] : [first.id, second.id];
    if ([t.pk, ...t.uniques].some((k) => k && sameCols(k.cols, cols))) continue;
    const shorthand = u.shorthand && cols.length === 1 && !t.uniques.some((k) => k.shorthand && k.cols[0] === cols[0]);
    t.uniques.push({ name: shorthand ? `${name}_${first.name}_key` : ids.name('uq'), cols, shorthand });
  }
  for (const c of raw.checks) {
    const col = columns[c % columns.length]!;
    const kinds = CHECK_KINDS[family(col.type)];
    const kind = kinds[c % kinds.length]!;
    // Every row of A satisfies these (see rowsOf); B draws harder ones.
    t.checks.push({ name: ids.name('ck'), col: col.id, kind, n: kind === 'max_len' ? 30 : kind === 'after' ? -400 : 0 });
  }
  for (const ix of raw.indexes) {
    const cols = [...new Set(ix.cols.map((i) => columns[i % columns.length]!.id))];
    const unique = ix.unique && cols.every((c) => KEYABLE.has(colOf(t, c).type.kind));
    t.indexes.push({ name: ids.name('ix'), cols, unique, desc: ix.desc, partial: ix.partial });
  }
  for (const fk of raw.fks) {
    if (parents.length === 0) break;
    const parent = parents[fk.parent % parents.length]!;
    const keys = referenceable(parent);
    if (keys.length === 0) continue;
    const key = keys[fk.parent % keys.length]!;
    // Columns of its own, so rows can take their values from the parent's (see rowsOf).
    const cols = key.map((k, i) => {
      const cname = pick(COLUMN_NAMES, fk.parent + 3 + i, taken);
      taken.add(cname);
      const col: Col = { id: ids.next(), name: cname, type: colOf(parent, k).type, nullable: true, def: null };
      columns.push(col);
      return col.id;
    });
    t.fks.push({ name: ids.name('fk'), cols, parent: parent.id, parentCols: key, onDelete: (['no_action', 'cascade', 'set_null', 'restrict'] as const)[fk.onDelete]! });
  }
  return t;
}

function buildEnums(raws: readonly RawEnum[], ids: Ids, taken: Set<string>): EnumDef[] {
  return raws.map((r) => {
    const name = pick(ENUM_NAMES, r.name, taken);
    taken.add(name);
    return { id: ids.next(), name, values: r.values.map((v) => ENUM_VALUES[v]!) };
  });
}

/** Rows of A: keys distinct, foreign keys pointing at a parent's row (or NULL), checks satisfied. */
function rowsOf(a: Schema, raws: readonly RawTable[]): Map<number, Row[]> {
  const rows = new Map<number, Row[]>();
  a.tables.forEach((t, ti) => {
    const keyCols = new Set<number>([...(t.pk?.cols ?? []), ...t.uniques.flatMap((u) => u.cols), ...t.indexes.filter((i) => i.unique).flatMap((i) => i.cols)]);
    const out: Row[] = raws[ti]!.rows.map((seeds, r) => {
      const row: Row = new Map();
      /** The draw of each foreign key's first column: its other columns follow the same parent row. */
      const drawn = new Map<FkDef, number>();
      t.columns.forEach((c, ci) => {
        const s = (seeds[ci % seeds.length]! + ci * 97) % 1000;
        let v: string | null;
        const fk = t.fks.find((f) => f.cols.includes(c.id));
        if (keyCols.has(c.id)) v = distinct(c.type, r);
        else if (fk) {
          // Every column of the key from the same parent row (the one the first column drew).
          const parentRows = rows.get(fk.parent) ?? [];
          const first = drawn.get(fk) ?? s;
          drawn.set(fk, first);
          v = parentRows.length === 0 || first % 5 === 4 ? null : parentRows[first % parentRows.length]!.get(fk.parentCols[fk.cols.indexOf(c.id)]!)!;
        } else v = c.nullable && s % 6 === 5 ? null : valueOf(c.type, s, a.enums);
        for (const check of t.checks) if (check.col === c.id && !checkHolds(check, v)) v = satisfying(check, c.type, s, a.enums);
        row.set(c.id, v);
      });
      return row;
    });
    rows.set(t.id, out);
  });
  return rows;
}

function buildPair(rawEnums: readonly RawEnum[], rawTables: readonly RawTable[], rawMutations: readonly RawMutation[], added: readonly RawTable[]): Pair {
  const ids = new Ids();
  const enums = buildEnums(rawEnums, ids, new Set());
  const taken = new Set<string>();
  const tables: Tab[] = [];
  for (const raw of rawTables) tables.push(buildTable(raw, ids, enums, taken, tables));
  const a: Schema = { enums, tables };
  const rows = rowsOf(a, rawTables);
  const m: Mutating = { a, b: structuredClone(a), ids };
  const mutations: string[] = [];
  for (const r of rawMutations) {
    const done = mutate(m, MUTATIONS[r.kind]!, r);
    if (done) mutations.push(done);
  }
  for (const raw of added) {
    const t = buildTable(raw, ids, m.b.enums, new Set([...tableNames(a), ...tableNames(m.b)]), m.b.tables);
    m.b.tables.push(t);
    mutations.push(`add_table ${t.name}`);
  }
  const pair: Pair = { a, b: m.b, rows, mutations };
  return Object.assign(pair, { [fc.toStringMethod]: () => describePair(pair) });
}
