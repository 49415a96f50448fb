// The library API: what commands (and programs) call. Reads schema.yaml, talks to the
// target, and composes the pure pipeline; prints nothing.
import { isUtf8 } from 'node:buffer';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { recoverRevisionFiles } from './apply/apply.js';
import { replayScript, replaySchedule, type Direction } from './apply/replay.js';
import { withSessionLock } from './apply/transaction.js';
import type { Db } from './db/db.js';
import { spell } from './db/spell.js';
import { savedPlanChecksum } from './render/json.js';
import type { Target } from './db/target.js';
import { diff } from './diff/diff.js';
import { SpecError, UserError } from './errors.js';
import { introspect, type Introspection } from './introspect/introspect.js';
import { fingerprint } from './model/fingerprint.js';
import { noHints, type Hints } from './model/hints.js';
import type { Model } from './model/model.js';
import { buildPlan, stepsFor } from './plan/plan.js';
import { PLAN_FORMAT_VERSION, type Plan, type Step } from './plan/types.js';
import { branchesOf, Chain, verifyApplied, type Revision } from './revisions/chain.js';
import { formatRevision, newRevisionId, readRevisions, RevisionError, slug, timestampName } from './revisions/file.js';
import { appliedRevisions, readPending, snapshotOf, type AppliedRevision, type Pending } from './revisions/ledger.js';
import { isError, sortDiagnostics, type Diagnostic } from './spec/diagnostics.js';
import { hintsFromSpec } from './spec/hints.js';
import { loadSpec } from './spec/load.js';
import type { Settings } from './spec/spec.js';
import { foreignKeyTypeDiagnostics, serverVersionDiagnostics, takenNameDiagnostics, unmanagedTableDiagnostics } from './spec/target-checks.js';
import { planMerge, type MergeSteps } from './verify/merge.js';
import { statesAfter } from './verify/scratch-replay.js';

/** The text of schema.yaml, or a UserError saying how to make one. */
export async function readSchemaFile(path: string): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UserError(`no schema file at ${path}`, 'create one (see the README), or pass --schema path/to/schema.yaml');
    if (code === 'EISDIR') throw new UserError(`${path} is a folder, not a schema file`, 'pass --schema path/to/schema.yaml');
    throw new UserError(`cannot read ${path}: ${(error as Error).message}`);
  }
  return decodeUtf8(path, bytes);
}

/**
 * The file as text, or a SpecError at the first line that is not UTF-8 (read as U+FFFD, it
 * would change a name or a value unseen).
 */
function decodeUtf8(file: string, bytes: Buffer): string {
  if (isUtf8(bytes)) return new TextDecoder().decode(bytes); // drops a byte-order mark
  // A newline byte is never inside a multi-byte character, so lines can be checked one by one.
  let start = 0;
  for (let line = 1; ; line++) {
    const end = bytes.indexOf(0x0a, start);
    const text = bytes.subarray(start, end < 0 ? bytes.length : end);
    if (!isUtf8(text)) {
      const col = [...text.toString('utf8')].indexOf('\uFFFD') + 1;
      throw new SpecError([{ file, line, col: Math.max(col, 1), code: 'bad_character', message: 'the file is not UTF-8 here (a byte that is no character)', hint: 'save the file as UTF-8' }]);
    }
    start = end + 1;
  }
}

/** A schema file checked as far as it can be without a database. */
export interface CheckedSchema {
  readonly file: string;
  readonly text: string;
  /** Types that only the target can confirm (from an extension, or created by hand). */
  readonly typesPending: boolean;
}

/**
 * Check schema.yaml offline. Throws SpecError unless the only problems are types the target
 * may know, or tables a foreign key references that the target may have and leave alone
 * (a partitioned table); those are checked again against the target by `planAgainst`.
 */
export function checkSchema(file: string, text: string): CheckedSchema {
  const { diagnostics } = loadSpec(file, text);
  const errors = diagnostics.filter(isError);
  if (errors.some((d) => d.code !== 'unknown_type' && d.code !== 'unknown_table')) throw new SpecError(errors);
  return { file, text, typesPending: diagnostics.some((d) => d.code === 'unknown_type' || d.code === 'unverified_type') };
}

