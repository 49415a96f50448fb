// An exclusion constraint's text from the file (`EXCLUDE USING gist (room WITH =, during WITH &&)`),
// checked with the real PostgreSQL parser in the very place it is put: `CREATE TABLE x
// (CONSTRAINT n <text>\n)` must be exactly one CREATE TABLE holding exactly one EXCLUDE
// constraint, so the text can never end the statement it sits in. Never executes anything.
import { parseSync } from 'libpg-query';
import { walkAst } from '../model/ast.js';
import '../model/identifiers.js'; // loads the parser module (top-level await)
import { charOffset, parserErrorAt, type Checked, type ColumnReference } from './sql-text.js';

/** An operator as an exclusion may name it: symbols only, no OPERATOR(schema.op). */
export const EXCLUSION_OPERATOR = /^[-+*/<>=~!@#%^&|`?]+$/;

type AstNode = Record<string, unknown>;

/** Check `text` is one EXCLUDE constraint clause; returns the columns it names (for the caller to check against the table). */
export function checkExclusion(text: string): Checked<readonly ColumnReference[]> {
  if (text.trim() === '') return { ok: false, error: { message: 'the exclusion is empty: write EXCLUDE USING gist (column WITH operator, ...)', offset: 0 } };
  const prefix = 'CREATE TABLE x (CONSTRAINT n ';
  const wrapped = `${prefix}${text}\n)`;
  let parsed: { stmts?: readonly { stmt?: AstNode }[] };
  try {
    parsed = parseSync(wrapped) as typeof parsed;
  } catch {
    const error = parserErrorAt(wrapped);
    return { ok: false, error: { message: error.message, offset: Math.max(error.offset - prefix.length, 0) } };
  }
  const stmts = parsed.stmts ?? [];
  const create = stmts.length === 1 ? (stmts[0]?.stmt?.['CreateStmt'] as AstNode | undefined) : undefined;
  const elements = (create?.['tableElts'] as readonly AstNode[] | undefined) ?? [];
  const constraint = elements.length === 1 ? (elements[0]?.['Constraint'] as AstNode | undefined) : undefined;
  if (!create || Object.keys(create).some((k) => !['relation', 'tableElts', 'oncommit'].includes(k)) || !constraint || constraint['contype'] !== 'CONSTR_EXCLUSION' || constraint['conname'] !== 'n') {
    return { ok: false, error: { message: 'this is not one exclusion constraint: write EXCLUDE USING gist (column WITH operator, ...), and nothing after it', offset: 0 } };
  }
  if (constraint['indexspace'] !== undefined) return { ok: false, error: { message: 'a tablespace (USING INDEX TABLESPACE) is not managed: leave it out', offset: 0 } };
  const refs: ColumnReference[] = [];
  for (const pair of (constraint['exclusions'] as readonly AstNode[] | undefined) ?? []) {
    const [elem, op] = ((pair['List'] as { items?: readonly AstNode[] } | undefined)?.items ?? []) as readonly AstNode[];
    const names = ((op?.['List'] as { items?: readonly AstNode[] } | undefined)?.items ?? []).map((n) => (n['String'] as { sval?: string } | undefined)?.sval ?? '');
    if (names.length !== 1 || !EXCLUSION_OPERATOR.test(names[0]!)) {
      return { ok: false, error: { message: `the operator ${names.join('.')} is not one plain operator: write it as symbols only (=, &&), without OPERATOR(...)`, offset: 0 } };
    }
    const name = (elem?.['IndexElem'] as { name?: string } | undefined)?.name;
    if (name !== undefined) refs.push({ parts: [name], offset: 0 });
  }
  for (const c of (constraint['including'] as readonly AstNode[] | undefined) ?? []) refs.push({ parts: [(c['String'] as { sval?: string } | undefined)?.sval ?? ''], offset: 0 });
  let subquery = false;
  walkAst([constraint['exclusions'], constraint['where_clause']], (node) => {
    if (node['SubLink']) subquery = true;
    const ref = node['ColumnRef'] as { fields?: readonly AstNode[]; location?: number } | undefined;
    if (!ref) return;
    const parts = (ref.fields ?? []).map((f) => (f['String'] as { sval?: string } | undefined)?.sval ?? '*');
    refs.push({ parts, offset: Math.max(charOffset(wrapped, ref.location ?? 0) - prefix.length, 0) });
  });
  if (subquery) return { ok: false, error: { message: 'an exclusion cannot hold a subquery', offset: 0 } };
  return { ok: true, value: refs };
}
