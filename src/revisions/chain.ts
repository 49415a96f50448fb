// The chain: revision files as a graph (a revision names its parents), its heads, the order to
// run them in, and the revision a user means by `head`, `base`, `+2`, `-1` or a prefix. Pure.
import { NOTHING_TO_UNDO, parseBody, RevisionError, slug, timestampName, verifyChecksum, type RevisionFile } from './file.js';
import type { Step } from '../plan/types.js';

export interface Revision extends RevisionFile {
  readonly upgrade: readonly Step[];
  readonly downgrade: readonly Step[];
  /** Hand-written with no downgrade SQL (and no `-- +nothing-to-undo`): `downgrade` stops before it. */
  readonly irreversible?: boolean;
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
    return new Chain(files.map((f) => ({ ...f, ...parseBody(f.fileName, f.body, f.bodyLine, f.handWritten) })));
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
      throw new RevisionError(`the folder has ${heads.length} heads: ${heads.map((h) => `${h.revision} (${h.fileName})`).join(', ')}; two branches each added a revision`, 'join them with `schema merge`');
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

/** The name of a new revision file (`<time>_<message>.sql`), `_2`, `_3`... when the chain has a file of that name. */
export function uniqueFileName(chain: Chain, created: Date, message: string): string {
  const taken = new Set([...chain.byId.values()].map((r) => r.fileName));
  const base = `${timestampName(created)}_${slug(message)}`;
  let name = `${base}.sql`;
  for (let n = 2; taken.has(name); n++) name = `${base}_${n}.sql`;
  return name;
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
      throw new RevisionError(`revision ${a.revision} (${a.file}) was applied to this database, but its file is missing from the folder`, 'restore it from version control: applied revisions are never removed');
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
    if (file.checksum !== a.checksum && file.handWritten) {
      throw new RevisionError(
        `${file.fileName} (revision ${a.revision}) was edited after this database applied it: a hand-written revision can be edited only until it is applied (its checksum is now ${file.checksum}, the database recorded ${a.checksum})`,
        'undo the edit (or restore the applied version from version control); to change what it did, write a new revision (`schema revision -m ...`, or change schema.yaml and `schema apply`)',
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
 * The revision a target that is not `head`, `base` or a signed count names. A bare number is
 * refused: `downgrade 2` reads as "two back" to some and as revision 2... to others, so when
 * it is also a prefix both readings are shown, and when it is not, the signed form is. A
 * full revision id, digits only or not, is that revision.
 */
function findTarget(chain: Chain, target: string, direction: 'upgrade' | 'downgrade'): Revision {
  const sign = direction === 'upgrade' ? '+' : '-';
  const counted = (n: string): string => `${direction === 'upgrade' ? 'the next' : 'the last'} ${n === '1' ? 'revision' : `${n} revisions`}`;
  if (/^\d+$/.test(target) && !chain.byId.has(target)) {
    const matches = chain.ordered.filter((r) => r.revision.startsWith(target));
    if (matches.length === 0) {
      throw new RevisionError(`no revision starts with "${target}"; a count is written with its sign: \`schema ${direction} ${sign}${target}\` for ${counted(target)}`, 'see `schema history`');
    }
    const readings = matches.map((r) => `\`schema ${direction} ${r.revision}\` for revision ${r.revision} (${r.fileName})`);
    throw new RevisionError(
      `"${target}" could mean two things: \`schema ${direction} ${sign}${target}\` for ${counted(target)}, or ${readings.join(', or ')}`,
      'write the one you mean: a count with its sign, or more characters of the revision id',
    );
  }
  const wrongWay = direction === 'upgrade' ? /^-(\d+)$/.exec(target) : /^\+(\d+)$/.exec(target);
  if (wrongWay) {
    const other = direction === 'upgrade' ? 'downgrade' : 'upgrade';
    throw new RevisionError(
      `${direction} goes ${direction === 'upgrade' ? 'forward' : 'back'} only, so it takes no "${target}"`,
      `to go ${other === 'downgrade' ? 'back' : 'forward'} ${wrongWay[1]}, run \`schema ${other} ${target}\``,
    );
  }
  return chain.find(target);
}

/**
 * The revisions `upgrade` runs for `target`, in order: `head` (the default), `+N` (the next N),
 * or a revision (prefix), with every revision it descends from that is not applied yet.
 */
export function revisionsToUpgrade(chain: Chain, applied: ReadonlySet<string>, target = 'head'): Revision[] {
  const revisions = upgradeSelection(chain, applied, target);
  // Run, it would be fixed for good with nothing in it: most likely its SQL was never written.
  const empty = revisions.find((r) => r.handWritten && r.upgrade.length === 0);
  if (empty) {
    throw new RevisionError(
      `${empty.fileName} (revision ${empty.revision}) is hand-written but has no SQL in its "-- +upgrade" section; nothing was run`,
      'write its SQL (statements ending in ";") under "-- +upgrade", or delete the file if it is not wanted',
    );
  }
  return revisions;
}

function upgradeSelection(chain: Chain, applied: ReadonlySet<string>, target: string): Revision[] {
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
  const to = findTarget(chain, target, 'upgrade');
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
  const revisions = downgradeSelection(chain, applied, target);
  const stuck = revisions.find((r) => r.irreversible);
  if (stuck) {
    throw new RevisionError(
      `cannot downgrade past ${stuck.fileName} (revision ${stuck.revision}): it is hand-written and its "-- +downgrade" section has no SQL, so it cannot be undone; nothing was run`,
      `the file cannot change once applied: to go back, write a new revision that undoes it (\`schema revision -m ...\`). In a hand-written revision whose undoing needs no SQL, write "${NOTHING_TO_UNDO}" in its downgrade section before it is applied`,
    );
  }
  return revisions;
}

function downgradeSelection(chain: Chain, applied: Iterable<string>, target: string): Revision[] {
  const undoable = [...applied].flatMap((id) => chain.get(id) ?? []).reverse();
  if (target === 'base') return undoable;
  const relative = /^-(\d+)$/.exec(target);
  if (relative) {
    const n = Number(relative[1]);
    if (n > undoable.length) throw new RevisionError(`cannot downgrade ${n}: only ${undoable.length} revision${undoable.length === 1 ? ' is' : 's are'} applied`);
    return undoable.slice(0, n);
  }
  const keep = findTarget(chain, target, 'downgrade');
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
    throw new RevisionError(`the range "${range}" has its ends on different branches: ${s} is not an ancestor of ${e}`, 'a range follows one line of descent; see `schema history` for the branches');
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
