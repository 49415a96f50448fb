// Triggers: created, dropped, and dropped and created again when their definition changes
// (two steps: the old one goes before the table, columns and function it uses change, the new
// one comes after them). Pure.
import { objectPath } from '../../model/identifiers.js';
import type { Dependent, Model } from '../../model/model.js';
import { triggerPath, type Trigger } from '../../model/trigger.js';
import type { Change } from '../changes.js';

export type TriggerChange = { readonly kind: 'create_trigger'; readonly trigger: Trigger } | { readonly kind: 'drop_trigger'; readonly trigger: Trigger };

export const sameTrigger = (a: Trigger, b: Trigger): boolean => a.definition === b.definition;

/** The trigger changes from `base` to `desired`; none when the desired Model leaves triggers alone. */
export function diffTriggers(base: Model, desired: Model): TriggerChange[] {
  const wanted = desired.triggers;
  if (wanted === undefined) return [];
  const have = base.triggers ?? {};
  const out: TriggerChange[] = [];
  for (const [key, from] of Object.entries(have)) {
    const to = wanted[key];
    if (!to || !sameTrigger(from, to)) out.push({ kind: 'drop_trigger', trigger: from });
  }
  for (const [key, to] of Object.entries(wanted)) {
    const from = have[key];
    if (!from || !sameTrigger(from, to)) out.push({ kind: 'create_trigger', trigger: to });
  }
  return out;
}

/**
 * The triggers of `from` that stand on a column `changes` drop or retype (as `dependents`, read
 * from the database, say) and that `to` keeps: PostgreSQL refuses the change while they exist,
 * so each is dropped first and made again last.
 */
export function triggersAround(changes: readonly Change[], from: Model, to: Model, dependents: readonly Dependent[]): TriggerChange[] {
  const touched = new Set(
    changes.flatMap((c) =>
      c.kind === 'drop_column' ? [objectPath(c.table.schema, c.table.name, c.column.name)] : c.kind === 'alter_column' && c.changed.includes('type') ? [objectPath(c.table.schema, c.table.name, c.from.name)] : [],
    ),
  );
  const planned = new Set(changes.flatMap((c) => (c.kind === 'drop_trigger' || c.kind === 'create_trigger' ? [triggerPath(c.trigger)] : [])));
  const out: TriggerChange[] = [];
  for (const t of Object.values(from.triggers ?? {})) {
    const after = to.triggers?.[triggerPath(t)];
    if (!after || planned.has(triggerPath(t))) continue;
    const what = `trigger ${objectPath(t.name)} on ${objectPath(t.schema, t.table)}`;
    if (dependents.some((d) => d.what === what && d.column !== null && touched.has(objectPath(d.schema, d.table, d.column)))) out.push({ kind: 'drop_trigger', trigger: t }, { kind: 'create_trigger', trigger: after });
  }
  return out;
}
