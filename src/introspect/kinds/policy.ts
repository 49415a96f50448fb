// Row-level security and policies: the catalog query, its rows and the Model they build. One row
// per plain table with row-level security enabled or forced, or with a policy; its policies as
// a JSON list, their expressions as pg_get_expr prints them (read with an empty search_path).
import { objectPath } from '../../model/identifiers.js';
import { policyPath, type Policy, type PolicyCommand, type RowSecurity } from '../../model/policy.js';
import { notExtensionMember, plainTable, schemaFilter, type Scope } from '../scope.js';

export interface PolicyRow {
  readonly schema: string;
  readonly table: string;
  readonly enabled: boolean;
  readonly forced: boolean;
  readonly policies: readonly {
    readonly name: string;
    readonly command: string;
    readonly permissive: boolean;
    readonly roles: readonly string[];
    readonly using: string | null;
    readonly with_check: string | null;
    readonly comment: string | null;
  }[];
}

const COMMANDS: Readonly<Record<string, PolicyCommand>> = { '*': 'all', r: 'select', a: 'insert', w: 'update', d: 'delete' };

/** The policies of table `c`, as a JSON list in name order. */
const policiesOf = (c: string): string => `(SELECT coalesce(json_agg(json_build_object(
      'name', pol.polname, 'command', pol.polcmd, 'permissive', pol.polpermissive,
      'roles', ARRAY(SELECT CASE WHEN r = 0 THEN 'public' ELSE pg_catalog.pg_get_userbyid(r)::text END FROM unnest(pol.polroles) r ORDER BY 1),
      'using', pg_catalog.pg_get_expr(pol.polqual, pol.polrelid), 'with_check', pg_catalog.pg_get_expr(pol.polwithcheck, pol.polrelid),
      'comment', pg_catalog.obj_description(pol.oid, 'pg_policy')) ORDER BY pol.polname), '[]'::json)
    FROM pg_catalog.pg_policy pol WHERE pol.polrelid = ${c}.oid)`;

/** The plain tables with row-level security on, or a policy. */
export function policiesSql(scope: Scope): string {
  const where = scope === 'temp' ? 'c.relnamespace = pg_catalog.pg_my_temp_schema()' : `${schemaFilter('n')} AND ${notExtensionMember('pg_catalog.pg_class', 'c.oid')}`;
  return `SELECT n.nspname AS schema, c.relname AS table, c.relrowsecurity AS enabled, c.relforcerowsecurity AS forced, ${policiesOf('c')} AS policies
    FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE ${plainTable()} AND ${where}
      AND (c.relrowsecurity OR c.relforcerowsecurity OR EXISTS (SELECT 1 FROM pg_catalog.pg_policy p WHERE p.polrelid = c.oid))
    ORDER BY 1, 2`;
}

/** The expressions of the policy named $2 on the table whose oid is $1: how the spelling transaction reads one back. */
export const policyExpressionsSql = (): string =>
  `SELECT pg_catalog.pg_get_expr(pol.polqual, pol.polrelid) AS using, pg_catalog.pg_get_expr(pol.polwithcheck, pol.polrelid) AS with_check
    FROM pg_catalog.pg_policy pol WHERE pol.polrelid = $1::regclass AND pol.polname = $2`;

export function buildPolicies(rows: readonly PolicyRow[]): { policies: Record<string, Policy>; rowSecurity: Record<string, RowSecurity> } {
  const policies: Record<string, Policy> = {};
  const rowSecurity: Record<string, RowSecurity> = {};
  for (const r of rows) {
    if (r.enabled || r.forced) rowSecurity[objectPath(r.schema, r.table)] = { enabled: r.enabled, forced: r.forced };
    for (const p of r.policies) {
      const policy: Policy = {
        kind: 'policy',
        schema: r.schema,
        table: r.table,
        name: p.name,
        command: COMMANDS[p.command] ?? 'all',
        permissive: p.permissive,
        roles: [...p.roles],
        using: p.using,
        withCheck: p.with_check,
        comment: p.comment,
      };
      policies[policyPath(policy)] = policy;
    }
  }
  return { policies, rowSecurity };
}
