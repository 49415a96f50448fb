// B: schema A changed by a list of mutations drawn as plain numbers (which table, which column,
// which variant), each applied to what is there by then or skipped when it does not apply, so a
// failing pair shrinks to fewer and simpler mutations.
import fc from 'fast-check';
import {
  APP,
  CHECK_KINDS,
  COLUMN_NAMES,
  ENUM_NAMES,
  ENUM_VALUES,
  TABLE_NAMES,
  TYPE_KINDS,
  colOf,
  defaultFits,
  defaultOf,
  family,
  pick,
  qualified,
  referenceable,
  sameCols,
  sameType,
  typeFrom,
  typeText,
  type CheckDef,
  type Col,
  type EnumDef,
  type FkDef,
  type IndexDef,
  type Ids,
  type Key,
  type Schema,
  type Tab,
  type Type,
} from './model.js';

export const MUTATIONS = [
  'rename_column',
  'rename_table',
  'move_table',
  'add_column',
  'drop_column',
  'retype_column',
  'toggle_null',
  'set_default',
  'drop_table',
  'add_check',
  'drop_check',
  'change_check',
  'add_unique',
  'drop_unique',
  'add_index',
  'drop_index',
  'change_index',
  'drop_pk',
  'add_pk',
  'add_fk',
  'drop_fk',
  'change_fk',
  'add_enum_value',
  'drop_enum_value',
  'move_enum_value',
  'add_enum',
  'drop_enum',
] as const;
export type MutationKind = (typeof MUTATIONS)[number];
export const rawMutation = fc.record({ kind: fc.nat({ max: MUTATIONS.length - 1 }), t: fc.nat({ max: 99 }), x: fc.nat({ max: 99 }), y: fc.nat({ max: 999 }) });
export type RawMutation = typeof rawMutation extends fc.Arbitrary<infer T> ? T : never;

export interface Mutating {
  readonly a: Schema;
  readonly b: Schema;
  readonly ids: Ids;
}

/**
 * Names object `id` may not take, among objects that were `before` and are `now` (by id): the
 * names in use; for a new object, the old names of objects renamed (a file may not define a
 * rename's source); for a renamed one, the names of objects dropped (renaming onto a name the
 * database keeps until the plan drops it is issue 14's first bug, fixed elsewhere; `drop_*`
 * keeps it so) and those that would close a cycle of renames (a swap, which the file may not ask
 * for). A name another rename frees is allowed: that is a chain.
 */
function barred(id: number, before: ReadonlyArray<{ id: number; name: string }>, now: ReadonlyArray<{ id: number; name: string }>): Set<string> {
  const out = new Set(now.map((x) => x.name));
  const oldName = before.find((x) => x.id === id)?.name;
  if (oldName === undefined) {
    for (const x of before) if (now.some((y) => y.id === x.id)) out.add(x.name);
    return out;
  }
  for (const x of before) if (!now.some((y) => y.id === x.id)) out.add(x.name);
  // Taking name n closes a cycle when the object that had n in A goes, rename by rename, to oldName.
  for (const x of before) {
    let name = x.name;
    for (let steps = 0; steps <= before.length; steps++) {
      const owner = before.find((y) => y.name === name && y.id !== id);
      const next = owner && now.find((y) => y.id === owner.id)?.name;
      if (next === undefined || next === name) break;
      if (next === oldName) {
        out.add(x.name);
        break;
      }
      name = next;
    }
  }
  return out;
}

function freshTableName(m: Mutating, t: Tab, n: number): string {
  return pick(TABLE_NAMES, n, barred(t.id, m.a.tables, m.b.tables));
}
function freshColumnName(m: Mutating, t: Tab, n: number, id = -1): string {
  return pick(COLUMN_NAMES, n, barred(id, m.a.tables.find((x) => x.id === t.id)?.columns ?? [], t.columns));
}
/** The name `id` had in A, when another table or column of B has taken it since. */
const nameTaken = (aName: string | undefined, bNames: readonly string[]): boolean => aName !== undefined && bNames.includes(aName);

/** Foreign keys (of every table) that reference `cols` of table `id`. */
function dropReferences(b: Schema, id: number, cols: readonly number[] | null): void {
  for (const t of b.tables) t.fks = t.fks.filter((f) => f.parent !== id || (cols !== null && !sameCols(f.parentCols, cols)));
}

