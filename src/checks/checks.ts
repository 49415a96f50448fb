// Data-aware hazards: the figures behind the warnings. Each measure the planner attached to a
// hazard is counted in today's data, read-only and under a statement timeout, and the count
// (with one example value) goes into the hazard. A table too large to scan within the budget
// gets an estimate of the figure from the statistics where they can give one, said so, and
// otherwise its size, with the figure said to be not measured.
import type { Db } from '../db/db.js';
import { exclusiveHolders, heldBy, LOCK_NOT_AVAILABLE, lockTimeoutError, waitWords } from '../db/locks.js';
import { serverVersion } from '../introspect/introspect.js';
import { fileExpressions, mayEvaluate } from './immutable.js';
import { addedColumns, assumedWords, columnsRead, plainly, withAdded, type Added, type Source } from './added.js';
import { qualify, quoteIdent, quoteLiteral } from '../model/identifiers.js';
import { invalidInput } from '../plan/sql.js';
import { countUsing, usingWords } from './using.js';
import { backfillSql, backfillWords, countBackfill, type BackfillCount } from './backfill.js';
import { byteSize } from '../plan/byte-size.js';
import { shownExample } from './examples.js';

export { scientific } from './examples.js';
import { backfillAdvice, unfilledColumn, type Hazard, type Measure, type Plan, type Step, type TableName } from '../plan/types.js';

export interface CheckOptions {
  /** The statement timeout of each check, in milliseconds. */
  readonly timeoutMs: number;
}

export const DEFAULT_CHECK_TIMEOUT_MS = 2000;

/** pg_input_is_valid came with PostgreSQL 16; before, input is tried value by value (inputBlock). */
const INPUT_IS_VALID_SINCE = 160000;

const rel = (t: TableName): string => qualify(t.schema, t.name);

type Conversion = Extract<Measure, { kind: 'conversion' }>;

/** Rows whose text needs a try as input: not of a form known valid. */
const untrusted = (m: Conversion): string => (m.trusted === undefined ? 'true' : `NOT coalesce((${m.trusted}), false)`);

/** The rows a conversion measure finds failing, as one condition (input tried by pg_input_is_valid). */
function failing(m: Conversion): string {
  const input = m.input === null ? null : `${untrusted(m)} AND ${invalidInput(m.column, m.input)}`;
  const parts = [m.fails, input].filter((c): c is string => c !== null);
  return parts.length === 0 ? 'false' : `coalesce(${parts.map((c) => `(${c})`).join(' OR ')}, false)`;
}

/**
 * The query counting what `m` measures: one row, `n` and maybe `example`; for a conversion
 * also `rounded` and `rounded_example`, the rows it changes without failing.
 */
export function measureSql(m: Measure, source: Source = plainly): string {
  const t = source(m.table, null);
  switch (m.kind) {
    case 'rows':
      return `SELECT count(*)::bigint AS n FROM ${t}`;
    case 'values':
      return `SELECT count(${quoteIdent(m.column)})::bigint AS n FROM ${t}`;
    case 'nulls':
      return `SELECT count(*)::bigint AS n FROM ${t} WHERE ${quoteIdent(m.column)} IS NULL`;
    case 'where':
      return `SELECT count(*)::bigint AS n${m.example ? `, min(${m.example}) AS example` : ''} FROM ${t} WHERE (${m.condition})`;
    case 'conversion': {
      const fails = failing(m);
      // The CASE tests the rounding (a cast) only on values the change does not fail on.
      const rounds = m.rounded === null ? 'false' : `coalesce((${m.rounded}), false)`;
      return `SELECT count(*) FILTER (WHERE f)::bigint AS n, min(x) FILTER (WHERE f) AS example, count(*) FILTER (WHERE NOT f)::bigint AS rounded, min(x) FILTER (WHERE NOT f) AS rounded_example FROM (SELECT ${fails} AS f, ${m.example} AS x FROM ${t} WHERE CASE WHEN ${fails} THEN true ELSE ${rounds} END) c`;
    }
    case 'duplicates': {
      const key = m.keys.length === 1 ? `(${m.keys[0]})::text` : `ROW(${m.keys.join(', ')})::text`;
      return `SELECT count(*)::bigint AS n, min(k) AS example FROM (SELECT ${key} AS k FROM ${t}${m.condition ? ` WHERE ${m.condition}` : ''} GROUP BY ${m.keys.join(', ')} HAVING count(*) > 1) d`;
    }
    case 'backfill':
      // The rows it fills; the value of schema.yaml is evaluated by backfillSql only, once found IMMUTABLE.
      return backfillSql(m, source);
    case 'using':
      // The rows it converts; those it fails on are counted by countUsing, never by this query.
      return `SELECT count(*)::bigint AS n FROM ${t}`;
    case 'orphans': {
      const cols = m.columns.map((c) => `x.${quoteIdent(c)}`);
      const key = cols.length === 1 ? `${cols[0]}::text` : `ROW(${cols.join(', ')})::text`;
      const present = cols.map((c) => `${c} IS NOT NULL`).join(' AND ');
      const missing = m.references ? ` AND NOT EXISTS (SELECT 1 FROM ${source(m.references, 'r')} WHERE ${m.referenced_columns.map((c, i) => `r.${quoteIdent(c)} = ${cols[i]}`).join(' AND ')})` : '';
      return `SELECT count(*)::bigint AS n, min(${key}) AS example FROM ${source(m.table, 'x')} WHERE ${present}${missing}`;
    }
  }
}

