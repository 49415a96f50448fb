// The chain: revision files as a graph (a revision names its parents), its heads, the order to
// run them in, and the revision a user means by `head`, `base`, `+2`, `-1` or a prefix. Pure.
import { pathsOverlap } from '../model/identifiers.js';
import { parseBody, RevisionError, verifyChecksum, type RevisionFile } from './file.js';
import type { Step } from '../plan/types.js';

export interface Revision extends RevisionFile {
  readonly upgrade: readonly Step[];
  readonly downgrade: readonly Step[];
}

/** What the database's ledger says was applied: one row per applied revision. */
export interface Applied {
  readonly revision: string;
  readonly parents: readonly string[];
  readonly file: string;
  readonly checksum: string;
}

export class Chain {
  readonly byId: ReadonlyMap<string, Revision>;
  /** Every revision, parents before children (ties by file name, i.e. by time). */
  readonly ordered: readonly Revision[];

  private constructor(revisions: readonly Revision[]) {
    this.byId = new Map(revisions.map((r) => [r.revision, r]));
    this.ordered = topological(revisions);
  }

  /**
   * The chain of `files`, each checked: its checksum, a unique id, known parents. Throws
   * RevisionError naming the file at the first problem.
   */
  static of(files: readonly RevisionFile[]): Chain {
    const seen = new Map<string, string>();
    for (const f of files) {
      if (!verifyChecksum(f)) {
        throw new RevisionError(
          `${f.fileName} (revision ${f.revision}) was changed after it was written: it no longer matches its checksum`,
          'restore it from version control; to change the schema, write a new revision with `schema apply`',
        );
      }
      const other = seen.get(f.revision);
      if (other) throw new RevisionError(`${f.fileName} and ${other} both have revision id ${f.revision}`, 'a copied revision file? remove one of them');
      seen.set(f.revision, f.fileName);
    }
    for (const f of files) {
      for (const p of f.parents) {
        if (!seen.has(p)) throw new RevisionError(`${f.fileName} (revision ${f.revision}) revises ${p}, which is not in the folder`, 'restore the missing revision file from version control', p);
      }
    }
    return new Chain(
      files.map((f) => ({ ...f, ...parseBody(f.fileName, f.body, f.bodyLine) })),
    );
  }

  get size(): number {
    return this.ordered.length;
  }

  get(id: string): Revision | undefined {
    return this.byId.get(id);
  }

  /** Revisions no other revision revises. More than one means branches to merge. */
  heads(): Revision[] {
    const revised = new Set(this.ordered.flatMap((r) => r.parents));
    return this.ordered.filter((r) => !revised.has(r.revision));
  }

  /** The single head, or null for an empty chain; throws when there are several. */
  head(): Revision | null {
    const heads = this.heads();
    if (heads.length > 1) {
      throw new RevisionError(
        `the folder has ${heads.length} heads: ${heads.map((h) => `${h.revision} (${h.fileName})`).join(', ')}; two branches each added a revision`,
        'join them with `schema merge`',
      );
    }
    return heads[0] ?? null;
  }

  /** `id` and every revision it descends from. */
  ancestry(id: string): Set<string> {
    const out = new Set<string>();
    const stack = [id];
    while (stack.length > 0) {
      const r = this.byId.get(stack.pop()!);
      if (!r || out.has(r.revision)) continue;
      out.add(r.revision);
      stack.push(...r.parents);
    }
    return out;
  }

  /** The revision an unambiguous prefix names. */
  find(prefix: string): Revision {
    const exact = this.byId.get(prefix);
    if (exact) return exact;
    const matches = this.ordered.filter((r) => r.revision.startsWith(prefix));
    if (matches.length === 1) return matches[0]!;
    if (matches.length === 0) throw new RevisionError(`no revision starts with "${prefix}"`, 'see `schema history`');
    throw new RevisionError(`"${prefix}" is ambiguous: ${matches.map((m) => m.revision).join(', ')}`, 'give more characters');
  }

