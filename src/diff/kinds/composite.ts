// Composite types of their own: created, altered in place (attributes added at the end,
// dropped, retyped; the comment), or dropped and made again when the attributes the type keeps
// change their order (ALTER TYPE only appends), and dropped. A desired Model without `types`
// (the file has no `types:`) leaves them all as they are. Pure.
import type { Attribute, CompositeType } from '../../model/composite.js';
import type { Model } from '../../model/model.js';

export type CompositeTypeChange =
  | { readonly kind: 'create_composite_type'; readonly type: CompositeType }
  | {
      readonly kind: 'alter_composite_type';
      readonly from: CompositeType;
      readonly to: CompositeType;
      readonly add: readonly Attribute[];
      readonly drop: readonly Attribute[];
      /** Attributes whose type changes, with their new type. */
      readonly retype: readonly Attribute[];
      readonly comment: boolean;
    }
  /** `remade`: dropped to be made again (the attributes it keeps change their order). */
  | { readonly kind: 'drop_composite_type'; readonly type: CompositeType; readonly remade: boolean };

export const sameCompositeType = (a: CompositeType, b: CompositeType): boolean =>
  a.comment === b.comment && a.attributes.length === b.attributes.length && a.attributes.every((x, i) => x.name === b.attributes[i]!.name && x.type === b.attributes[i]!.type);

/** The attributes `to` keeps from `from`, in `from`'s order, followed by the new ones: what ALTER TYPE can reach. */
function reachable(from: CompositeType, to: CompositeType): boolean {
  const names = new Set(from.attributes.map((a) => a.name));
  const kept = to.attributes.filter((a) => names.has(a.name)).map((a) => a.name);
  const order = from.attributes.filter((a) => kept.includes(a.name)).map((a) => a.name);
  if (kept.join('\u0000') !== order.join('\u0000')) return false;
  // The new ones come after every kept one.
  const firstNew = to.attributes.findIndex((a) => !names.has(a.name));
  return firstNew === -1 || to.attributes.slice(firstNew).every((a) => !names.has(a.name));
}

/** The composite type changes from `base` to `desired`; none when the desired Model leaves them alone. */
export function diffCompositeTypes(base: Model, desired: Model): CompositeTypeChange[] {
  const wanted = desired.types;
  if (wanted === undefined) return [];
  const have = base.types ?? {};
  const out: CompositeTypeChange[] = [];
  for (const [key, from] of Object.entries(have)) {
    const to = wanted[key];
    if (!to) out.push({ kind: 'drop_composite_type', type: from, remade: false });
    else if (!reachable(from, to)) out.push({ kind: 'drop_composite_type', type: from, remade: true });
  }
  for (const [key, to] of Object.entries(wanted)) {
    const from = have[key];
    if (!from || !reachable(from, to)) {
      out.push({ kind: 'create_composite_type', type: to });
      continue;
    }
    if (sameCompositeType(from, to)) continue;
    const before = new Map(from.attributes.map((a) => [a.name, a]));
    const after = new Map(to.attributes.map((a) => [a.name, a]));
    out.push({
      kind: 'alter_composite_type',
      from,
      to,
      add: to.attributes.filter((a) => !before.has(a.name)),
      drop: from.attributes.filter((a) => !after.has(a.name)),
      retype: to.attributes.filter((a) => before.has(a.name) && before.get(a.name)!.type !== a.type),
      comment: from.comment !== to.comment,
    });
  }
  return out;
}
