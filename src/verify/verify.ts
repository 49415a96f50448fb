// Proven plans: the schema of today is rebuilt without data in a scratch database, the plan
// runs there as apply runs it, the result must be the desired state; the downgrade runs, the
// result must be the starting state. What differs is said as the steps still needed to get
// there; what the proof cannot cover (objects not managed) is said too.
import { groupSteps } from '../apply/groups.js';
import { runSteps } from '../apply/transaction.js';
import type { Db } from '../db/db.js';
import { withScratchDatabase, type Extension, type ScratchInfo } from '../db/scratch.js';
import type { Target } from '../db/target.js';
import { diff } from '../diff/diff.js';
import { introspect, type Introspection } from '../introspect/introspect.js';
import { settleTextsAlone } from '../db/settle.js';
import { comparable, fingerprint } from '../model/fingerprint.js';
import { noHints } from '../model/hints.js';
import type { Model } from '../model/model.js';
import { buildPlan, stepsFor } from '../plan/plan.js';
import type { Plan, Step, Verification } from '../plan/types.js';

/**
 * Run steps as apply does: in one transaction, except steps that cannot run in one (CREATE
 * INDEX CONCURRENTLY), which run on their own between transactions. The first line of the
 * failure, or null.
 */
async function run(db: Db, steps: readonly Step[], what: string): Promise<string | null> {
  for (const group of groupSteps(steps, Number.POSITIVE_INFINITY)) {
    const numbering = { first: group.from, total: steps.length };
    const part = steps.slice(group.from, group.to);
    if (group.transactional) await db.exec('BEGIN');
    try {
      await runSteps(db, part, what, undefined, undefined, numbering);
      if (group.transactional) await db.exec('COMMIT');
    } catch (error) {
      if (group.transactional) await db.exec('ROLLBACK').catch(() => undefined);
      return (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
    }
  }
  return null;
}

/**
 * A copy of the schema has every index valid and every constraint validated: a schema rebuilt
 * without data cannot have an INVALID index or a NOT VALID constraint, so they are not compared.
 */
function settled(model: Model): Model {
  const tables: Record<string, Model['tables'][string]> = {};
  for (const [key, t] of Object.entries(model.tables)) {
    tables[key] = {
      ...t,
      indexes: Object.fromEntries(Object.entries(t.indexes).map(([n, { invalid: _i, ...i }]) => [n, i])),
      checks: Object.fromEntries(Object.entries(t.checks).map(([n, { notValid: _v, ...c }]) => [n, c])),
      foreignKeys: Object.fromEntries(Object.entries(t.foreignKeys).map(([n, { notValid: _v, ...f }]) => [n, f])),
    };
  }
  return comparable({ ...model, tables });
}

/**
 * The steps that would still take the scratch database (`actual`) to `expected`, as "op object"
 * words; none when equal. Texts that differ only in spelling (see db/settle.ts) are not steps.
 */
async function stillNeeded(scratch: Db, actual: Introspection, expected: Model): Promise<string[]> {
  const needed = (want: Model): Step[] => stepsFor(diff(settled(actual.model), settled(want), noHints).changes, want);
  if (needed(expected).length === 0) return [];
  const respelled = await settleTextsAlone(scratch, actual.model, expected, noHints, actual.serverVersion);
  return needed(respelled).map((s) => `${s.op} ${s.object}`);
}

/**
 * Prove `plan` on a copy of today's schema (no data). `current` is the Model the plan starts
 * from; `desired` the one it must reach (null for a saved plan: then its fingerprint decides);
 * `extensions` those of the target, created in the copy first. Objects the plan counts as not
 * managed are not rebuilt: the result says so. Writes only to the scratch database, which is
 * dropped afterwards.
 */
export async function verifyPlan(target: Target, plan: Plan, current: Model, desired: Model | null, extensions: readonly Extension[] = []): Promise<Verification> {
  const unproven = Object.fromEntries(Object.entries(plan.unmanaged).filter(([, n]) => n > 0));
  const also = Object.keys(unproven).length > 0 ? { unproven } : {};
  return withScratchDatabase(target, (scratch, info) => prove(scratch, info, plan, current, desired, also), { extensions });
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

async function prove(scratch: Db, info: ScratchInfo, plan: Plan, current: Model, desired: Model | null, also: Partial<Verification>): Promise<Verification> {
  const problems: string[] = [];
  const result = (): Verification => ({ ok: problems.length === 0, where: info.where, problems, ...also });

  const empty = (await introspect(scratch)).model;
  const rebuild = buildPlan({ current: empty, desired: settled(current), hints: noHints });
  const rebuildError = await run(scratch, rebuild.steps, 'rebuilding the schema');
  if (rebuildError) {
    problems.push(`the schema of today could not be rebuilt there: ${rebuildError}${lacking(info)}`);
    return result();
  }
  const rebuilt = await introspect(scratch);
  const off = await stillNeeded(scratch, rebuilt, current);
  if (off.length > 0) {
    problems.push(`the schema of today could not be rebuilt exactly (still needed: ${off.join(', ')})`);
    return result();
  }

  const upError = await run(scratch, plan.steps, 'the plan');
  if (upError) {
    problems.push(`the plan fails: ${upError}${lacking(info)}`);
    return result();
  }
  const after = await introspect(scratch);
  if (desired) {
    const missing = await stillNeeded(scratch, after, desired);
    if (missing.length > 0) problems.push(`after the plan, the database is not the desired state: still needed ${missing.join(', ')}`);
  } else if (fingerprint(after.model) !== plan.fingerprint.to) {
    problems.push('after the plan, the database is not the state the plan was made for (its fingerprint differs)');
  }

  const downError = await run(scratch, plan.downgrade, 'the downgrade');
  if (downError) {
    problems.push(`the downgrade fails: ${downError}${lacking(info)}`);
    return result();
  }
  const back = await introspect(scratch);
  const left = await stillNeeded(scratch, back, current);
  if (left.length > 0) problems.push(`the downgrade does not return to the starting state: still needed ${left.join(', ')}`);
  return result();
}
