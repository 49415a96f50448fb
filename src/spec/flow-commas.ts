// In a YAML flow collection a comma always ends a plain scalar, so the SPEC's own
// `{ type: numeric(12,2) }` reads as `numeric(12` plus a stray key `2)`. This module rejoins
// exactly that case: a plain scalar whose parentheses are unbalanced continues through the
// following plain pieces until they balance. Quoted and block scalars are never touched.
import { isPair, isScalar, Scalar, visit, type Document, type Node, type Pair } from 'yaml';

function depth(value: unknown): number {
  if (typeof value !== 'string') return 0;
  let d = 0;
  for (const ch of value) {
    if (ch === '(') d++;
    else if (ch === ')') d--;
  }
  return d;
}

const plain = (node: unknown): node is Scalar & { range: [number, number, number] } =>
  isScalar(node) && node.type === Scalar.PLAIN && typeof node.value === 'string' && Array.isArray(node.range);

function joined(text: string, start: number, end: number): Scalar {
  const source = text.slice(start, end);
  const scalar = new Scalar(source);
  scalar.type = Scalar.PLAIN;
  scalar.source = source;
  scalar.range = [start, end, end];
  return scalar;
}

/** Rejoin split plain scalars in every flow map and flow sequence of `doc`, in place. */
export function rejoinFlowCommas(doc: Document.Parsed, text: string): void {
  visit(doc, {
    Map(_key, map) {
      if (!map.flow) return;
      const items = map.items as Pair<unknown, unknown>[];
      for (let i = 0; i < items.length; i++) {
        const value = items[i]!.value;
        if (!plain(value) || depth(value.value) <= 0) continue;
        let d = depth(value.value);
        let j = i + 1;
        let end = value.range[1];
        while (d > 0 && j < items.length) {
          const next = items[j]!;
          if (!isPair(next) || !plain(next.key) || next.value !== null) break;
          d += depth(next.key.value);
          end = next.key.range[1];
          j++;
        }
        if (d !== 0 || j === i + 1) continue;
        items[i]!.value = joined(text, value.range[0], end);
        items.splice(i + 1, j - i - 1);
      }
    },
    Seq(_key, seq) {
      if (!seq.flow) return;
      const items = seq.items as Node[];
      for (let i = 0; i < items.length; i++) {
        const first = items[i];
        if (!plain(first) || depth(first.value) <= 0) continue;
        let d = depth(first.value);
        let j = i + 1;
        let end = first.range[1];
        while (d > 0 && j < items.length) {
          const next = items[j];
          if (!plain(next)) break;
          d += depth(next.value);
          end = next.range[1];
          j++;
        }
        if (d !== 0 || j === i + 1) continue;
        items.splice(i, j - i, joined(text, first.range[0], end));
      }
    },
  });
}
