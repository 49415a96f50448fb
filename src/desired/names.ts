// Names in the YAML document, as written. YAML's core schema reads a plain `007` as the number
// 7, `1e3` as 1000 and `0x10` as 16: a key or a value that names a table, column, index,
// constraint, enum, label or schema is the text written, whatever else it could be read as.
// Also where a name holds a character that cannot be seen, or that reorders the text around it.
import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type Node, type Scalar, type YAMLMap } from 'yaml';
import type { Diagnostic } from './diagnostics.js';
import { isMergeKey, mergeSources } from './yaml-checks.js';
import type { SourceMap } from './source-map.js';
import { walkYaml } from './yaml-walk.js';

/** A step of a name's place: a literal key, `*` any key, `#` any list item. */
type Place = readonly string[];

/** Keys that are names, with what they name (for messages). */
const NAME_KEYS: ReadonlyArray<readonly [Place, string]> = [
  [['enums', '*'], 'enum'],
  [['tables', '*'], 'table'],
  [['tables', '*', 'columns', '*'], 'column'],
  [['tables', '*', 'unique', '*'], 'unique constraint'],
  [['tables', '*', 'checks', '*'], 'check'],
  [['tables', '*', 'exclusions', '*'], 'exclusion constraint'],
  [['tables', '*', 'indexes', '*'], 'index'],
  [['tables', '*', 'foreign_keys', '*'], 'foreign key'],
  [['tables', '*', 'policies', '*'], 'policy'],
];

/** Values that are names (or hold them: `references: users(id)`). */
const NAME_VALUES: ReadonlyArray<readonly [Place, string]> = [
  [['schemas', '#'], 'schema'],
  [['enums', '*', '#'], 'enum value'],
  [['enums', '*', '#', 'name'], 'enum value'],
  [['enums', '*', '#', 'renamed_from'], 'renamed_from'],
  [['tables', '*', 'renamed_from'], 'renamed_from'],
  [['tables', '*', 'columns', '*', 'renamed_from'], 'renamed_from'],
  [['tables', '*', 'primary_key', '#'], 'column'],
  [['tables', '*', 'primary_key', 'name'], 'primary key'],
  [['tables', '*', 'primary_key', 'columns', '#'], 'column'],
  [['tables', '*', 'unique', '*', '#'], 'column'],
  [['tables', '*', 'unique', '*', 'columns', '#'], 'column'],
  [['tables', '*', 'indexes', '*', 'columns', '#'], 'column'],
  [['tables', '*', 'indexes', '*', 'columns', '#', 'column'], 'column'],
  [['tables', '*', 'indexes', '*', 'include', '#'], 'column'],
  [['tables', '*', 'foreign_keys', '*', 'columns', '#'], 'column'],
  [['tables', '*', 'foreign_keys', '*', 'references'], 'reference'],
  [['tables', '*', 'foreign_keys', '*', 'references', 'table'], 'table'],
  [['tables', '*', 'foreign_keys', '*', 'references', 'columns', '#'], 'column'],
  [['tables', '*', 'policies', '*', 'roles', '#'], 'role'],
];

/** The places as a tree: from a map, by key (`*` any); from a list, `#`. What a key or value there names. */
interface Tree {
  readonly next: Map<string, Tree>;
  key: string | null;
  value: string | null;
}

const PLACES: Tree = { next: new Map(), key: null, value: null };
for (const [places, role] of [
  [NAME_KEYS, 'key'],
  [NAME_VALUES, 'value'],
] as const) {
  for (const [place, what] of places) {
    let at = PLACES;
    for (const step of place) {
      let next = at.next.get(step);
      if (!next) at.next.set(step, (next = { next: new Map(), key: null, value: null }));
      at = next;
    }
    at[role] = what;
  }
}

/** A scalar's text as written: its source for a plain scalar read as something else than a string. */
function written(node: Scalar): string {
  return typeof node.value === 'string' ? node.value : (node.source ?? String(node.value));
}

/**
 * Two keys of one map are the same when they name the same thing as written (`007` and `7` are
 * two names; `007` and `'007'` one). The parser's own test compares what they read as.
 */