const ROWS_SETTING = 'schema_tool.check_rows';
const EXAMPLE_SETTING = 'schema_tool.check_example';
const ROUNDED_SETTING = 'schema_tool.check_rounded';
const ROUNDED_EXAMPLE_SETTING = 'schema_tool.check_rounded_example';

/** `$check$body$check$`, with a tag the body does not contain. */
function dollarQuoted(body: string): string {
  let tag = '$check$';
  for (let i = 1; body.includes(tag); i++) tag = `$check${i}$`;
  return `${tag}${body}${tag}`;
}

/**
 * Before PostgreSQL 16: a block that tries each distinct text of the column as input for
 * `m.input` (but those of a form known valid), each in its own subtransaction, as the cast
 * itself would, and leaves the count of rows whose text fails and the least failing text
 * (in the column's order, as min() gives it from PostgreSQL 16) in two transaction-local
 * settings (read back by inputResultSql). With `m.rounded`, it also counts the rows whose
 * text is valid but rounded (tried value by value, and in one scan among those known valid),
 * in two more. Reads only: a READ ONLY transaction allows DO, subtransactions and set_config,
 * though not a temporary function. One statement: the checks' statement timeout bounds it.
 */
export function inputBlock(m: Conversion & { readonly input: string }): string {
  const col = quoteIdent(m.column);
  // The rounding test reads the column: here it reads the value tried, as text (an array's as text[]).
  const roundedHere = m.rounded === null ? null : `(SELECT ${m.rounded} FROM (SELECT checked_value${m.input.endsWith('[]') ? '::text[]' : ''} AS ${col}) tried)`;
  const knownValidRounded =
    m.rounded === null || m.trusted === undefined
      ? ''
      : `
  SELECT count(*), min(${col}::text) INTO trusted_rows, least_trusted FROM ${rel(m.table)}
    WHERE CASE WHEN ${col} IS NOT NULL AND coalesce((${m.trusted}), false) THEN coalesce((${m.rounded}), false) ELSE false END;
  rounded_rows := rounded_rows + trusted_rows;
  least_rounded := LEAST(least_rounded, least_trusted);`;
  const body = `
#variable_conflict use_column
DECLARE
  checked_value text;
  value_rows bigint;
  failing_rows bigint := 0;
  least_failing text;
  rounded_rows bigint := 0;
  least_rounded text;
  trusted_rows bigint;
  least_trusted text;
BEGIN
  FOR checked_value, value_rows IN
    SELECT v.x, count(*) FROM (SELECT ${col}::text AS x FROM ${rel(m.table)} WHERE ${col} IS NOT NULL AND ${untrusted(m)}) v GROUP BY v.x ORDER BY v.x
  LOOP
    BEGIN
      PERFORM checked_value::${m.input};${
        roundedHere === null
          ? ''
          : `
      IF coalesce(${roundedHere}, false) THEN
        rounded_rows := rounded_rows + value_rows;
        least_rounded := coalesce(least_rounded, checked_value);
      END IF;`
      }
    EXCEPTION WHEN data_exception OR integrity_constraint_violation THEN
      -- Invalid input (class 22), or a domain's constraint (class 23): pg_input_is_valid's false.
      failing_rows := failing_rows + value_rows;
      least_failing := coalesce(least_failing, checked_value);
    END;
  END LOOP;${knownValidRounded}
  PERFORM pg_catalog.set_config(${quoteLiteral(ROWS_SETTING)}, failing_rows::text, true);
  PERFORM pg_catalog.set_config(${quoteLiteral(EXAMPLE_SETTING)}, coalesce(least_failing, ''), true);
  PERFORM pg_catalog.set_config(${quoteLiteral(ROUNDED_SETTING)}, rounded_rows::text, true);
  PERFORM pg_catalog.set_config(${quoteLiteral(ROUNDED_EXAMPLE_SETTING)}, coalesce(least_rounded, ''), true);
END
`;
  return `DO ${dollarQuoted(body)}`;
}

