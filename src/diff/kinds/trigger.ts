// Triggers: created, dropped, and dropped and created again when their definition changes
// (two steps: the old one goes before the table, columns and function it uses change, the new
// one comes after them). Pure.
import type { Model } from '../../model/model.js';
import type { Trigger } from '../../model/trigger.js';

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
