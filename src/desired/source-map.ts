// The source map: from a path in the parsed YAML (["tables", "users", "columns", "id"]) to
// the file:line:col where a user wrote it.
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, Scalar, type Document, type Node, type YAMLMap } from 'yaml';
import type { Position } from './diagnostics.js';
import { isMergeKey, mergeSources } from './yaml-checks.js';

export type Path = readonly (string | number)[];

interface Found {
  readonly node: Node | null;
  /** The map key holding the node, when the last step went through a map. */
  readonly key: Node | null;
}

const NOTHING: Found = { node: null, key: null };

export class SourceMap {
  /**
   * The entries of each map looked into, by key as the data reads it (built once per map on
   * first use, so a lookup costs one hash probe per step of its path, never a scan of a map).
   */
  private readonly children = new WeakMap<YAMLMap, Map<string, Found>>();

  constructor(
    readonly file: string,
    readonly text: string,
    readonly doc: Document.Parsed,
    readonly lines: LineCounter,
  ) {}

  at(offset: number): Position {
    const { line, col } = this.lines.linePos(offset);
    return { file: this.file, line: Math.max(line, 1), col: Math.max(col, 1) };
  }

  /**
   * The entries of a map as the data has them: its own pairs first, then those of its merge
   * keys in order (`<<: *common`); the first of a key wins, as when the data is read.
   */
  private entries(map: YAMLMap, seen: ReadonlySet<Node>): [Node, Node | null][] {
    const own: [Node, Node | null][] = [];
    const merged: [Node, Node | null][] = [];
    for (const pair of map.items) {
      if (!isPair(pair) || !isScalar(pair.key)) continue;
      if (isMergeKey(pair.key)) {
        for (const source of mergeSources(this.doc, pair.value) ?? []) {
          if (isMap(source) && !seen.has(source)) merged.push(...this.entries(source, new Set([...seen, source])));
        }
      } else {
        own.push([pair.key as Node, (pair.value as Node | null) ?? null]);
      }
    }
    return [...own, ...merged];
  }

  /** An alias stands for its anchored node: what it holds is written (and found) there. */
  private resolved(node: Node | null): Node | null {
    return isAlias(node) ? ((node.resolve(this.doc) as Node | undefined) ?? null) : node;
  }

  private childrenOf(map: YAMLMap): Map<string, Found> {
    let found = this.children.get(map);
    if (!found) {
      found = new Map();
      // Most maps merge nothing: their own pairs, without the copies entries() makes.
      if (map.items.every((pair) => !isPair(pair) || !isMergeKey(pair.key))) {
        for (const pair of map.items) {
          if (!isPair(pair) || !isScalar(pair.key)) continue;
          const name = String(pair.key.value);
          if (!found.has(name)) found.set(name, { node: this.resolved((pair.value as Node | null) ?? null), key: pair.key as Node });
        }
        this.children.set(map, found);
        return found;
      }
      for (const [k, value] of this.entries(map, new Set([map]))) {
        const name = String((k as Scalar).value);
        if (!found.has(name)) found.set(name, { node: this.resolved(value), key: k });
      }
      this.children.set(map, found);
    }
    return found;
  }

  private find(path: Path): Found {
    let here: Found = { node: this.resolved((this.doc.contents as Node | null) ?? null), key: null };
    for (const step of path) {
      const node = here.node;
      if (isMap(node)) {
        here = this.childrenOf(node).get(String(step)) ?? NOTHING;
      } else if (isSeq(node)) {
        const i = typeof step === 'number' ? step : /^(0|[1-9]\d*)$/.test(step) ? Number(step) : -1;
        here = i >= 0 && i < node.items.length ? { node: this.resolved((node.items[i] as Node | null) ?? null), key: null } : NOTHING;
      } else {
        return NOTHING;
      }
      if (here === NOTHING) return NOTHING;
    }
    return here;
  }

  /** Where the value at `path` starts; falls back to its key, then to the nearest parent. */
  value(path: Path): Position {
    for (let n = path.length; n >= 0; n--) {
      const { node, key } = this.find(path.slice(0, n));
      const range = node?.range ?? key?.range;
      if (range) return this.at(range[0]);
    }
    return { file: this.file, line: 1, col: 1 };
  }

  /** Where the key naming the value at `path` is written (the name of a table, column ...). */
  key(path: Path): Position {
    const { key } = this.find(path);
    if (key?.range) return this.at(key.range[0]);
    return this.value(path);
  }

  /** The text of a scalar exactly as written (to keep `12345678901234567890` exact). */
  source(path: Path): string | null {
    const { node } = this.find(path);
    return isScalar(node) && typeof node.source === 'string' ? node.source : null;
  }

  /**
   * The position of the character at `offset` inside the string value at `path`. Exact for
   * plain, quoted and block scalars without escapes before the offset.
   */
  inValue(path: Path, offset: number): Position {
    const { node } = this.find(path);
    if (!isScalar(node) || !node.range || typeof node.value !== 'string') return this.value(path);
    const start = node.range[0];
    const value = node.value;
    const before = value.slice(0, Math.max(0, Math.min(offset, value.length)));
    const lineIndex = before.split('\n').length - 1;
    const column = before.length - (before.lastIndexOf('\n') + 1);
    switch (node.type) {
      case Scalar.PLAIN:
        return lineIndex === 0 ? this.at(start + column) : this.at(start);
      case Scalar.QUOTE_SINGLE:
      case Scalar.QUOTE_DOUBLE:
        return lineIndex === 0 ? this.at(start + 1 + column) : this.at(start);
      default: {
        // Block scalar: content starts on the line after the header, at a fixed indent.
        const firstContent = this.text.indexOf('\n', start) + 1;
        if (firstContent <= 0) return this.at(start);
        const contentLine = this.lines.linePos(firstContent).line + lineIndex;
        const lineStart = this.lines.lineStarts[contentLine - 1];
        if (lineStart === undefined) return this.at(start);
        const indent = /^ */.exec(this.text.slice(lineStart))?.[0].length ?? 0;
        return this.at(lineStart + indent + column);
      }
    }
  }
}

/**
 * Several files read as one schema (a folder): each path is looked up in the file that wrote it,
 * as `route` says, so every position names the right file.
 */
export class MergedSourceMap extends SourceMap {
  constructor(
    file: string,
    first: SourceMap,
    private readonly route: (path: Path) => { readonly map: SourceMap; readonly path: Path },
  ) {
    super(file, first.text, first.doc, first.lines);
  }

  override value(path: Path): Position {
    const r = this.route(path);
    return r.map.value(r.path);
  }

  override key(path: Path): Position {
    const r = this.route(path);
    return r.map.key(r.path);
  }

  override source(path: Path): string | null {
    const r = this.route(path);
    return r.map.source(r.path);
  }

  override inValue(path: Path, offset: number): Position {
    const r = this.route(path);
    return r.map.inValue(r.path, offset);
  }
}
