// Data-aware hazards: the figures behind the warnings. Each measure the planner attached to a
// hazard is counted in today's data, read-only and under a statement timeout, and the count
// (with one example value) goes into the hazard. A table too large to scan within the budget
// gets an estimate of the figure from the statistics where they can give one, said so, and
// otherwise its size, with the figure said to be not measured.
import type { Db } from '../db/db.js';
import { qualify, quoteIdent, quoteLiteral } from '../model/identifiers.js';
import { byteSize } from '../plan/steps.js';
import type { Hazard, Measure, Plan, Step, TableName } from '../plan/types.js';

export interface CheckOptions {
  /** The statement timeout of each check, in milliseconds. */
  readonly timeoutMs: number;
}

export const DEFAULT_CHECK_TIMEOUT_MS = 2000;

const rel = (t: TableName): string => qualify(t.schema, t.name);

/** The query counting what `m` measures: one row, `n` and maybe `example`. */
export function measureSql(m: Measure): string {
  const t = rel(m.table);
  switch (m.kind) {
    case 'rows':
      return `SELECT count(*)::bigint AS n FROM ${t}`;
    case 'values':
      return `SELECT count(${quoteIdent(m.column)})::bigint AS n FROM ${t}`;
    case 'nulls':
      return `SELECT count(*)::bigint AS n FROM ${t} WHERE ${quoteIdent(m.column)} IS NULL`;
    case 'where':
      return `SELECT count(*)::bigint AS n${m.example ? `, min(${m.example}) AS example` : ''} FROM ${t} WHERE (${m.condition})`;
    case 'duplicates': {
      const key = m.keys.length === 1 ? `(${m.keys[0]})::text` : `ROW(${m.keys.join(', ')})::text`;
      return `SELECT count(*)::bigint AS n, min(k) AS example FROM (SELECT ${key} AS k FROM ${t}${m.condition ? ` WHERE ${m.condition}` : ''} GROUP BY ${m.keys.join(', ')} HAVING count(*) > 1) d`;
    }
    case 'orphans': {
      const cols = m.columns.map((c) => `x.${quoteIdent(c)}`);
      const key = cols.length === 1 ? `${cols[0]}::text` : `ROW(${cols.join(', ')})::text`;
      const present = cols.map((c) => `${c} IS NOT NULL`).join(' AND ');
      const missing = m.references
        ? ` AND NOT EXISTS (SELECT 1 FROM ${rel(m.references)} r WHERE ${m.referenced_columns.map((c, i) => `r.${quoteIdent(c)} = ${cols[i]}`).join(' AND ')})`
        : '';
      return `SELECT count(*)::bigint AS n, min(${key}) AS example FROM ${t} x WHERE ${present}${missing}`;
    }
  }
}

