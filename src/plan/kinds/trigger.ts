// The planner of triggers. Dropped in phase 1, before the tables (3), columns (5) and functions
// (5.5) they use are dropped or changed; made in phase 6, after the tables, columns (5) and
// functions (4) they use exist. A changed trigger is both: dropped first, made again last. The
// definition is the server's own pg_get_triggerdef text, names qualified. Pure.
import { qualify, quoteIdent } from '../../model/identifiers.js';
import { triggerPath, type Trigger } from '../../model/trigger.js';
import { RELATION, SCHEMA, draft, lockOnTables, type Context } from '../drafts.js';
import type { LockMode } from '../types.js';
import type { KindPlanner } from './registry.js';

const onTable = (ctx: Context, t: Trigger, mode: LockMode): ReturnType<typeof lockOnTables> => lockOnTables(ctx, null, [{ schema: t.schema, name: t.table }], mode);

export const trigger: KindPlanner<'trigger'> = {
  create_trigger: (c, ctx) => {
    const t = c.trigger;
    return draft({
      op: 'create_trigger',
      object: triggerPath(t),
      phase: 6,
      sql: t.searchPath === undefined ? [t.definition] : [`SET LOCAL search_path = ${quoteIdent(t.searchPath)}`, t.definition, "SET LOCAL search_path = ''"],
      ...onTable(ctx, t, 'SHARE ROW EXCLUSIVE'),
      requires: [SCHEMA(t.schema), RELATION(t.schema, t.table)],
    });
  },

  drop_trigger: (c, ctx) => {
    const t = c.trigger;
    return draft({
      op: 'drop_trigger',
      object: triggerPath(t),
      phase: 1,
      sql: [`DROP TRIGGER ${quoteIdent(t.name)} ON ${qualify(t.schema, t.table)}`],
      ...onTable(ctx, t, 'ACCESS EXCLUSIVE'),
    });
  },
};
