// Policies without a server: what the diff decides (ALTER POLICY in place, or dropped first and
// made again last), the SQL of the steps, and what a file without `policies:` keeps.
import { describe, expect, it } from 'vitest';
import { diff } from '../../src/diff/diff.js';
import { noHints } from '../../src/model/hints.js';
import type { Model, Table } from '../../src/model/model.js';
import { keepUndeclaredPolicies, policyPath, policyRoles, type Policy } from '../../src/model/policy.js';
import { stepsFor } from '../../src/plan/plan.js';

const docs: Table = {
  kind: 'table',
  schema: 'public',
  name: 'docs',
  columns: [{ kind: 'column', name: 'owner', type: 'text', typeRef: null, nullable: false, default: null, identity: null, comment: null }],
  primaryKey: null,
  uniques: {},
  checks: {},
  indexes: {},
  foreignKeys: {},
  comment: null,
};

const pol = (over: Partial<Policy> = {}): Policy => ({
  kind: 'policy',
  schema: 'public',
  table: 'docs',
  name: 'mine',
  command: 'select',
  permissive: true,
  roles: ['public'],
  using: '(owner = CURRENT_USER)',
  withCheck: null,
  comment: null,
  ...over,
});

const model = (policies: Policy[], rowSecurity?: Model['rowSecurity']): Model => ({
  schemas: ['public'],
  enums: {},
  tables: { 'public.docs': docs },
  ...(policies.length > 0 ? { policies: Object.fromEntries(policies.map((p) => [policyPath(p), p])) } : {}),
  ...(rowSecurity ? { rowSecurity } : {}),
});

const stepsOf = (from: Model, to: Model): Array<[string, readonly string[]]> => stepsFor(diff(from, to, noHints).changes, to).map((s) => [`${s.op} ${s.object}`, s.sql]);

describe('the diff of policies', () => {
  it('roles, USING and a comment change in place', () => {
    const to = model([pol({ roles: ['pg_monitor'], using: 'true', comment: 'all of them' })]);
    expect(stepsOf(model([pol()]), to)).toEqual([['alter_policy public.docs.mine', ['ALTER POLICY mine ON public.docs TO pg_monitor USING (true)', "COMMENT ON POLICY mine ON public.docs IS 'all of them'"]]]);
  });

  it('a changed command, a restrictive one, or a WITH CHECK taken away: dropped first, made again last', () => {
    for (const to of [pol({ command: 'all' }), pol({ permissive: false })]) {
      const steps = stepsFor(diff(model([pol()]), model([to]), noHints).changes, model([to]));
      expect(steps.map((s) => s.op)).toEqual(['drop_policy', 'create_policy']);
    }
    const checked = pol({ command: 'update', withCheck: 'true' });
    expect(stepsOf(model([checked]), model([pol({ command: 'update' })])).map(([op]) => op)).toEqual(['drop_policy public.docs.mine', 'create_policy public.docs.mine']);
  });

  it('row-level security switched on and forced in one step, after the policies', () => {
    expect(stepsOf(model([]), model([pol()], { 'public.docs': { enabled: true, forced: true } }))).toEqual([
      ['create_policy public.docs.mine', ['CREATE POLICY mine ON public.docs AS PERMISSIVE FOR SELECT TO PUBLIC USING ((owner = CURRENT_USER))']],
      ['alter_row_security public.docs', ['ALTER TABLE public.docs ENABLE ROW LEVEL SECURITY', 'ALTER TABLE public.docs FORCE ROW LEVEL SECURITY']],
    ]);
  });
});

describe('a desired Model from a file', () => {
  const current = model([pol()], { 'public.docs': { enabled: true, forced: false } });

  it('keeps the policies of a table without policies: and the switches it does not write', () => {
    const kept = keepUndeclaredPolicies({ ...model([]), managedPolicies: { policies: [], rowSecurity: { 'public.docs': { forced: true } } } }, current, new Map());
    expect(kept.policies).toEqual(current.policies);
    expect(kept.rowSecurity).toEqual({ 'public.docs': { enabled: true, forced: true } });
    expect(kept.managedPolicies).toBeUndefined();
  });

  it('has exactly the policies of a table with policies:, and leaves out what is all off', () => {
    const kept = keepUndeclaredPolicies({ ...model([]), managedPolicies: { policies: ['public.docs'], rowSecurity: { 'public.docs': { enabled: false } } } }, current, new Map());
    expect(kept.policies).toBeUndefined();
    expect(kept.rowSecurity).toBeUndefined();
  });

  it('PUBLIC with other roles is PUBLIC alone, as PostgreSQL keeps it; others are sorted once each', () => {
    expect(policyRoles(['b', 'public', 'a'])).toEqual(['public']);
    expect(policyRoles(['b', 'a', 'b'])).toEqual(['a', 'b']);
    expect(policyRoles([])).toEqual(['public']);
  });
});