export function sameKey(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (!isScalar(a) || !isScalar(b)) return false;
  if (typeof a.value === 'symbol' || typeof b.value === 'symbol') return a.value === b.value;
  return written(a) === written(b);
}

/** What sameKey compares a scalar key by: the merge key's symbol, else its text as written. */
const keyIdentity = (key: Scalar): string | symbol => (typeof key.value === 'symbol' ? key.value : written(key));

/**
 * Where a map repeats a key (sameKey), as the parser would report it: the offset of the key
 * given again. One pass with a set per map: the parser's own check (`uniqueKeys`) compares each
 * key with every key before it, which made the `tables:` map of a large file quadratic.
 */
export function duplicateKeys(doc: Document.Parsed): number[] {
  const out: number[] = [];
  walkYaml(doc, {
    Map(map) {
      const seen = new Set<string | symbol>();
      for (const pair of map.items) {
        const key = pair.key;
        if (!isScalar(key)) continue; // a map, list or alias as a key is never the same key as another
        const identity = keyIdentity(key);
        if (seen.has(identity)) out.push(key.range?.[0] ?? 0);
        else seen.add(identity);
      }
    },
  });
  return out;
}

export interface NameNode {
  readonly node: Scalar;
  /** What it names: `table`, `column`, `enum value` ... */
  readonly what: string;
}

/** Every scalar of the document that is a name (keys first turned into text as written, see keepNamesAsWritten). */
function nameNodes(doc: Document.Parsed): NameNode[] {
  const out: NameNode[] = [];
  const resolve = (n: unknown): unknown => (isAlias(n) ? n.resolve(doc) : n);
  // A map's pairs as the data has them: its own, then those its merge keys bring (`<<: *common`).
  const pairsOf = (map: YAMLMap, seen: readonly unknown[]): Array<{ key: Scalar; value: unknown }> =>
    map.items.flatMap((pair) => {
      if (!isPair(pair) || !isScalar(pair.key)) return [];
      if (!isMergeKey(pair.key)) return [{ key: pair.key, value: pair.value }];
      return (mergeSources(doc, pair.value) ?? []).flatMap((source) => (isMap(source) && !seen.includes(source) ? pairsOf(source, [...seen, source]) : []));
    });
  // `seen`: the nodes on the way here (an alias inside its own anchor would loop).
  const walk = (found: unknown, at: Tree, seen: readonly unknown[]): void => {
    const node = resolve(found);
    if (node === undefined || node === null || seen.includes(node)) return;
    const inside = [...seen, node];
    if (isScalar(node)) {
      if (at.value) out.push({ node, what: at.value });
    } else if (isMap(node)) {
      for (const pair of pairsOf(node, inside)) {
        const here = at.next.get(written(pair.key)) ?? at.next.get('*');
        if (!here) continue;
        if (here.key) out.push({ node: pair.key, what: here.key });
        walk(pair.value, here, inside);
      }
    } else if (isSeq(node)) {
      const here = at.next.get('#');
      if (here) for (const item of node.items) walk(item, here, inside);
    }
  };
  walk(doc.contents, PLACES, []);
  return out;
}

/**
 * Turn every key, and every value that is a name, into the text written (in place): `007: integer`
 * is a column "007", `primary_key: [1e3]` names column "1e3". Other values keep their types (a
 * default of 007 is the number 7). `null` and `~` are names too where a name is written; a value
 * with nothing written stays null. Returns the names, each with what it names.
 */
export function keepNamesAsWritten(doc: Document.Parsed): NameNode[] {
  walkYaml(doc, {
    Pair(pair) {
      const key = pair.key;
      if (isScalar(key) && typeof key.value !== 'string' && !isMergeKey(key)) key.value = written(key);
    },
  });
  const names = nameNodes(doc);
  for (const { node } of names) {
    if (typeof node.value !== 'string' && written(node) !== '') node.value = written(node);
  }
  return names;
}

