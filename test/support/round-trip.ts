// The round trip a pair of schemas must survive (issue 14): apply A through the library as
// `schema apply` does, insert A's rows, apply B with every hazard allowed, and check that
// planning again gives nothing, that columns B leaves alone keep their values, that the revision's
// `downgrade -1` brings back A's catalog and values (unless the plan said it cannot), and that
// no step failed which the plan did not mark as able to fail. One scratch database serves a
// whole property run: each pair starts from empty schemas.
import { mkdir, rm, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkSchema } from '../../src/operations/schema-file.js';
import { planAgainst, type Planned } from '../../src/operations/plan.js';
import { readStatus } from '../../src/operations/status.js';
import { ApplyError, applyPlan } from '../../src/apply/apply.js';
import { runRevision } from '../../src/apply/replay.js';
import { measurePlan } from '../../src/checks/checks.js';
import type { Db } from '../../src/db/db.js';
import { qualify, quoteIdent } from '../../src/model/identifiers.js';
import { LEDGER_SCHEMA, type Model } from '../../src/model/model.js';
import { certainFailures, type Plan, type Step } from '../../src/plan/types.js';
import { revisionsToDowngrade } from '../../src/revisions/chain.js';
import { describeSteps, expectSchema, modelOf, normalize, runSteps } from './cases.js';
import { APP, insertSql, toYaml, untouched, type Pair, type Schema } from './random-schemas.js';
import { scratch, type Scratch } from './scratch.js';

/** What a pair came to, when it held: the whole round trip, or where it stopped as the plan said it could (with the op). */
export type Outcome = 'round trip' | `apply failed as marked (${string})` | `downgrade failed as said (${string})`;

/** A broken promise: `check` names which (stable, for grouping), the message says how. */
export class RoundTripFailure extends Error {
  constructor(
    readonly check: string,
    message: string,
    /** The ops involved (the step that failed, the steps planned again), to tell failures apart. */
    readonly ops: readonly string[] = [],
  ) {
    super(`${check}: ${message}`);
    this.name = 'RoundTripFailure';
  }

  /** What failures of the same kind share: the check and the ops. */
  get signature(): string {
    return this.ops.length > 0 ? `${this.check} (${[...new Set(this.ops)].sort().join(', ')})` : this.check;
  }
}

export interface Bench {
  /** Where the round trip runs. */
  readonly db: Db;
  /** Where B is built directly, to compare with. */
  readonly fresh: Db;
  readonly plansDir: string;
  close(): Promise<void>;
}

/** Two scratch databases and one plans/ folder for a whole property run. */
export async function openBench(label: string): Promise<Bench> {
  const s: Scratch = await scratch(label);
  const fresh: Scratch = await scratch(`${label}fresh`);
  const plansDir = await mkdtemp(join(tmpdir(), 'schema-roundtrip-'));
  return {
    db: s.db,
    fresh: fresh.db,
    plansDir,
    async close() {
      await s.drop();
      await fresh.drop();
      await rm(plansDir, { recursive: true, force: true });
    },
  };
}

/**
 * The catalog tables planning churns (its spelling transactions make temporary tables), which
 * slow every catalog read as dead rows pile up, on a server where autovacuum may be off.
 */
const CHURNED = ['pg_attribute', 'pg_depend', 'pg_class', 'pg_type', 'pg_attrdef', 'pg_constraint', 'pg_index', 'pg_trigger', 'pg_enum', 'pg_namespace', 'pg_description'];

async function empty(db: Db): Promise<void> {
  await db.exec(`DROP SCHEMA IF EXISTS public CASCADE; DROP SCHEMA IF EXISTS ${quoteIdent(APP)} CASCADE; DROP SCHEMA IF EXISTS ${quoteIdent(LEDGER_SCHEMA)} CASCADE; CREATE SCHEMA public`);
  await db.exec(`VACUUM ${CHURNED.map((t) => qualify('pg_catalog', t)).join(', ')}`);
}

async function reset(bench: Bench): Promise<void> {
  await empty(bench.db);
  await rm(bench.plansDir, { recursive: true, force: true });
  await mkdir(bench.plansDir);
}

