// The data a step with a consent hazard touches, counted in the target. Consent is about data:
// a step that drops or converts what no row holds loses nothing, and needs no consent. A plan's
// hazards say what to count (their `measure`); a revision file's steps carry only words, so the
// tables their statements alter or drop are read from the statements with PostgreSQL's parser,
// and every row of those tables counts (an over-count, never an under-count). Reads only.
import { parseSync } from 'libpg-query';
import type { Db } from '../db/db.js';
import '../model/identifiers.js'; // loads the parser module
import { qualify } from '../model/identifiers.js';
import { CONSENT_HAZARDS, type Hazard, type Measure, type Step, type TableName } from '../plan/types.js';
import { measureSql } from './checks.js';

/** Counting stops here: past it, "at least" this many is enough to say there is data. */
const COUNT_CAP = 1_000_000;

/**
 * The tables the statements of `step` alter, drop, update or delete from, or null when a statement is of another
 * kind (DROP TYPE, a DO block, ...) or names a table without its schema: then what it touches
 * cannot be told, and consent is needed.
 */
export function tablesAltered(step: Pick<Step, 'sql'>): TableName[] | null {
  const tables = new Map<string, TableName>();
  const add = (schema: unknown, name: unknown): boolean => {
    if (typeof schema !== 'string' || typeof name !== 'string' || schema === '') return false;
    tables.set(qualify(schema, name), { schema, name });
    return true;
  };
  for (const statement of step.sql) {
    let tree: { stmts?: { stmt?: Record<string, unknown> }[] };
    try {
      tree = parseSync(statement) as typeof tree;
    } catch {
      return null;
    }
    for (const { stmt } of tree.stmts ?? []) {
      const alter = stmt?.['AlterTableStmt'] as { relation?: { schemaname?: string; relname?: string }; objtype?: string } | undefined;
      const drop = stmt?.['DropStmt'] as { objects?: { List?: { items?: { String?: { sval?: string } }[] } }[]; removeType?: string } | undefined;
      // An UPDATE or DELETE (of a hand-written revision) touches at most every row of its table; one with a WITH may change others.
      const rows = (stmt?.['UpdateStmt'] ?? stmt?.['DeleteStmt']) as { relation?: { schemaname?: string; relname?: string; inh?: boolean }; withClause?: unknown } | undefined;
      if (rows) {
        if (rows.withClause || !add(rows.relation?.schemaname, rows.relation?.relname)) return null;
      } else if (alter && alter.objtype === 'OBJECT_TABLE') {
        if (!add(alter.relation?.schemaname, alter.relation?.relname)) return null;
      } else if (drop && drop.removeType === 'OBJECT_TABLE') {
        for (const o of drop.objects ?? []) {
          const names = (o.List?.items ?? []).map((i) => i.String?.sval);
          if (names.length !== 2 || !add(names[0], names[1])) return null;
        }
      } else {
        return null;
      }
    }
  }
  return [...tables.values()];
}

/** Rows of `t` (up to the cap), or null when it does not exist (yet). */
async function rowsOf(db: Db, t: TableName): Promise<number | null> {
  const [found] = await db.query<{ t: string | null }>('SELECT pg_catalog.to_regclass($1)::text AS t', [qualify(t.schema, t.name)]);
  if (!found?.t) return null;
  const [r] = await db.query<{ n: string }>(`SELECT count(*)::bigint AS n FROM (SELECT 1 FROM ${qualify(t.schema, t.name)} LIMIT ${COUNT_CAP}) r`);
  return Number(r?.n ?? 0);
}

/** What a hazard that needs consent touches here: rows counted (capped), or null when it cannot be told. */
export async function rowsTouched(db: Db, step: Pick<Step, 'sql'>, hazard: Pick<Hazard, 'measure'>): Promise<number | null> {
  if (hazard.measure) return countMeasure(db, hazard.measure);
  const tables = tablesAltered(step);
  if (tables === null || tables.length === 0) return null;
  let total = 0;
  for (const t of tables) {
    const n = await rowsOf(db, t);
    if (n === null) return null;
    total += n;
  }
  return total;
}

/**
 * A plan's measure counted as it stands (inside the caller's transaction), or null when its table
 * is not there. A conversion's test (which may need a block before PostgreSQL 16) and a condition
 * holding text of schema.yaml (evaluated only by the data checks, once PostgreSQL accepts it as
 * IMMUTABLE), like a `using:` expression, are not run here: every row of the table counts instead.
 */
async function countMeasure(db: Db, m: Measure): Promise<number | null> {
  if (m.kind === 'conversion' || m.kind === 'using' || ('file_text' in m && m.file_text)) return rowsOf(db, m.table);
  const [found] = await db.query<{ t: string | null }>('SELECT pg_catalog.to_regclass($1)::text AS t', [qualify(m.table.schema, m.table.name)]);
  if (!found?.t) return null;
  const [r] = await db.query<{ n: string | number }>(measureSql(m));
  return Number(r?.n ?? 0);
}

/** A step's hazards that need consent. */
export const consentHazards = (step: Pick<Step, 'hazards'>): Hazard[] => step.hazards.filter((h) => CONSENT_HAZARDS.includes(h.code));
