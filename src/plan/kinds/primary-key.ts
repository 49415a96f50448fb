// The primary key's planner: Change -> step drafts. Primary keys: added (online: the index built concurrently first) and dropped.
import { KEY, RELATION, dropConstraint, list, uniqueKey } from '../drafts.js';
import { objectPath } from '../../model/identifiers.js';
import { tableKey } from '../../model/model.js';
import * as sql from '../sql.js';
import type { KindPlanner } from './registry.js';

export const primaryKey: KindPlanner<'primary_key'> = {
  add_primary_key: (c, ctx) =>
    uniqueKey(
      ctx,
      c.table,
      c.key.name,
      c.key.columns,
      'PRIMARY KEY',
      sql.primaryKeyClause(c.key),
      false,
      `fails if ${objectPath(c.table.schema, c.table.name)} has duplicate or NULL values in (${list(c.key.columns)})`,
      null,
      c.key,
    ),

  drop_primary_key: (c, ctx) => dropConstraint(ctx, c.table, 'drop_primary_key', c.key.name, [KEY(tableKey(c.table), c.key.columns), RELATION(c.table.schema, c.key.name)]),
};