const plural = (n: number, word: string): string => `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;

function figure(m: Measure, n: number): string {
  switch (m.kind) {
    case 'values':
      return plural(n, 'non-null value');
    case 'duplicates':
      return plural(n, 'duplicate group');
    case 'orphans':
      return plural(n, 'orphan row');
    default:
      return plural(n, 'row');
  }
}

/** What a measure counted: rows in the way, and an example. */
interface Count {
  readonly n: number;
  readonly example: string | null;
}

const shown = (example: string | null): string => (example === null ? '' : `, e.g. ${example.length > 60 ? `${example.slice(0, 57)}...` : example}`);

/** Today's figure in words: "2 rows today, e.g. x: this step will fail". */
function countWords(h: Hazard, c: Count, fails: boolean): string {
  if (c.n === 0 && h.fails_if_any) return 'no rows in the way today';
  return `${figure(h.measure!, c.n)} today${shown(c.example)}${fails ? ': this step will fail' : ''}`;
}

/** The hazard with today's figure in its data and in its words. */
function withCount(h: Hazard, c: Count): Hazard {
  const fails = Boolean(h.fails_if_any) && c.n > 0;
  return {
    ...h,
    message: `${h.message} (${countWords(h, c, fails)})`,
    rows: c.n,
    ...(c.example !== null ? { example: c.example } : {}),
    ...(fails ? { fails: true } : {}),
  };
}

// ---- tables too large to scan: estimates from the statistics, or the size ----

/** What the catalog and the planner know of a table's size. */
interface Size {
  readonly bytes: number | null;
  /** The planner's estimate; null when the statistics contradict a scan too long to finish. */
  readonly rows: number | null;
  /** Whether the row estimate comes from the statistics, or only from the size (never analysed, or only when empty). */
  readonly analysed: boolean;
}

/** Run `fn` in a read-only transaction under the checks' statement timeout. */
async function readOnly<T>(db: Db, options: CheckOptions, fn: () => Promise<T>): Promise<T> {
  try {
    await db.exec(`BEGIN READ ONLY; SET LOCAL statement_timeout = ${quoteLiteral(`${Math.max(1, Math.round(options.timeoutMs))}ms`)}`);
    const result = await fn();
    await db.exec('COMMIT');
    return result;
  } catch (error) {
    await db.exec('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

function planRows(rows: Array<Record<string, unknown>>): number | null {
  const raw = rows[0]?.['QUERY PLAN'];
  const doc = (typeof raw === 'string' ? JSON.parse(raw) : raw) as Array<{ Plan?: { 'Plan Rows'?: number } }> | undefined;
  const n = doc?.[0]?.Plan?.['Plan Rows'];
  return typeof n === 'number' ? n : null;
}

/**
 * The table's size and the planner's row estimate: pg_class's tuple density scaled to the
 * table's pages today, or, for a table never analysed (reltuples -1), a density from its
 * column types. A reltuples of 0 over pages already counted is no estimate for a table too
 * large to scan: the count is unknown.
 */
async function sizeOf(db: Db, t: TableName, options: CheckOptions): Promise<Size | null> {
  try {
    return await readOnly(db, options, async () => {
      const [c] = await db.query<{ tuples: number; pages: string | number; bytes: string | number | null }>(
        'SELECT c.reltuples::float8 AS tuples, c.relpages::bigint AS pages, pg_catalog.pg_total_relation_size(c.oid) AS bytes FROM pg_catalog.pg_class c WHERE c.oid = pg_catalog.to_regclass($1)',
        [rel(t)],
      );
      if (!c) return null;
      const bytes = c.bytes === null ? null : Number(c.bytes);
      const tuples = Number(c.tuples);
      const pages = Number(c.pages);
      if (tuples === 0 && pages > 0) return { bytes, rows: null, analysed: true };
      const rows = planRows(await db.query(`EXPLAIN (FORMAT JSON) SELECT * FROM ${rel(t)}`));
      return { bytes, rows: rows === null ? null : Math.round(rows), analysed: tuples > 0 && pages > 0 };
    });
  } catch {
    return null;
  }
}

/** The statistics of one column, where ANALYZE gathered them. */
async function columnStats(db: Db, t: TableName, column: string, options: CheckOptions): Promise<{ nullFrac: number; nDistinct: number } | null> {
  try {
    const [s] = await readOnly(db, options, () =>
      db.query<{ null_frac: number; n_distinct: number }>(
        'SELECT null_frac::float8 AS null_frac, n_distinct::float8 AS n_distinct FROM pg_catalog.pg_stats WHERE schemaname = $1 AND tablename = $2 AND attname = $3 ORDER BY inherited DESC LIMIT 1',
        [t.schema, t.name, column],
      ),
    );
    return s ? { nullFrac: Number(s.null_frac), nDistinct: Number(s.n_distinct) } : null;
  } catch {
    return null;
  }
}

/** The figure the statistics give for `m`, in its own words; null when they cannot tell. */
async function estimateOf(db: Db, m: Measure, size: Size, options: CheckOptions): Promise<{ n: number; words: string } | null> {
  if (size.rows === null) return null;
  const rows = size.rows;
  if (m.kind === 'rows') return { n: rows, words: `about ${plural(rows, 'row')}` };
  const column = m.kind === 'values' || m.kind === 'nulls' ? m.column : m.kind === 'duplicates' ? (m.column ?? null) : null;
  if (column === null || !size.analysed) return null;
  const stats = await columnStats(db, m.table, column, options);
  if (stats === null) return null;
  const present = rows * (1 - stats.nullFrac);
  if (m.kind === 'values') return { n: Math.round(present), words: `about ${plural(Math.round(present), 'non-null value')}` };
  if (m.kind === 'nulls') return { n: Math.round(rows * stats.nullFrac), words: `about ${plural(Math.round(rows * stats.nullFrac), 'row')}` };
  // n_distinct: a count of distinct values, or (negative) their share of all rows.
  const distinct = stats.nDistinct >= 0 ? stats.nDistinct : -stats.nDistinct * rows;
  const repeats = Math.max(0, Math.round(present - distinct));
  return { n: repeats, words: repeats === 0 ? "no duplicates in the statistics' sample" : `about ${plural(repeats, 'row')} repeating another row's key` };
}

