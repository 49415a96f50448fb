// (current Model, desired Model, hints) -> Plan: the ordered steps both ways. Pure.
import { diff, invertHints } from '../diff/diff.js';
import type { Change } from '../diff/changes.js';
import { fingerprint } from '../model/fingerprint.js';
import { tableKey, type Model, type Unmanaged } from '../model/model.js';
import type { Hints } from '../model/hints.js';
import { order } from './order.js';
import { toDraft, type Context } from './steps.js';
import { PLAN_FORMAT_VERSION, summarize, type Plan, type Step } from './types.js';

function context(changes: readonly Change[]): Context {
  return { newTables: new Set(changes.flatMap((c) => (c.kind === 'create_table' ? [tableKey(c.table)] : []))) };
}

/** Steps in executable order for a list of changes. */
export function stepsFor(changes: readonly Change[]): Step[] {
  const ctx = context(changes);
  return order(changes.map((c) => toDraft(c, ctx))).map(({ op, object, sql, hazards }) => ({ op, object, sql, hazards }));
}

export interface PlanInput {
  readonly current: Model;
  readonly desired: Model;
  readonly hints: Hints;
  readonly unmanaged?: Unmanaged;
}

/**
 * The plan from `current` to `desired`, and the downgrade planned the same way from `desired`
 * back to `current` (ARCHITECTURE decision 5: planned, not inverted).
 */
export function buildPlan(input: PlanInput): Plan {
  const occupied = input.unmanaged?.occupiedSchemas ?? [];
  const options = { occupiedSchemas: occupied };
  // A schema holding objects this tool leaves alone stays: it is part of the desired state too.
  const kept = occupied.filter((s) => input.current.schemas.includes(s) && !input.desired.schemas.includes(s));
  const desired: Model = kept.length === 0 ? input.desired : { ...input.desired, schemas: [...input.desired.schemas, ...kept].sort() };
  const forward = diff(input.current, desired, input.hints, options);
  const backward = diff(desired, input.current, invertHints(forward.renames), options);
  const steps = stepsFor(forward.changes);
  return {
    format_version: PLAN_FORMAT_VERSION,
    summary: summarize(steps),
    steps,
    downgrade: stepsFor(backward.changes),
    fingerprint: { from: fingerprint(input.current), to: fingerprint(desired) },
    unmanaged: input.unmanaged?.counts ?? {},
  };
}
