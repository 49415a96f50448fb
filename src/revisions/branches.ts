// Branches of the chain and the orders a database can have applied them in: what `merge` works
// out before it writes a merge revision (see verify/merge.ts).
import { pathsOverlap } from '../model/identifiers.js';
import type { Chain, Revision } from './chain.js';

/** The revisions of a chain with several heads that not every head descends from. */
export interface Branches {
  /** The revisions every head descends from, in chain order: the same in every database. */
  readonly shared: readonly Revision[];
  /** The others, in chain order. */
  readonly branch: readonly Revision[];
  /** Objects that revisions on different branches both change (an object and one inside it count). */
  readonly conflicts: readonly string[];
  /** The branch revisions that change one of `conflicts`. */
  readonly conflicting: ReadonlySet<string>;
}

export function branchesOf(chain: Chain): Branches {
  const ancestries = chain.heads().map((h) => chain.ancestry(h.revision));
  const shared = chain.ordered.filter((r) => ancestries.every((a) => a.has(r.revision)));
  const branch = chain.ordered.filter((r) => !shared.includes(r));
  const conflicts = new Set<string>();
  const conflicting = new Set<string>();
  branch.forEach((r1, i) => {
    for (const r2 of branch.slice(i + 1)) {
      // Revisions on one line of descent always run in the same order: only the others conflict.
      if (chain.ancestry(r2.revision).has(r1.revision) || chain.ancestry(r1.revision).has(r2.revision)) continue;
      // Hand-written SQL can change anything: it counts as changing whatever the other revision changes.
      const handWritten = [r1, r2].find((r) => r.handWritten);
      if (handWritten) {
        const other = handWritten === r1 ? r2 : r1;
        const objects = other.handWritten ? [`the hand-written SQL of ${r1.fileName} and ${r2.fileName}`] : other.upgrade.map((s) => s.object);
        if (handWritten.upgrade.length === 0 || objects.length === 0) continue;
        for (const object of objects) conflicts.add(object);
        conflicting.add(r1.revision).add(r2.revision);
        continue;
      }
      for (const a of new Set(r1.upgrade.map((s) => s.object))) {
        for (const b of new Set(r2.upgrade.map((s) => s.object))) {
          if (!pathsOverlap(a, b)) continue;
          conflicts.add(a).add(b);
          conflicting.add(r1.revision).add(r2.revision);
        }
      }
    }
  });
  return { shared, branch, conflicts: [...conflicts].sort(), conflicting };
}

/** Every order of `items` that keeps `before(a, b)` (a must come before b); null past `limit` orders. */
function linearOrders<T>(items: readonly T[], before: (a: T, b: T) => boolean, limit: number): T[][] | null {
  const out: T[][] = [];
  const walk = (placed: T[], left: readonly T[]): boolean => {
    if (left.length === 0) {
      out.push(placed);
      return out.length <= limit;
    }
    for (const next of left) {
      if (left.some((other) => other !== next && before(other, next))) continue;
      if (
        !walk(
          [...placed, next],
          left.filter((x) => x !== next),
        )
      )
        return false;
    }
    return true;
  };
  return walk([], items) ? out : null;
}

function* permutations<T>(items: readonly T[]): Generator<T[]> {
  if (items.length <= 1) {
    yield [...items];
    return;
  }
  for (const [i, first] of items.entries()) {
    for (const rest of permutations([...items.slice(0, i), ...items.slice(i + 1)])) yield [first, ...rest];
  }
}

export interface BranchOrders {
  /** Whole orders of the branch revisions, the chain's own order first. */
  readonly orders: readonly (readonly Revision[])[];
  /** True when there were too many orders to try and only whole branches were put in each order. */
  readonly sampled: boolean;
}

/**
 * The orders in which databases can have applied the branch revisions, as far as the result
 * can differ: every interleaving of the conflicting revisions that keeps each branch's own
 * order (the others change objects no other branch touches, so where they go does not
 * matter), each filled out to a whole order. A database that applied nothing of the branches
 * follows the chain's order, which comes first. Past `limit` orders, only whole branches are
 * ordered (each head's revisions together, the heads in every order).
 */
export function branchOrders(chain: Chain, branches: Branches, limit = 24): BranchOrders {
  const inBranch = (ids: ReadonlySet<string>) => branches.branch.filter((r) => ids.has(r.revision));
  const before = (a: Revision, b: Revision): boolean => chain.ancestry(b.revision).has(a.revision);
  const key = (order: readonly Revision[]) => order.map((r) => r.revision).join(' ');
  const orders = new Map<string, readonly Revision[]>([[key(branches.branch), branches.branch]]);
  const interleavings = linearOrders(inBranch(branches.conflicting), before, limit);
  if (interleavings) {
    for (const conflicting of interleavings) {
      const whole = fillOut(branches.branch, conflicting, before);
      if (!orders.has(key(whole)) && !sameProjection(whole, branches.branch, branches.conflicting)) orders.set(key(whole), whole);
    }
    return { orders: [...orders.values()], sampled: false };
  }
  for (const heads of permutations(chain.heads())) {
    if (orders.size >= limit) break;
    const whole: Revision[] = [];
    for (const h of heads) whole.push(...inBranch(chain.ancestry(h.revision)).filter((r) => !whole.includes(r)));
    if (!orders.has(key(whole))) orders.set(key(whole), whole);
  }
  return { orders: [...orders.values()], sampled: true };
}

const sameProjection = (a: readonly Revision[], b: readonly Revision[], ids: ReadonlySet<string>): boolean =>
  a
    .filter((r) => ids.has(r.revision))
    .map((r) => r.revision)
    .join(' ') ===
  b
    .filter((r) => ids.has(r.revision))
    .map((r) => r.revision)
    .join(' ');

/** A whole order of `all` that keeps `before` and runs the revisions of `fixed` in its order; the earliest file first where free. */
function fillOut(all: readonly Revision[], fixed: readonly Revision[], before: (a: Revision, b: Revision) => boolean): Revision[] {
  const fixedIds = new Set(fixed.map((r) => r.revision));
  const out: Revision[] = [];
  let left = [...all];
  let next = 0;
  while (left.length > 0) {
    const ready = left.filter((r) => !left.some((o) => o !== r && before(o, r)) && (!fixedIds.has(r.revision) || fixed[next] === r));
    const pick = ready.sort((a, b) => a.fileName.localeCompare(b.fileName))[0]!;
    if (fixedIds.has(pick.revision)) next++;
    out.push(pick);
    left = left.filter((r) => r !== pick);
  }
  return out;
}
