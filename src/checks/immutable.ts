// The gate before a data check evaluates text of schema.yaml: PostgreSQL itself must accept
// every such expression as IMMUTABLE. An immutable expression cannot write, read another
// table or a file, signal a session, sleep or change a setting; everything the file could use
// to reach beyond the rows a step touches is VOLATILE or STABLE. The server decides, on a
// temporary copy of the table's columns (LIKE), by making each expression a stored generated
// column, which it refuses unless the expression is immutable. Nothing is evaluated: the copy
// has no rows, and the transaction is rolled back.
import { parseSync } from 'libpg-query';
import type { Db } from '../db/db.js';
import { walkAst } from '../model/ast.js';
import { LOCK_NOT_AVAILABLE } from '../db/locks.js';
import { qualify, quoteIdent, quoteLiteral } from '../model/identifiers.js';
import type { Measure, TableName } from '../plan/types.js';
import { usingValue } from './using.js';

/** The expressions of schema.yaml a measure evaluates (empty when it evaluates none). */
export function fileExpressions(m: Measure): string[] {
  if (m.kind === 'where' && m.file_text) return [m.condition];
  if (m.kind === 'using') return [usingValue(m)];
  if (m.kind === 'backfill') return [m.expression];
  if (m.kind === 'duplicates' && m.file_text) return [...m.keys, ...(m.condition !== null ? [m.condition] : [])];
  return [];
}

const QUERY_CANCELED = '57014';

/** invalid_object_definition: what PostgreSQL raises for a generation expression that is not immutable. */
const NOT_IMMUTABLE = '42P17';

/** The names of the functions an expression calls, as written (lower-cased, unqualified). */
function calledFunctions(expression: string): string[] {
  const names = new Set<string>();
  try {
    walkAst(parseSync(`SELECT (${expression}\n)`), (node) => {
      const call = node['FuncCall'] as { funcname?: { String?: { sval?: string } }[] } | undefined;
      const last = call?.funcname?.at(-1)?.String?.sval;
      if (last) names.add(last.toLowerCase());
    });
  } catch {
    // Text the server accepted but this parser does not: the names stay unknown.
  }
  return [...names];
}

/** The functions an expression calls that have no IMMUTABLE version of that name: null when there are none. */
async function mutableCalls(db: Db, expression: string): Promise<string | null> {
  const names = calledFunctions(expression);
  if (names.length === 0) return null;
  const rows = await db.query<{ name: string; volatility: string }>(
    `SELECT p.proname AS name, max(p.provolatile) AS volatility FROM pg_catalog.pg_proc p WHERE p.proname = ANY($1::text[]) GROUP BY p.proname HAVING bool_and(p.provolatile <> 'i') ORDER BY 1`,
    [names],
  );
  // provolatile: 'i' < 's' < 'v'; the most volatile version of each name says what it can do.
  const volatile = rows.filter((r) => r.volatility === 'v').map((r) => `${r.name}()`);
  const stable = rows.filter((r) => r.volatility === 's').map((r) => `${r.name}()`);
  if (volatile.length > 0) return `calls volatile function${volatile.length === 1 ? '' : 's'} ${volatile.join(', ')}`;
  if (stable.length > 0) return `calls function${stable.length === 1 ? '' : 's'} ${stable.join(', ')}, which PostgreSQL does not mark IMMUTABLE`;
  return null;
}

/** Why the server refused an expression as immutable, naming the functions it calls that are not. */
async function notImmutableWords(db: Db, expression: string): Promise<string> {
  return (await mutableCalls(db, expression)) ?? 'uses a function, cast or operator that PostgreSQL does not mark IMMUTABLE';
}

export type Verdict = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/**
 * Whether every expression may be evaluated on `table`'s rows: each immutable, and valid on
 * the table as it is today with the columns `added` (which the plan adds) besides. The reason says why not, in words for a "(not measured: ...)".
 * Runs in a transaction of its own, always rolled back; `timeoutMs` bounds each statement.
 * Throws the server's error when the table is locked (LOCK_NOT_AVAILABLE) or a statement ran
 * out of time, as a count would.
 */
export async function mayEvaluate(db: Db, table: TableName, expressions: readonly string[], timeoutMs: number, added: readonly { column: string; type: string }[] = []): Promise<Verdict> {
  if (expressions.length === 0) return { ok: true };
  // A function no version of which is IMMUTABLE is refused by name, before the server is asked.
  for (const expression of expressions) {
    const mutable = await mutableCalls(db, expression);
    if (mutable) return { ok: false, reason: mutable };
  }
  const budget = quoteLiteral(`${Math.max(1, Math.round(timeoutMs))}ms`);
  const probe = 'schema$probe';
  await db.exec('BEGIN');
  try {
    await db.exec(`SET LOCAL statement_timeout = ${budget}; SET LOCAL lock_timeout = ${budget}`);
    await db.query(`CREATE TEMP TABLE ${quoteIdent(probe)} (LIKE ${qualify(table.schema, table.name)})`);
    // The columns the plan adds, which the expressions may read (their types exist: checked before).
    for (const a of added) await db.query(`ALTER TABLE pg_temp.${quoteIdent(probe)} ADD COLUMN ${quoteIdent(a.column)} ${a.type}`);
    for (const [i, expression] of expressions.entries()) {
      const view = `schema$probe_${i}`;
      await db.query(`SAVEPOINT probe`);
      try {
        // Its type first (a view stores the expression, evaluating nothing), then the column.
        await db.query(`CREATE TEMP VIEW ${quoteIdent(view)} AS SELECT (${expression}\n) AS e FROM pg_temp.${quoteIdent(probe)}`);
        const [typed] = await db.query<{ type: string }>(
          `SELECT pg_catalog.format_type(a.atttypid, a.atttypmod) AS type FROM pg_catalog.pg_attribute a WHERE a.attrelid = pg_catalog.to_regclass($1) AND a.attname = 'e'`,
          [`pg_temp.${quoteIdent(view)}`],
        );
        const type = !typed || typed.type === 'unknown' ? 'text' : typed.type;
        await db.query(`ALTER TABLE pg_temp.${quoteIdent(probe)} ADD COLUMN ${quoteIdent(`g$${i}`)} ${type} GENERATED ALWAYS AS ((${expression}\n)) STORED`);
        await db.query(`RELEASE SAVEPOINT probe`);
      } catch (error) {
        await db.query('ROLLBACK TO SAVEPOINT probe');
        const code = (error as { code?: string | null }).code;
        const message = error instanceof Error ? error.message : String(error);
        if (code === NOT_IMMUTABLE && /immutable/i.test(message)) return { ok: false, reason: await notImmutableWords(db, expression) };
        if (code === LOCK_NOT_AVAILABLE || code === QUERY_CANCELED) throw error;
        return { ok: false, reason: message };
      }
    }
    return { ok: true };
  } finally {
    await db.exec('ROLLBACK').catch(() => undefined);
  }
}
