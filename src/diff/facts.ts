// What the passes of the diff share: list equality, the pairing of a drop and an add into a
// rename, and the facts one pass leaves for the next (columns dropped or retyped, keys dropped,
// objects that must be rebuilt). Pure.
import type { KeyTiming } from '../model/model.js';

export const sameList = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

/** The same DEFERRABLE and INITIALLY DEFERRED (a key absent means not). */
export const sameTiming = (a: KeyTiming, b: KeyTiming): boolean => (a.deferrable ?? false) === (b.deferrable ?? false) && (a.initiallyDeferred ?? false) === (b.initiallyDeferred ?? false);

export function pairRenames<T extends { readonly name: string }>(removed: T[], added: T[], same: (a: T, b: T) => boolean): Array<[T, T]> {
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

export const keySignature = (columns: readonly string[]): string => [...columns].sort().join('\u0000');

export interface TableFacts {
  /** table key -> dropped column names */
  readonly droppedColumns: Map<string, Set<string>>;
  /** table key -> columns whose type changes */
  readonly retypedColumns: Map<string, Set<string>>;
  /** table key -> signatures of unique keys dropped or rebuilt */
  readonly droppedKeys: Map<string, Set<string>>;
  /** `table key \0 object name` of checks, indexes and foreign keys that must be rebuilt */
  readonly forced: Set<string>;
}

export function add<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(value);
}

/** Named members of a table (uniques, checks, indexes) compared by name: dropped, added, and renamed when only the name differs. */
export function diffNamed<T extends { readonly name: string }>(
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
