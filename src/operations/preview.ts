// What `schema plan` shows and what `schema apply` shows before it asks: the plan from
// schema.yaml (or a saved one), with its figures counted in the target, the transactions apply
// would run it in, on a drifted database the revision apply would write beside it, and with
// `verify`, the proof on a scratch copy. Notes on the way (an apply cut short, revisions not
// applied, a drifted database, the target's warnings) go to the UI port. Reads only.
import { assertAtHead, interruptedApply, scheduleOn } from '../apply/apply.js';
import type { Group } from '../apply/groups.js';
import { DEFAULT_CHECK_TIMEOUT_MS, measurePlan } from '../checks/checks.js';
import type { Db } from '../db/db.js';
import { readWithin } from '../db/locks.js';
import type { Target } from '../db/target.js';
import { UserError } from '../errors.js';
import { introspect } from '../introspect/introspect.js';
import { fingerprint } from '../model/fingerprint.js';
import { runsOnline, type Plan } from '../plan/types.js';
import { recordsRevision } from '../render/drifted.js';
import { interruptedNote } from '../render/pending.js';
import { behindNote, driftedNote } from '../render/revisions.js';
import { verifyPlan } from '../verify/verify.js';
import { planAgainst, refuseSavedPlanOnDrift, revisionPlanFor, type Planned, type RevisionPlan } from './plan.js';
import type { CheckedSchema } from './schema-file.js';
import { readStatus, type Status } from './status.js';
import { SILENT, type Ui } from './ui.js';

export interface PreviewRequest {
  readonly plansDir: string;
  /** Plan online; default: the file's setting. */
  readonly online?: boolean;
  /** Patterns of objects of someone else's to leave alone (`--exclude`), beside the file's `exclude:`. */
  readonly exclude?: readonly string[];
  /** Count the rows behind each hazard, with this statement timeout (default 2 s); false: not counted. */
  readonly dataChecks?: { readonly timeoutMs: number } | false;
  /** Prove the plan (and a drifted database's revision) on a scratch copy of `target`. */
  readonly verify?: boolean;
  readonly ui?: Ui;
}

export interface Preview {
  /** The plan with its figures, how apply runs it (`execution`) and, with `verify`, its proof. */
  readonly plan: Plan;
  /** The transactions apply would run it in (none for an empty plan). */
  readonly groups: readonly Group[] | undefined;
  /** On a drifted database, the revision apply would write, when it records any step. */
  readonly revision: RevisionPlan | null;
  /** The heads of plans/. */
  readonly heads: readonly string[];
  /** The session settings an online plan runs with (for its SQL script). */
  readonly session: Planned['settings'] | undefined;
}

const counted = (request: { readonly dataChecks?: { readonly timeoutMs: number } | false }) => (request.dataChecks === undefined ? { timeoutMs: DEFAULT_CHECK_TIMEOUT_MS } : request.dataChecks);

/** Tell the target's warnings about the file, through the port. */
function warn(ui: Ui, planned: Planned): void {
  if (planned.warnings.length > 0) ui.warn?.(planned.warnings);
}

/** `schema plan`: the plan from `schema` against the target, as it would be applied. Reads only. */
export async function previewPlan(db: Db, target: Target, schema: CheckedSchema, request: PreviewRequest): Promise<Preview> {
  const ui = request.ui ?? SILENT;
  const interrupted = await interruptedApply(db);
  if (interrupted) ui.note?.(interruptedNote(interrupted));
  const status = await readStatus(db, request.plansDir);
  const behind = behindNote(status, request.plansDir);
  if (behind) ui.note?.(behind);
  const fresh = await planAgainst(db, schema, { ...(request.online !== undefined ? { online: request.online } : {}), exclude: request.exclude ?? [] });
  warn(ui, fresh);
  const revision = behind ? null : await revisionPlanFor(db, status, fresh);
  if (revision) ui.note?.(driftedNote(revision.since.revision, revision.drift.length, revision.plan.steps.length));
  const checks = counted(request);
  const measured = checks ? await measurePlan(db, fresh.plan, checks) : fresh.plan;
  const schedule = measured.steps.length > 0 ? await scheduleOn(db, measured.steps, fresh.online) : null;
  const scheduled = schedule ? { ...measured, execution: schedule.execution } : measured;
  const plan = request.verify ? { ...scheduled, verification: await verifyPlan(target, scheduled, fresh.current.model, fresh.desired, fresh.current) } : scheduled;
  return {
    plan,
    groups: schedule?.groups,
    revision: recordsRevision(revision) ? revision : null,
    heads: status.heads.map((r) => r.revision),
    session: fresh.online ? fresh.settings : undefined,
  };
}

