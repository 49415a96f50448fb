// The planner of composite types. Made in phase 4, before the tables and functions that use them
// (they require its TYPE token) and after the types its attributes use; dropped in phase 6, after
// the columns and functions using it are gone. ALTER TYPE adds attributes at the end, drops them
// (their values in columns of the type are lost) and retypes them, which PostgreSQL refuses
// while a column of a table uses the type: that step is certain to fail, naming the columns, as
// is a drop (or a drop to make it again) while a column uses it. Pure.
import { objectPath, qualify, quoteIdent, quoteLiteral } from '../../model/identifiers.js';
import { attributeList, compositePath, type CompositeType } from '../../model/composite.js';
import { qualifiedTypeOf } from '../../model/domain.js';
import type { Table } from '../../model/model.js';
import { SCHEMA, TYPE, USES, and, draft, hazard, isNew, type Context } from '../drafts.js';
import type { Hazard } from '../types.js';
import type { KindPlanner } from './registry.js';

/** The columns of existing tables, in the state the plan leads to, whose type is `t` (or an array of it). */
function usersOf(ctx: Context, t: CompositeType): string[] {
  const out: string[] = [];
  for (const table of Object.values(ctx.tables) as Table[]) {
    if (isNew(ctx, table)) continue;
    for (const c of table.columns) {
      const q = qualifiedTypeOf(c.type);
      if (q !== null && q.schema === t.schema && q.name === t.name && !ctx.addedColumns.has(objectPath(table.schema, table.name, c.name))) out.push(objectPath(table.schema, table.name, c.name));
    }
  }
  return out;
}

/** The types of the database its attributes name (an enum, a domain, another composite type). */
const attributeTokens = (t: CompositeType, make: (schema: string, name: string) => string): string[] => [
  ...new Set(
    t.attributes.flatMap((a) => {
      const q = qualifiedTypeOf(a.type);
      return q === null ? [] : [make(q.schema, q.name)];
    }),
  ),
];

const commentSql = (t: CompositeType): string => `COMMENT ON TYPE ${qualify(t.schema, t.name)} IS ${t.comment === null ? 'NULL' : quoteLiteral(t.comment)}`;

export const compositeType: KindPlanner<'composite_type'> = {
  create_composite_type: (c) => {
    const t = c.type;
    return draft({
      op: 'create_composite_type',
      object: compositePath(t),
      phase: 4,
      sql: [`CREATE TYPE ${qualify(t.schema, t.name)} AS ${attributeList(t)}`, ...(t.comment === null ? [] : [commentSql(t)])],
      provides: [TYPE(t.schema, t.name)],
      requires: [SCHEMA(t.schema), ...attributeTokens(t, TYPE)],
    });
  },

  alter_composite_type: (c, ctx) => {
    const { from, to } = c;
    const name = compositePath(to);
    const users = usersOf(ctx, to);
    const parts = [
      ...c.drop.map((a) => `DROP ATTRIBUTE ${quoteIdent(a.name)}`),
      ...c.add.map((a) => `ADD ATTRIBUTE ${quoteIdent(a.name)} ${a.type}`),
      ...c.retype.map((a) => `ALTER ATTRIBUTE ${quoteIdent(a.name)} TYPE ${a.type}`),
    ];
    const hazards: Hazard[] = [];
    if (c.drop.length > 0 && users.length > 0) hazards.push(hazard('data_loss', `drops ${and(c.drop.map((a) => a.name))} from ${name}: the values ${and(users)} ${users.length === 1 ? 'holds' : 'hold'} there are lost`));
    if (c.retype.length > 0 && users.length > 0)
      hazards.push({
        code: 'may_fail',
        message: `PostgreSQL refuses to change the type of an attribute of ${name} while ${and(users)} ${users.length === 1 ? 'uses' : 'use'} it: change ${users.length === 1 ? 'that column' : 'those columns'} under \`tables:\` first, or declare a new type, then plan again`,
        fails: true,
      });
    return draft({
      op: 'alter_composite_type',
      object: name,
      phase: 4,
      sql: [...(parts.length > 0 ? [`ALTER TYPE ${qualify(to.schema, to.name)} ${parts.join(', ')}`] : []), ...(c.comment ? [commentSql(to)] : [])],
      hazards,
      provides: [TYPE(from.schema, from.name)],
      requires: attributeTokens(to, TYPE),
      releases: attributeTokens(from, USES),
    });
  },

  drop_composite_type: (c, ctx) => {
    const t = c.type;
    const users = usersOf(ctx, t);
    const hazards: Hazard[] =
      users.length === 0
        ? []
        : [
            {
              code: 'may_fail',
              message: `${c.remade ? `type ${compositePath(t)} changes the order of the attributes it keeps, which ALTER TYPE cannot do: it would be dropped and made again, and ` : ''}PostgreSQL refuses to drop type ${compositePath(t)} while ${and(users)} ${users.length === 1 ? 'uses' : 'use'} it: ${c.remade ? 'keep the attributes in their order (new ones at the end)' : 'change the type of those columns under `tables:`, or keep the type under `types:`'}, then plan again`,
              fails: true,
            },
          ];
    return draft({
      op: 'drop_composite_type',
      object: compositePath(t),
      phase: 6,
      sql: [`DROP TYPE ${qualify(t.schema, t.name)}`],
      hazards,
      removes: [TYPE(t.schema, t.name), USES(t.schema, t.name)],
      releases: [SCHEMA(t.schema), ...attributeTokens(t, USES)],
    });
  },
};
