// The unique's planner: Change -> step drafts. Unique constraints: added (online: the index built concurrently first) and dropped.
import { KEY, RELATION, dropConstraint, list, uniqueKey } from '../drafts.js';
import { objectPath } from '../../model/identifiers.js';
import { tableKey } from '../../model/model.js';
import * as sql from '../sql.js';
import type { KindPlanner } from './registry.js';

export const unique: KindPlanner<'unique'> = {
  add_unique: (c, ctx) =>
    uniqueKey(
      ctx,
      c.table,
      c.unique.name,
      c.unique.columns,
      'UNIQUE',
      sql.uniqueClause(c.unique),
      c.unique.nullsNotDistinct,
      `fails if ${objectPath(c.table.schema, c.table.name)} has duplicate values in (${list(c.unique.columns)})`,
      c.unique.nullsNotDistinct ? null : sql.notNull(c.unique.columns),
      c.unique,
    ),

  drop_unique: (c, ctx) => dropConstraint(ctx, c.table, 'drop_unique', c.unique.name, [KEY(tableKey(c.table), c.unique.columns), RELATION(c.table.schema, c.unique.name)]),
};
