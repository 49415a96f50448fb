// Policies and row-level security: created, altered in place (roles, USING, WITH CHECK, comment),
// dropped and created again (a changed command or PERMISSIVE/RESTRICTIVE, a USING or WITH CHECK
// taken away: ALTER POLICY cannot), dropped; a table's row-level security switched. Pure.
import { objectPath, qualify } from '../../model/identifiers.js';
import type { Dependent, Model } from '../../model/model.js';
import { policyPath, type Policy, type RowSecurity } from '../../model/policy.js';
import type { Change } from '../changes.js';

export type PolicyChanged = 'roles' | 'using' | 'with_check' | 'comment';

export type PolicyChange =
  | { readonly kind: 'create_policy'; readonly policy: Policy }
  | { readonly kind: 'drop_policy'; readonly policy: Policy }
  | { readonly kind: 'alter_policy'; readonly from: Policy; readonly policy: Policy; readonly changed: readonly PolicyChanged[] }
  | { readonly kind: 'alter_row_security'; readonly schema: string; readonly table: string; readonly from: RowSecurity; readonly to: RowSecurity; readonly policies: number };

export const samePolicy = (a: Policy, b: Policy): boolean =>
  a.command === b.command && a.permissive === b.permissive && a.roles.join('\u0000') === b.roles.join('\u0000') && a.using === b.using && a.withCheck === b.withCheck && a.comment === b.comment;

const OFF: RowSecurity = { enabled: false, forced: false };

/** What ALTER POLICY changes from `a` to `b`; null when it cannot (the policy is dropped and created again). */
function altered(a: Policy, b: Policy): PolicyChanged[] | null {
  if (a.command !== b.command || a.permissive !== b.permissive) return null;
  if ((a.using !== null && b.using === null) || (a.withCheck !== null && b.withCheck === null)) return null;
  const changed: PolicyChanged[] = [];
  if (a.roles.join('\u0000') !== b.roles.join('\u0000')) changed.push('roles');
  if (a.using !== b.using) changed.push('using');
  if (a.withCheck !== b.withCheck) changed.push('with_check');
  if (a.comment !== b.comment) changed.push('comment');
  return changed;
}

/**
 * The policy and row-level security changes from `base` to `desired` (a Model without them has
 * none). `tableFrom` (renamed table -> its key before) keys a renamed table's policies by its
 * new name; they keep the old one, which a drop (before the rename) uses.
 */
export function diffPolicies(base: Model, desired: Model, tableFrom: ReadonlyMap<string, string>): PolicyChange[] {
  const toKey = new Map([...tableFrom].map(([to, from]) => [from, to]));
  const tableKeyOf = (p: Policy): string => toKey.get(objectPath(p.schema, p.table)) ?? objectPath(p.schema, p.table);
  const have = new Map(Object.values(base.policies ?? {}).map((p) => [`${tableKeyOf(p)}\u0000${p.name}`, p]));
  const wanted = new Map(Object.values(desired.policies ?? {}).map((p) => [`${objectPath(p.schema, p.table)}\u0000${p.name}`, p]));
  const out: PolicyChange[] = [];
  for (const [key, from] of have) {
    // A policy goes with its table.
    if (!desired.tables[tableKeyOf(from)]) continue;
    const to = wanted.get(key);
    if (!to || altered(from, to) === null) out.push({ kind: 'drop_policy', policy: from });
  }
  for (const [key, to] of wanted) {
    const from = have.get(key);
    const changed = from ? altered(from, to) : null;
    if (!from || changed === null) out.push({ kind: 'create_policy', policy: to });
    else if (changed.length > 0) out.push({ kind: 'alter_policy', from, policy: to, changed });
  }
  const haveRls = new Map(Object.entries(base.rowSecurity ?? {}).map(([k, r]) => [toKey.get(k) ?? k, r]));
  for (const [key, t] of Object.entries(desired.tables)) {
    const from = haveRls.get(key) ?? OFF;
    const to = desired.rowSecurity?.[key] ?? OFF;
    if (from.enabled === to.enabled && from.forced === to.forced) continue;
    const policies = [...wanted.values()].filter((p) => objectPath(p.schema, p.table) === key).length;
    out.push({ kind: 'alter_row_security', schema: t.schema, table: t.name, from, to, policies });
  }
  return out;
}

/**
 * The policies of `from` that `to` keeps and that stand on a column `changes` drop or retype (as
 * `dependents`, read from the database, say) or call a function `changes` drop: PostgreSQL
 * refuses the change while they exist, so each is dropped first and made again last (an ALTER
 * POLICY of it the diff planned becomes that).
 */
export function policiesAround(changes: readonly Change[], from: Model, to: Model, dependents: readonly Dependent[]): { readonly changes: readonly Change[] } {
  const touched = new Set(
    changes.flatMap((c) =>
      c.kind === 'drop_column' ? [objectPath(c.table.schema, c.table.name, c.column.name)] : c.kind === 'alter_column' && c.changed.includes('type') ? [objectPath(c.table.schema, c.table.name, c.from.name)] : [],
    ),
  );
  const calls = changes.flatMap((c) => (c.kind === 'drop_function' ? [`${qualify(c.routine.schema, c.routine.name)}(`] : []));
  const planned = new Set(changes.flatMap((c) => (c.kind === 'drop_policy' || c.kind === 'create_policy' ? [policyPath(c.policy)] : [])));
  const redo = new Map<string, { readonly was: Policy; readonly after: Policy }>();
  for (const p of Object.values(from.policies ?? {})) {
    const after = to.policies?.[policyPath(p)];
    if (!after || planned.has(policyPath(p))) continue;
    const what = `policy ${objectPath(p.name)} on ${objectPath(p.schema, p.table)}`;
    const onColumn = dependents.some((d) => d.what === what && d.column !== null && touched.has(objectPath(d.schema, d.table, d.column)));
    const callsDropped = calls.some((call) => (p.using ?? '').includes(call) || (p.withCheck ?? '').includes(call));
    if (onColumn || callsDropped) redo.set(policyPath(p), { was: p, after });
  }
  if (redo.size === 0) return { changes };
  const kept = changes.filter((c) => !(c.kind === 'alter_policy' && redo.has(policyPath(c.policy))));
  return {
    changes: [
      ...kept,
      ...[...redo.values()].flatMap(({ was, after }): Change[] => [
        { kind: 'drop_policy', policy: was },
        { kind: 'create_policy', policy: after },
      ]),
    ],
  };
}
