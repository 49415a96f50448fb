// Acceptance cases as data, and the one runner that checks them (pg-schema-diff's model):
// plan the desired YAML against the `before` database; the steps and their hazards must be the
// expected ones; apply; planning again must give nothing; the database must equal one built
// directly from the YAML; the planned downgrade must bring back the starting database.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { checkSchema, planAgainst } from '../../src/api.js';
import { applyPlan } from '../../src/apply/apply.js';
import type { Db } from '../../src/db/db.js';
import { SpecError } from '../../src/errors.js';
import { introspect } from '../../src/introspect/introspect.js';
import { settleTextsAlone } from '../../src/db/settle.js';
import { noHints } from '../../src/model/hints.js';
import { comparable } from '../../src/model/fingerprint.js';
import type { Model } from '../../src/model/model.js';
import type { HazardCode, Plan, Step } from '../../src/plan/types.js';
import type { DiagnosticCode } from '../../src/spec/diagnostics.js';
import { withScratch, type Scratch } from './scratch.js';

/** Where a case's databases come from: scratch databases on the server, or embedded PGlite. */
export type Databases = <T>(label: string, fn: (s: Pick<Scratch, 'db'>) => Promise<T>) => Promise<T>;
export const serverDatabases: Databases = withScratch;

export interface PlanCase {
  readonly name: string;
  /** SQL that makes the starting database (and its rows). */
  readonly before?: string;
  /** schema.yaml: the desired state. */
  readonly desired: string;
  /** Every step, in order, as "op object". */
  readonly steps: readonly string[];
  /** Hazard codes of each step that has any, by "op object"; every other step must have none. */
  readonly hazards?: Readonly<Record<string, readonly HazardCode[]>>;
  /** Hazards that need consent and are expected; the runner allows exactly these. */
  /** SQL checks on the database after the apply: the rows the query must return. */
  readonly after?: readonly { readonly sql: string; readonly rows: readonly unknown[] }[];
  /** Statements the plan must contain (substrings of its SQL), e.g. a USING clause. */
  readonly sqlContains?: readonly string[];
}

export interface ErrorCase {
  readonly name: string;
  readonly before?: string;
  readonly desired: string;
  /** Each expected diagnostic: its line (and column when given), code and words. */
  readonly errors: readonly { readonly line: number; readonly col?: number; readonly code: DiagnosticCode; readonly message: string }[];
}

const SCHEMA_FILE = 'schema.yaml';

/** Columns sorted by name: PostgreSQL appends added columns, so order is not compared. */
export const normalize = comparable;

export async function modelOf(db: Db): Promise<Model> {
  return normalize((await introspect(db)).model);
}

/**
 * `db`'s schema as `expected`, where texts that differ only in how PostgreSQL spells them
 * (db/settle.ts: `IN (...)` on varchar, read back once more) count as the same.
 */
export async function expectSchema(db: Db, expected: Model, message: string, adjust: (m: Model) => Model = (m) => m): Promise<void> {
  const actual = await introspect(db);
  const respelled = await settleTextsAlone(db, actual.model, expected, noHints, actual.serverVersion);
  expect(normalize(adjust(actual.model)), message).toEqual(normalize(respelled));
}

export const describeSteps = (steps: readonly Step[]): string[] => steps.map((s) => `${s.op} ${s.object}`);

/** Run steps the way a revision's SQL runs: in one transaction. */
export async function runSteps(db: Db, steps: readonly Step[]): Promise<void> {
  await db.exec('BEGIN');
  try {
    for (const step of steps) for (const statement of step.sql) await db.exec(statement);
    await db.exec('COMMIT');
  } catch (error) {
    await db.exec('ROLLBACK');
    throw error;
  }
}

async function applyWithRevision(db: Db, plan: Plan, message: string): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'schema-plans-'));
  try {
    await applyPlan({ db, plan, plansDir: dir, message });
    expect(await readdir(dir)).toHaveLength(1);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The `before` SQL as a person would run it in psql: unqualified names in public. */
export async function runBefore(db: Db, sql: string | undefined): Promise<void> {
  if (sql) await db.exec(`SET search_path = public;\n${sql};\nSET search_path = ''`);
}

export async function runPlanCase(c: PlanCase, databases: Databases = serverDatabases): Promise<void> {
  const schema = checkSchema(SCHEMA_FILE, c.desired);
  await databases(c.name, async (s) => {
    await runBefore(s.db, c.before);
    const start = await modelOf(s.db);
    const { plan } = await planAgainst(s.db, schema);

    expect(describeSteps(plan.steps), 'steps in order').toEqual(c.steps);
    const hazards: Record<string, HazardCode[]> = {};
    for (const step of plan.steps) {
      if (step.hazards.length > 0) hazards[`${step.op} ${step.object}`] = [...new Set(step.hazards.map((h) => h.code))].sort();
    }
    const expected = Object.fromEntries(Object.entries(c.hazards ?? {}).map(([k, v]) => [k, [...v].sort()]));
    expect(hazards, 'hazards by step').toEqual(expected);
    const allSql = plan.steps.flatMap((st) => st.sql).join('\n');
    for (const fragment of c.sqlContains ?? []) expect(allSql).toContain(fragment);

    await applyWithRevision(s.db, plan, c.name);
    const again = await planAgainst(s.db, schema);
    expect(describeSteps(again.plan.steps), 'planning again after apply').toEqual([]);
    for (const check of c.after ?? []) {
      expect(await s.db.exec(`SET search_path = public;\n${check.sql}`), check.sql).toEqual(check.rows);
    }
    await s.db.exec("SET search_path = ''");

    // Schemas kept only because they hold unmanaged objects exist in this database alone.
    const occupied = new Set((await introspect(s.db)).unmanaged.occupiedSchemas);
    const direct = await databases(`${c.name}-fresh`, async (fresh) => {
      await runSteps(fresh.db, (await planAgainst(fresh.db, schema)).plan.steps);
      return modelOf(fresh.db);
    });
    await expectSchema(s.db, direct, 'the same as a database built directly from the YAML', (m) => ({ ...m, schemas: m.schemas.filter((x) => !occupied.has(x)) }));

    await runSteps(s.db, plan.downgrade);
    await expectSchema(s.db, start, 'after the downgrade, the starting database');
  });
}

export async function runErrorCase(c: ErrorCase): Promise<void> {
  await withScratch(c.name, async (s) => {
    await runBefore(s.db, c.before);
    const start = await modelOf(s.db);
    let caught: unknown = null;
    try {
      await planAgainst(s.db, checkSchema(SCHEMA_FILE, c.desired));
    } catch (error) {
      caught = error;
    }
    expect(caught, 'a SpecError').toBeInstanceOf(SpecError);
    const diagnostics = (caught as SpecError).diagnostics;
    const got = diagnostics.map((d) => ({ line: d.line, col: d.col, code: d.code, message: d.message }));
    for (const e of c.errors) {
      const match = got.find((d) => d.line === e.line && d.code === e.code && d.message.includes(e.message) && (e.col === undefined || d.col === e.col));
      expect(match, `expected ${e.code} at line ${e.line}${e.col ? `:${e.col}` : ''} containing "${e.message}"; got ${JSON.stringify(got, null, 1)}`).toBeDefined();
    }
    expect(diagnostics).toHaveLength(c.errors.length);
    expect(await modelOf(s.db), 'nothing changed').toEqual(start);
  });
}