  /** The applied revisions that no other applied revision follows: where the database stands. */
  currentOf(applied: ReadonlySet<string>): Revision[] {
    const followed = new Set([...applied].flatMap((id) => this.byId.get(id)?.parents ?? []));
    return this.ordered.filter((r) => applied.has(r.revision) && !followed.has(r.revision));
  }
}

/** Kahn's algorithm; among ready revisions, the earliest file name first. */
function topological(revisions: readonly Revision[]): Revision[] {
  const children = new Map<string, string[]>();
  const waiting = new Map<string, number>();
  for (const r of revisions) {
    waiting.set(r.revision, r.parents.length);
    for (const p of r.parents) children.set(p, [...(children.get(p) ?? []), r.revision]);
  }
  const byId = new Map(revisions.map((r) => [r.revision, r]));
  const ready = revisions.filter((r) => r.parents.length === 0);
  const out: Revision[] = [];
  while (ready.length > 0) {
    ready.sort((a, b) => a.fileName.localeCompare(b.fileName));
    const r = ready.shift()!;
    out.push(r);
    for (const c of children.get(r.revision) ?? []) {
      const left = waiting.get(c)! - 1;
      waiting.set(c, left);
      if (left === 0) ready.push(byId.get(c)!);
    }
  }
  if (out.length !== revisions.length) {
    const stuck = revisions.filter((r) => !out.includes(r)).map((r) => r.fileName);
    throw new RevisionError(`the revisions ${stuck.join(', ')} revise each other in a cycle`);
  }
  return out;
}

/**
 * Check what the database applied against the files. A changed, removed, reordered or
 * inserted applied revision throws RevisionError naming the file and what differs.
 */
export function verifyApplied(chain: Chain, applied: readonly Applied[]): void {
  const appliedIds = new Set(applied.map((a) => a.revision));
  for (const a of applied) {
    const file = chain.get(a.revision);
    if (!file) {
      throw new RevisionError(
        `revision ${a.revision} (${a.file}) was applied to this database, but its file is missing from the folder`,
        'restore it from version control: applied revisions are never removed',
      );
    }
    const now = [...file.parents].sort().join(', ');
    const then = [...a.parents].sort().join(', ');
    if (now !== then) {
      const inserted = file.parents.find((p) => !appliedIds.has(p));
      if (inserted) {
        const other = chain.get(inserted)!;
        throw new RevisionError(
          `${other.fileName} (revision ${inserted}) was inserted before ${file.fileName} (revision ${a.revision}), which this database applied after ${then || 'the base'}`,
          'a new revision goes after the head, never into applied history',
        );
      }
      throw new RevisionError(
        `${file.fileName} (revision ${a.revision}) now revises ${now || 'none'}, but was applied after ${then || 'the base'}: the chain was reordered`,
        'restore the applied version from version control',
      );
    }
    if (file.checksum !== a.checksum) {
      throw new RevisionError(
        `${file.fileName} (revision ${a.revision}) is not the file that was applied: its checksum is ${file.checksum}, the database recorded ${a.checksum}`,
        'restore the applied version from version control',
      );
    }
  }
  // A revision the database has not applied that an applied one descends from.
  for (const a of applied) {
    for (const id of chain.ancestry(a.revision)) {
      if (!appliedIds.has(id)) {
        const file = chain.get(id)!;
        throw new RevisionError(
          `${file.fileName} (revision ${id}) comes before the applied ${a.file} (revision ${a.revision}) but was never applied here`,
          'a new revision goes after the head, never into applied history',
        );
      }
    }
  }
}

/**
 * The revisions `upgrade` runs for `target`, in order: `head` (the default), `+N` (the next N),
 * or a revision (prefix), with every revision it descends from that is not applied yet.
 */
