// Walking the parse trees libpg-query returns. A tree can be thousands of levels deep (an
// expression of nested parentheses from the file), so the walk keeps its own stack instead of
// recursing: no text can overflow JavaScript's call stack.

/** Call `visit` on every object node of the tree, parents before children, in document order. */
export function walkAst(root: unknown, visit: (node: Record<string, unknown>) => void): void {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (Array.isArray(node)) {
      for (let i = node.length - 1; i >= 0; i--) stack.push(node[i]);
      continue;
    }
    if (node === null || typeof node !== 'object') continue;
    const obj = node as Record<string, unknown>;
    visit(obj);
    const values = Object.values(obj);
    for (let i = values.length - 1; i >= 0; i--) stack.push(values[i]);
  }
}
