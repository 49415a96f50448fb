// The enum's planner: Change -> step drafts. Enums: created, values added in place or renamed (RENAME VALUE), rebuilt (values removed or reordered), dropped.
import { COLUMN, COLUMN_TYPE, RETIRED, SCHEMA, TYPE, USES, blockedBy, draft, hazard, isNew, lockOnTables, named, sized, typeBlockedBy } from '../drafts.js';
import { objectPath } from '../../model/identifiers.js';
import type { Hazard, Measure } from '../types.js';
import * as sql from '../sql.js';
import type { KindPlanner } from './registry.js';

export const enumType: KindPlanner<'enum'> = {
  create_enum: (c) =>
    draft({
      op: 'create_enum',
      object: objectPath(c.enum.schema, c.enum.name),
      phase: 4,
      sql: [sql.createEnum(c.enum)],
      provides: [TYPE(c.enum.schema, c.enum.name)],
      requires: [SCHEMA(c.enum.schema)],
    }),

  add_enum_values: (c) =>
    draft({
      op: 'alter_enum',
      object: objectPath(c.enum.schema, c.enum.name),
      phase: 4,
      sql: c.additions.map((a) => sql.addEnumValue(c.enum, a)),
      provides: [TYPE(c.enum.schema, c.enum.name)],
    }),

  // Catalog only: rows store the value, not its label, so they read under the new one at once.
  rename_enum_value: (c) =>
    draft({
      op: 'alter_enum',
      object: objectPath(c.enum.schema, c.enum.name),
      phase: 4,
      sql: [sql.renameEnumValue(c.enum, c.from, c.to)],
      provides: [TYPE(c.enum.schema, c.enum.name)],
    }),

  rebuild_enum: (c, ctx) => {
    const removed = c.from.values.filter((v) => !c.to.values.includes(v));
    const name = objectPath(c.to.schema, c.to.name);
    const hazards: Hazard[] = c.columns.flatMap((col) => blockedBy(ctx, col.table, col.column, 'retype'));
    if (removed.length > 0) {
      const message = `removes ${removed.map((v) => `'${v}'`).join(', ')} from ${name}: rows holding ${removed.length === 1 ? 'it' : 'them'} make the change fail until they are changed`;
      const measured = c.columns.filter((col) => !isNew(ctx, col.table));
      if (measured.length === 0) hazards.push(hazard('data_loss', message));
      for (const col of measured) {
        const where: Measure = { kind: 'where', table: named(col.table), condition: sql.holdsLabels(col.column, removed, col.array), example: sql.textOf(col.column) };
        hazards.push(hazard('data_loss', `${message} (in ${objectPath(col.table.schema, col.table.name, col.column)})`, where, true));
      }
    }
    for (const col of c.columns) {
      if (!isNew(ctx, col.table)) hazards.push(hazard('table_rewrite', `rewrites ${sized(ctx, col.table)} to convert ${col.column} to the new ${name}, under an ACCESS EXCLUSIVE lock: reads and writes wait`));
    }
    return draft({
      op: 'alter_enum',
      object: name,
      phase: 4,
      ...lockOnTables(
        ctx,
        null,
        c.columns.map((col) => col.table),
        'ACCESS EXCLUSIVE',
      ),
      sql: sql.rebuildEnum(c.from, c.to, c.retiredName, c.columns),
      hazards,
      provides: [TYPE(c.to.schema, c.to.name), RETIRED(c.to.schema, c.to.name)],
      requires: c.columns.map((col) => COLUMN(col.table, col.column)),
      removes: c.columns.map((col) => COLUMN_TYPE(col.table, col.column)),
      releases: [USES(c.to.schema, c.to.name)],
    });
  },

  drop_enum: (c, ctx) => {
    const e = c.enum;
    const original = c.retiredFrom;
    return draft({
      op: 'drop_enum',
      object: objectPath(e.schema, e.name),
      phase: 6,
      sql: [sql.dropType(e)],
      hazards: typeBlockedBy(ctx, original ?? e, original ? e.name : null),
      // A retired enum goes once its rebuild ran and no column uses the old version any more.
      requires: original ? [RETIRED(original.schema, original.name)] : [],
      removes: original ? [USES(original.schema, original.name)] : [TYPE(e.schema, e.name), USES(e.schema, e.name)],
      releases: [SCHEMA(e.schema)],
    });
  },
};