export function revisionsToUpgrade(chain: Chain, applied: ReadonlySet<string>, target = 'head'): Revision[] {
  const pending = (id: string): Revision[] => chain.ordered.filter((r) => chain.ancestry(id).has(r.revision) && !applied.has(r.revision));
  if (target === 'head') {
    const head = chain.head();
    return head ? pending(head.revision) : [];
  }
  const relative = /^\+(\d+)$/.exec(target);
  if (relative) {
    const head = chain.head();
    const all = head ? pending(head.revision) : [];
    const n = Number(relative[1]);
    if (n > all.length) throw new RevisionError(`cannot upgrade ${n}: only ${all.length} revision${all.length === 1 ? ' is' : 's are'} not applied`);
    return all.slice(0, n);
  }
  const to = chain.find(target);
  if (applied.has(to.revision)) {
    // Already applied: nothing to do when the database stands on it, and a mistake when the
    // database is past it (upgrade never goes back; Alembic refuses it the same way).
    const past = chain.currentOf(applied).filter((r) => r.revision !== to.revision && chain.ancestry(r.revision).has(to.revision));
    if (past.length > 0) {
      throw new RevisionError(
        `cannot upgrade to ${to.revision} (${to.fileName}): it is behind the current revision of this database, ${past.map((r) => `${r.revision} (${r.fileName})`).join(', ')}`,
        `upgrade only goes forward; to go back to it, run \`schema downgrade ${to.revision}\``,
      );
    }
    return [];
  }
  return pending(to.revision);
}

/**
 * The revisions `downgrade` undoes for `target`, newest first: `-N` (the last N applied, the
 * default -1), `base` (all of them), or a revision (prefix) that stays applied. `applied` is in
 * the order the database applied them (the ledger's), which is the way back: with branches it
 * can differ from the files' order, and the last one applied is the one nothing applied follows.
 */
export function revisionsToDowngrade(chain: Chain, applied: Iterable<string>, target = '-1'): Revision[] {
  const undoable = [...applied].flatMap((id) => chain.get(id) ?? []).reverse();
  if (target === 'base') return undoable;
  const relative = /^-(\d+)$/.exec(target);
  if (relative) {
    const n = Number(relative[1]);
    if (n > undoable.length) throw new RevisionError(`cannot downgrade ${n}: only ${undoable.length} revision${undoable.length === 1 ? ' is' : 's are'} applied`);
    return undoable.slice(0, n);
  }
  const keep = chain.find(target);
  if (!undoable.includes(keep)) throw new RevisionError(`revision ${keep.revision} is not applied to this database`, 'downgrade goes back to an applied revision; see `schema history`');
  const kept = chain.ancestry(keep.revision);
  return undoable.filter((r) => !kept.has(r.revision));
}

/**
 * The revisions in `range` (`START:END`, Alembic's form), newest first: those that descend from
 * START (or are it) and that END descends from (or is), so with branches a range follows one
 * line of descent, each revision once. Points: `base`, `head` (every head when there are
 * several), `current` (needs the database's current revisions), `-N` / `+N` (relative to
 * current, or to head without a database; as in Alembic, a walk through a merge or a branch
 * point is ambiguous and refused), or a revision prefix. An empty side is `base` / `head`. Throws RevisionError for a
 * reversed range (`head:base`) and for ends on different branches; `base:base` is empty.
 */
