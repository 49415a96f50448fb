// The plan use case: introspect the target, spell the desired side on it, plan both ways; and,
// on a database that changed outside schema, what the revision records instead. Reads only.
import type { Db } from '../db/db.js';
import { spell } from '../spelling/spell.js';
import { savedPlanChecksum } from '../render/json.js';
import { diff } from '../diff/diff.js';
import { SpecError, UserError } from '../errors.js';
import { introspect, type Introspection } from '../introspect/introspect.js';
import { fingerprint } from '../model/fingerprint.js';
import { noHints, type Hints } from '../model/hints.js';
import { resolveExtensions } from '../model/extension.js';
import type { Model } from '../model/model.js';
import { buildPlan, stepsFor } from '../plan/plan.js';
import { PLAN_FORMAT_VERSION, type Plan, type Step } from '../plan/types.js';
import { snapshotOf, type AppliedRevision } from '../revisions/ledger.js';
import { sortDiagnostics, type Diagnostic } from '../desired/diagnostics.js';
import { hintsFromSpec } from '../desired/hints.js';
import { loadSpec } from '../desired/load.js';
import { excludedDiagnostics } from '../desired/exclude.js';
import { modelWithout, withExcludedBack, withoutExcluded } from './exclude.js';
import type { Settings } from '../desired/spec.js';
import {
  extensionDiagnostics,
  foreignKeyTypeDiagnostics,
  policyRoleDiagnostics,
  policyRoleNames,
  partitioningDiagnostics,
  renameDiagnostics,
  serverVersionDiagnostics,
  takenNameDiagnostics,
  unmanagedTableDiagnostics,
  usingDiagnostics,
} from '../desired/target-checks.js';
import type { Status } from './status.js';
import { sqlFileReader, type CheckedSchema } from './schema-file.js';

export interface Planned {
  readonly plan: Plan;
  readonly current: Introspection;
  readonly desired: Model;
  /** The file's renames (`renamed_from`), for planning from another state. */
  readonly hints: Hints;
  /** The file's `settings:`. */
  readonly settings: Settings;
  /** Whether the plan was made for a busy database (the flag, else the file's setting). */
  readonly online: boolean;
  /** What only the target tells about the file that does not stop the plan (`using:` with nothing to convert). */
  readonly warnings: readonly Diagnostic[];
  /** The patterns of objects left alone (`exclude:` and --exclude): `current` is without them. */
  readonly exclude?: readonly string[];
}

export interface PlanOptions {
  /** Plan online (concurrent index builds, NOT VALID then VALIDATE); default: the file's setting. */
  readonly online?: boolean;
  /** How long reading the target waits for a table lock held by someone else (default 10 s). */
  readonly lockTimeoutMs?: number;
  /** The most locks planning may hold at once (default: half the server's shared lock table). */
  readonly lockBudget?: number;
  /** Patterns of objects that belong to someone else (`--exclude`), beside the file's `exclude:`. */
  readonly exclude?: readonly string[];
}

/** The desired Model with the extensions' schema and version the file leaves out as the target has or would make them. */
function withResolvedExtensions(desired: Model, current: Introspection): Model {
  return desired.extensions ? { ...desired, extensions: resolveExtensions(desired.extensions, current.model.extensions ?? {}, current.availableExtensions) } : desired;
}

/** Of `names`, the roles the target has. */
async function rolesThere(db: Db, names: readonly string[]): Promise<Set<string>> {
  if (names.length === 0) return new Set();
  const rows = await db.query<{ rolname: string }>('SELECT rolname FROM pg_catalog.pg_roles WHERE rolname = ANY($1::text[])', [names]);
  return new Set(rows.map((r) => r.rolname));
}