/** B built directly on an empty database, as its Model. */
async function builtDirectly(bench: Bench, yaml: string): Promise<Model> {
  await empty(bench.fresh);
  const { plan } = await planYaml(bench.fresh, yaml, 'B, on an empty database');
  try {
    await runSteps(bench.fresh, plan.steps);
  } catch (error) {
    throw new RoundTripFailure('B cannot be built on an empty database', `${(error as Error).message}\n${planText(plan.steps)}`);
  }
  return modelOf(bench.fresh);
}

/** A step's hazards that say it may fail: may_fail, a lossy type change, or certain to fail. */
export function ableToFail(step: Step): boolean {
  return step.hazards.some((h) => h.code === 'may_fail' || h.code === 'lossy_type_change' || h.fails);
}

const stepLine = (s: Step): string => `${s.op} ${s.object} [${s.hazards.map((h) => h.code + (h.fails ? '(fails)' : '')).join(', ')}]`;
const planText = (steps: readonly Step[]): string => steps.map((s, i) => `  ${i + 1}. ${stepLine(s)}`).join('\n');

/** Each table's rows as sorted JSON tuples of the columns `cols` (ids), read under the names of `s`. */
async function valuesOf(db: Db, s: Schema, cols: ReadonlyMap<number, readonly number[]>): Promise<Map<number, string[]>> {
  const out = new Map<number, string[]>();
  for (const [tid, ids] of cols) {
    const t = s.tables.find((x) => x.id === tid)!;
    if (ids.length === 0) continue;
    const list = ids.map((id, i) => `${quoteIdent(t.columns.find((c) => c.id === id)!.name)}::text AS c${i}`).join(', ');
    const rows = await db.query<Record<string, string | null>>(`SELECT ${list} FROM ${qualify(t.schema, t.name)}`);
    out.set(tid, rows.map((r) => JSON.stringify(ids.map((_, i) => r[`c${i}`]))).sort());
  }
  return out;
}

function compareValues(check: string, before: Map<number, string[]>, after: Map<number, string[]>, s: Schema): void {
  for (const [tid, rows] of before) {
    const now = after.get(tid) ?? [];
    if (JSON.stringify(rows) !== JSON.stringify(now)) {
      const t = s.tables.find((x) => x.id === tid)!;
      throw new RoundTripFailure(check, `table ${t.name}: had\n    ${rows.join('\n    ')}\n  now\n    ${now.join('\n    ')}`);
    }
  }
}

async function sameSchema(check: string, db: Db, expected: Model, message: string): Promise<void> {
  try {
    await expectSchema(db, expected, message);
  } catch (error) {
    throw new RoundTripFailure(check, (error as Error).message);
  }
}

const allColumns = (s: Schema): Map<number, number[]> => new Map(s.tables.map((t) => [t.id, t.columns.map((c) => c.id)]));

/** Plan `yaml` against the database; a file the tool refuses is a failure of the pair. */
async function planYaml(db: Db, yaml: string, which: string): Promise<Planned> {
  try {
    return await planAgainst(db, checkSchema('schema.yaml', yaml));
  } catch (error) {
    throw new RoundTripFailure(`${which} refused`, (error as Error).message);
  }
}

/**
 * A's DDL as the tool makes it on an empty database, then A's rows: the `before` SQL of a case
 * kept from this pair (test/cases). Leaves the bench's database empty again.
 */
export async function beforeSql(bench: Bench, pair: Pair): Promise<string> {
  await reset(bench);
  const plan = (await planYaml(bench.db, toYaml(pair.a), 'A')).plan;
  await reset(bench);
  return [...plan.steps.flatMap((s) => s.sql), ...insertSql(pair.a, pair.rows)].map((s) => `${s};`).join('\n');
}

