// Checks of the YAML document before it is read as data: every alias has its anchor, every
// merge key (`<<: *common`) merges maps, and no text holds a NUL character (PostgreSQL can
// store none, in a name or in text). Each problem at the node where it is written.
import { isAlias, isMap, isScalar, isSeq, type Document, type Node } from 'yaml';
import type { Diagnostic } from './diagnostics.js';
import type { SourceMap } from './source-map.js';
import { walkYaml } from './yaml-walk.js';

/** The key of a merge, as the parser reads `<<` when merge keys are on. */
export const isMergeKey = (key: unknown): boolean => isScalar(key) && typeof key.value === 'symbol';

/** What a merge key's value merges, aliases resolved; null when something is not a map. */
export function mergeSources(doc: Document.Parsed, value: unknown): Node[] | null {
  const resolve = (n: unknown): unknown => (isAlias(n) ? n.resolve(doc) : n);
  const target = resolve(value);
  const items = isSeq(target) ? target.items.map(resolve) : [target];
  return items.every((n) => isMap(n)) ? (items as Node[]) : null;
}

export function checkYamlNodes(doc: Document.Parsed, map: SourceMap): Diagnostic[] {
  const out: Diagnostic[] = [];
  const at = (node: { range?: readonly number[] | null | undefined }) => map.at(node.range?.[0] ?? 0);
  walkYaml(doc, {
    Alias(node) {
      if (node.resolve(doc) === undefined) {
        out.push({ ...at(node), code: 'yaml_syntax', message: `invalid YAML: the alias *${node.source} has no anchor &${node.source} before it` });
      }
    },
    Pair(pair) {
      if (!isMergeKey(pair.key)) return;
      const unresolved = isAlias(pair.value) && pair.value.resolve(doc) === undefined;
      if (!unresolved && mergeSources(doc, pair.value) === null) {
        out.push({
          ...at(pair.value as Node),
          code: 'yaml_syntax',
          message: 'invalid YAML: a merge key `<<` takes a map, an alias of one (*name), or a list of them',
        });
      }
    },
    Scalar(node) {
      if (typeof node.value === 'string' && node.value.includes('\u0000')) {
        out.push({
          ...at(node),
          code: 'bad_character',
          message: 'this text contains a NUL character (\\0), which PostgreSQL cannot store in a name or in text',
          hint: 'remove it',
        });
      }
    },
  });
  return out;
}
