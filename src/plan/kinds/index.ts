// The index's planner: Change -> step drafts. Indexes: created (online: CONCURRENTLY), dropped, renamed.
import { KEY, RELATION, TABLE, draft, finalColumns, hazard, isNew, lockOn, memberPath, named, online, sized, today } from '../drafts.js';
import { objectPath } from '../../model/identifiers.js';
import { tableKey, type Index } from '../../model/model.js';
import type { Hazard } from '../types.js';
import * as sql from '../sql.js';
import type { KindPlanner } from './registry.js';

/** A unique index on plain columns is a key a foreign key may reference: the token it provides (or takes away). */
const keyOf = (t: Parameters<typeof tableKey>[0], i: Index): string[] =>
  i.unique && i.where === null && i.keys.every((k) => k.column !== null)
    ? [
        KEY(
          tableKey(t),
          i.keys.map((k) => k.column!),
        ),
      ]
    : [];

export const index: KindPlanner<'index'> = {
  create_index: (c, ctx) => {
    const { table: t, index: i } = c;
    const name = objectPath(t.schema, t.name);
    const concurrently = online(ctx, t);
    const hazards: Hazard[] = [];
    if (!isNew(ctx, t)) {
      if (i.unique) {
        // A unique index never sees two keys with a NULL in them as equal, unless NULLS NOT DISTINCT.
        const keys = sql.indexKeyExpressions(i);
        const notNull = i.nullsNotDistinct ? [] : keys.map((k) => `${k} IS NOT NULL`);
        const condition = [...(i.where !== null ? [sql.parenthesized(i.where)] : []), ...notNull].join(' AND ') || null;
        const column = i.keys.length === 1 && i.where === null && !i.nullsNotDistinct ? i.keys[0]!.column : null;
        hazards.push(
          hazard(
            'may_fail',
            `fails if ${name} has duplicate values in the index's key`,
            { kind: 'duplicates', table: named(t), keys, condition, ...(column !== null ? { column } : {}), ...(i.where !== null || i.keys.some((k) => k.expression !== null) ? { file_text: true as const } : {}) },
            true,
          ),
        );
      }
      if (!concurrently) hazards.push(hazard('blocking', `holds a SHARE lock on ${sized(ctx, t)} while the index builds: writes wait`));
    }
    return draft({
      op: 'create_index',
      object: memberPath(t, i.name),
      phase: 5,
      ...lockOn(ctx, t, concurrently ? 'SHARE UPDATE EXCLUSIVE' : 'SHARE'),
      ...(concurrently ? { concurrently: { schema: t.schema, index: i.name, creates: true } } : {}),
      sql: [sql.createIndex(t, i, concurrently)],
      hazards,
      provides: [RELATION(t.schema, i.name), ...keyOf(t, i)],
      requires: [
        TABLE(t),
        ...finalColumns(
          t,
          t.columns.map((col) => col.name),
        ),
      ],
    });
  },

  drop_index: (c, ctx) => {
    const { table: t, index: i } = c;
    const at = today(ctx, t);
    const concurrently = ctx.online;
    return draft({
      op: 'drop_index',
      object: memberPath(at.table, i.name),
      phase: 2,
      lock: concurrently ? 'SHARE UPDATE EXCLUSIVE' : 'ACCESS EXCLUSIVE',
      ...(concurrently ? { concurrently: { schema: at.table.schema, index: i.name, creates: false } } : {}),
      sql: [sql.dropIndex(at.table, i.name, concurrently)],
      removes: [RELATION(t.schema, i.name), ...keyOf(t, i)],
      releases: at.releases,
    });
  },
  // Catalog only: COMMENT takes a brief lock on the index, not on its table's rows.
  comment_index: (c) =>
    draft({
      op: 'comment_index',
      object: memberPath(c.table, c.index.name),
      phase: 5,
      sql: [sql.commentOnIndex(c.table.schema, c.index.name, c.index.comment ?? null)],
      requires: [RELATION(c.table.schema, c.index.name)],
    }),

  rename_index: (c) =>
    draft({
      op: 'rename_index',
      object: memberPath(c.table, c.to),
      phase: 3,
      lock: 'ACCESS EXCLUSIVE',
      sql: [sql.renameIndex(c.table, c.from, c.to)],
      provides: [RELATION(c.table.schema, c.to)],
      requires: [TABLE(c.table)],
      removes: [RELATION(c.table.schema, c.from)],
    }),
};