const inputResultSql =
  `SELECT pg_catalog.current_setting(${quoteLiteral(ROWS_SETTING)})::bigint AS n, pg_catalog.current_setting(${quoteLiteral(EXAMPLE_SETTING)}) AS example, ` +
  `pg_catalog.current_setting(${quoteLiteral(ROUNDED_SETTING)})::bigint AS rounded, pg_catalog.current_setting(${quoteLiteral(ROUNDED_EXAMPLE_SETTING)}) AS rounded_example`;

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

/** What a measure counted: rows in the way (failing, where a conversion tells), and those only rounded. */
interface Count {
  readonly n: number;
  readonly example: string | null;
  readonly rounded?: { readonly n: number; readonly example: string | null };
  /**
   * A `using:` expression: the rows it converts (all of the table's), and those tried; fewer
   * than all when it failed at once and the time budget ran out trying them one by one.
   */
  readonly using?: { readonly total: number; readonly tried: number };
  /** A `backfill:`: the rows it fills (`n` is those it leaves NULL, or 0 when not evaluated). */
  readonly backfill?: BackfillCount;
}

/** A conversion that can both fail on some values and round others: its figures say which rows do which. */
const splitsFigures = (m: Measure): boolean => m.kind === 'conversion' && m.rounded !== null && (m.fails !== null || m.input !== null);

/** What happens to the rows a conversion changes without failing, for one row and for more. */
const CHANGED: Record<'rounded' | 'trailing_spaces', readonly [string, string]> = {
  rounded: ['is rounded', 'are rounded'],
  trailing_spaces: ['has trailing spaces cut', 'have trailing spaces cut'],
};

/** Today's figure in words: "2 rows today, e.g. x: this step will fail". */
function countWords(h: Hazard, c: Count, fails: boolean): string {
  const m = h.measure!;
  const will = fails ? ': this step will fail' : '';
  const r = c.rounded;
  const shown = (example: string | null): string => shownExample(example, m.kind === 'conversion' && m.number_example === true);
  if (splitsFigures(m) && r) {
    const changed = (n: number): string => CHANGED[(m.kind === 'conversion' && m.changes) || 'rounded'][n === 1 ? 0 : 1];
    if (c.n === 0 && r.n === 0) return 'no rows in the way today';
    if (r.n === 0) return `${plural(c.n, 'row')} today ${c.n === 1 ? 'fails' : 'fail'}${shown(c.example)}${will}`;
    if (c.n === 0) return `${plural(r.n, 'row')} today ${changed(r.n)}${shown(r.example)}; none fail`;
    return `${plural(c.n + r.n, 'row')} today: ${c.n.toLocaleString('en-US')} ${c.n === 1 ? 'fails' : 'fail'}${shown(c.example)}; ${r.n.toLocaleString('en-US')} ${changed(r.n)}${shown(r.example)}${will}`;
  }
  if (c.backfill) return backfillWords(c.backfill, will);
  if (c.using) return usingWords(c.n, c.using, shown(c.example), will);
  const n = c.n + (r?.n ?? 0);
  if (n === 0 && h.fails_if_any) return 'no rows in the way today';
  return `${figure(m, n)} today${shown(c.example ?? r?.example ?? null)}${will}`;
}

