// In a YAML flow collection a comma always ends a plain scalar, so the SPEC's own
// `{ type: numeric(12,2) }` reads as `numeric(12` plus a stray key `2)`. This module rejoins
// exactly that case: a plain scalar whose parentheses are unbalanced continues through the
// following plain pieces until they balance. Quoted and block scalars are never touched.
import { isPair, isScalar, Scalar, type Document, type Node, type Pair } from 'yaml';
import { walkYaml } from './yaml-walk.js';

function depth(node: Scalar): number {
  const text = typeof node.source === 'string' ? node.source : String(node.value);
  let d = 0;
  for (const ch of text) {
    if (ch === '(') d++;
    else if (ch === ')') d--;
  }
  return d;
}

/** A plain scalar as written: a piece may read as a number or a boolean (`2`, `true`). */
const plain = (node: unknown): node is Scalar & { range: [number, number, number] } => isScalar(node) && node.type === Scalar.PLAIN && Array.isArray(node.range);
/** Only a string can open a piece that continues past a comma. */
const opens = (node: unknown): node is Scalar & { range: [number, number, number] } => plain(node) && typeof node.value === 'string' && depth(node) > 0;

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
  walkYaml(doc, {
    Map(map) {
      if (!map.flow) return;
      const items = map.items as Pair<unknown, unknown>[];
      for (let i = 0; i < items.length; i++) {
        const value = items[i]!.value;
        if (!opens(value)) continue;
        let d = depth(value);
        let j = i + 1;
        let end = value.range[1];
        while (d > 0 && j < items.length) {
          const next = items[j]!;
          if (!isPair(next) || !plain(next.key) || next.value !== null) break;
          d += depth(next.key);
          end = next.key.range[1];
          j++;
        }
        if (d !== 0 || j === i + 1) continue;
        items[i]!.value = joined(text, value.range[0], end);
        items.splice(i + 1, j - i - 1);
      }
    },
    Seq(seq) {
      if (!seq.flow) return;
      const items = seq.items as Node[];
      for (let i = 0; i < items.length; i++) {
        const first = items[i];
        if (!opens(first)) continue;
        let d = depth(first);
        let j = i + 1;
        let end = first.range[1];
        while (d > 0 && j < items.length) {
          const next = items[j];
          if (!plain(next)) break;
          d += depth(next);
          end = next.range[1];
          j++;
        }
        if (d !== 0 || j === i + 1) continue;
        items.splice(i, j - i, joined(text, first.range[0], end));
      }
    },
  });
}
