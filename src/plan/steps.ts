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
