// The view's planner: DROP VIEW first (phase 1, before anything it reads changes), CREATE VIEW
// and CREATE OR REPLACE VIEW last (phase 6, once what it reads is final), COMMENT ON VIEW. A
// materialized view alike (CREATE MATERIALIZED VIEW ... WITH [NO] DATA), and its indexes: made
// after it (phase 6), dropped first (phase 1). Pure.
import { objectPath, qualify } from '../../model/identifiers.js';
import type { Table } from '../../model/model.js';
import { createViewSql, viewPath, viewWord, type View } from '../../model/view.js';
import { COLUMN, COLUMN_TYPE, RELATION, SCHEMA, TABLE, draft, finalColumns, type Context } from '../drafts.js';
import { commentOnView, createIndex, dropIndex } from '../sql.js';
import type { Hazard } from '../types.js';
import type { KindPlanner } from './registry.js';

const asTable = (schema: string, name: string): Table => ({ schema, name }) as Table;

/** What making `v` waits for: its schema, the tables it reads with every column final, the views it reads. */
function needs(v: View, ctx: Context): string[] {
  const out = [SCHEMA(v.schema)];
  for (const u of v.uses) {
    const t = ctx.tables[objectPath(u.schema, u.name)];
    if (t)
      out.push(
        TABLE(t),
        ...finalColumns(
          t,
          t.columns.map((c) => c.name),
        ),
      );
    else out.push(RELATION(u.schema, u.name));
  }
  return out;
}

/** What dropping `v` lets go of: the relations and columns it read (by their names today). */
function reads(v: View): string[] {
  return [
    SCHEMA(v.schema),
    ...v.uses.flatMap((u) => {
      const t = asTable(u.schema, u.name);
      return [RELATION(u.schema, u.name), TABLE(t), ...(u.column === null ? [] : [COLUMN(t, u.column), COLUMN_TYPE(t, u.column)])];
    }),
  ];
}

/** Objects this tool does not manage standing on the view (a materialized view, a function): PostgreSQL refuses to drop it. */
function blockedBy(ctx: Context, v: View): Hazard[] {
  const names = [...new Set(ctx.dependents.filter((d) => d.schema === v.schema && d.table === v.name && !d.own).map((d) => d.what))];
  if (names.length === 0) return [];
  const one = names.length === 1;
  return [
    {
      code: 'may_fail',
      message: `${names.join(', ')} ${one ? 'depends' : 'depend'} on ${viewWord(v)} ${viewPath(v)}, so PostgreSQL refuses to drop it: drop or change ${one ? 'it' : 'them'} first (schema does not manage ${one ? 'it' : 'them'}), then plan again`,
      fails: true,
    },
  ];
}

const withComment = (v: View): string[] => (v.comment === null ? [] : [commentOnView(v, v.comment)]);

export const view: KindPlanner<'view'> = {
  create_view: (c, ctx) => {
    const v = c.view;
    const key = v.materialized ? 'materialized_views' : 'views';
    const broken: Hazard[] = c.broken
      ? [
          {
            code: 'may_fail',
            message: `${viewWord(v)} ${viewPath(v)} is made again after ${c.broken}, and its text still reads it, so PostgreSQL refuses: change the view's SQL under \`${key}:\` (or drop it), then plan again`,
            fails: true,
          },
        ]
      : [];
    // A materialized view made again computes its rows anew: its query runs in full while readers wait.
    const rebuilt: Hazard[] =
      c.again && v.materialized?.withData
        ? [{ code: 'blocking', message: `materialized view ${viewPath(v)} is dropped and made again: its rows are computed anew (its query runs in full), and its readers wait until the step commits` }]
        : [];
    return draft({ op: 'create_view', object: viewPath(v), phase: 6, sql: [createViewSql(v), ...withComment(v)], hazards: [...broken, ...rebuilt], provides: [RELATION(v.schema, v.name)], requires: needs(v, ctx) });
  },

  replace_view: (c, ctx) =>
    draft({
      op: 'replace_view',
      object: viewPath(c.to),
      phase: 6,
      sql: [createViewSql(c.to, true), ...(c.to.comment === c.from.comment ? [] : [commentOnView(c.to, c.to.comment)])],
      provides: [RELATION(c.to.schema, c.to.name)],
      requires: needs(c.to, ctx),
    }),

  comment_view: (c) => draft({ op: 'comment_view', object: viewPath(c.view), phase: 6, sql: [commentOnView(c.view, c.view.comment)], requires: [RELATION(c.view.schema, c.view.name)] }),

  drop_view: (c, ctx) =>
    draft({
      op: 'drop_view',
      object: viewPath(c.view),
      phase: 1,
      sql: [`DROP ${c.view.materialized ? 'MATERIALIZED ' : ''}VIEW ${qualify(c.view.schema, c.view.name)}`],
      hazards: blockedBy(ctx, c.view),
      removes: [RELATION(c.view.schema, c.view.name)],
      releases: reads(c.view),
    }),

  create_view_index: (c) =>
    draft({
      op: 'create_view_index',
      object: objectPath(c.view.schema, c.view.name, c.index.name),
      phase: 6,
      sql: [createIndex(c.view, c.index)],
      provides: [RELATION(c.view.schema, c.index.name)],
      requires: [SCHEMA(c.view.schema), RELATION(c.view.schema, c.view.name)],
    }),

  drop_view_index: (c) =>
    draft({
      op: 'drop_view_index',
      object: objectPath(c.view.schema, c.view.name, c.index.name),
      phase: 1,
      sql: [dropIndex(c.view, c.index.name)],
      removes: [RELATION(c.view.schema, c.index.name)],
    }),
};
