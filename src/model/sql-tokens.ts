// Token-level edits of SQL text that PostgreSQL spelled (never of user text): renaming a
// column inside a check or index expression, finding a type used by an expression.
import { scanSync } from 'libpg-query';
import { objectPath, parseQualifiedName, quoteIdent } from './identifiers.js';

interface Token {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/** Token offsets are in UTF-8 bytes; slice on the byte buffer to stay exact. */
function tokens(sql: string): { bytes: Buffer; list: readonly Token[] } {
  return { bytes: Buffer.from(sql, 'utf8'), list: scanSync(sql).tokens };
}

/**
 * Rename column identifiers in a spelled expression: every identifier token spelling `from`
 * that is not a function name (followed by "("), a qualified part (next to ".") or a type
 * (after "::") becomes `to`. What PostgreSQL itself does to stored expressions on RENAME COLUMN.
 */
export function renameColumnIn(sql: string, renames: ReadonlyMap<string, string>): string {
  if (renames.size === 0) return sql;
  const quotedFrom = new Map([...renames].map(([from, to]) => [quoteIdent(from), quoteIdent(to)]));
  const { bytes, list } = tokens(sql);
  const parts: Buffer[] = [];
  let at = 0;
  list.forEach((t, i) => {
    const replacement = quotedFrom.get(t.text);
    if (replacement === undefined) return;
    const prev = list[i - 1]?.text;
    const next = list[i + 1]?.text;
    if (next === '(' || next === '.' || prev === '.' || prev === '::') return;
    parts.push(bytes.subarray(at, t.start), Buffer.from(replacement, 'utf8'));
    at = t.end;
  });
  parts.push(bytes.subarray(at));
  return Buffer.concat(parts).toString('utf8');
}

/** Whether a spelled expression names `column` (as a column, not a function or a type). */
export function mentionsColumn(sql: string, column: string): boolean {
  return renameColumnIn(sql, new Map([[column, `${column}_`]])) !== sql;
}

/** Whether a spelled expression names the type `schema.name` (as in `'x'::public.order_status`). */
export function mentionsType(sql: string, schema: string, name: string): boolean {
  const s = quoteIdent(schema);
  const n = quoteIdent(name);
  if (!sql.includes(n)) return false;
  const { list } = tokens(sql);
  return list.some((t, i) => t.text === s && list[i + 1]?.text === '.' && list[i + 2]?.text === n);
}

/**
 * The relations a spelled expression names as `'schema.name'::regclass` (what nextval's
 * argument reads back as), as object paths: the sequences a default uses.
 */
export function regclassesIn(sql: string): string[] {
  if (!sql.includes('::regclass')) return [];
  const { list } = tokens(sql);
  const out: string[] = [];
  list.forEach((t, i) => {
    if (!t.text.startsWith("'") || list[i + 1]?.text !== '::' || list[i + 2]?.text !== 'regclass') return;
    const name = parseQualifiedName(t.text.slice(1, -1).replaceAll("''", "'"));
    if (name) out.push(objectPath(name.schema, name.name));
  });
  return [...new Set(out)];
}

/** `(expr)` unless the expression already is one parenthesised whole. */
export function parenthesized(sql: string): string {
  const { list } = tokens(sql);
  if (list[0]?.text === '(' && list[list.length - 1]?.text === ')') {
    let depth = 0;
    const closesAtEnd = list.every((t, i) => {
      if (t.text === '(') depth++;
      else if (t.text === ')') depth--;
      return depth > 0 || i === list.length - 1;
    });
    if (closesAtEnd) return sql;
  }
  return `(${sql})`;
}
