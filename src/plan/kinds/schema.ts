// The schema's planner: Change -> step drafts. Schemas: CREATE SCHEMA and DROP SCHEMA.
import { SCHEMA, draft } from '../drafts.js';
import { objectPath } from '../../model/identifiers.js';
import * as sql from '../sql.js';
import type { KindPlanner } from './registry.js';

export const schema: KindPlanner<'schema'> = {
  create_schema: (c) => draft({ op: 'create_schema', object: objectPath(c.schema), phase: 4, sql: [sql.createSchema(c.schema)], provides: [SCHEMA(c.schema)] }),

  drop_schema: (c) => draft({ op: 'drop_schema', object: objectPath(c.schema), phase: 6, sql: [sql.dropSchema(c.schema)], removes: [SCHEMA(c.schema)] }),
};