/** Introspect the target, spell the desired side on it, and plan both ways. Reads only. */
export async function planAgainst(db: Db, schema: CheckedSchema, options: PlanOptions = {}): Promise<Planned> {
  const found = await introspect(db, { lockTimeoutMs: options.lockTimeoutMs });
  // The target's types only change what loading says about types it alone knows: without
  // such a type the file was read once, offline, and that Spec is the one.
  // An extension the plan installs brings types the target does not know yet: the spelling
  // (which installs it first) is then what checks the file's types.
  const offline = schema.spec ?? loadSpec(schema.file, schema.text, { readSqlFile: sqlFileReader(schema.file) }).spec;
  const installs = (offline?.extensions ?? []).some((x) => !found.model.extensions?.[x.name]);
  const loaded =
    schema.spec && !schema.typesPending
      ? { spec: schema.spec, diagnostics: [] }
      : installs && offline
        ? { spec: offline, diagnostics: [] }
        : loadSpec(schema.file, schema.text, { knownTypes: found.knownTypes, readSqlFile: sqlFileReader(schema.file) });
  if (!loaded.spec) throw new SpecError(loaded.diagnostics);
  // What belongs to someone else is not the plan's: the file's `exclude:` and --exclude.
  const cli = options.exclude ?? [];
  const excludedHere = excludedDiagnostics(
    loaded.spec,
    cli.map((value) => ({ value })),
  );
  if (excludedHere.length > 0) throw new SpecError(sortDiagnostics(excludedHere));
  const patterns = [...(loaded.spec.exclude ?? []).map((p) => p.value), ...cli];
  const current = withoutExcluded(found, patterns);
  const unmanaged = [
    ...unmanagedTableDiagnostics(loaded.spec, current.unmanaged.tables ?? []),
    ...takenNameDiagnostics(loaded.spec, current.unmanaged.taken ?? [], current.unmanaged.tables ?? []),
    ...serverVersionDiagnostics(loaded.spec, current.serverVersion),
    ...renameDiagnostics(loaded.spec, current.model),
    ...policyRoleDiagnostics(loaded.spec, await rolesThere(db, policyRoleNames(loaded.spec))),
  ];
  // The spelling would try to install it: say so before, with the rest.
  const unavailable = extensionDiagnostics(loaded.spec, current.model.extensions, current.availableExtensions);
  if (unavailable.length > 0) throw new SpecError(sortDiagnostics([...unmanaged, ...unavailable]));
  const spelled = await spell(db, loaded.spec, current.model, current.serverVersion, { lockBudget: options.lockBudget });
  // An enum whose name is taken also fails to spell, at the same place: say it once, clearly.
  const reported = new Set(unmanaged.map((d) => `${d.line}:${d.col}`));
  const spellingProblems = spelled.ok
    ? [...foreignKeyTypeDiagnostics(loaded.spec, spelled.model), ...partitioningDiagnostics(loaded.spec, spelled.model, current.model)]
    : spelled.diagnostics.filter((d) => !reported.has(`${d.line}:${d.col}`));
  const problems = [...unmanaged, ...spellingProblems];
  if (!spelled.ok || problems.length > 0) throw new SpecError(sortDiagnostics(problems));
  const online = options.online ?? loaded.spec.settings.online;
  const hints = hintsFromSpec(loaded.spec);
  const desired = withResolvedExtensions(spelled.model, current);
  const plan = buildPlan({
    current: current.model,
    desired,
    hints,
    unmanaged: current.unmanaged,
    online,
    sizes: current.sizes,
    extensionUpdates: current.extensionUpdates,
    extensionTypes: current.extensionTypes,
    // The database as it is, and as it will be, with what was excluded: what apply checks.
    ...(current === found ? {} : { whole: { current: found.model, withExcluded: (d: Model) => withExcludedBack(d, found.model, current.model) } }),
  });
  const warnings = sortDiagnostics(usingDiagnostics(loaded.spec, current.model, spelled.model));
  return { plan, current, desired, hints, settings: loaded.spec.settings, online, warnings, exclude: patterns };
}

/**
 * When the database changed outside schema since its last revision, the revision `apply` writes
 * is not the plan it runs here: the revision holds the change from the state the chain defines
 * (the one recorded with the last revision) to schema.yaml, which every other database replays,
 * while the plan from the database as it is runs here. Null when there is no drift (or no state
 * to compare with): then the two are the same, as they are for a database with no revision yet.
 */
export interface RevisionPlan {
  /** The last applied revision, whose recorded state the revision starts from. */
  readonly since: AppliedRevision;
  /** What changed outside schema since: the steps that made it. */
  readonly drift: readonly Step[];
  /** The state the revision starts from: the one recorded with `since`. */
  readonly from: Model;
  /** What the revision records. */
  readonly plan: Plan;
}