/** Characters that are not seen, or that reorder what is around them, by code point. */
const HIDDEN: Readonly<Record<number, string>> = {
  0x200b: 'zero width space',
  0x200c: 'zero width non-joiner',
  0x200d: 'zero width joiner',
  0x2060: 'word joiner',
  0xfeff: 'zero width no-break space',
  0x200e: 'left-to-right mark',
  0x200f: 'right-to-left mark',
  0x061c: 'Arabic letter mark',
  0x202a: 'left-to-right embedding',
  0x202b: 'right-to-left embedding',
  0x202c: 'pop directional formatting',
  0x202d: 'left-to-right override',
  0x202e: 'right-to-left override',
  0x2066: 'left-to-right isolate',
  0x2067: 'right-to-left isolate',
  0x2068: 'first strong isolate',
  0x2069: 'pop directional isolate',
};
const REORDERS = new Set([0x200e, 0x200f, 0x061c, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069]);

const codePoint = (n: number): string => `U+${n.toString(16).toUpperCase().padStart(4, '0')}`;

/** The name with each hidden character spelled `<U+200B>`, so the message shows it. */
export function showHidden(name: string): string {
  return [...name].map((ch) => (HIDDEN[ch.codePointAt(0)!] === undefined ? ch : `<${codePoint(ch.codePointAt(0)!)}>`)).join('');
}

/**
 * A warning at each name holding a character that cannot be seen (zero width) or that changes
 * how the text around it is shown (bidirectional marks, embeddings, overrides, isolates): two
 * names that look the same can then be different names, and one name can look like another.
 */
export function hiddenCharacterWarnings(names: readonly NameNode[], map: SourceMap): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const { node, what } of names) {
    if (typeof node.value !== 'string') continue;
    const found = [...new Set([...node.value].map((ch) => ch.codePointAt(0)!).filter((n) => HIDDEN[n] !== undefined))];
    if (found.length === 0) continue;
    const listed = found.map((n) => `${codePoint(n)} (${HIDDEN[n]})`).join(', ');
    const visible = [...node.value].filter((ch) => HIDDEN[ch.codePointAt(0)!] === undefined).join('');
    const effect = found.some((n) => REORDERS.has(n))
      ? `which ${found.length === 1 ? 'changes' : 'change'} the order in which the text around ${found.length === 1 ? 'it is' : 'them is'} shown, so the name can look like another`
      : `which cannot be seen: it looks like "${visible}" but is another name`;
    out.push({
      ...map.at((node as Node).range?.[0] ?? 0),
      code: 'hidden_character',
      severity: 'warning',
      message: `${what} "${showHidden(node.value)}" contains ${listed}, ${effect}`,
      hint: 'retype the name without it, unless the database really has this name',
    });
  }
  return out;
}

/** The order keys were written in, for each map of the data (JavaScript puts `7` before `a`). */
const keyOrder = new WeakMap<object, readonly string[]>();

/**
 * The document as plain data (maps as objects, lists as arrays), aliases expanded up to
 * `maxAliasCount`; each map's keys keep the order they were written in for `entriesAsWritten`.
 */
export function readData(doc: Document.Parsed, maxAliasCount: number): unknown {
  const done = new Map<unknown, unknown>(); // an anchored node read once, shared as the parser shares it
  const plain = (value: unknown): unknown => {
    if (typeof value !== 'object' || value === null) return value;
    const known = done.get(value);
    if (known !== undefined) return known;
    if (Array.isArray(value)) {
      const list: unknown[] = [];
      done.set(value, list);
      for (const item of value) list.push(plain(item));
      return list;
    }
    if (!(value instanceof Map)) return value;
    const object: Record<string, unknown> = {};
    done.set(value, object);
    const keys: string[] = [];
    for (const [k, v] of value) {
      const key = typeof k === 'string' ? k : JSON.stringify(k);
      if (!Object.hasOwn(object, key)) keys.push(key);
      object[key] = plain(v);
    }
    keyOrder.set(object, keys);
    return object;
  };
  return plain(doc.toJS({ maxAliasCount, mapAsMap: true }));
}

/** Records the order of `keys` as the order `map`'s keys were written (a map merged from several files). */
export function keepKeyOrder(map: object, keys: readonly string[]): void {
  keyOrder.set(map, keys);
}

/** A map's entries in the order they were written (Object.entries puts integer-like keys first). */
export function entriesAsWritten<T>(map: Readonly<Record<string, T>>): [string, T][] {
  return (keyOrder.get(map) ?? Object.keys(map)).map((k) => [k, map[k]!]);
}
