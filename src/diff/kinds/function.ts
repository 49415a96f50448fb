// Functions and procedures: created, replaced (CREATE OR REPLACE when the arguments, their
// defaults and the result stay), dropped and created again (when they change), dropped. Keyed
// by name and identity arguments, so a new signature is a new object: the old one is dropped.
// Pure.
import type { Model } from '../../model/model.js';
import type { Routine } from '../../model/routine.js';

export type FunctionChange =
  | { readonly kind: 'create_function'; readonly routine: Routine }
  /** `recreate`: CREATE OR REPLACE cannot make the change (result, parameter defaults or kind differ): drop and create. */
  | { readonly kind: 'replace_function'; readonly from: Routine; readonly to: Routine; readonly recreate: boolean }
  | { readonly kind: 'drop_function'; readonly routine: Routine };

export const sameRoutine = (a: Routine, b: Routine): boolean => a.definition === b.definition;

/** CREATE OR REPLACE turns `from` into `to`: same kind, same arguments with their defaults, same result. */
const replaceable = (from: Routine, to: Routine): boolean => from.procedure === to.procedure && from.arguments === to.arguments && from.result === to.result;

/** The function changes from `base` to `desired`; none when the desired Model leaves functions alone. */
export function diffFunctions(base: Model, desired: Model): FunctionChange[] {
  const wanted = desired.functions;
  if (wanted === undefined) return [];
  const have = base.functions ?? {};
  const out: FunctionChange[] = [];
  for (const [key, from] of Object.entries(have)) if (!wanted[key]) out.push({ kind: 'drop_function', routine: from });
  for (const [key, to] of Object.entries(wanted)) {
    const from = have[key];
    if (!from) out.push({ kind: 'create_function', routine: to });
    else if (!sameRoutine(from, to)) out.push({ kind: 'replace_function', from, to, recreate: !replaceable(from, to) });
  }
  return out;
}