/**
 * Every problem in schema.yaml, without touching any database: errors, and warnings for types
 * only the database can confirm (`unverified_type`).
 */
export function validateSchema(file: string, text: string): readonly Diagnostic[] {
  return loadSpec(file, text).diagnostics;
}

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
}

export interface PlanOptions {
  /** Plan online (concurrent index builds, NOT VALID then VALIDATE); default: the file's setting. */
  readonly online?: boolean;
  /** How long reading the target waits for a table lock held by someone else (default 10 s). */
  readonly lockTimeoutMs?: number;
}

/** Introspect the target, spell the desired side on it, and plan both ways. Reads only. */
export async function planAgainst(db: Db, schema: CheckedSchema, options: PlanOptions = {}): Promise<Planned> {
  const current = await introspect(db, { lockTimeoutMs: options.lockTimeoutMs });
  const loaded = loadSpec(schema.file, schema.text, { knownTypes: current.knownTypes, unmanagedTables: current.unmanaged.tables ?? [] });
  if (!loaded.spec) throw new SpecError(loaded.diagnostics);
  const unmanaged = [
    ...unmanagedTableDiagnostics(loaded.spec, current.unmanaged.tables ?? []),
    ...takenNameDiagnostics(loaded.spec, current.unmanaged.taken ?? [], current.unmanaged.tables ?? []),
    ...serverVersionDiagnostics(loaded.spec, current.serverVersion),
  ];
  const spelled = await spell(db, loaded.spec, current.model, current.serverVersion);
  // An enum whose name is taken also fails to spell, at the same place: say it once, clearly.
  const reported = new Set(unmanaged.map((d) => `${d.line}:${d.col}`));
  const spellingProblems = spelled.ok ? foreignKeyTypeDiagnostics(loaded.spec, spelled.model) : spelled.diagnostics.filter((d) => !reported.has(`${d.line}:${d.col}`));
  const problems = [...unmanaged, ...spellingProblems];
  if (!spelled.ok || problems.length > 0) throw new SpecError(sortDiagnostics(problems));
  const online = options.online ?? loaded.spec.settings.online;
  const hints = hintsFromSpec(loaded.spec);
  const plan = buildPlan({
    current: current.model,
    desired: spelled.model,
    hints,
    unmanaged: current.unmanaged,
    online,
    sizes: current.sizes,
  });
  return { plan, current, desired: spelled.model, hints, settings: loaded.spec.settings, online };
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
  const drifted = await driftedState(db, status, planned.current);
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
async function driftedState(db: Db, status: Status, now: Introspection): Promise<{ since: AppliedRevision; recorded: Model; drift: Step[] } | null> {
  const since = status.applied[status.applied.length - 1];
  if (!since || since.fingerprint === null || since.fingerprint === fingerprint(now.model)) return null;
  const recorded = await snapshotOf(db, since.revision);
  if (!recorded) return null;
  const drift = driftSteps(recorded, now);
  return drift.length > 0 ? { since, recorded, drift } : null;
}

/** Steps that turn `recorded` into the database as it is: what changed outside schema. */
function driftSteps(recorded: Model, now: Introspection): Step[] {
  const { changes } = diff(recorded, now.model, noHints, { occupiedSchemas: now.unmanaged.occupiedSchemas });
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

// ---- revisions: the chain in plans/ and where a database stands on it ----

/** The chain in `plansDir`, every file checked. */
export async function loadChain(plansDir: string): Promise<Chain> {
  return Chain.of(await readRevisions(plansDir));
}

export interface Status {
  readonly chain: Chain;
  readonly applied: readonly AppliedRevision[];
  readonly appliedIds: ReadonlySet<string>;
  /** Where the database stands: its applied revisions that nothing applied follows. */
  readonly current: readonly Revision[];
  readonly heads: readonly Revision[];
  /** Revisions of the chain this database has not applied. */
  readonly pending: readonly Revision[];
  /** An apply, upgrade or downgrade that was cut short here (its revision is not recorded yet). */
  readonly unfinished: Pending | null;
}

/** The chain and the database's place on it, after checking the applied revisions against the files. */
export async function readStatus(db: Db, plansDir: string): Promise<Status> {
  const applied = await appliedRevisions(db);
  let chain: Chain;
  try {
    chain = await loadChain(plansDir);
  } catch (error) {
    // A file gone from the middle of the chain: the ledger knows its name.
    const gone = error instanceof RevisionError && error.missing ? applied.find((a) => a.revision === error.missing) : undefined;
    if (!gone) throw error;
    throw new RevisionError(`${gone.file} (revision ${gone.revision}) was applied to this database, but it is missing from ${plansDir}: ${(error as Error).message}`, 'restore it from version control: applied revisions are never removed');
  }
  verifyApplied(chain, applied);
  const appliedIds = new Set(applied.map((a) => a.revision));
  return {
    chain,
    applied,
    appliedIds,
    current: chain.currentOf(appliedIds),
    heads: chain.heads(),
    pending: chain.ordered.filter((r) => !appliedIds.has(r.revision)),
    unfinished: await readPending(db),
  };
}

/** Where a database stands once no other schema command is changing it: its unfinished work, or else its status. */
export type Settled = { readonly pending: Pending; readonly status: null } | { readonly pending: null; readonly status: Status };

/**
 * The unfinished work of the database, or (when there is none) its status, read holding the
 * writers' advisory lock: after waiting up to `lockWaitMs` for another schema command to
 * finish (the lock is waited for outside any transaction), so a run still going on is never
 * taken for one cut short, nor a revision whose file is still being written for one whose file
 * is missing. A revision file an apply cut off between its commit and the file's rename left
 * under its temporary name is put in place first. The lock is released before returning.
 */
export async function readSettled(db: Db, plansDir: string, lockWaitMs: number): Promise<Settled> {
  return withSessionLock(db, lockWaitMs, async () => {
    await recoverRevisionFiles(db, plansDir);
    const pending = await readPending(db);
    return pending ? { pending, status: null } : { pending: null, status: await readStatus(db, plansDir) };
  });
}

/**
 * The psql script that runs `revisions` this way (see `replayScript`). An upgrade script
 * records the state after each revision, computed by replaying it without data in a scratch
 * database from this database's schema, or, when that changed outside schema since its last
 * revision, from the state recorded then (so the drift stays drift); `note` says when it cannot.
 */
export async function replayScriptFor(
  db: Db,
  revisions: readonly Revision[],
  direction: Direction,
  options: { readonly lockBudget?: number } = {},
): Promise<{ text: string; note: string | null }> {
  let states = null;
  if (direction === 'upgrade') {
    const live = await introspect(db);
    const last = (await appliedRevisions(db)).at(-1);
    const drifted = last?.fingerprint && last.fingerprint !== fingerprint(live.model) ? await snapshotOf(db, last.revision) : null;
    states = await statesAfter(db.target, drifted ? { ...live, model: drifted } : live, revisions);
  }
  // In the transactions `upgrade` and `downgrade` run them in on this database.
  const schedules = [];
  for (const r of revisions) schedules.push(await replaySchedule(db, direction === 'upgrade' ? r.upgrade : r.downgrade, options.lockBudget));
  return { text: replayScript(revisions, direction, states, schedules), note: states?.note ?? null };
}

export interface Drift {
  /** The last applied revision, whose recorded state the database is compared with. */
  readonly since: AppliedRevision | null;
  /** Steps that turn the recorded state into the database as it is: what changed outside. */
  readonly changes: readonly Step[];
  /** True when there is no recorded state to compare with: nothing is applied, or none was recorded with the last revision (see apply/chain-state.ts). */
  readonly unknown: boolean;
}

/**
 * What changed in the database outside this tool since its last applied revision. Reads only.
 * Only the state recorded with the last revision is a fair comparison: an older one would
 * count the revisions applied since as changes made outside.
 */
export async function driftOf(db: Db, status: Status): Promise<Drift> {
  const since = status.applied[status.applied.length - 1] ?? null;
  const snapshot = since && since.fingerprint !== null ? await snapshotOf(db, since.revision) : null;
  if (!since || !snapshot) return { since, changes: [], unknown: true };
  const now = await introspect(db);
  if (fingerprint(now.model) === since.fingerprint) return { since, changes: [], unknown: false };
  return { since, changes: driftSteps(snapshot, now), unknown: false };
}

export interface CheckResult {
  readonly status: Status;
  /** Steps from the state at head to schema.yaml (a change nobody turned into a revision); null when the database is not at head, so the state at head is not there to compare with. */
  readonly unrecorded: readonly Step[] | null;
  /**
   * What `unrecorded` starts from: the state recorded at head, or (when none was recorded)
   * the database as it is, where a change made outside schema looks the same as a change to
   * schema.yaml.
   */
  readonly comparedWith: 'head' | 'database';
  readonly drift: Drift;
}

/** For CI: is the database at head, and does schema.yaml match the state at head? Reads only. */
export async function checkDatabase(db: Db, plansDir: string, schema: CheckedSchema): Promise<CheckResult> {
  const status = await readStatus(db, plansDir);
  const drift = await driftOf(db, status);
  if (status.pending.length > 0) return { status, unrecorded: null, comparedWith: 'head', drift };
  const planned = await planAgainst(db, schema);
  // Compare schema.yaml with the state recorded at the head when there is one, so drift is
  // reported as drift and not as a change to the file.
  const headState = drift.since && !drift.unknown ? await snapshotOf(db, drift.since.revision) : null;
  if (!headState) return { status, unrecorded: planned.plan.steps, comparedWith: 'database', drift };
  const unrecorded = buildPlan({ current: headState, desired: planned.desired, hints: noHints, unmanaged: planned.current.unmanaged }).steps;
  return { status, unrecorded, comparedWith: 'head', drift };
}

export interface Merged {
  readonly revision: string;
  readonly file: string;
  readonly parents: readonly string[];
  /** Objects both branches change; the merge revision then carries planned steps. */
  readonly conflicts: readonly string[];
  /** Objects that the branches leave different depending on the order a database applied them. */
  readonly divergent: readonly string[];
  /** How many orders of the branches were replayed (none without conflicts); `sampled` when only whole branches were ordered. */
  readonly orders: number;
  readonly sampled: boolean;
  readonly steps: number;
}

/**
 * Join the heads of `plansDir` with a merge revision. Without conflicts it has no SQL; when
 * branches change the same objects, the chain is replayed (without data) in scratch databases
 * in every order a database can have applied the branches, and the merge revision carries
 * steps that bring each of those states to schema.yaml (see `planMerge`), or none is written.
 */
export async function mergeHeads(options: {
  readonly plansDir: string;
  readonly message: string;
  readonly now?: Date;
  readonly target: Target;
  readonly schema: () => Promise<CheckedSchema>;
}): Promise<Merged> {
  const chain = await loadChain(options.plansDir);
  const heads = chain.heads();
  if (heads.length < 2) throw new UserError(`${options.plansDir} has ${heads.length === 0 ? 'no revisions' : 'one head'}: there is nothing to merge`);
  const branches = branchesOf(chain);

  let merge: MergeSteps = { steps: [], downgrade: [], divergent: [], orders: 0, sampled: false };
  if (branches.conflicts.length > 0) {
    const schema = await options.schema();
    merge = await planMerge(options.target, chain, branches, schema.file, async (db) => {
      const { plan, desired } = await planAgainst(db, schema);
      return { plan, desired };
    });
  }
  const created = options.now ?? new Date();
  const id = newRevisionId();
  const parents = heads.map((h) => h.revision);
  const { text } = formatRevision(merge, { id, parents, created, message: options.message });
  await mkdir(options.plansDir, { recursive: true });
  const file = join(options.plansDir, `${timestampName(created)}_${slug(options.message)}.sql`);
  await writeFile(file, text, { flag: 'wx' });
  return { revision: id, file, parents, conflicts: branches.conflicts, divergent: merge.divergent, orders: merge.orders, sampled: merge.sampled, steps: merge.steps.length };
}