/** Check one pair; `observe` sees B's plan (for statistics). Throws RoundTripFailure. */
export async function roundTrip(bench: Bench, pair: Pair, observe?: (plan: Plan) => void): Promise<Outcome> {
  const { db, plansDir } = bench;
  await reset(bench);
  const yamlA = toYaml(pair.a);
  const yamlB = toYaml(pair.b, pair.a);

  const planA = (await planYaml(db, yamlA, 'A')).plan;
  try {
    await applyPlan({ db, plan: planA, plansDir, message: 'a' });
  } catch (error) {
    throw new RoundTripFailure('A failed', `${(error as Error).message}\n${planText(planA.steps)}`);
  }
  for (const statement of insertSql(pair.a, pair.rows)) {
    try {
      await db.exec(statement);
    } catch (error) {
      throw new RoundTripFailure('rows of A refused (the generator is wrong)', `${(error as Error).message}\n  ${statement}`);
    }
  }
  const valuesA = await valuesOf(db, pair.a, allColumns(pair.a));
  const kept = untouched(pair);
  const keptA = await valuesOf(db, pair.a, kept);

  const plannedB = await planYaml(db, yamlB, 'B');
  const modelA = normalize(plannedB.current.model);
  const plan = await measurePlan(db, plannedB.plan);
  observe?.(plan);
  let failed: ApplyError | null = null;
  try {
    await applyPlan({ db, plan, plansDir, message: 'b' });
  } catch (error) {
    if (!(error instanceof ApplyError) || error.failedStep === null) throw new RoundTripFailure('apply of B broke', `${(error as Error).message}\n${planText(plan.steps)}`);
    failed = error;
  }
  if (failed) {
    const step = plan.steps[failed.failedStep!]!;
    if (!ableToFail(step)) throw new RoundTripFailure('a step not marked as able to fail failed', `${stepLine(step)}: ${failed.message}\n${planText(plan.steps)}`, [step.op]);
    // A failed apply leaves the database as it was.
    await sameSchema('a failed apply changed the schema', db, modelA, 'after a failed apply, A');
    compareValues('a failed apply changed values', valuesA, await valuesOf(db, pair.a, allColumns(pair.a)), pair.a);
    return `apply failed as marked (${step.op})`;
  }
  const certain = certainFailures(plan.steps);
  if (certain.length > 0) throw new RoundTripFailure('a step said to be certain to fail ran', `${stepLine(certain[0]!.step)}: ${certain[0]!.hazard.message}\n${planText(plan.steps)}`, [certain[0]!.step.op]);

  const again = (await planYaml(db, yamlB, 'B, planned again')).plan;
  if (again.steps.length > 0)
    throw new RoundTripFailure(
      'planning again is not empty',
      `${describeSteps(again.steps).join('; ')}\n  after:\n${planText(plan.steps)}`,
      again.steps.map((s) => s.op),
    );
  // An empty plan proves little where the diff is blind: compare with B made from nothing.
  await sameSchema('the database differs from B built directly', db, await builtDirectly(bench, yamlB), 'after B, B built directly on an empty database');

  compareValues('values of columns B leaves alone changed', keptA, await valuesOf(db, pair.b, kept), pair.b);

  const status = await readStatus(db, plansDir);
  const [revision] = revisionsToDowngrade(
    status.chain,
    status.applied.map((a) => a.revision),
    '-1',
  );
  const irreversible = plan.steps.some((s) => s.hazards.some((h) => h.code === 'irreversible'));
  try {
    await runRevision(db, revision!, 'downgrade');
  } catch (error) {
    if (!(error instanceof ApplyError) || error.failedStep === null) throw new RoundTripFailure('downgrade broke', `${(error as Error).message}\n${planText(plan.downgrade)}`);
    const step = plan.downgrade[error.failedStep]!;
    const both = `${stepLine(step)}: ${error.message}\n  upgrade:\n${planText(plan.steps)}\n  downgrade:\n${planText(plan.downgrade)}`;
    if (!ableToFail(step)) throw new RoundTripFailure('a downgrade step not marked as able to fail failed', both, [step.op]);
    if (!irreversible && !step.hazards.some((h) => h.fails)) throw new RoundTripFailure('a downgrade failed that the plan said was reversible', both, [step.op]);
    return `downgrade failed as said (${step.op})`;
  }
  await sameSchema('the downgrade did not restore the schema', db, modelA, "after the downgrade, A's schema");
  if (irreversible) compareValues('the downgrade did not restore values of columns B left alone', keptA, await valuesOf(db, pair.a, kept), pair.a);
  else compareValues('the downgrade did not restore values', valuesA, await valuesOf(db, pair.a, allColumns(pair.a)), pair.a);
  return 'round trip';
}
