// The check's planner: Change -> step drafts. Checks: added (online: NOT VALID, then validated), dropped; and, for every constraint kind, renamed and validated.
import { CONSTRAINT, RELATION, TABLE, draft, dropConstraint, finalColumns, hazard, isNew, list, lockOn, memberPath, named, online, sized } from '../drafts.js';
import { objectPath, quoteIdent } from '../../model/identifiers.js';
import * as sql from '../sql.js';
import type { Check } from '../../model/model.js';
import type { KindPlanner } from './registry.js';

/** An exclusion constraint, kept with the checks (introspect/kinds/constraint.ts): its definition is `EXCLUDE ...`. */
const isExclusion = (c: Check): boolean => c.definition.startsWith('EXCLUDE ');

export const check: KindPlanner<'check'> = {
  add_check: (c, ctx) => {
    const { table: t, check } = c;
    const name = objectPath(t.schema, t.name);
    if (isExclusion(check)) {
      // An exclusion builds its index under the lock: never NOT VALID, not even online.
      const hazards = isNew(ctx, t)
        ? []
        : [hazard('may_fail', `fails if two rows of ${name} conflict under ${check.definition}`), hazard('blocking', `builds an index on ${sized(ctx, t)} under an ACCESS EXCLUSIVE lock: reads and writes wait`)];
      return draft({
        op: 'add_check',
        object: memberPath(t, check.name),
        phase: 5,
        ...lockOn(ctx, t, 'ACCESS EXCLUSIVE'),
        sql: [sql.addCheck(t, check.name, check.definition)],
        hazards,
        provides: [CONSTRAINT(t, check.name), RELATION(t.schema, check.name)],
        requires: [
          TABLE(t),
          ...finalColumns(
            t,
            t.columns.map((col) => col.name),
          ),
        ],
      });
    }
    const violations = hazard(
      'may_fail',
      `fails if any row of ${name} violates ${check.definition}`,
      { kind: 'where', table: named(t), condition: `NOT (${sql.checkCondition(check.definition)})`, example: null, file_text: true },
      true,
    );
    const add = {
      op: 'add_check' as const,
      object: memberPath(t, check.name),
      phase: 5,
      ...lockOn(ctx, t, 'ACCESS EXCLUSIVE'),
      provides: [CONSTRAINT(t, check.name)],
      requires: [
        TABLE(t),
        ...finalColumns(
          t,
          t.columns.map((col) => col.name),
        ),
      ],
    };
    if (online(ctx, t)) {
      return [
        draft({ ...add, sql: [sql.addConstraintNotValid(t, `CONSTRAINT ${quoteIdent(check.name)} ${check.definition}`)] }),
        draft({ op: 'validate_constraint', object: add.object, phase: 5, lock: 'SHARE UPDATE EXCLUSIVE', sql: [sql.validateConstraint(t, check.name)], hazards: [violations], requires: [CONSTRAINT(t, check.name)] }),
      ];
    }
    const hazards = isNew(ctx, t) ? [] : [violations, hazard('blocking', `checks every row of ${sized(ctx, t)} under an ACCESS EXCLUSIVE lock: reads and writes wait`)];
    return draft({ ...add, sql: [sql.addCheck(t, check.name, check.definition)], hazards });
  },

  drop_check: (c, ctx) => dropConstraint(ctx, c.table, 'drop_check', c.check.name, isExclusion(c.check) ? [RELATION(c.table.schema, c.check.name)] : []),
  rename_constraint: (c) => {
    const indexBacked = c.constraint.kind === 'primary_key' || c.constraint.kind === 'unique';
    return draft({
      op: 'rename_constraint',
      object: memberPath(c.table, c.to),
      phase: 3,
      lock: 'ACCESS EXCLUSIVE',
      sql: [sql.renameConstraint(c.table, c.from, c.to)],
      provides: [CONSTRAINT(c.table, c.to), ...(indexBacked ? [RELATION(c.table.schema, c.to)] : [])],
      requires: [TABLE(c.table)],
      removes: [CONSTRAINT(c.table, c.from), ...(indexBacked ? [RELATION(c.table.schema, c.from)] : [])],
    });
  },

  validate_constraint: (c, ctx) => {
    const { table: t, constraint } = c;
    const name = objectPath(t.schema, t.name);
    const risk =
      constraint.kind === 'check'
        ? hazard(
            'may_fail',
            `fails if any row of ${name} violates ${constraint.definition}`,
            { kind: 'where', table: named(t), condition: `NOT (${sql.checkCondition(constraint.definition)})`, example: null, file_text: true },
            true,
          )
        : hazard(
            'may_fail',
            `fails if rows of ${name} have (${list(constraint.columns)}) values missing from ${objectPath(constraint.references.schema, constraint.references.table)}(${list(constraint.references.columns)})`,
            {
              kind: 'orphans',
              table: named(t),
              columns: constraint.columns,
              references: { schema: constraint.references.schema, name: constraint.references.table },
              referenced_columns: constraint.references.columns,
            },
            true,
          );
    return draft({
      op: 'validate_constraint',
      object: memberPath(t, constraint.name),
      phase: constraint.kind === 'check' ? 5 : 6,
      ...lockOn(ctx, t, 'SHARE UPDATE EXCLUSIVE'),
      sql: [sql.validateConstraint(t, constraint.name)],
      hazards: [risk],
      requires: [
        TABLE(t),
        ...finalColumns(
          t,
          t.columns.map((col) => col.name),
        ),
      ],
    });
  },
};