/** The hazard with today's figure in its data and in its words. */
function withCount(h: Hazard, c: Count): Hazard {
  // A `using:` expression that failed on every row at once fails on some row, even if the budget ran out before one was found.
  const fails = Boolean(h.fails_if_any) && (c.n > 0 || (c.using !== undefined && c.using.tried < c.using.total) || c.backfill?.misfit !== undefined);
  if (c.backfill)
    return { ...h, message: `${h.message} (${countWords(h, c, fails)})`, rows: c.backfill.filled, ...(c.backfill.leftNull !== null ? { failing_rows: c.backfill.leftNull } : {}), ...(fails ? { fails: true } : {}) };
  if (c.using) return { ...h, message: `${h.message} (${countWords(h, c, fails)})`, rows: c.using.total, failing_rows: c.n, ...(c.example !== null ? { example: c.example } : {}), ...(fails ? { fails: true } : {}) };
  const rows = c.n + (c.rounded?.n ?? 0);
  const example = c.example ?? c.rounded?.example ?? null;
  const unfilled = fails ? unfilledColumn(h) : null;
  return {
    ...h,
    message: `${h.message} (${countWords(h, c, fails)}${unfilled ? `; ${backfillAdvice(unfilled)}` : ''})`,
    rows,
    ...(splitsFigures(h.measure!) ? { failing_rows: c.n } : {}),
    ...(example !== null ? { example } : {}),
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

/**
 * Run `fn` in a read-only transaction under the checks' statement timeout, holding the tables
 * `locks` in ACCESS SHARE mode first: a table locked by someone else fails on lock_timeout
 * (LOCK_NOT_AVAILABLE) rather than look too large to scan. Float text is the shortest exact one,
 * as the float_digits test expects whatever the role's settings.
 */
async function readOnly<T>(db: Db, options: CheckOptions, fn: () => Promise<T>, locks: readonly TableName[] = []): Promise<T> {
  const budget = quoteLiteral(`${Math.max(1, Math.round(options.timeoutMs))}ms`);
  try {
    await db.exec('BEGIN READ ONLY');
    if (locks.length > 0) await db.exec(`SET LOCAL lock_timeout = ${budget}; LOCK TABLE ${locks.map(rel).join(', ')} IN ACCESS SHARE MODE`);
    await db.exec(`SET LOCAL statement_timeout = ${budget}; SET LOCAL extra_float_digits = 1`);
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

/**
 * A name that did not resolve (undefined table, function, type or schema): with the empty
 * search_path every schema session has, a function named in a domain's or a check's condition
 * that names a table without its schema fails here, and fails the same way when the step runs.
 */
const UNRESOLVED_NAME = new Set(['42P01', '42883', '42704', '3F000']);
const UNRESOLVED_WORDS =
  'schema checks and applies with an empty search_path, so a function this step calls that names an object without its schema fails the same way when the step runs: qualify the name, or give the function SET search_path';

type Row = { n: string | number; example?: string | null; rounded?: string | number; rounded_example?: string | null };

async function count(db: Db, m: Measure, version: number, source: Source, options: CheckOptions): Promise<Count> {
  if (m.kind === 'using') {
    const u = await countUsing(db, m, options.timeoutMs);
    return { n: u.n, example: u.example, using: { total: u.total, tried: u.tried } };
  }
  if (m.kind === 'conversion' && m.input !== null && version < INPUT_IS_VALID_SINCE) {
    await db.exec(inputBlock({ ...m, input: m.input }));
    const [r] = await db.query<Row>(inputResultSql);
    const n = Number(r?.n ?? 0);
    const rounded = Number(r?.rounded ?? 0);
    return {
      n,
      example: n > 0 ? (r?.example ?? null) : null,
      ...(m.rounded !== null ? { rounded: { n: rounded, example: rounded > 0 ? (r?.rounded_example ?? null) : null } } : {}),
    };
  }
  const [r] = await db.query<Row>(measureSql(m, source));
  return {
    n: Number(r?.n ?? 0),
    example: r?.example ?? null,
    ...(r?.rounded !== undefined ? { rounded: { n: Number(r.rounded), example: r.rounded_example ?? null } } : {}),
  };
}

/** Tables (qualified) a check waited for in vain: the other checks on them do not wait again. */
type Locked = Set<string>;

/**
 * The hazard of a measure that could not read its tables: who holds them. The tables held (all
 * of them, when the holder cannot be read) go into `seen`.
 */
async function locked(db: Db, h: Hazard, tables: readonly TableName[], options: CheckOptions, seen: Locked): Promise<Hazard> {
  const holders = await exclusiveHolders(db, tables.map(rel)).catch(() => null);
  const held = tables.map(rel).filter((t) => holders?.some((x) => x.relation === t));
  for (const t of held.length > 0 ? held : tables.map(rel)) seen.add(t);
  return { ...h, message: `${h.message} (not measured: ${lockTimeoutError('counting the rows', options.timeoutMs, holders).message})` };
}

/** The hazard of a measure on a table an earlier check found locked: said so at once, without waiting. */
async function stillLocked(db: Db, h: Hazard, tables: readonly string[], options: CheckOptions): Promise<Hazard> {
  const by = heldBy(await exclusiveHolders(db, tables).catch(() => null)) ?? `${tables.join(', ')} ${tables.length === 1 ? 'was' : 'were'} locked`;
  return { ...h, message: `${h.message} (not measured: ${by}; not waited for again after an earlier check waited ${waitWords(options.timeoutMs)})` };
}

async function measureOne(db: Db, h: Hazard, version: number, options: CheckOptions, seen: Locked, added: Added): Promise<Hazard> {
  const m = h.measure!;
  if (!(await exists(db, m.table)) || (m.kind === 'orphans' && m.references && !(await exists(db, m.references)))) return h;
  const tables = m.kind === 'orphans' && m.references ? [m.table, m.references] : [m.table];
  const known = tables.map(rel).filter((t) => seen.has(t));
  if (known.length > 0) return stillLocked(db, h, known, options);
  try {
    const adding = await withAdded(db, m, columnsRead(m), added, options.timeoutMs);
    if ('reason' in adding) return { ...h, message: `${h.message} (not measured: ${adding.reason})` };
    const verdict = await mayEvaluate(
      db,
      m.table,
      fileExpressions(m),
      options.timeoutMs,
      adding.columns.filter((a) => rel(a.table) === rel(m.table)),
    );
    if (!verdict.ok && m.kind !== 'backfill') return { ...h, message: `${h.message} (not measured: ${verdict.reason})` };
    if (m.kind === 'backfill') {
      const b = await countBackfill(db, m, verdict, adding, options.timeoutMs, (fn) => readOnly(db, options, fn, tables));
      return withCount(h, { n: b.leftNull ?? 0, example: null, backfill: b });
    }
    const counted = withCount(h, await readOnly(db, options, () => count(db, m, version, adding.source, options), tables));
    return adding.columns.length === 0 ? counted : { ...counted, message: `${counted.message.slice(0, -1)}; ${assumedWords(adding.columns)})` };
  } catch (error) {
    const code = (error as { code?: string | null }).code;
    if (code === LOCK_NOT_AVAILABLE) return locked(db, h, tables, options, seen);
    if (code === QUERY_CANCELED) return tooLarge(db, h, options);
    const reason = error instanceof Error ? error.message : String(error);
    if (code && UNRESOLVED_NAME.has(code)) return { ...h, message: `${h.message} (not measured: ${reason}; ${UNRESOLVED_WORDS})` };
    return { ...h, message: `${h.message} (not measured: ${reason})` };
  }
}

/**
 * The plan with a figure on every hazard that has a measure: rows in the way, rows lost, with
 * an example, and `fails` where the step is certain to fail on today's data. Reads only. The
 * downgrade's few measures (plan.ts keeps those today's data answers) are counted too.
 */
export async function measurePlan(db: Db, plan: Plan, options: CheckOptions = { timeoutMs: DEFAULT_CHECK_TIMEOUT_MS }): Promise<Plan> {
  if (![...plan.steps, ...plan.downgrade].some((s) => s.hazards.some((h) => h.measure))) return plan;
  const version = await serverVersion(db);
  const seen: Locked = new Set();
  const measured = async (list: readonly Step[]): Promise<Step[]> => {
    const added = addedColumns(list);
    const steps: Step[] = [];
    for (const step of list) {
      const hazards: Hazard[] = [];
      for (const h of step.hazards) hazards.push(h.measure ? await measureOne(db, h, version, options, seen, added) : h);
      steps.push({ ...step, hazards });
    }
    return steps;
  };
  return { ...plan, steps: await measured(plan.steps), downgrade: await measured(plan.downgrade) };
}
