// Proven plans: the schema of today is rebuilt without data in a scratch database, the plan
// runs there as apply runs it, the result must be the desired state; the downgrade runs, the
// result must be the starting state. What differs is said as the steps still needed to get
// there; what the proof cannot cover (objects not managed) is said too.
import type { Db } from '../db/db.js';
import { withScratchDatabase, type ScratchInfo } from '../db/scratch.js';
import type { Target } from '../db/target.js';
import { introspect, serverVersion } from '../introspect/introspect.js';
import { fingerprint } from '../model/fingerprint.js';
import type { Model } from '../model/model.js';
import type { Plan, Verification } from '../plan/types.js';
import { rebuildCopy, runQuietly as run, stillNeeded, type CopyNeeds } from './scratch-replay.js';

export type { CopyNeeds } from './scratch-replay.js';

/**
 * Prove `plan` on a copy of today's schema (no data). `current` is the Model the plan starts
 * from; `desired` the one it must reach (null for a saved plan: then its fingerprint decides);
 * `needs` what the copy takes from the target besides (its extensions, the user's functions,
 * its schemas holding objects not managed). Other objects the plan counts as not managed are
 * not rebuilt: the result says so. Writes only to the scratch database, which is dropped
 * afterwards.
 */
export async function verifyPlan(target: Target, plan: Plan, current: Model, desired: Model | null, needs: CopyNeeds = {}): Promise<Verification> {
  return withScratchDatabase(target, async (scratch, info) => prove(scratch, await versioned(scratch, info, needs.serverVersion), plan, current, desired, needs), {
    extensions: needs.extensions ?? [],
  });
}

/** What the copy did not rebuild, per kind: the objects not managed, and the functions it could not copy. */
function unprovenOf(plan: Plan, needs: CopyNeeds, notCopied: number): Partial<Verification> {
  const counts = { ...plan.unmanaged, ...(notCopied > 0 ? { function: notCopied } : {}) };
  const unproven = Object.fromEntries(Object.entries(counts).filter(([, n]) => n > 0));
  return Object.keys(unproven).length > 0 ? { unproven } : {};
}

const major = (version: number): number => Math.floor(version / 10000);

/** `info`, its place naming the embedded PostgreSQL's major version when the target runs another one (which may spell or allow things otherwise). */
async function versioned(scratch: Db, info: ScratchInfo, targetVersion: number | undefined): Promise<ScratchInfo> {
  if (!info.embedded || targetVersion === undefined) return info;
  const version = await serverVersion(scratch);
  return major(version) === major(targetVersion) ? info : { ...info, where: `${info.where} ${major(version)} (the target runs ${major(targetVersion)})` };
}

/** Why a failure may not be the plan's fault: extensions of the target the scratch database could not have. */
function lacking(info: ScratchInfo): string {
  if (info.missing.length === 0) return '';
  const names = info.missing.map((m) => `${m.extension.name} (in schema ${m.extension.schema})`).join(', ');
  return (
    `; verification may need the extension${info.missing.length === 1 ? '' : 's'} ${names}, which could not be created there (${info.missing[0]!.reason})` +
    (info.embedded ? ': give the role CREATEDB so verification runs on a temporary database on the server itself' : '')
  );
}

async function prove(scratch: Db, info: ScratchInfo, plan: Plan, current: Model, desired: Model | null, needs: CopyNeeds): Promise<Verification> {
  const problems: string[] = [];
  const occupied = needs.unmanaged?.occupiedSchemas ?? [];
  const rebuilt = await rebuildCopy(scratch, current, needs);
  const also = unprovenOf(plan, needs, rebuilt.notCopied.length);
  const result = (): Verification => ({ ok: problems.length === 0, where: info.where, problems, ...also });
  // A function the copy could not make (and nothing there needs) is not part of the proof.
  const copied = (m: Model): Model =>
    m.functions === undefined || rebuilt.notCopied.length === 0 ? m : { ...m, functions: Object.fromEntries(Object.entries(m.functions).filter(([path]) => !rebuilt.notCopied.includes(path))) };

  if (rebuilt.problem) {
    problems.push(`the schema of today ${rebuilt.problem}${rebuilt.problem.startsWith('could not be rebuilt there') ? lacking(info) : ''}`);
    return result();
  }

  const upError = await run(scratch, plan.steps, 'the plan');
  if (upError) {
    problems.push(`the plan: ${upError}${lacking(info)}`);
    return result();
  }
  const after = await introspect(scratch);
  if (desired) {
    const missing = await stillNeeded(scratch, after, copied(desired), occupied);
    if (missing.length > 0) problems.push(`after the plan, the database is not the desired state: still needed ${missing.join(', ')}`);
  } else if (fingerprint(after.model) !== plan.fingerprint.to) {
    problems.push('after the plan, the database is not the state the plan was made for (its fingerprint differs)');
  }

  const downError = await run(scratch, plan.downgrade, 'the downgrade');
  if (downError) {
    problems.push(`the downgrade: ${downError}${lacking(info)}`);
    return result();
  }
  const back = await introspect(scratch);
  const left = await stillNeeded(scratch, back, copied(current), occupied);
  if (left.length > 0) problems.push(`the downgrade does not return to the starting state: still needed ${left.join(', ')}`);
  return result();
}