/** Columns that must keep one type with `col`: those its foreign keys join it to, transitively. */
function linked(b: Schema, table: number, col: number): Array<[Tab, Col]> {
  const seen = new Set<string>();
  const out: Array<[Tab, Col]> = [];
  const visit = (tid: number, cid: number): void => {
    const key = `${tid}.${cid}`;
    if (seen.has(key)) return;
    seen.add(key);
    const t = b.tables.find((x) => x.id === tid)!;
    out.push([t, colOf(t, cid)]);
    for (const f of t.fks) f.cols.forEach((c, i) => c === cid && visit(f.parent, f.parentCols[i]!));
    for (const other of b.tables) for (const f of other.fks) f.parentCols.forEach((c, i) => f.parent === tid && c === cid && visit(other.id, f.cols[i]!));
  };
  visit(table, col);
  return out;
}

/** The types a column of type `t` may change to. */
function retypes(t: Type, enums: readonly EnumDef[]): Type[] {
  const anEnum: Type[] = enums.length > 0 ? [{ kind: 'enum', enum: enums[0]!.id }] : [];
  switch (t.kind) {
    case 'integer':
      return [{ kind: 'bigint' }, { kind: 'numeric', p: 12, s: 2 }, { kind: 'text' }, { kind: 'varchar', n: 10 }];
    case 'bigint':
      return [{ kind: 'integer' }, { kind: 'numeric', p: 12, s: 0 }, { kind: 'text' }];
    case 'numeric':
      return [{ kind: 'numeric', p: t.p! + 2, s: t.s! }, { kind: 'numeric', p: t.p!, s: Math.max(0, t.s! - 1) }, { kind: 'integer' }, { kind: 'bigint' }, { kind: 'text' }];
    case 'text':
      return [{ kind: 'varchar', n: 10 }, { kind: 'integer' }, { kind: 'jsonb' }, { kind: 'boolean' }, ...anEnum];
    case 'varchar':
      return [{ kind: 'varchar', n: t.n! * 2 }, { kind: 'varchar', n: Math.max(1, t.n! / 2) }, { kind: 'text' }, { kind: 'integer' }];
    case 'boolean':
      return [{ kind: 'text' }];
    case 'date':
      return [{ kind: 'timestamptz' }, { kind: 'text' }];
    case 'timestamptz':
      return [{ kind: 'date' }, { kind: 'text' }];
    case 'uuid':
    case 'jsonb':
      return [{ kind: 'text' }];
    case 'enum':
      return [{ kind: 'text' }, ...enums.filter((e) => e.id !== t.enum).map((e) => ({ kind: 'enum' as const, enum: e.id }))];
  }
}

