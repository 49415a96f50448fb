// The owned sequence's planner. A sequence a column owns (serial's) changes with its column
// (plan/kinds/column.ts), so it has no changes of its own; what a column's change does to
// its sequences is decided here and in plan/owned-sequences.ts.
import { objectPath } from '../../model/identifiers.js';
import type { Table } from '../../model/model.js';
import { hazard, isNew, type Context } from '../drafts.js';
import { narrows } from '../owned-sequences.js';
import type * as sql from '../sql.js';
import type { Hazard } from '../types.js';
import type { KindPlanner } from './registry.js';

export const ownedSequence: KindPlanner<'owned_sequence'> = {};

/**
 * What a column's change does to the sequences it owns: one that follows the column to a
 * smaller type fails if it has counted past what that type holds; one dropped with its default
 * comes back counting from its start; one made for an existing table starts there too.
 */
export function sequenceHazards(ctx: Context, t: Table, path: string, changes: ReturnType<typeof sql.sequenceChanges>): Hazard[] {
  const out: Hazard[] = [];
  const at = (name: string): string => objectPath(t.schema, name);
  for (const [was, s] of changes.retyped) {
    if (!narrows(was, s)) continue;
    const bound = s.increment.startsWith('-') ? s.min : s.max;
    out.push(hazard('may_fail', `fails if sequence ${at(s.name)} has already counted past ${bound}, where ${s.type} ends`));
  }
  for (const s of changes.dropped) {
    out.push(
      hazard(
        'irreversible',
        `drops sequence ${at(s.name)}, which nothing uses any more: undoing this step makes it anew${s.increment.startsWith('-') ? `, counting again from ${s.start}, so inserts may collide with values ${path} holds` : `, counting on from the largest value ${path} holds then, not from where it stood`}`,
      ),
    );
  }
  if (!isNew(ctx, t)) {
    // An ascending one is moved past the column's largest value in the same step; a descending one is not.
    for (const s of changes.made.filter((x) => x.increment.startsWith('-'))) out.push(hazard('may_fail', `the new sequence ${at(s.name)} of ${path} starts at ${s.start}: inserts may collide with existing values`));
  }
  return out;
}
