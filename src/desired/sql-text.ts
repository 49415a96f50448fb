// SQL text a user wrote (expressions, type names), checked with the real PostgreSQL parser
// before any of it is placed in a statement: it must be exactly one expression (or one type
// name), with balanced parentheses and no statement separator, so that wrapping it in
// `CHECK (...)` or `DEFAULT (...)` can never end the surrounding statement.
import { parseSync, scanSync } from 'libpg-query';
import { walkAst } from '../model/ast.js';
import '../model/identifiers.js'; // loads the parser module (top-level await)

export interface TextError {
  readonly message: string;
  /** Character offset into the user's text. */
  readonly offset: number;
}

export interface ColumnReference {
  /** The name parts as written: ["total"] or ["orders", "total"]. */
  readonly parts: readonly string[];
  readonly offset: number;
}

export type Checked<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: TextError };

/** Parser offsets are in UTF-8 bytes; user positions are in characters. */
export function charOffset(text: string, byteOffset: number): number {
  return Buffer.from(text, 'utf8').subarray(0, Math.max(0, byteOffset)).toString('utf8').length;
}

interface SqlDetails {
  readonly cursorPosition?: number;
}

/**
 * The parser's complaint about `text`, placed in `text`. One about what follows the text (the
 * `)` the check wraps an expression in, or the end of the wrapped input) is the text ending too
 * soon, said in the user's terms: `a +` ends early, it does not have a stray `)`.
 */
