// Data-aware hazards: the figures behind the warnings. Each measure the planner attached to a
// hazard is counted in today's data, read-only and under a statement timeout, and the count
// (with one example value) goes into the hazard. A table too large to scan within the budget
// gets the estimate from the statistics instead, said so.
import type { Db } from '../db/db.js';
import { qualify, quoteIdent, quoteLiteral } from '../model/identifiers.js';
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
    case 'rows':
      return plural(n, 'row');
    case 'values':
      return plural(n, 'non-null value');
    case 'where':
      return plural(n, 'row');
    case 'duplicates':
      return plural(n, 'duplicate group');
    case 'orphans':
      return plural(n, 'orphan row');
  }
}

/** The hazard with today's figure in its data and in its words. */
function withFigure(h: Hazard, n: number, example: string | null, estimated: boolean, timeoutMs: number): Hazard {
  const m = h.measure!;
  const fails = Boolean(h.fails_if_any) && n > 0 && !estimated;
  const shown = example === null ? '' : `, e.g. ${example.length > 60 ? `${example.slice(0, 57)}...` : example}`;
  const words = estimated
    ? `about ${plural(n, 'row')} in ${rel(m.table)} (an estimate from the statistics: too large to scan within ${timeoutMs / 1000} s)`
    : n === 0 && h.fails_if_any
      ? 'no rows in the way today'
      : `${figure(m, n)} today${shown}${fails ? ': this step will fail' : ''}`;
  return {
    ...h,
    message: `${h.message} (${words})`,
    rows: n,
    ...(example !== null && !estimated ? { example } : {}),
    ...(estimated ? { estimated: true } : {}),
    ...(fails ? { fails: true } : {}),
  };
}

async function estimate(db: Db, t: TableName): Promise<number | null> {
  const rows = await db.query<{ n: number | null }>(`SELECT GREATEST(reltuples, 0)::bigint AS n FROM pg_catalog.pg_class WHERE oid = pg_catalog.to_regclass($1)`, [rel(t)]);
  return rows[0]?.n === undefined || rows[0]?.n === null ? null : Number(rows[0].n);
}

async function exists(db: Db, t: TableName): Promise<boolean> {
  const rows = await db.query<{ t: string | null }>('SELECT pg_catalog.to_regclass($1)::text AS t', [rel(t)]);
  return Boolean(rows[0]?.t);
}

const QUERY_CANCELED = '57014';

async function measureOne(db: Db, h: Hazard, options: CheckOptions): Promise<Hazard> {
  const m = h.measure!;
  if (!(await exists(db, m.table)) || (m.kind === 'orphans' && m.references && !(await exists(db, m.references)))) return h;
  try {
    await db.exec(`BEGIN READ ONLY; SET LOCAL statement_timeout = ${quoteLiteral(`${Math.max(1, Math.round(options.timeoutMs))}ms`)}`);
    const rows = await db.query<{ n: string | number; example?: string | null }>(measureSql(m));
    await db.exec('COMMIT');
    return withFigure(h, Number(rows[0]?.n ?? 0), rows[0]?.example ?? null, false, options.timeoutMs);
  } catch (error) {
    await db.exec('ROLLBACK').catch(() => undefined);
    const code = (error as { code?: string | null }).code;
    if (code === QUERY_CANCELED) {
      const n = await estimate(db, m.table);
      if (n !== null && (m.kind === 'rows' || m.kind === 'values')) return withFigure(h, n, null, true, options.timeoutMs);
      return { ...h, message: `${h.message} (not measured: ${rel(m.table)} is too large to scan within ${options.timeoutMs / 1000} s${n !== null ? `; it has about ${plural(n, 'row')}` : ''})` };
    }
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
