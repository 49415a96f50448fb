// The planner of policies and row-level security. A policy is dropped in phase 1, before the
// tables (3), columns (5) and functions (5.5) its expressions use are dropped or changed; made
// and altered in phase 6, after the tables, columns (5) and functions (4) they use exist. Row-level
// security is switched in phase 6 too, with the policies in place. The expressions are the
// server's own pg_get_expr text (or, for a policy the server could not spell before the plan,
// the file's text checked to be one expression, read in its table's schema). Pure.
import { objectPath, qualify, quoteIdent, quoteLiteral } from '../../model/identifiers.js';
import { createPolicySql, onWhat, policyPath, role, type Policy } from '../../model/policy.js';
import { RELATION, SCHEMA, draft, hazard, lockOnTables, type Context } from '../drafts.js';
import type { Hazard, LockMode } from '../types.js';
import type { KindPlanner } from './registry.js';

const onTable = (ctx: Context, schema: string, table: string, mode: LockMode): ReturnType<typeof lockOnTables> => lockOnTables(ctx, null, [{ schema, name: table }], mode);

/** SQL setting the search_path a policy written as the file has it is read in, around `statements`. */
const inItsSchema = (p: Policy, statements: string[]): string[] => (p.searchPath === undefined ? statements : [`SET LOCAL search_path = ${quoteIdent(p.searchPath)}`, ...statements, "SET LOCAL search_path = ''"]);

const commentSql = (p: Policy): string => `COMMENT ON POLICY ${onWhat(p)} IS ${p.comment === null ? 'NULL' : quoteLiteral(p.comment)}`;

export const policy: KindPlanner<'policy'> = {
  create_policy: (c, ctx) => {
    const p = c.policy;
    return draft({
      op: 'create_policy',
      object: policyPath(p),
      phase: 6,
      sql: [...inItsSchema(p, [createPolicySql(p)]), ...(p.comment === null ? [] : [commentSql(p)])],
      ...onTable(ctx, p.schema, p.table, 'ACCESS EXCLUSIVE'),
      requires: [SCHEMA(p.schema), RELATION(p.schema, p.table)],
    });
  },

  alter_policy: (c, ctx) => {
    const p = c.policy;
    const parts = [
      ...(c.changed.includes('roles') ? [`TO ${p.roles.map(role).join(', ')}`] : []),
      ...(c.changed.includes('using') && p.using !== null ? [`USING (${p.using})`] : []),
      ...(c.changed.includes('with_check') && p.withCheck !== null ? [`WITH CHECK (${p.withCheck})`] : []),
    ];
    return draft({
      op: 'alter_policy',
      object: policyPath(p),
      phase: 6,
      sql: [...(parts.length === 0 ? [] : inItsSchema(p, [`ALTER POLICY ${onWhat(p)} ${parts.join(' ')}`])), ...(c.changed.includes('comment') ? [commentSql(p)] : [])],
      ...onTable(ctx, p.schema, p.table, 'ACCESS EXCLUSIVE'),
      requires: [SCHEMA(p.schema), RELATION(p.schema, p.table)],
    });
  },

  drop_policy: (c, ctx) => {
    const p = c.policy;
    return draft({
      op: 'drop_policy',
      object: policyPath(p),
      phase: 1,
      sql: [`DROP POLICY ${onWhat(p)}`],
      ...onTable(ctx, p.schema, p.table, 'ACCESS EXCLUSIVE'),
    });
  },

  alter_row_security: (c, ctx) => {
    const table = qualify(c.schema, c.table);
    const name = objectPath(c.schema, c.table);
    const sql = [
      ...(c.from.enabled !== c.to.enabled ? [`ALTER TABLE ${table} ${c.to.enabled ? 'ENABLE' : 'DISABLE'} ROW LEVEL SECURITY`] : []),
      ...(c.from.forced !== c.to.forced ? [`ALTER TABLE ${table} ${c.to.forced ? 'FORCE' : 'NO FORCE'} ROW LEVEL SECURITY`] : []),
    ];
    const isNew = ctx.newTables.has(name);
    const hazards: Hazard[] = [];
    // Row-level security with no policy denies every row: to other roles, and once forced to the owner too.
    if (!isNew && c.to.enabled && c.policies === 0 && (!c.from.enabled || (c.to.forced && !c.from.forced)))
      hazards.push(
        hazard(
          'blocking',
          `row-level security on ${name} with no policy: from this step on, ${c.to.forced ? 'every role but superusers and those with BYPASSRLS, its owner too,' : 'every role but its owner, superusers and those with BYPASSRLS'} reads and changes no row of it; add a policy under \`policies:\` to grant rows`,
        ),
      );
    return draft({
      op: 'alter_row_security',
      object: name,
      phase: 6,
      sql,
      hazards,
      ...onTable(ctx, c.schema, c.table, 'ACCESS EXCLUSIVE'),
      requires: [SCHEMA(c.schema), RELATION(c.schema, c.table)],
    });
  },
};
