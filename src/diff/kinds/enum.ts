// Enums: created, values added in place (when the plan uses none of them), or rebuilt (values
// removed or reordered) with the columns converted to the new version, and dropped. Pure.
import { implicitName, objectPath, qualify, quoteLiteral } from '../../model/identifiers.js';
import type { Hints } from '../../model/hints.js';
import { columnNamed, type Column, type EnumType, type Model } from '../../model/model.js';
import { objectsOf } from '../../model/objects.js';
import { mentionsType } from '../../model/sql-tokens.js';
import type { Change, EnumAddition, EnumColumn } from '../changes.js';
import { sameList, type TableFacts } from '../facts.js';

/** Two enums are the same with the same values in the same order. */
export const sameEnum = (a: EnumType, b: EnumType): boolean => sameList(a.values, b.values);

/**
 * The value renames of `hints` that take effect from `base` to `desired`, by enum: the old label is
 * in the database and not in the file, the new one in the file and not in the database. Once
 * applied the old label is gone, so a hint left in the file does nothing. In an order that works:
 * a rename whose new label another rename frees runs after it.
 */
export function effectiveEnumRenames(base: Model, desired: Model, hints: Hints): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  for (const [key, m] of hints.enumValues ?? []) {
    const from = base.enums[key];
    const to = desired.enums[key];
    if (!from || !to) continue;
    // The old label may stay in the file as the new label of another rename (a chain: `l` from `m`, `xl` from `l`).
    const pending = [...m].filter(([value, old]) => from.values.includes(old) && (!to.values.includes(old) || m.has(old)) && to.values.includes(value));
    const labels = new Set(from.values);
    const ordered = new Map<string, string>();
    for (let progress = true; progress;) {
      progress = false;
      for (const [value, old] of pending) {
        if (ordered.has(value) || labels.has(value)) continue;
        labels.delete(old);
        labels.add(value);
        ordered.set(value, old);
        progress = true;
      }
    }
    if (ordered.size > 0) out.set(key, ordered);
  }
  return out;
}

export function diffEnums(base: Model, desired: Model, changes: Change[], facts: TableFacts, renames: ReadonlyMap<string, ReadonlyMap<string, string>> = new Map()): void {
  // Every SQL text the Model stores: defaults, checks, index predicates and expressions.
  const allText = (m: Model): string[] =>
    objectsOf(m).flatMap((o) => {
      if (o.kind === 'column') return [o.object.default ?? ''];
      if (o.kind === 'check') return [o.object.definition];
      if (o.kind === 'index') return [o.object.where ?? '', ...o.object.keys.map((k) => k.expression ?? '')];
      return [];
    });
  const desiredText = allText(desired);
  for (const [key, to] of Object.entries(desired.enums)) {
    const today = base.enums[key];
    if (!today) {
      changes.push({ kind: 'create_enum', enum: to });
      continue;
    }
    // Renamed values first: the rest compares the enum as the renames leave it.
    const renamed = renames.get(key) ?? new Map<string, string>();
    for (const [value, old] of renamed) changes.push({ kind: 'rename_enum_value', enum: to, from: old, to: value });
    const labelOf = new Map([...renamed].map(([value, old]) => [old, value]));
    const from: EnumType = renamed.size === 0 ? today : { ...today, values: today.values.map((v) => labelOf.get(v) ?? v) };
    if (sameEnum(from, to)) continue;
    const kept = to.values.filter((v) => from.values.includes(v));
    const added = to.values.filter((v) => !from.values.includes(v));
    // A value added in a transaction cannot be used in it; rebuild when the plan uses one.
    const typeName = qualify(to.schema, to.name);
    const usesNew = added.some((v) => desiredText.some((t) => t.includes(`${quoteLiteral(v)}::${typeName}`)));
    if (sameList(kept, from.values) && !usesNew) {
      // In order, each after the value before it (there by then); the first before the first kept one.
      const additions: EnumAddition[] = added.map((value) => {
        const at = to.values.indexOf(value);
        const after = at > 0 ? to.values[at - 1]! : null;
        return { value, after, before: after === null ? (kept[0] ?? null) : null };
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
