// The figure of a type change converted by `using:`: the rows its expression fails on. The
// expression is text of schema.yaml: it is evaluated only after PostgreSQL accepted it as
// IMMUTABLE (immutable.ts), and only ever as one expression of one statement on the extended
// protocol. First on every row at once; when that fails, row by row, each in a subtransaction
// (a savepoint), in the order of the column's values, so the example is the least failing value.
import type { Db } from '../db/db.js';
import { qualify, quoteIdent } from '../model/identifiers.js';
import type { Measure } from '../plan/types.js';

type Using = Extract<Measure, { kind: 'using' }>;

/** What the expression did on today's rows. `tried` < `total` when the time budget ran out first. */
export interface UsingCount {
  readonly n: number;
  readonly example: string | null;
  readonly tried: number;
  readonly total: number;
}

/** The expression cast to the new type: what ALTER ... TYPE ... USING stores. */
export const usingValue = (m: Using): string => `(${m.expression}\n)::${m.type}`;

/** A row's failure of the expression: invalid data (class 22) or a constraint of a domain (class 23). */
const rowFails = (error: unknown): boolean => /^2[23]/.test((error as { code?: string | null }).code ?? '');

/**
 * Inside the caller's read-only transaction (its statement timeout bounds each statement):
 * the rows whose value of the expression cannot be computed. Errors other than a row's
 * failure (a function that does not exist, a timeout, a lock) are thrown.
 */
export async function countUsing(db: Db, m: Using, budgetMs: number): Promise<UsingCount> {
  const t = qualify(m.table.schema, m.table.name);
  await db.query('SAVEPOINT schema_using');
  try {
    const [all] = await db.query<{ total: string | number }>(`SELECT count(${usingValue(m)})::bigint AS converted, count(*)::bigint AS total FROM ${t}`);
    await db.query('RELEASE SAVEPOINT schema_using');
    const total = Number(all?.total ?? 0);
    return { n: 0, example: null, tried: total, total };
  } catch (error) {
    await db.query('ROLLBACK TO SAVEPOINT schema_using');
    if (!rowFails(error)) throw error;
  }
  const deadline = Date.now() + budgetMs;
  const [all] = await db.query<{ total: string | number }>(`SELECT count(*)::bigint AS total FROM ${t}`);
  const total = Number(all?.total ?? 0);
  const rows = await firstRows(db, m, t);
  let n = 0;
  let example: string | null = null;
  let tried = 0;
  for (const row of rows) {
    if (Date.now() > deadline) break;
    await db.query('SAVEPOINT schema_using_row');
    try {
      await db.query(`SELECT (${usingValue(m)})::text AS v FROM ${t} WHERE ctid = $1::tid`, [row.id]);
      await db.query('RELEASE SAVEPOINT schema_using_row');
    } catch (error) {
      await db.query('ROLLBACK TO SAVEPOINT schema_using_row');
      if (!rowFails(error)) throw error;
      n += 1;
      if (example === null) {
        const [v] = await db.query<{ v: string | null }>(`SELECT ${quoteIdent(m.column)}::text AS v FROM ${t} WHERE ctid = $1::tid`, [row.id]);
        example = v?.v ?? null;
      }
    }
    tried += 1;
  }
  return { n, example, tried, total };
}

/** The most rows tried one by one: a table larger than this is tried in part, and says so. */
const MOST_ROWS = 100_000;
const QUERY_CANCELED = '57014';

/**
 * The rows to try, in the order of the column's values; none when even listing them ran out of
 * time (the expression is still known to fail on some row).
 */
async function firstRows(db: Db, m: Using, t: string): Promise<{ id: string }[]> {
  await db.query('SAVEPOINT schema_using_list');
  try {
    const rows = await db.query<{ id: string }>(`SELECT ctid::text AS id FROM ${t} ORDER BY ${quoteIdent(m.column)} LIMIT ${MOST_ROWS}`);
    await db.query('RELEASE SAVEPOINT schema_using_list');
    return rows;
  } catch (error) {
    await db.query('ROLLBACK TO SAVEPOINT schema_using_list');
    if ((error as { code?: string | null }).code !== QUERY_CANCELED) throw error;
    return [];
  }
}

const plural = (n: number, word: string): string => `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;

/** A `using:` expression's figure: the rows it converts, and those it fails on (all tried, or as many as the budget allowed). */
export function usingWords(n: number, u: { readonly total: number; readonly tried: number }, example: string, will: string): string {
  const fail = (k: number): string => `${k.toLocaleString('en-US')} ${k === 1 ? 'fails' : 'fail'}`;
  if (u.tried < u.total) {
    // Stopped by the checks' time budget, or at MOST_ROWS.
    const stopped = u.tried === 0 ? "too many to try one by one within the checks' budget" : `only the first ${u.tried.toLocaleString('en-US')} tried one by one`;
    return `${plural(u.total, 'row')} today: ${n === 0 ? 'some fail' : `at least ${fail(n)}${example}`}; ${stopped}${will}`;
  }
  if (u.total === 0) return 'no rows today';
  return `${plural(u.total, 'row')} today, converted by the expression: ${n === 0 ? 'none fail' : `${fail(n)}${example}`}${will}`;
}