export function selectRange(chain: Chain, range: string | undefined, current: readonly Revision[] | null): Revision[] {
  const all = [...chain.ordered].reverse();
  if (range === undefined || range.trim() === '' || range.trim() === ':') return all;
  const parts = range.split(':');
  if (parts.length !== 2) throw new RevisionError(`cannot read the range "${range}"`, 'write START:END, e.g. base:head, -3:current, ae1:head');
  /** Where -N and +N count from: the current revision, or the head without a database. */
  const anchor = (t: string): Revision | null => {
    if (current === null) {
      const heads = chain.heads();
      if (heads.length > 1) throw new RevisionError(`plans/ has ${heads.length} heads, so "${t}" has no one revision to count from`, 'name a revision, or join the heads with `schema merge`');
      return heads[0] ?? null;
    }
    if (current.length > 1) throw new RevisionError('the database stands on more than one revision; name one');
    return current[0] ?? null;
  };
  // A point is the revisions it names (several for `head` with branches); [] is base.
  const point = (text: string, side: 'start' | 'end'): string[] => {
    const t = text.trim();
    if (t === '') return side === 'start' ? [] : chain.heads().map((h) => h.revision);
    if (t === 'base') return [];
    if (t === 'head') return chain.heads().map((h) => h.revision);
    if (t === 'current') {
      if (current === null) throw new RevisionError('"current" needs a database', 'pass --url, or set DATABASE_URL');
      const at = anchor(t);
      return at ? [at.revision] : [];
    }
    const relative = /^([-+])(\d+)$/.exec(t);
    if (relative) {
      const at = anchor(t);
      const n = Number(relative[2]);
      return relative[1] === '-' ? walk(chain, at, n, 'back', t) : walk(chain, at, n, 'forward', t);
    }
    return [chain.find(t).revision];
  };
  const start = point(parts[0]!, 'start');
  const end = point(parts[1]!, 'end');
  const upTo = new Set(end.flatMap((id) => [...chain.ancestry(id)]));
  const from = start.length === 0 ? null : new Set(descendants(chain, start));
  if (start.length === 1 && !upTo.has(start[0]!)) {
    const [s, e] = [start[0]!, end.length === 1 ? end[0]! : null];
    if (e === null || chain.ancestry(s).has(e)) {
      throw new RevisionError(
        `the range "${range}" is reversed: its start (${s}) comes after its end (${end.length === 0 ? 'base' : end.join(', ')})`,
        `write the older end first: ${parts[1]!.trim() || 'base'}:${parts[0]!.trim()}`,
      );
    }
    throw new RevisionError(
      `the range "${range}" has its ends on different branches: ${s} is not an ancestor of ${e}`,
      'a range follows one line of descent; see `schema history` for the branches',
    );
  }
  return all.filter((r) => upTo.has(r.revision) && (from === null || from.has(r.revision)));
}

/**
 * The revision `n` steps back (its parents) or forward (its children) from `from` (null: the
 * base), as one element, or [] for the base. Each step must have one way to go: past a merge
 * going back, or a branch point going forward, the walk is ambiguous.
 */
function walk(chain: Chain, from: Revision | null, n: number, way: 'back' | 'forward', text: string): string[] {
  let at = from;
  for (let i = 0; i < n; i++) {
    const next = way === 'back' ? (at?.parents ?? []) : chain.ordered.filter((r) => (at ? r.parents.includes(at.revision) : r.parents.length === 0)).map((r) => r.revision);
    if (next.length === 0) {
      if (way === 'back') return [];
      throw new RevisionError(`"${text}" goes past the last revision`);
    }
    if (next.length > 1) {
      const where = at ? `${at.revision} (${at.fileName}) ${way === 'back' ? 'is a merge of' : 'branches into'}` : 'the base branches into';
      throw new RevisionError(`"${text}" is ambiguous: ${where} ${next.join(' and ')}`, 'name a revision (an id or prefix) instead; see `schema history`');
    }
    at = chain.get(next[0]!)!;
  }
  return at ? [at.revision] : [];
}

/** `ids` and every revision that descends from one of them, in chain order. */
function descendants(chain: Chain, ids: readonly string[]): string[] {
  const out = new Set(ids);
  for (const r of chain.ordered) if (r.parents.some((p) => out.has(p))) out.add(r.revision);
  return chain.ordered.map((r) => r.revision).filter((id) => out.has(id));
}

// ---- branches: what two heads both change, and the orders a database can apply them in ----

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
      if (!walk([...placed, next], left.filter((x) => x !== next))) return false;
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
  a.filter((r) => ids.has(r.revision)).map((r) => r.revision).join(' ') === b.filter((r) => ids.has(r.revision)).map((r) => r.revision).join(' ');

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
