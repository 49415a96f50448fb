// Change -> step drafts: the op, the object, the SQL, the hazards, and what the step needs and
// frees (tokens), from which the order is derived. Each kind of object plans its own changes
// (plan/kinds/, wired by plan/kinds/registry.ts); what they share is in plan/drafts.ts.
import type { Change } from '../diff/changes.js';
import type { Context, Draft } from './drafts.js';
import { handlers } from './kinds/registry.js';

export type { Context, Draft } from './drafts.js';

/** The drafts of one change. Throws on a kind without a handler (which the types already forbid). */
export function toDrafts(change: Change, ctx: Context): Draft[] {
  const handler = handlers[change.kind] as ((c: Change, ctx: Context) => Draft | Draft[]) | undefined;
  if (!handler) throw new Error(`no planner for change kind "${change.kind}"`);
  const out = handler(change, ctx);
  return Array.isArray(out) ? out : [out];
}

/**
 * Steps on the members of a partition this plan detaches run after the detach: its copies of
 * its parent's keys, checks and indexes are its own only then (before, PostgreSQL refuses to
 * drop an inherited one).
 */
export function afterDetach(drafts: readonly Draft[]): Draft[] {
  const detached = drafts.filter((d) => d.op === 'detach_partition').map((d) => d.object);
  if (detached.length === 0) return [...drafts];
  return drafts.map((d) => {
    const table = detached.find((x) => d.object.startsWith(`${x}.`));
    return table && d.op !== 'detach_partition' ? { ...d, requires: [...d.requires, `detached:${table}`] } : d.op === 'detach_partition' ? { ...d, provides: [...d.provides, `detached:${d.object}`] } : d;
  });
}
