// Acceptance cases as data, and the one runner that checks them (pg-schema-diff's model):
// plan the desired YAML against the `before` database; the steps and their hazards must be the
// expected ones; apply; planning again must give nothing; the database must equal one built
// directly from the YAML; the planned downgrade must bring back the starting database.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { checkSchema } from '../../src/operations/schema-file.js';
import { planAgainst } from '../../src/operations/plan.js';
import { applyPlan } from '../../src/apply/apply.js';
import type { Db } from '../../src/db/db.js';
import { SpecError } from '../../src/errors.js';
import { introspect } from '../../src/introspect/introspect.js';
import { settleTextsAlone } from '../../src/spelling/settle.js';
import { noHints } from '../../src/model/hints.js';
import { comparable } from '../../src/model/fingerprint.js';
import type { Model } from '../../src/model/model.js';
import type { Hazard, HazardCode, Plan, Step } from '../../src/plan/types.js';
import { measurePlan } from '../../src/checks/checks.js';
import type { DiagnosticCode } from '../../src/desired/diagnostics.js';
import { loadSpec } from '../../src/desired/load.js';
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

/** Where a diagnostic points: its line (and column), or the first character of the `nth` occurrence of `at` in the file. */
type Where = { readonly line: number; readonly col?: number } | { readonly at: string; readonly nth?: number };

/** One expected diagnostic: where, its code and words. */
export type ExpectedDiagnostic = Where & {
  readonly code: DiagnosticCode;
  /** Words the message holds (each of a list); with `whole`, the whole message. */
  readonly message: string | readonly string[];
  readonly whole?: true;
  /** The whole hint, what to do about it; or, as a list, words it holds. */
  readonly hint?: string | readonly string[];
};

export interface ErrorCase {
  readonly name: string;
  /**
   * The loader finds it alone, with no server: `npm run test:unit` runs it (`runOfflineErrorCase`),
   * every diagnostic in order. Without it the case is planned against a database (`runErrorCase`).
   */
  readonly offline?: true;
  readonly before?: string;
  readonly desired: string;
  readonly errors: readonly ExpectedDiagnostic[];
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
/** Plan `yaml` against `db` after `before` has run there, with the figures counted as plan counts them. */
export async function measuredPlan(db: Db, before: string, yaml: string, timeoutMs = 5000): Promise<Plan> {
  await runBefore(db, before);
  const { plan } = await planAgainst(db, checkSchema('schema.yaml', yaml));
  return measurePlan(db, plan, { timeoutMs });
}

/** The hazard `code` of step `step` ("op object"); an error naming the plan's steps when there is none. */
export function hazardOf(plan: Plan, step: string, code: HazardCode): Hazard {
  const found = plan.steps.find((st) => `${st.op} ${st.object}` === step);
  if (!found) throw new Error(`no step ${step}: ${describeSteps(plan.steps).join(', ')}`);
  const h = found.hazards.find((x) => x.code === code);
  if (!h) throw new Error(`step ${step} has no ${code}`);
  return h;
}

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

    // Schemas kept only because they hold unmanaged objects exist in this database alone (one
    // holding an extension's objects is such a schema, unless the file has it too).
    const occupied = new Set((await introspect(s.db)).unmanaged.occupiedSchemas);
    const direct = await databases(`${c.name}-fresh`, async (fresh) => {
      await runSteps(fresh.db, (await planAgainst(fresh.db, schema)).plan.steps);
      return modelOf(fresh.db);
    });
    // A file without `extensions:` leaves the database's extensions as they are: they exist in this database alone.
    await expectSchema(s.db, direct, 'the same as a database built directly from the YAML', (m) => {
      // So are its views, functions, triggers, domains and types: a file without `views:` (`functions:`, `triggers:`, `domains:`, `types:`) keeps them, and they exist in this database alone.
      // And policies and row-level security a table without `policies:` (`row_level_security:`) keeps.
      const { extensions, views, functions, triggers, policies, rowSecurity, domains, types, ...rest } = m;
      const keptViews = new Set(direct.views === undefined ? Object.values(views ?? {}).map((v) => v.schema) : []);
      const keptFunctions = new Set([
        ...(direct.functions === undefined ? Object.values(functions ?? {}).map((f) => f.schema) : []),
        ...(direct.domains === undefined ? Object.values(domains ?? {}).map((d) => d.schema) : []),
        ...(direct.types === undefined ? Object.values(types ?? {}).map((t) => t.schema) : []),
      ]);
      return {
        ...rest,
        schemas: m.schemas.filter((x) => !(occupied.has(x) || keptViews.has(x) || keptFunctions.has(x)) || direct.schemas.includes(x)),
        ...(direct.extensions !== undefined && extensions !== undefined ? { extensions } : {}),
        ...(direct.views !== undefined && views !== undefined ? { views } : {}),
        ...(direct.functions !== undefined && functions !== undefined ? { functions } : {}),
        ...(direct.triggers !== undefined && triggers !== undefined ? { triggers } : {}),
        ...(direct.policies !== undefined && policies !== undefined ? { policies } : {}),
        ...(direct.rowSecurity !== undefined && rowSecurity !== undefined ? { rowSecurity } : {}),
        ...(direct.domains !== undefined && domains !== undefined ? { domains } : {}),
        ...(direct.types !== undefined && types !== undefined ? { types } : {}),
      };
    });