function parserError(error: unknown, wrapped: string, prefixLength: number, text: string, what: 'expression' | 'type' | 'statement'): TextError {
  const raw = error instanceof Error ? error.message : String(error);
  const details = (error as { sqlDetails?: SqlDetails }).sqlDetails;
  const cursor = typeof details?.cursorPosition === 'number' ? charOffset(wrapped, details.cursorPosition) : prefixLength;
  const offset = Math.min(Math.max(cursor - prefixLength, 0), text.length);
  const pastText = cursor - prefixLength >= text.length;
  if (pastText && /^syntax error at (or near "[^"]*"|end of input)$/.test(raw)) return { message: `syntax error at end of ${what}`, offset };
  // The parser's own stack: parentheses nested thousands deep.
  if (/^memory exhausted/.test(raw)) return { message: `this ${what} is nested too deeply for PostgreSQL's parser; write it with fewer nested parentheses`, offset };
  return { message: raw, offset };
}

/**
 * The scanner's own complaint (an unterminated comment, string or quoted name), at its
 * place: the scanner module fails without a readable message, the parser says it in words.
 */
function scannerError(text: string, prefix: string, what: 'expression' | 'type' | 'statement'): TextError {
  try {
    parseSync(`${prefix}${text}`);
  } catch (error) {
    return parserError(error, `${prefix}${text}`, prefix.length, text, what);
  }
  return { message: 'PostgreSQL cannot read this text', offset: 0 };
}

/** The parser's complaint about a whole statement `text`, at its place in it. */
export function parserErrorAt(text: string): TextError {
  try {
    parseSync(text);
  } catch (error) {
    return parserError(error, text, 0, text, 'statement');
  }
  return { message: 'PostgreSQL cannot read this text', offset: 0 };
}

/** Tokens must balance and never contain `;`. `prefix` is what the text follows when parsed. */
function scanBalanced(text: string, prefix: string, what: 'expression' | 'type'): TextError | null {
  let tokens: readonly { start: number; text: string }[];
  try {
    tokens = scanSync(text).tokens;
  } catch {
    return scannerError(text, prefix, what);
  }
  let depth = 0;
  for (const token of tokens) {
    if (token.text === ';') return { message: 'a ";" ends a statement; write a single expression', offset: charOffset(text, token.start) };
    if (token.text === '(' || token.text === '[') depth++;
    if (token.text === ')' || token.text === ']') {
      depth--;
      if (depth < 0) return { message: `unbalanced "${token.text}"`, offset: charOffset(text, token.start) };
    }
  }
  if (depth !== 0) return { message: 'unbalanced parentheses', offset: text.length };
  return null;
}

/** Where the first comma outside any parentheses is, in characters. */
function topLevelComma(text: string): number {
  let depth = 0;
  for (const token of scanSync(text).tokens) {
    if (token.text === '(' || token.text === '[') depth++;
    else if (token.text === ')' || token.text === ']') depth--;
    else if (token.text === ',' && depth === 0) return charOffset(text, token.start);
  }
  return 0;
}

/**
 * `text` with its comments blanked out (newlines kept, so offsets and lines still hold): a
 * `-- comment` at the end would otherwise comment out the `)` placed after the text in a
 * statement. Only for text that the checks here accepted.
 */
export const blankComments = remembered((text: string): string => {
  const comments = scanSync(text).tokens.filter((t) => t.tokenName === 'SQL_COMMENT' || t.tokenName === 'C_COMMENT');
  let out = '';
  let at = 0;
  for (const c of comments) {
    const from = charOffset(text, c.start);
    const to = charOffset(text, c.end);
    out += text.slice(at, from) + text.slice(from, to).replace(/[^\n]/g, ' ');
    at = to;
  }
  return out + text.slice(at);
});

type AstNode = Record<string, unknown>;

/**
 * A pure function of the text, remembered: a file of 10,000 tables writes the same few type
 * names and defaults thousands of times, and each parse is a call into the parser's WASM.
 * Answers are shared, so they are never changed by a caller (they are readonly). Bounded.
 */
function remembered<T>(check: (text: string) => T): (text: string) => T {
  const known = new Map<string, T>();
  return (text) => {
    const hit = known.get(text);
    if (hit !== undefined) return hit;
    const answer = check(text);
    if (known.size >= 10_000) known.clear();
    known.set(text, answer);
    return answer;
  };
}

function onlyTarget(parsed: { stmts?: readonly { stmt?: AstNode }[] }): AstNode | null {
  const statements = parsed.stmts ?? [];
  if (statements.length !== 1) return null;
  const select = statements[0]?.stmt?.['SelectStmt'] as AstNode | undefined;
  if (!select) return null;
  const extra = Object.keys(select).filter((k) => !['targetList', 'limitOption', 'op'].includes(k));
  const targets = select['targetList'] as readonly AstNode[] | undefined;
  if (extra.length > 0 || !targets || targets.length !== 1) return null;
  const target = targets[0]?.['ResTarget'] as AstNode | undefined;
  if (!target || target['name'] !== undefined) return null;
  return (target['val'] as AstNode | undefined) ?? null;
}

/** The column references in a parsed expression, in document order (a walk with its own stack). */
function collectColumnRefs(root: unknown, wrapped: string, prefixLength: number, out: ColumnReference[]): void {
  walkAst(root, (obj) => {
    const ref = obj['ColumnRef'] as { fields?: readonly AstNode[]; location?: number } | undefined;
    if (!ref) return;
    const parts = (ref.fields ?? []).map((f) => {
      const s = f['String'] as { sval?: string } | undefined;
      return s?.sval ?? '*';
    });
    out.push({ parts, offset: Math.max(charOffset(wrapped, ref.location ?? 0) - prefixLength, 0) });
  });
}

/**
 * Check that `text` is one SQL expression. Returns the column references in it, so the
 * caller can check them against the table. Never executes anything.
 */
export const checkExpression = remembered((text: string): Checked<readonly ColumnReference[]> => {
  if (text.trim() === '') return { ok: false, error: { message: 'the expression is empty', offset: 0 } };
  const prefix = 'SELECT (';
  const unbalanced = scanBalanced(text, prefix, 'expression');
  if (unbalanced) return { ok: false, error: unbalanced };
  const wrapped = `${prefix}${text}\n)`;
  let parsed: { stmts?: readonly { stmt?: AstNode }[] };
  try {
    parsed = parseSync(wrapped) as typeof parsed;
  } catch (error) {
    return { ok: false, error: parserError(error, wrapped, prefix.length, text, 'expression') };
  }
  const value = onlyTarget(parsed);
  if (value === null) return { ok: false, error: { message: 'this is not a single SQL expression', offset: 0 } };
  // `a, b` inside the parentheses we add reads as a row (a, b): a list, not one expression.
  if ((value['RowExpr'] as { row_format?: string } | undefined)?.row_format === 'COERCE_IMPLICIT_CAST') {
    return { ok: false, error: { message: 'this is a list of expressions, not one: a "," separates them', offset: topLevelComma(text) } };
  }
  const refs: ColumnReference[] = [];
  collectColumnRefs(value, wrapped, prefix.length, refs);
  return { ok: true, value: refs };
});

export interface TypeName {
  /** Name parts after the grammar's own normalisation: `int` is ["pg_catalog", "int4"]. */
  readonly names: readonly string[];
  readonly array: boolean;
}

/** Check that `text` is one type name as written in DDL (`varchar(20)`, `text[]`, `billing.status`). */
export const checkTypeName = remembered((text: string): Checked<TypeName> => {
  if (text.trim() === '') return { ok: false, error: { message: 'the type is empty', offset: 0 } };
  const prefix = 'SELECT NULL::';
  const unbalanced = scanBalanced(text, prefix, 'type');
  if (unbalanced) return { ok: false, error: unbalanced };
  const wrapped = `${prefix}${text}\n`;
  let parsed: { stmts?: readonly { stmt?: AstNode }[] };
  try {
    parsed = parseSync(wrapped) as typeof parsed;
  } catch (error) {
    return { ok: false, error: parserError(error, wrapped, prefix.length, text, 'type') };
  }
  const value = onlyTarget(parsed);
  const cast = value?.['TypeCast'] as { arg?: AstNode; typeName?: AstNode } | undefined;
  const isNull = (cast?.arg?.['A_Const'] as { isnull?: boolean } | undefined)?.isnull === true;
  const typeName = cast?.typeName;
  if (!cast || !isNull || !typeName || typeName['setof'] || typeName['pct_type']) {
    return { ok: false, error: { message: 'this is not a type name', offset: 0 } };
  }
  const names = ((typeName['names'] as readonly AstNode[] | undefined) ?? []).map((n) => (n['String'] as { sval?: string } | undefined)?.sval ?? '');
  const array = Array.isArray(typeName['arrayBounds']) && (typeName['arrayBounds'] as unknown[]).length > 0;
  return { ok: true, value: { names, array } };
});

/**
 * Where the first subquery (`(SELECT ...)`, `EXISTS (...)`, `x IN (SELECT ...)`) of an
 * expression that checkExpression accepted starts, in characters; null when it has none.
 */
export const subqueryOffset = remembered((text: string): number | null => {
  const prefix = 'SELECT (';
  const wrapped = `${prefix}${text}\n)`;
  let found: number | null = null;
  try {
    walkAst(parseSync(wrapped), (node) => {
      const link = node['SubLink'] as { location?: number } | undefined;
      if (link && found === null) found = Math.max(charOffset(wrapped, link.location ?? 0) - prefix.length, 0);
    });
  } catch {
    return 0;
  }
  return found;
});

/** A view's SELECT as checked: the text with every unqualified relation given its schema, and the relations it reads. */
export interface CheckedSelect {
  readonly text: string;
  readonly reads: readonly { readonly schema: string; readonly name: string }[];
}

/**
 * Check that `text` is exactly one SELECT (or VALUES) that changes nothing: no second statement,
 * no INSERT, UPDATE, DELETE or MERGE in a WITH, no SELECT INTO. A final `;` is allowed and
 * dropped. Unqualified relations (not the names of its own WITH queries) are given `schema`
 * (`public`), since statements run with an empty search_path. Never executes anything.
 */
export const checkSelect = remembered((text: string): Checked<CheckedSelect> => {
  let tokens: readonly { start: number; end: number; text: string }[];
  try {
    tokens = scanSync(text).tokens;
  } catch {
    return { ok: false, error: scannerError(text, '', 'expression') };
  }
  if (tokens.length === 0) return { ok: false, error: { message: 'the SQL is empty: write one SELECT', offset: 0 } };
  let body = text;
  const last = tokens.at(-1)!;
  if (last.text === ';') body = text.slice(0, Buffer.from(text, 'utf8').subarray(0, last.start).toString('utf8').length);
  const stray = tokens.slice(0, last.text === ';' ? -1 : undefined).find((t) => t.text === ';');
  if (stray) return { ok: false, error: { message: 'a ";" ends the SELECT here and another statement follows: a view is one SELECT', offset: charOffset(text, stray.start) } };
  let parsed: { stmts?: readonly { stmt?: AstNode; stmt_location?: number }[] };
  try {
    parsed = parseSync(body) as typeof parsed;
  } catch (error) {
    return { ok: false, error: parserError(error, body, 0, body, 'expression') };
  }
  const stmts = parsed.stmts ?? [];
  if (stmts.length !== 1) return { ok: false, error: { message: `this is ${stmts.length} statements: a view is one SELECT`, offset: charOffset(body, stmts[1]?.stmt_location ?? 0) } };
  const select = stmts[0]!.stmt?.['SelectStmt'] as AstNode | undefined;
  if (!select) {
    const kind = Object.keys(stmts[0]!.stmt ?? {})[0] ?? 'statement';
    return { ok: false, error: { message: `this is ${kind.replace(/Stmt$/, '').toUpperCase()}, not a SELECT: a view is one SELECT`, offset: 0 } };
  }
  const ctes = new Set<string>();
  const ranges: { schemaname?: string; relname?: string; location?: number }[] = [];
  let problem: TextError | null = null;
  walkAst(select, (node) => {
    const cte = node['CommonTableExpr'] as { ctename?: string; ctequery?: AstNode; location?: number } | undefined;
    if (cte) {
      if (cte.ctename) ctes.add(cte.ctename);
      if (cte.ctequery && !cte.ctequery['SelectStmt'] && problem === null) problem = { message: `WITH query "${cte.ctename ?? ''}" changes data: a view only reads`, offset: charOffset(body, cte.location ?? 0) };
    }
    const into = (node['SelectStmt'] as { intoClause?: unknown } | undefined)?.intoClause;
    if (into && problem === null) problem = { message: 'SELECT INTO makes a table: a view only reads', offset: 0 };
    const range = node['RangeVar'] as { schemaname?: string; relname?: string; location?: number } | undefined;
    if (range) ranges.push(range);
  });
  if (select['intoClause'] && problem === null) problem = { message: 'SELECT INTO makes a table: a view only reads', offset: 0 };
  if (problem) return { ok: false, error: problem };
  const reads = new Map<string, { schema: string; name: string }>();
  const inserts: number[] = [];
  for (const r of ranges) {
    if (!r.relname) continue;
    if (!r.schemaname && ctes.has(r.relname)) continue;
    const schema = r.schemaname ?? 'public';
    reads.set(`${schema}\u0000${r.relname}`, { schema, name: r.relname });
    if (!r.schemaname) inserts.push(charOffset(body, r.location ?? 0));
  }
  let qualified = body.trimEnd();
  for (const at of [...new Set(inserts)].sort((a, b) => b - a)) qualified = `${qualified.slice(0, at)}public.${qualified.slice(at)}`;
  return { ok: true, value: { text: qualified.trim(), reads: [...reads.values()] } };
});

/** One statement as parsed: its tokens, its text without a final `;`, and its node. */
export interface OneStatement<T> {
  readonly tokens: readonly { readonly start: number; readonly end: number; readonly text: string }[];
  readonly body: string;
  readonly stmt: T;
}

/**
 * Check that `text` is exactly one statement whose parse node is `node` (`CreateFunctionStmt`);
 * a final `;` is allowed. `what` names it for people (`CREATE TRIGGER`), `empty` is what to write
 * instead of nothing. Never executes anything.
 */
export function parseOneStatement<T>(text: string, node: string, what: string, empty = `write exactly one ${what}`): Checked<OneStatement<T>> {
  let tokens: OneStatement<T>['tokens'];
  try {
    tokens = scanSync(text).tokens;
  } catch {
    return { ok: false, error: parserErrorAt(text) };
  }
  if (tokens.length === 0) return { ok: false, error: { message: `the SQL is empty: ${empty}`, offset: 0 } };
  const last = tokens.at(-1)!;
  const body = last.text === ';' ? text.slice(0, charOffset(text, last.start)) : text;
  let parsed: { stmts?: readonly { stmt?: Record<string, unknown>; stmt_location?: number }[] };
  try {
    parsed = parseSync(body) as typeof parsed;
  } catch {
    return { ok: false, error: parserErrorAt(body) };
  }
  const stmts = parsed.stmts ?? [];
  if (stmts.length !== 1) return { ok: false, error: { message: `this is ${stmts.length} statements: write exactly one ${what}`, offset: charOffset(body, stmts[1]?.stmt_location ?? 0) } };
  const stmt = stmts[0]!.stmt?.[node] as T | undefined;
  if (!stmt) {
    const kind = Object.keys(stmts[0]!.stmt ?? {})[0] ?? 'statement';
    const said =
      kind === 'CreateStmt'
        ? 'CREATE TABLE'
        : kind
            .replace(/Stmt$/, '')
            .replace(/([a-z])([A-Z])/g, '$1 $2')
            .toUpperCase();
    return { ok: false, error: { message: `this is ${said}, not a ${what}`, offset: charOffset(body, stmts[0]!.stmt_location ?? 0) } };
  }
  return { ok: true, value: { tokens, body, stmt } };
}