/**
 * Catalog reads and EXPLAIN take milliseconds; their timeout only guards against waiting on a
 * lock, so a budget tight enough to stop a scan does not stop them.
 */
const ESTIMATE_TIMEOUT_FLOOR_MS = 1000;

/** The hazard of a measure that did not finish within the budget. */
async function tooLarge(db: Db, h: Hazard, options: CheckOptions): Promise<Hazard> {
  const m = h.measure!;
  const within = `too large to scan within ${options.timeoutMs / 1000} s`;
  const catalog = { timeoutMs: Math.max(options.timeoutMs, ESTIMATE_TIMEOUT_FLOOR_MS) };
  const size = await sizeOf(db, m.table, catalog);
  const estimate = size ? await estimateOf(db, m, size, catalog) : null;
  if (size && estimate) {
    const basis = size.analysed ? `estimated from the statistics of ${rel(m.table)}` : `estimated from the size of ${rel(m.table)} (${size.bytes === null ? 'no statistics' : `${byteSize(size.bytes)}, no statistics`})`;
    return { ...h, message: `${h.message} (${estimate.words}, ${basis}: ${within})`, rows: estimate.n, estimated: true };
  }
  const known = size ? [...(size.bytes !== null ? [byteSize(size.bytes)] : []), size.rows !== null ? `about ${plural(size.rows, 'row')}` : 'row count unknown'] : [];
  return { ...h, message: `${h.message} (not measured: ${rel(m.table)}${known.length > 0 ? ` (${known.join(', ')})` : ''} is ${within})` };
}

// ---- measuring ----

async function exists(db: Db, t: TableName): Promise<boolean> {
  const rows = await db.query<{ t: string | null }>('SELECT pg_catalog.to_regclass($1)::text AS t', [rel(t)]);
  return Boolean(rows[0]?.t);
}

const QUERY_CANCELED = '57014';

async function count(db: Db, m: Measure): Promise<Count> {
  const [r] = await db.query<{ n: string | number; example?: string | null }>(measureSql(m));
  return { n: Number(r?.n ?? 0), example: r?.example ?? null };
}

async function measureOne(db: Db, h: Hazard, options: CheckOptions): Promise<Hazard> {
  const m = h.measure!;
  if (!(await exists(db, m.table)) || (m.kind === 'orphans' && m.references && !(await exists(db, m.references)))) return h;
  try {
    return withCount(h, await readOnly(db, options, () => count(db, m)));
  } catch (error) {
    if ((error as { code?: string | null }).code === QUERY_CANCELED) return tooLarge(db, h, options);
    const reason = error instanceof Error ? error.message : String(error);
    return { ...h, message: `${h.message} (not measured: ${reason})` };
  }
}

/**
 * The plan with a figure on every hazard that has a measure: rows in the way, rows lost, with
 * an example, and `fails` where the step is certain to fail on today's data. Reads only.
 */
export async function measurePlan(db: Db, plan: Plan, options: CheckOptions = { timeoutMs: DEFAULT_CHECK_TIMEOUT_MS }): Promise<Plan> {
  const steps: Step[] = [];
  for (const step of plan.steps) {
    const hazards: Hazard[] = [];
    for (const h of step.hazards) hazards.push(h.measure ? await measureOne(db, h, options) : h);
    steps.push({ ...step, hazards });
  }
  return { ...plan, steps };
}
