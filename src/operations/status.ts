// Where a database stands on the chain in plans/, what changed in it outside schema (drift),
// whether it matches schema.yaml at head (check), and the psql script of a replay. Reads only.
import { recoverRevisionFiles } from '../apply/apply.js';
import { replayScript, replaySchedule, type Direction } from '../apply/replay.js';
import { withSessionLock } from '../apply/transaction.js';
import type { Db } from '../db/db.js';
import { introspect } from '../introspect/introspect.js';
import { fingerprint } from '../model/fingerprint.js';
import { noHints } from '../model/hints.js';
import { buildPlan } from '../plan/plan.js';
import { type Step } from '../plan/types.js';
import { Chain, verifyApplied, type Revision } from '../revisions/chain.js';
import { RevisionError } from '../revisions/file.js';
import { readRevisions } from '../revisions/folder.js';
import { appliedRevisions, readPending, snapshotOf, type AppliedRevision, type Pending } from '../revisions/ledger.js';
import { statesAfter } from '../verify/scratch-replay.js';
import { driftSteps, planAgainst } from './plan.js';
import { excludePatterns, type CheckedSchema } from './schema-file.js';
import { modelWithout, withoutExcluded } from './exclude.js';

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
    throw new RevisionError(
      `${gone.file} (revision ${gone.revision}) was applied to this database, but it is missing from ${plansDir}: ${(error as Error).message}`,
      'restore it from version control: applied revisions are never removed',
    );
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

/**
 * Where a database stands once no other schema command is changing it: its unfinished work, or
 * else its status; and what was found in plans/ and left alone (see `recoverRevisionFiles`), to warn of.
 */
export type Settled = ({ readonly pending: Pending; readonly status: null } | { readonly pending: null; readonly status: Status }) & { readonly found: readonly string[] };

/**
 * The unfinished work of the database, or (when there is none) its status, read holding the
 * writers' advisory lock: after waiting up to `lockWaitMs` for another schema command to
 * finish (the lock is waited for outside any transaction), so a run still going on is never
 * taken for one cut short, nor a revision whose file is still being written for one whose file
 * is missing. A revision file an apply cut off between its commit and the file's rename left
 * under its temporary name is put in place first, when the ledger vouches for it. The lock is
 * released before returning.
 */
export async function readSettled(db: Db, plansDir: string, lockWaitMs: number): Promise<Settled> {
  return withSessionLock(db, lockWaitMs, async () => {
    const found = await recoverRevisionFiles(db, plansDir);
    const pending = await readPending(db);
    return pending ? { pending, status: null, found } : { pending: null, status: await readStatus(db, plansDir), found };
  });
}

/**
 * The psql script that runs `revisions` this way (see `replayScript`). An upgrade script
 * records the state after each revision, computed by replaying it without data from this
 * database's schema, or, when that changed outside schema since its last revision, from the
 * state recorded then (so the drift stays drift); `note` says when it cannot. The replay runs on
 * the in-memory embedded PostgreSQL, never on the target's server, unless `replayOnServer`
 * asks for a temporary database there (exact when the embedded one runs another major version,
 * but it runs the files' SQL on the server as the target's role); `where` says where it ran.
 */
export async function replayScriptFor(
  db: Db,
  revisions: readonly Revision[],
  direction: Direction,
  options: { readonly lockBudget?: number; readonly replayOnServer?: boolean } = {},
): Promise<{ text: string; note: string | null; where: string | null }> {
  let states = null;
  if (direction === 'upgrade') {
    const live = await introspect(db);
    const last = (await appliedRevisions(db)).at(-1);
    const drifted = last?.fingerprint && last.fingerprint !== fingerprint(live.model) ? await snapshotOf(db, last.revision) : null;
    states = await statesAfter(drifted ? { ...live, model: drifted } : live, revisions, options.replayOnServer ? db.target : null);
  }
  // In the transactions `upgrade` and `downgrade` run them in on this database.
  const schedules = [];
  for (const r of revisions) schedules.push(await replaySchedule(db, direction === 'upgrade' ? r.upgrade : r.downgrade, options.lockBudget));
  return { text: replayScript(revisions, direction, states, schedules), note: states?.note ?? null, where: states?.where ?? null };
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
export async function driftOf(db: Db, status: Status, exclude: readonly string[] = []): Promise<Drift> {
  const since = status.applied[status.applied.length - 1] ?? null;
  const snapshot = since && since.fingerprint !== null ? await snapshotOf(db, since.revision) : null;
  if (!since || !snapshot) return { since, changes: [], unknown: true };
  const found = await introspect(db);
  if (fingerprint(found.model) === since.fingerprint) return { since, changes: [], unknown: false };
  // Objects of someone else's (`exclude:`) are not drift, whatever happened to them.
  return { since, changes: driftSteps(modelWithout(snapshot, exclude), withoutExcluded(found, exclude)), unknown: false };
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
  const drift = await driftOf(db, status, excludePatterns(schema.text));
  if (status.pending.length > 0) return { status, unrecorded: null, comparedWith: 'head', drift };
  const planned = await planAgainst(db, schema);
  // Compare schema.yaml with the state recorded at the head when there is one, so drift is
  // reported as drift and not as a change to the file.
  const headState = drift.since && !drift.unknown ? await snapshotOf(db, drift.since.revision) : null;
  if (!headState) return { status, unrecorded: planned.plan.steps, comparedWith: 'database', drift };
  const unrecorded = buildPlan({ current: headState, desired: planned.desired, hints: noHints, unmanaged: planned.current.unmanaged }).steps;
  return { status, unrecorded, comparedWith: 'head', drift };
}
