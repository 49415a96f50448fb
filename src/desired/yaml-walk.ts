// A walk over every node of a parsed YAML document, in the order of the `yaml` package's own
// `visit` (each node before what it holds; a pair's key, then its value; an alias is not
// followed), without what `visit` gives and the loader never reads: the path to each node,
// which `visit` copies and freezes at every map, list and pair (about a quarter of a second
// per walk over a 10,000-table file). A visitor may change a collection's items in place
// (flow-commas.ts does): the items are read after it returns.
import { isAlias, isMap, isPair, isScalar, isSeq, type Alias, type Document, type Pair, type Scalar, type YAMLMap, type YAMLSeq } from 'yaml';

export interface Walker {
  Map?(map: YAMLMap): void;
  Seq?(seq: YAMLSeq): void;
  Pair?(pair: Pair): void;
  Scalar?(scalar: Scalar): void;
  Alias?(alias: Alias): void;
}

export function walkYaml(doc: Document.Parsed, walker: Walker): void {
  const step = (node: unknown): void => {
    if (isMap(node)) {
      walker.Map?.(node);
      for (let i = 0; i < node.items.length; i++) step(node.items[i]);
    } else if (isSeq(node)) {
      walker.Seq?.(node);
      for (let i = 0; i < node.items.length; i++) step(node.items[i]);
    } else if (isPair(node)) {
      walker.Pair?.(node);
      step(node.key);
      step(node.value);
    } else if (isScalar(node)) {
      walker.Scalar?.(node);
    } else if (isAlias(node)) {
      walker.Alias?.(node);
    }
  };
  step(doc.contents);
}