export interface ApplyPreviewRequest extends PreviewRequest {
  /** Where the database stands (read once no other command is changing it). */
  readonly status: Status;
  /** A plan saved with `plan --format json`, instead of planning from `schema`. */
  readonly saved: Plan | null;
  readonly schema: CheckedSchema | null;
  /** How long reading waits for a table lock held by another session (ms). */
  readonly lockWaitMs: number;
  /** `apply --baseline`: only the plan from `schema` is needed (nothing runs). */
  readonly baseline?: boolean;
}

export interface ApplyPreview {
  readonly plan: Plan;
  /** The plan from schema.yaml (null for a saved plan). */
  readonly fresh: Planned | null;
  readonly revision: RevisionPlan | null;
  /** Whether the plan runs online: the flag, else the file's setting, else a saved plan's concurrent or batched steps. */
  readonly online: boolean;
}

/**
 * `schema apply` before it asks: refused unless the database is at the head of plans/ (and, for
 * a saved plan, has not drifted); the plan with its figures (a saved plan keeps those it was
 * reviewed with), its schedule, the revision a drifted database records, and with `verify` both
 * proven (a saved plan only when the database is still where it was made). Reads only.
 */
export async function previewApply(db: Db, target: Target, request: ApplyPreviewRequest): Promise<ApplyPreview> {
  const { status, saved, schema, plansDir, lockWaitMs } = request;
  const ui = request.ui ?? SILENT;
  const prepared = await readWithin(db, 'reading the database', lockWaitMs, async () => {
    assertAtHead(status.chain, status.applied, plansDir);
    if (saved) await refuseSavedPlanOnDrift(db, status, plansDir);
    const fresh = saved ? null : await planAgainst(db, schema!, { ...(request.online !== undefined ? { online: request.online } : {}), lockTimeoutMs: lockWaitMs, exclude: request.exclude ?? [] });
    if (fresh) warn(ui, fresh);
    const checks = counted(request);
    const plan = fresh && checks ? await measurePlan(db, fresh.plan, checks) : (fresh?.plan ?? saved!);
    return { plan, fresh, revision: fresh ? await revisionPlanFor(db, status, fresh) : null };
  });
  const { fresh } = prepared;
  const online = request.online ?? fresh?.online ?? prepared.plan.steps.some(runsOnline);
  if (request.baseline) return { ...prepared, online };
  let plan = prepared.plan.steps.length > 0 ? { ...prepared.plan, execution: (await scheduleOn(db, prepared.plan.steps, online)).execution } : prepared.plan;
  let revision = prepared.revision;
  if (request.verify && plan.steps.length > 0) {
    const current = fresh?.current ?? (await introspect(db));
    if (saved && fingerprint(current.model) !== saved.fingerprint.from) throw new UserError('the database changed since this plan was made', 'run `schema plan` again and review the new plan');
    plan = { ...plan, verification: await verifyPlan(target, plan, current.model, fresh?.desired ?? null, current) };
  }
  // The revision's own plan, proven from the state it starts from (the one recorded at the last revision).
  if (request.verify && revision && revision.plan.steps.length > 0) {
    revision = { ...revision, plan: { ...revision.plan, verification: await verifyPlan(target, revision.plan, revision.from, fresh!.desired, fresh!.current) } };
  }
  return { plan, fresh, revision, online };
}