export function mutate(m: Mutating, kind: MutationKind, r: RawMutation): string | null {
  const { b, ids } = m;
  const t = b.tables.length > 0 ? b.tables[r.t % b.tables.length]! : null;
  const col = t ? t.columns[r.x % t.columns.length]! : null;
  const label = (what: string): string => `${kind} ${what}`;
  if (kind === 'add_enum') {
    const name = pick(ENUM_NAMES, r.x, new Set([...m.a.enums, ...b.enums].map((e) => e.name)));
    const values = [...new Set([r.y % 8, (r.y >> 3) % 8].map((i) => ENUM_VALUES[i]!))];
    b.enums.push({ id: ids.next(), name, values });
    return label(name);
  }
  if (kind === 'add_enum_value' || kind === 'drop_enum_value' || kind === 'move_enum_value' || kind === 'drop_enum') {
    const e = b.enums[r.x % Math.max(1, b.enums.length)];
    if (!e) return null;
    const users = b.tables.flatMap((tb) => tb.columns.filter((c) => c.type.kind === 'enum' && c.type.enum === e.id));
    if (kind === 'drop_enum') {
      if (users.length > 0) return null;
      b.enums = b.enums.filter((x) => x !== e);
      return label(e.name);
    }
    if (kind === 'add_enum_value') {
      const value = ENUM_VALUES.find((v, i) => i >= r.y % 8 && !e.values.includes(v)) ?? ENUM_VALUES.find((v) => !e.values.includes(v));
      if (!value) return null;
      e.values.splice(r.y % (e.values.length + 1), 0, value);
      return label(`${e.name} ${value}`);
    }
    if (e.values.length < 2) return null;
    if (kind === 'move_enum_value') {
      const [moved] = e.values.splice(r.y % e.values.length, 1);
      e.values.splice((r.y >> 2) % (e.values.length + 1), 0, moved!);
      return label(`${e.name} ${moved} to ${e.values.indexOf(moved!)}`);
    }
    const [gone] = e.values.splice(r.y % e.values.length, 1);
    for (const c of users) if (c.def && 'literal' in c.def && c.def.literal === gone) c.def = null;
    return label(`${e.name} ${gone}`);
  }
  if (!t || !col) return null;
  const keyOf = (cid: number): boolean => [t.pk, ...t.uniques].some((k) => k?.cols.includes(cid));
  switch (kind) {
    case 'rename_column': {
      const old = col.name;
      col.name = freshColumnName(m, t, r.y, col.id);
      for (const u of t.uniques) if (u.shorthand && u.cols[0] === col.id) u.name = `${t.name}_${col.name}_key`;
      return label(`${t.name}.${old} -> ${col.name}`);
    }
    case 'rename_table':
    case 'move_table': {
      const old = qualified(t);
      if (kind === 'move_table') t.schema = t.schema === APP ? 'public' : APP;
      else t.name = freshTableName(m, t, r.y);
      if (t.pk) t.pk.name = `${t.name}_pkey`;
      for (const u of t.uniques) if (u.shorthand) u.name = `${t.name}_${colOf(t, u.cols[0]!).name}_key`;
      return label(`${old} -> ${qualified(t)}`);
    }
    case 'add_column': {
      const type = typeFrom({ kind: r.x % TYPE_KINDS.length, a: r.y % 4, b: r.y % 3 }, b.enums);
      const c: Col = { id: ids.next(), name: freshColumnName(m, t, r.y), type, nullable: r.y % 3 !== 0, def: r.y % 2 === 0 ? defaultOf(type, r.y, b.enums) : null };
      t.columns.push(c);
      return label(`${t.name}.${c.name} ${typeText(type, b.enums)}${c.nullable ? '' : ' not null'}${c.def ? ' with a default' : ''}`);
    }
    case 'drop_column': {
      const aName = m.a.tables.find((x) => x.id === t.id)?.columns.find((c) => c.id === col.id)?.name;
      if (
        t.columns.length < 2 ||
        nameTaken(
          aName,
          t.columns.filter((c) => c !== col).map((c) => c.name),
        )
      )
        return null;
      t.columns = t.columns.filter((c) => c !== col);
      if (t.pk?.cols.includes(col.id)) {
        dropReferences(b, t.id, t.pk.cols);
        t.pk = null;
      }
      for (const u of t.uniques.filter((k) => k.cols.includes(col.id))) dropReferences(b, t.id, u.cols);
      t.uniques = t.uniques.filter((k) => !k.cols.includes(col.id));
      t.checks = t.checks.filter((k) => k.col !== col.id);
      t.indexes = t.indexes.filter((k) => !k.cols.includes(col.id));
      t.fks = t.fks.filter((k) => !k.cols.includes(col.id));
      return label(`${t.name}.${col.name}`);
    }
    case 'retype_column': {
      const options = retypes(col.type, b.enums);
      const to = options[r.y % options.length]!;
      for (const [tb, c] of linked(b, t.id, col.id)) {
        if (c.def && !defaultFits(c.def, c.type, to)) c.def = null;
        if (family(c.type) !== family(to)) tb.checks = tb.checks.filter((k) => k.col !== c.id);
        c.type = to;
      }
      return label(`${t.name}.${col.name} -> ${typeText(to, b.enums)}`);
    }
    case 'toggle_null':
      if (t.pk?.cols.includes(col.id)) return null;
      col.nullable = !col.nullable;
      return label(`${t.name}.${col.name} ${col.nullable ? 'nullable' : 'not null'}`);
    case 'set_default':
      col.def = r.y % 3 === 0 ? null : defaultOf(col.type, r.y, b.enums);
      return label(`${t.name}.${col.name} ${col.def ? JSON.stringify(col.def) : 'none'}`);
    case 'drop_table':
      if (
        b.tables.length < 2 ||
        nameTaken(
          m.a.tables.find((x) => x.id === t.id)?.name,
          b.tables.filter((x) => x !== t).map((x) => x.name),
        )
      )
        return null;
      b.tables = b.tables.filter((x) => x !== t);
      dropReferences(b, t.id, null);
      return label(t.name);
    case 'add_check': {
      const kinds = CHECK_KINDS[family(col.type)];
      const ck: CheckDef = { name: ids.name('ck'), col: col.id, kind: kinds[r.y % kinds.length]!, n: 0 };
      ck.n = ck.kind === 'min' ? r.y % 600 : ck.kind === 'max_len' ? 1 + (r.y % 30) : ck.kind === 'after' ? r.y % 400 : 0;
      t.checks.push(ck);
      return label(`${t.name}.${ck.name} ${ck.kind} ${ck.n}`);
    }
    case 'drop_check':
    case 'change_check': {
      const ck = t.checks[r.x % Math.max(1, t.checks.length)];
      if (!ck) return null;
      if (kind === 'drop_check') t.checks = t.checks.filter((k) => k !== ck);
      else ck.n = ck.kind === 'min' ? r.y % 600 : ck.kind === 'max_len' ? 1 + (r.y % 30) : ck.kind === 'after' ? r.y % 400 : ck.n;
      return label(`${t.name}.${ck.name}${kind === 'change_check' ? ` ${ck.kind} ${ck.n}` : ''}`);
    }
    case 'add_unique': {
      const second = t.columns[(r.x + 1) % t.columns.length]!;
      const cols = r.y % 2 === 1 && second !== col ? [col.id, second.id] : [col.id];
      if ([t.pk, ...t.uniques].some((k) => k && sameCols(k.cols, cols))) return null;
      const shorthand = cols.length === 1 && r.y % 3 === 0 && !t.uniques.some((k) => k.shorthand && k.cols[0] === col.id);
      const u: Key = { name: shorthand ? `${t.name}_${col.name}_key` : ids.name('uq'), cols, shorthand };
      t.uniques.push(u);
      return label(`${t.name}.${u.name}`);
    }
    case 'drop_unique': {
      const u = t.uniques[r.x % Math.max(1, t.uniques.length)];
      if (!u) return null;
      t.uniques = t.uniques.filter((k) => k !== u);
      dropReferences(b, t.id, u.cols);
      return label(`${t.name}.${u.name}`);
    }
    case 'add_index': {
      const second = t.columns[(r.y + 1) % t.columns.length]!;
      const cols = r.y % 2 === 1 && second !== col ? [col.id, second.id] : [col.id];
      const ix: IndexDef = { name: ids.name('ix'), cols, unique: r.y % 3 === 0, desc: r.y % 5 === 1, partial: r.y % 7 === 2 };
      t.indexes.push(ix);
      return label(`${t.name}.${ix.name}${ix.unique ? ' unique' : ''}`);
    }
    case 'drop_index':
    case 'change_index': {
      const ix = t.indexes[r.x % Math.max(1, t.indexes.length)];
      if (!ix) return null;
      if (kind === 'drop_index') t.indexes = t.indexes.filter((k) => k !== ix);
      else if (r.y % 3 === 0) ix.desc = !ix.desc;
      else if (r.y % 3 === 1) ix.partial = !ix.partial;
      else ix.cols = [t.columns[r.y % t.columns.length]!.id];
      return label(`${t.name}.${ix.name}`);
    }
    case 'drop_pk': {
      if (!t.pk) return null;
      dropReferences(b, t.id, t.pk.cols);
      const name = t.pk.name;
      t.pk = null;
      return label(`${t.name}.${name}`);
    }
    case 'add_pk': {
      if (t.pk || t.uniques.some((k) => sameCols(k.cols, [col.id]))) return null;
      t.pk = { name: `${t.name}_pkey`, cols: [col.id], shorthand: r.y % 2 === 0 };
      col.nullable = false;
      return label(`${t.name}(${col.name})`);
    }
    case 'add_fk': {
      const parent = b.tables[r.y % b.tables.length]!;
      const keys = referenceable(parent);
      if (keys.length === 0) return null;
      const key = keys[r.y % keys.length]!.map((k) => colOf(parent, k));
      // A column of the same type B has (so existing rows may not match), or new ones.
      const existing =
        key.length === 1 && r.y % 2 === 1 ? t.columns.find((c) => sameType(c.type, key[0]!.type) && !(parent === t && c.id === key[0]!.id) && !keyOf(c.id) && !t.fks.some((f) => f.cols.includes(c.id))) : undefined;
      const cols = existing
        ? [existing]
        : key.map((k, i) => {
            const c: Col = { id: ids.next(), name: freshColumnName(m, t, r.y + 5 + i), type: k.type, nullable: true, def: null };
            t.columns.push(c);
            return c;
          });
      const fk: FkDef = { name: ids.name('fk'), cols: cols.map((c) => c.id), parent: parent.id, parentCols: key.map((k) => k.id), onDelete: (['no_action', 'cascade', 'set_null', 'restrict'] as const)[r.y % 4]! };
      t.fks.push(fk);
      return label(`${t.name}.${fk.name} (${cols.map((c) => c.name).join(', ')}) -> ${parent.name}(${key.map((k) => k.name).join(', ')})`);
    }
    case 'drop_fk':
    case 'change_fk': {
      const fk = t.fks[r.x % Math.max(1, t.fks.length)];
      if (!fk) return null;
      if (kind === 'drop_fk') t.fks = t.fks.filter((k) => k !== fk);
      else fk.onDelete = fk.onDelete === 'cascade' ? 'restrict' : 'cascade';
      return label(`${t.name}.${fk.name}`);
    }
    default:
      return null;
  }
}