    await runSteps(s.db, plan.downgrade);
    await expectSchema(s.db, start, 'after the downgrade, the starting database');
  });
}

/** 1-based line and column of the `nth` occurrence of `needle` in `text`. */
export function positionOf(text: string, needle: string, nth = 1): { line: number; col: number } {
  let index = -1;
  for (let i = 0; i < nth; i++) {
    index = text.indexOf(needle, index + 1);
    if (index < 0) throw new Error(`"${needle}" (occurrence ${nth}) is not in the text`);
  }
  const before = text.slice(0, index);
  return { line: before.split('\n').length, col: index - (before.lastIndexOf('\n') + 1) + 1 };
}

const whereIn = (text: string, e: ExpectedDiagnostic): { line: number; col?: number } => ('at' in e ? positionOf(text, e.at, e.nth) : e);

type Got = { line: number; col: number; code: string; message: string; hint?: string | undefined };

/** Whether `d` says what `e` expects (the position aside). */
function says(d: Got, e: ExpectedDiagnostic): boolean {
  const words = typeof e.message === 'string' ? [e.message] : e.message;
  const message = e.whole ? d.message === words[0] : words.every((w) => d.message.includes(w));
  const hint = e.hint === undefined || (typeof e.hint === 'string' ? d.hint === e.hint : e.hint.every((w) => (d.hint ?? '').includes(w)));
  return message && hint;
}

/** A bad schema.yaml planned against a database: each diagnostic expected (in any order), no other, and nothing changed. */
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
    const got = diagnostics.map((d) => ({ line: d.line, col: d.col, code: d.code, message: d.message, hint: d.hint }));
    for (const e of c.errors) {
      const { line, col } = whereIn(c.desired, e);
      const match = got.find((d) => d.line === line && d.code === e.code && (col === undefined || d.col === col) && says(d, e));
      expect(match, `expected ${e.code} at line ${line}${col ? `:${col}` : ''} saying ${JSON.stringify(e.message)}; got ${JSON.stringify(got, null, 1)}`).toBeDefined();
    }
    expect(diagnostics).toHaveLength(c.errors.length);
    expect(await modelOf(s.db), 'nothing changed').toEqual(start);
  });
}

/** A bad schema.yaml the loader refuses with no server (`offline`): no Spec, and exactly the diagnostics expected, in order. */
export function runOfflineErrorCase(c: ErrorCase): void {
  const result = loadSpec(SCHEMA_FILE, c.desired);
  expect(result.spec).toBeNull();
  const got = result.diagnostics.map((d) => ({ file: d.file, line: d.line, col: d.col, code: d.code, message: d.message, hint: d.hint }));
  const expected = c.errors.map((e, i) => {
    const { line, col } = whereIn(c.desired, e);
    return { line, col: col ?? got[i]?.col, code: e.code };
  });
  expect(got.map(({ line, col, code }) => ({ line, col, code }))).toEqual(expected);
  c.errors.forEach((e, i) => {
    expect(got[i]!.file).toBe(SCHEMA_FILE);
    expect(says(got[i]!, e), `diagnostic ${i + 1} saying ${JSON.stringify(e.message)}${e.hint ? ` (hint ${JSON.stringify(e.hint)})` : ''}; got ${JSON.stringify(got[i])}`).toBe(true);
  });
}