export async function revisionPlanFor(db: Db, status: Status, planned: Planned): Promise<RevisionPlan | null> {
  const drifted = await driftedState(db, status, planned.current, planned.exclude);
  if (!drifted) return null;
  const plan = buildPlan({
    current: drifted.recorded,
    desired: planned.desired,
    hints: planned.hints,
    unmanaged: planned.current.unmanaged,
    online: planned.online,
    sizes: planned.current.sizes,
  });
  return { since: drifted.since, drift: drifted.drift, from: drifted.recorded, plan };
}

/** The state recorded with the last applied revision and the drift from it, when the database has drifted. */
async function driftedState(db: Db, status: Status, now: Introspection, exclude: readonly string[] = []): Promise<{ since: AppliedRevision; recorded: Model; drift: Step[] } | null> {
  const since = status.applied[status.applied.length - 1];
  if (!since || since.fingerprint === null || since.fingerprint === fingerprint(now.model)) return null;
  // A state recorded with objects now excluded: they are someone else's, in neither side.
  const snapshot = await snapshotOf(db, since.revision);
  const recorded = snapshot ? modelWithout(snapshot, exclude) : null;
  if (!recorded) return null;
  const drift = driftSteps(recorded, now);
  return drift.length > 0 ? { since, recorded, drift } : null;
}

/** Steps that turn `recorded` into the database as it is: what changed outside schema. */
export function driftSteps(recorded: Model, now: Introspection): Step[] {
  // Materialized views changed by hand are drift when the recorded state has some: a state recorded
  // before they were read has none, and the database's are then not drift but new to the tool.
  const materialized = Object.values(recorded.views ?? {}).some((v) => v.materialized !== undefined);
  const { changes } = diff(recorded, materialized ? { ...now.model, managedViews: { plain: true, materialized: true } } : now.model, noHints, { occupiedSchemas: now.unmanaged.occupiedSchemas });
  return stepsFor(changes, now.model);
}

/**
 * For a saved plan: refused when the database has drifted, since its revision would record the
 * drift (it was planned from the database as it is, and what the chain needs cannot be told
 * without schema.yaml).
 */
export async function refuseSavedPlanOnDrift(db: Db, status: Status, plansDir: string): Promise<void> {
  const drifted = await driftedState(db, status, await introspect(db));
  if (!drifted) return;
  throw new UserError(
    `this database changed outside schema since revision ${drifted.since.revision} (${drifted.drift.length} change${drifted.drift.length === 1 ? '' : 's'}, see \`schema drift\`): a saved plan starts from the database as it is, so its revision would record that drift for every database that replays ${plansDir}; nothing was changed`,
    'apply from schema.yaml instead (without --plan): the revision then holds only the change from the state at the head of the chain, and the plan that runs here is shown beside it',
  );
}

/** A plan saved with `plan --format json`, checked to be one this version can apply. */
export function parseSavedPlan(path: string, text: string): Plan {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new UserError(`${path} is not JSON: ${(error as Error).message}`, 'save a plan with `schema plan --format json > plan.json`');
  }
  const plan = data as Partial<Plan>;
  if (plan.format_version !== PLAN_FORMAT_VERSION || !Array.isArray(plan.steps) || !Array.isArray(plan.downgrade) || typeof plan.fingerprint?.from !== 'string' || typeof plan.fingerprint.to !== 'string') {
    throw new UserError(`${path} is not a plan saved by this version of schema (format_version ${PLAN_FORMAT_VERSION})`, 'save a plan with `schema plan --format json > plan.json`');
  }
  const checksum = (data as { checksum?: unknown }).checksum;
  if (checksum !== savedPlanChecksum(data as object)) {
    throw new UserError(
      checksum === undefined ? `${path} has no checksum, so it cannot be told apart from an edited plan` : `${path} was edited after \`schema plan\` saved it: its checksum does not match what it holds`,
      'save the plan again with `schema plan --format json > plan.json`, review it, and apply that file as it is',
    );
  }
  return plan as Plan;
}
