// The figure of a column's `backfill:`: the NULL rows it fills before NOT NULL, and of those
// the rows its value leaves NULL, which make SET NOT NULL fail. The value is text of
// schema.yaml: it is evaluated only after PostgreSQL accepted it as IMMUTABLE (immutable.ts),
// as one expression of one read-only statement on the extended protocol. Otherwise only the
// rows to fill are counted, which evaluates nothing of the file.
import type { Db } from '../db/db.js';
import { qualify, quoteIdent, quoteLiteral } from '../model/identifiers.js';
import type { Measure } from '../plan/types.js';
import { plainly, type AddedColumn, type Source } from './added.js';
import type { Verdict } from './immutable.js';

type Backfill = Extract<Measure, { kind: 'backfill' }>;

/** The query: `n`, the rows to fill; with `evaluate`, also `left`, those the value leaves NULL. */
export function backfillSql(m: Backfill, source: Source = plainly, evaluate = false): string {
  const left = evaluate ? `, count(*) FILTER (WHERE (${m.expression}\n) IS NULL)::bigint AS left_null` : '';
  return `SELECT count(*)::bigint AS n${left} FROM ${source(m.table, null)} WHERE ${quoteIdent(m.column)} IS NULL`;
}

/** What backfill found: the rows it fills, and those it leaves NULL (null when the value was not evaluated, with why). */
export interface BackfillCount {
  readonly filled: number;
  readonly leftNull: number | null;
  readonly notEvaluated?: string;
  /** Why the value cannot be stored in the column at all: the UPDATE fails whatever the rows. */
  readonly misfit?: string;
}

const plural = (n: number, word: string): string => `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;

/** A backfill's figure in words. */
export function backfillWords(b: BackfillCount, will: string): string {
  if (b.misfit !== undefined) return `the value does not fit the column: ${b.misfit}${will}`;
  if (b.filled === 0) return 'no rows with NULL today: nothing to fill';
  const filled = `${plural(b.filled, 'row')} today to fill`;
  if (b.leftNull === null) return `${filled}; the value is not evaluated before apply (${b.notEvaluated ?? 'not IMMUTABLE'})`;
  if (b.leftNull === 0) return `${filled}; the value is NULL for none of them`;
  return `${filled}: the value is NULL for ${b.leftNull.toLocaleString('en-US')} of them${will}`;
}

/**
 * Why the value cannot be stored in the column (a type without an assignment cast to the
 * column's, a function that does not exist for its arguments), or null when it can. Planned
 * only, never run: `EXPLAIN UPDATE` on a temporary copy of the table's columns, in a
 * transaction of its own that is rolled back, and only for a value PostgreSQL accepted as
 * IMMUTABLE. `added`: columns the plan adds, which the copy gets too.
 */
export async function misfit(db: Db, m: Backfill, timeoutMs: number, added: readonly { column: string; type: string }[]): Promise<string | null> {
  const budget = quoteLiteral(`${Math.max(1, Math.round(timeoutMs))}ms`);
  const probe = quoteIdent('schema$fill');
  await db.exec('BEGIN');
  try {
    await db.exec(`SET LOCAL statement_timeout = ${budget}; SET LOCAL lock_timeout = ${budget}`);
    await db.query(`CREATE TEMP TABLE ${probe} (LIKE ${qualify(m.table.schema, m.table.name)})`);
    for (const a of added) await db.query(`ALTER TABLE pg_temp.${probe} ADD COLUMN ${quoteIdent(a.column)} ${a.type}`);
    try {
      await db.query(`EXPLAIN UPDATE pg_temp.${probe} SET ${quoteIdent(m.column)} = (${m.expression})`);
      return null;
    } catch (error) {
      // Class 42: the statement is refused as written (types, names); anything else is no verdict.
      const code = (error as { code?: string | null }).code ?? '';
      if (!code.startsWith('42')) return null;
      return error instanceof Error ? error.message : String(error);
    }
  } catch {
    return null;
  } finally {
    await db.exec('ROLLBACK').catch(() => undefined);
  }
}

/**
 * The rows to fill, counted whatever the value; the rows it leaves NULL, and whether it fits the
 * column, only when it may be evaluated (`verdict`). `readOnly` runs the count in the checks'
 * read-only transaction; `adding`: the table as it will be with the columns the plan adds.
 */
export async function countBackfill(
  db: Db,
  m: Backfill,
  verdict: Verdict,
  adding: { readonly source: Source; readonly columns: readonly AddedColumn[] },
  timeoutMs: number,
  readOnly: <T>(fn: () => Promise<T>) => Promise<T>,
): Promise<BackfillCount> {
  const own = adding.columns.filter((a) => a.table.schema === m.table.schema && a.table.name === m.table.name);
  const unfit = verdict.ok ? await misfit(db, m, timeoutMs, own) : null;
  const [r] = await readOnly(() => db.query<{ n: string | number; left_null?: string | number }>(backfillSql(m, adding.source, verdict.ok)));
  const filled = Number(r?.n ?? 0);
  if (!verdict.ok) return { filled, leftNull: null, notEvaluated: verdict.reason };
  return { filled, leftNull: Number(r?.left_null ?? 0), ...(unfit !== null ? { misfit: unfit } : {}) };
}
