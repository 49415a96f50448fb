// The source map: from a path in the parsed YAML (["tables", "users", "columns", "id"]) to
// the file:line:col where a user wrote it.
import { isMap, isPair, isScalar, isSeq, LineCounter, Scalar, type Document, type Node } from 'yaml';
import type { Position } from './diagnostics.js';

export type Path = readonly (string | number)[];

interface Found {
  readonly node: Node | null;
  /** The map key holding the node, when the last step went through a map. */
  readonly key: Node | null;
}

export class SourceMap {
  constructor(
    readonly file: string,
    private readonly text: string,
    private readonly doc: Document.Parsed,
    private readonly lines: LineCounter,
  ) {}

  at(offset: number): Position {
    const { line, col } = this.lines.linePos(offset);
    return { file: this.file, line: Math.max(line, 1), col: Math.max(col, 1) };
  }

  private find(path: Path): Found {
    let node: Node | null = (this.doc.contents as Node | null) ?? null;
    let key: Node | null = null;
    for (const step of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(step));
        if (!pair) return { node: null, key: null };
        key = (pair.key as Node) ?? null;
        node = (pair.value as Node | null) ?? null;
      } else if (isSeq(node) && typeof step === 'number') {
        node = (node.items[step] as Node | undefined) ?? null;
        key = null;
      } else {
        return { node: null, key: null };
      }
    }
    return { node, key };
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
