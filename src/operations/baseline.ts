// `apply --baseline`: the first revision of a database that already is schema.yaml. Nothing runs
// on it; the revision records how to build the schema from an empty database, so every other
// database (a developer's, CI's) gets there by `schema upgrade`, and this one is at that revision.
import { UserError } from '../errors.js';
import type { Model } from '../model/model.js';
import { buildPlan } from '../plan/plan.js';
import type { Plan } from '../plan/types.js';
import type { Planned } from './plan.js';
import type { Status } from './status.js';

/** A database with nothing in it but the schema public, which every database has. */
const EMPTY: Model = { schemas: ['public'], enums: {}, tables: {} };

/**
 * What the baseline revision records: the plan from an empty database to schema.yaml. Throws
 * UserError (nothing changed) unless plans/ holds no revision, the database has none applied, and
 * the database already is schema.yaml (`planned`, from the database as it is, has no step).
 */
export function baselinePlan(status: Status, planned: Planned, plansDir: string): Plan {
  if (status.chain.size > 0 || status.applied.length > 0) {
    throw new UserError(
      `--baseline starts the chain of revisions, and ${status.chain.size > 0 ? `${plansDir} holds ${status.chain.size} already` : `this database has ${status.applied.length} applied already`}; nothing was changed`,
      'to record this database at a revision of the chain, run `schema stamp REVISION`; to change it, run `schema apply` without --baseline',
    );
  }
  const left = planned.plan.steps;
  if (left.length > 0) {
    throw new UserError(
      `--baseline records a database that already is schema.yaml, and this one is ${left.length} step${left.length === 1 ? '' : 's'} away from it (${left
        .slice(0, 3)
        .map((s) => `${s.op} ${s.object}`)
        .join(', ')}${left.length > 3 ? ', ...' : ''}); nothing was changed`,
      'run `schema pull --force` to write schema.yaml from the database, or `schema apply` without --baseline to change the database',
    );
  }
  return buildPlan({ current: EMPTY, desired: planned.desired, hints: planned.hints, online: false, sizes: {} });
}
