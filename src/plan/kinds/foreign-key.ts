// The foreign key's planner: Change -> step drafts. Foreign keys: added (online: NOT VALID, then validated) and dropped.
import { COLUMN, COLUMN_TYPE, CONSTRAINT, KEY, TABLE, columnPath, draft, finalColumns, hazard, isNew, list, lockOnTables, memberPath, named, online, sized, today } from '../drafts.js';
import { objectPath } from '../../model/identifiers.js';
import { tableKey, type Table } from '../../model/model.js';
import type { Measure } from '../types.js';
import * as sql from '../sql.js';
import type { KindPlanner } from './registry.js';

export const foreignKey: KindPlanner<'foreign_key'> = {
  add_foreign_key: (c, ctx) => {
    const { table: t, foreignKey: fk } = c;
    const ref = objectPath(fk.references.schema, fk.references.table);
    const name = objectPath(t.schema, t.name);
    // Columns this plan adds have none of today's values: today's data cannot tell.
    // Added columns are counted as the add leaves today's rows (checks/added.ts), but not against a table the plan creates.
    const measurable = !fk.columns.some((col) => ctx.addedColumns.has(columnPath(t, col)));
    const measure: Measure = {
      kind: 'orphans',
      table: named(t),
      columns: fk.columns,
      references: ctx.newTables.has(ref) ? null : { schema: fk.references.schema, name: fk.references.table },
      referenced_columns: fk.references.columns,
    };
    // A referenced table this plan creates (the way back recreating a dropped one) is empty: every
    // row with a key is in the way. Measured on the rows of today (`references: null`), which the
    // way back finds again in a table it keeps.
    const emptyParent = ctx.newTables.has(ref) && measurable;
    const orphans = emptyParent
      ? hazard(
          'may_fail',
          `certain to fail while any row of ${name} has a key in (${list(fk.columns)}): ${ref} is created empty by this plan, so no key is found there. ` +
            `To run it, set (${list(fk.columns)}) to NULL in those rows or delete them first; to keep them, the key can only be added NOT VALID, by hand once the rest has run: ${sql.addConstraintNotValid(t, sql.foreignKeyClause(fk))}`,
          measure,
          true,
        )
      : hazard('may_fail', `fails if rows of ${name} have (${list(fk.columns)}) values missing from ${ref}(${list(fk.references.columns)})`, measurable || !ctx.newTables.has(ref) ? measure : undefined, true);
    const refTable = { schema: fk.references.schema, name: fk.references.table } as Table;
    const add = {
      op: 'add_foreign_key' as const,
      object: memberPath(t, fk.name),
      phase: 6,
      // Both tables: the key's triggers go on the referenced table too.
      ...lockOnTables(ctx, t, [t, { schema: fk.references.schema, name: fk.references.table }], 'SHARE ROW EXCLUSIVE'),
      provides: [CONSTRAINT(t, fk.name)],
      requires: [TABLE(t), TABLE(ref), ...finalColumns(t, fk.columns), ...finalColumns(refTable, fk.references.columns), KEY(ref, fk.references.columns)],
    };
    if (online(ctx, t)) {
      return [
        draft({ ...add, sql: [sql.addConstraintNotValid(t, sql.foreignKeyClause(fk))] }),
        draft({ op: 'validate_constraint', object: add.object, phase: 6, lock: 'SHARE UPDATE EXCLUSIVE', sql: [sql.validateConstraint(t, fk.name)], hazards: [orphans], requires: [CONSTRAINT(t, fk.name)] }),
      ];
    }
    const hazards = isNew(ctx, t) ? [] : [orphans, hazard('blocking', `checks every row of ${sized(ctx, t)} under a SHARE ROW EXCLUSIVE lock on it and on ${ref}: writes to both wait`)];
    return draft({ ...add, sql: [sql.addConstraint(t, sql.foreignKeyClause(fk))], hazards });
  },

  drop_foreign_key: (c, ctx) => {
    const { table: t, foreignKey: fk } = c;
    const at = today(ctx, t);
    const ref = objectPath(fk.references.schema, fk.references.table);
    const refTable = { schema: fk.references.schema, name: fk.references.table } as Table;
    return draft({
      op: 'drop_foreign_key',
      object: memberPath(at.table, fk.name),
      phase: 1,
      // Dropping the key's triggers takes ACCESS EXCLUSIVE on both tables, named as they are
      // today: the drop runs before either is renamed.
      ...lockOnTables(ctx, t, [t, refTable], 'ACCESS EXCLUSIVE', 'before_renames'),
      sql: [sql.dropConstraint(at.table, fk.name)],
      removes: [CONSTRAINT(t, fk.name)],
      releases: [
        ...at.releases,
        ...(ref === tableKey(t) ? [] : today(ctx, refTable).releases),
        TABLE(t),
        TABLE(ref),
        ...fk.columns.flatMap((col) => [COLUMN(t, col), COLUMN_TYPE(t, col)]),
        ...fk.references.columns.flatMap((col) => [COLUMN(refTable, col), COLUMN_TYPE(ref, col)]),
        KEY(ref, fk.references.columns),
      ],
    });
  },
};
