// Merges proven without data: the branches replayed in every order a database can have applied
// them, each order's state read back, and merge steps chosen that bring every one of those
// states to schema.yaml; or the merge refused, saying what each order leaves. The replays run on
// an in-memory embedded PostgreSQL in this process, never on the target's server: the files'
// SQL is not something anyone approved to run there.
import { runRevision } from '../apply/replay.js';
import type { Db } from '../db/db.js';
import { withEmbeddedScratch } from '../db/scratch.js';
import { UserError } from '../errors.js';
import { introspect } from '../introspect/introspect.js';
import { fingerprint } from '../model/fingerprint.js';
import type { Model } from '../model/model.js';
import type { Plan } from '../plan/types.js';
import { describeObjects, differingObjects } from '../render/objects.js';
import { commentText } from '../render/words.js';
import { branchOrders, type Branches } from '../revisions/branches.js';
import type { Chain, Revision } from '../revisions/chain.js';
import { runQuietly, settled, stillNeeded } from './scratch-replay.js';

export interface MergeSteps extends Pick<Plan, 'steps' | 'downgrade'> {
  /** Objects that the orders leave different, which the steps settle; none when every order ends the same. */
  readonly divergent: readonly string[];
  /** How many orders were replayed. */
  readonly orders: number;
  /** True when there were too many orders to replay and only whole branches were ordered. */
  readonly sampled: boolean;
}

/** Plan from the database given to schema.yaml: the plan and the desired Model. */
export type PlanFrom = (db: Db) => Promise<{ readonly plan: Plan; readonly desired: Model }>;

interface Replayed {
  readonly order: readonly Revision[];
  readonly state: Model;
  readonly plan: Plan;
  readonly desired: Model;
}

const named = (r: Revision): string => `${r.revision} ("${commentText(r.message)}")`;

/** "a then b": the revisions of `order` that change what another branch changes, in order. */
function orderWords(order: readonly Revision[], branches: Branches): string {
  const shown = order.filter((r) => branches.conflicting.has(r.revision));
  return (shown.length > 0 ? shown : order).map(named).join(' then ');
}

const HINT = 'make one branch follow the other before merging: undo its revision where it is applied (`schema downgrade`), delete its file, and apply it again on top of the other branch';

/** Run the shared revisions, then `order`, in the empty database `scratch`; a UserError names the order and the revision that fails. */
async function replay(scratch: Db, branches: Branches, order: readonly Revision[]): Promise<void> {
  for (const r of [...branches.shared, ...order]) {
    try {
      await runRevision(scratch, r, 'upgrade');
    } catch (error) {
      const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0];
      const upTo = order.slice(0, order.indexOf(r) + 1);
      throw new UserError(
        upTo.length > 0
          ? `the branches cannot be applied in every order (both change ${branches.conflicts.join(', ')}): a database that applies ${orderWords(upTo, branches)} fails at ${r.revision} (${r.fileName}): ${reason}`
          : `the revisions the branches share do not replay on an empty database: ${reason}`,
        upTo.length > 0 ? `no merge revision can help a database that cannot reach it; ${HINT}` : null,
      );
    }
  }
}

async function replayed(branches: Branches, order: readonly Revision[], planFrom: PlanFrom): Promise<Replayed> {
  return withEmbeddedScratch(async (scratch) => {
    await replay(scratch, branches, order);
    const state = (await introspect(scratch)).model;
    return { order, state, ...(await planFrom(scratch)) };
  });
}

/** Whether `steps` take the state after `order` to `desired`, tried in a scratch database. */
async function reaches(branches: Branches, order: readonly Revision[], steps: Plan['steps'], desired: Model): Promise<boolean> {
  return withEmbeddedScratch(async (scratch) => {
    await replay(scratch, branches, order);
    if ((await runQuietly(scratch, steps, 'the merge')) !== null) return false;
    return (await stillNeeded(scratch, await introspect(scratch), desired)).length === 0;
  });
}

/**
 * The steps of a merge revision. Every order in which a database can have applied the
 * branches is replayed without data; when all end in the same state, the merge plans from it.
 * When they differ, the plan from each state in turn is tried on the others, and the first
 * that brings every one to schema.yaml is taken (an ALTER to the type a column already has
 * does no harm). Its downgrade goes back to the state of the chain's own order, the one
 * later downgrades undo the branches from. Throws UserError when an order cannot be applied
 * at all, or no plan fits every order, naming the objects and what each order leaves.
 */
export async function planMerge(chain: Chain, branches: Branches, schemaFile: string, planFrom: PlanFrom): Promise<MergeSteps> {
  const { orders, sampled } = branchOrders(chain, branches);
  const results: Replayed[] = [];
  for (const order of orders) results.push(await replayed(branches, order, planFrom));
  const chainOrder = results[0]!;
  const groups: Replayed[] = [];
  const seen = new Set<string>();
  for (const r of results) {
    const key = fingerprint(settled(r.state));
    if (!seen.has(key)) groups.push(r);
    seen.add(key);
  }
  const done = { orders: orders.length, sampled };
  if (groups.length === 1) return { steps: chainOrder.plan.steps, downgrade: chainOrder.plan.downgrade, divergent: [], ...done };

  const divergent = differingObjects(groups.map((g) => g.state));
  for (const candidate of groups) {
    let fits = true;
    for (const other of groups) {
      if (other === candidate) continue;
      fits = await reaches(branches, other.order, candidate.plan.steps, chainOrder.desired);
      if (!fits) break;
    }
    if (fits) return { steps: candidate.plan.steps, downgrade: chainOrder.plan.downgrade, divergent, ...done };
  }
  const lines = divergent.flatMap((object) => [`  ${object}:`, ...groups.map((g) => `    after ${orderWords(g.order, branches)}: ${describeObjects(g.state).get(object) ?? '(none)'}`)]);
  throw new UserError(
    `the order in which a database applied the branches changes its schema, and no one list of steps brings every order to ${schemaFile}:\n${lines.join('\n')}`,
    `${HINT}; or change ${schemaFile} so that the steps from one order fit the others`,
  );
}
