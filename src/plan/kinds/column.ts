// The column's planner: Change -> step drafts. Columns: added, dropped, renamed, altered (type, nullability, default, identity, comment, generated).
import {
  COLUMN,
  COLUMN_DEF,
  COLUMN_TYPE,
  CONSTRAINT,
  type Context,
  type Draft,
  NOT_NULL_SET,
  RELATION,
  TABLE,
  TYPE,
  USES,
  VALIDATED,
  blockedBy,
  columnPath,
  defaultSequences,
  draft,
  finalColumns,
  hazard,
  isNew,
  lockOn,
  memberPath,
  named,
  online,
  sequenceTokens,
  sequencesAnew,
  sequencesInUse,
  sequencesToo,
  sized,
  today,
  typeTokens,
} from '../drafts.js';
import { implicitName, objectPath, quoteIdent } from '../../model/identifiers.js';
import { mentionsColumn } from '../../model/sql-tokens.js';
import { conversion } from '../casts.js';
import { columnChanges, type Hazard, type Measure } from '../types.js';
import type { Change } from '../../diff/changes.js';
import type { Table } from '../../model/model.js';
import * as sql from '../sql.js';
import { sequenceHazards } from './owned-sequence.js';
import type { KindPlanner } from './registry.js';

export const column: KindPlanner<'column'> = {
  add_column: (c, ctx) => {
    const t = c.table;
    const col = c.column;
    const name = objectPath(t.schema, t.name);
    const hazards: Hazard[] = [];
    const path = columnPath(t, col.name);
    // A NOT NULL column without a default on a table with rows: added nullable, filled by `backfill:`, then NOT NULL.
    const fill = !isNew(ctx, t) && !col.nullable && col.default === null && col.identity === null && col.generated === undefined ? (ctx.backfill?.get(path) ?? null) : null;
    if (fill !== null) return addedWithBackfill(c, ctx, fill);
    if (!isNew(ctx, t)) {
      if (!col.nullable && col.default === null && col.identity === null && col.generated === undefined) {
        hazards.push(hazard('may_fail', `fails if ${name} has any rows: a NOT NULL column without a default has no value for them`, { kind: 'rows', table: named(t), column: col.name }, true));
      }
      // A new sequence's nextval is volatile: every row gets its own value, written in place.
      if (col.identity !== null || (col.ownedSequences ?? []).length > 0) {
        hazards.push(hazard('table_rewrite', `fills ${col.name} for every row, rewriting ${sized(ctx, t)} under an ACCESS EXCLUSIVE lock: reads and writes wait`));
      }
      if (col.generated !== undefined) hazards.push(hazard('table_rewrite', `computes ${col.name} for every row, rewriting ${sized(ctx, t)} under an ACCESS EXCLUSIVE lock: reads and writes wait`));
    }
    return draft({
      op: 'add_column',
      object: columnPath(t, col.name),
      phase: 5,
      ...lockOn(ctx, t, 'ACCESS EXCLUSIVE'),
      sql: sql.addColumn(t, col),
      hazards,
      provides: [...finalColumns(t, [col.name]), ...sequenceTokens(t, col)],
      // A generated column's expression reads columns that have their final definitions first.
      requires: [
        TABLE(t),
        ...typeTokens(col, TYPE),
        ...(col.generated === undefined
          ? []
          : finalColumns(
              t,
              t.columns.filter((o) => o.name !== col.name && mentionsColumn(col.generated!, o.name)).map((o) => o.name),
            )),
      ],
      softRequires: defaultSequences(col),
    });
  },

  drop_column: (c, ctx) => {
    const at = today(ctx, c.table);
    const path = objectPath(at.table.schema, at.table.name, c.column.name);
    return draft({
      op: 'drop_column',
      object: path,
      phase: 3,
      lock: 'ACCESS EXCLUSIVE',
      sql: [sql.dropColumn(at.table, c.column.name)],
      hazards: [
        ...blockedBy(ctx, c.table, c.column.name, 'drop'),
        ...sequencesInUse(ctx, at.table, [c.column], `column ${path}`, 'drop the column', path),
        hazard('data_loss', `drops column ${path}${sequencesToo(at.table, [c.column])} and its values`, { kind: 'values', table: named(c.table), column: c.column.name }),
        hazard('irreversible', `undoing this step re-adds ${path} without its values${sequencesAnew(at.table, [c.column])}`),
      ],
      removes: [COLUMN(c.table, c.column.name), COLUMN_TYPE(c.table, c.column.name), ...sequenceTokens(c.table, c.column)],
      releases: [...typeTokens(c.column, USES), ...at.releases],
      softReleases: defaultSequences(c.column),
    });
  },

  rename_column: (c) =>
    draft({
      op: 'rename_column',
      object: columnPath(c.table, c.to),
      phase: 3,
      lock: 'ACCESS EXCLUSIVE',
      sql: [sql.renameColumn(c.table, c.from, c.to)],
      provides: [COLUMN(c.table, c.to)],
      requires: [TABLE(c.table)],
      removes: [COLUMN(c.table, c.from)],
    }),

  alter_column: (c, ctx) => {
    const { table: t, from, to, changed } = c;
    const path = columnPath(t, to.name);
    const existing = !isNew(ctx, t);
    const typeChanges = changed.includes('type');
    // `using:` converts the values with the file's expression instead of a cast.
    const expression = typeChanges ? (ctx.using?.get(path) ?? null) : null;
    const conv = typeChanges ? conversion(from, to) : null;
    const setsNotNull = existing && from.nullable && !to.nullable;
    // `backfill:` fills the NULL rows before NOT NULL (the way forward only).
    const fill = setsNotNull ? (ctx.backfill?.get(path) ?? null) : null;
    const regenerates = to.generated !== undefined && changed.includes('generated');
    if (regenerates) return regenerated(c, ctx);
    // A new collation is an ALTER ... TYPE too: what stands on the column is in the way as for a type.
    const collates = changed.includes('collation');
    const retypes = typeChanges || collates;
    const hazards: Hazard[] = retypes ? blockedBy(ctx, t, to.name, 'retype') : [];
    if (existing && collates && !conv?.rewrite && expression === null)
      hazards.push(hazard('blocking', `a new collation rebuilds the indexes on ${path} (and those using it) under an ACCESS EXCLUSIVE lock on ${sized(ctx, t)}: reads and writes wait`));
    if (expression !== null) hazards.push(...usingHazards(c, existing, expression));
    else if (conv?.lossy) {
      const labels = to.typeRef ? (ctx.enums[objectPath(to.typeRef.schema, to.typeRef.name)]?.values ?? null) : null;
      const elementwise = from.type.endsWith('[]') && to.type.endsWith('[]');
      const check = conv.impossible ? null : sql.conversionCheck(to.name, conv, to.type, elementwise, labels);
      const measure: Measure | undefined = existing && check ? { kind: 'conversion', table: named(t), column: to.name, ...check, example: sql.textOf(to.name) } : undefined;
      const lossy = hazard('lossy_type_change', `${from.type} -> ${to.type}: ${conv.lossy}`, measure, check !== null && (check.fails !== null || check.input !== null));
      // No conversion exists at all: certain to fail whatever the data.
      hazards.push(conv.impossible ? { ...lossy, fails: true } : lossy);
      hazards.push(hazard('irreversible', `undoing this step cannot restore values of ${path} changed by this conversion`));
    }
    if (existing && (conv?.rewrite || expression !== null)) hazards.push(hazard('table_rewrite', `rewrites ${sized(ctx, t)} and its indexes under an ACCESS EXCLUSIVE lock: reads and writes wait`));
    // A new identity counts on from the column's largest value (set in the same step), so inserts do not collide.
    const sequences = sql.sequenceChanges(from, to);
    hazards.push(...sequenceHazards(ctx, t, path, sequences));
    const nulls: Measure = { kind: 'nulls', table: named(t), column: to.name };
    const freed = defaultSequences(from).filter((s) => !defaultSequences(to).includes(s));
    const statements = sql.alterColumnWithSequences(t, from, to, changed, conv, expression);
    const alter = {
      op: 'alter_column' as const,
      object: path,
      phase: 5,
      sql: statements,
      changes: columnChanges(from, to),
      ...lockOn(ctx, t, 'ACCESS EXCLUSIVE'),
      provides: [COLUMN_DEF(t, to.name), ...sequences.made.map((s) => RELATION(t.schema, s.name))],
      requires: [TABLE(t), COLUMN(t, to.name), ...(retypes ? typeTokens(to, TYPE) : [])],
      softRequires: defaultSequences(to),
      removes: [...(retypes ? [COLUMN_TYPE(t, to.name)] : []), ...sequences.dropped.map((s) => RELATION(t.schema, s.name))],
      releases: retypes ? typeTokens(from, USES) : [],
      softReleases: freed,
    };
    // The way back from a backfill: marked as the forward step is (the filled values stay).
    if (existing && !from.nullable && to.nullable && ctx.backfilled?.has(path)) hazards.push(backfilledStays(path, true));
    if (setsNotNull && online(ctx, t) && !retypes) {
      // Online: `backfill:` in batches first, each committed on its own; then NOT NULL as always online.
      const filled = fill === null ? [] : [backfillBatches(t, to.name, fill)];
      if (fill !== null) hazards.push(backfilledStays(path));
      return [...filled, ...notNullOnline(t, to.name, { ...alter, hazards }, fill !== null)];
    }
    if (fill !== null) {
      // The NULL rows are filled in the same transaction, right before SET NOT NULL (after a type change, in the new type).
      const found = statements.indexOf(sql.setNotNull(t, to.name));
      const at = found < 0 ? statements.length : found;
      const filledFirst = [...statements.slice(0, at), sql.backfill(t, to.name, fill), ...statements.slice(at)];
      hazards.push(backfillHazard(t, to.name, fill), backfilledStays(path));
      hazards.push(hazard('blocking', `the UPDATE and SET NOT NULL scan ${sized(ctx, t)} under an ACCESS EXCLUSIVE lock: reads and writes wait`));
      return draft({ ...alter, sql: filledFirst, hazards, requires: [...alter.requires, ...readsColumns(t, to.name, fill)] });
    }
    if (setsNotNull) {
      hazards.push(hazard('may_fail', `fails if any row of ${objectPath(t.schema, t.name)} has NULL in ${to.name}`, nulls, true));
      hazards.push(hazard('blocking', `SET NOT NULL scans ${sized(ctx, t)} under an ACCESS EXCLUSIVE lock: reads and writes wait`));
    }
    return draft({ ...alter, hazards });
  },
};

/** A column that becomes generated: dropped and added again, its values computed anew. */
function regenerated(c: Extract<Change, { kind: 'alter_column' }>, ctx: Context): Draft {
  const { table: t, from, to } = c;
  const path = columnPath(t, to.name);
  const hazards: Hazard[] = isNew(ctx, t)
    ? []
    : [
        ...blockedBy(ctx, t, to.name, 'drop'),
        ...sequencesInUse(ctx, today(ctx, t).table, [from], `column ${path}`, 'drop the column', path),
        hazard('data_loss', `drops ${path}${sequencesToo(t, [from])} and adds it again as a generated column: its values are computed anew`, { kind: 'values', table: named(t), column: from.name }),
        hazard('table_rewrite', `adding a generated column rewrites ${sized(ctx, t)} under an ACCESS EXCLUSIVE lock: reads and writes wait`),
      ];
  return draft({
    op: 'alter_column',
    object: path,
    phase: 5,
    ...lockOn(ctx, t, 'ACCESS EXCLUSIVE'),
    sql: sql.alterColumnStatements(t, from, to, c.changed, null),
    hazards,
    provides: [COLUMN_DEF(t, to.name)],
    // The columns its expression reads have their final definitions first.
    requires: [
      TABLE(t),
      COLUMN(t, to.name),
      ...finalColumns(
        t,
        t.columns.filter((col) => col.name !== to.name && mentionsColumn(to.generated!, col.name)).map((col) => col.name),
      ),
      ...typeTokens(to, TYPE),
    ],
    removes: [COLUMN_TYPE(t, to.name), ...sequenceTokens(t, from)],
    releases: typeTokens(from, USES),
    softReleases: defaultSequences(from),
  });
}

/**
 * A type change converted by `using:`: its values are whatever the expression makes of them,
 * and the rows it fails on make the change fail (counted by the data checks). The way back has
 * no expression: it casts, when PostgreSQL has a cast back, and cannot run when it has none.
 */
function usingHazards(c: Extract<Change, { kind: 'alter_column' }>, existing: boolean, expression: string): Hazard[] {
  const { table: t, from, to } = c;
  const path = columnPath(t, to.name);
  const measure: Measure | undefined = existing ? { kind: 'using', table: named(t), column: to.name, expression, type: to.type } : undefined;
  const back = conversion(to, from);
  return [
    hazard('lossy_type_change', `${from.type} -> ${to.type}: values are converted by using: ${expression}; rows it fails on make the change fail`, measure, true),
    hazard(
      'irreversible',
      back.impossible
        ? `undoing this step cannot convert ${path} back: PostgreSQL has no conversion from ${to.type} to ${from.type}, and using: works one way only`
        : `undoing this step casts ${path} back to ${from.type}, not the inverse of using: values may not come back as they were`,
    ),
  ];
}

/** The columns of `t` other than `column` that a backfill value reads, with their final definitions. */
function readsColumns(t: Table, column: string, value: string): string[] {
  return finalColumns(
    t,
    t.columns.filter((c) => c.name !== column && mentionsColumn(value, c.name)).map((c) => c.name),
  );
}

/** The step's hazard with the figure of `backfill:`: the NULL rows it fills, and those it would leave NULL. */
function backfillHazard(t: Table, column: string, value: string, added = false, batched = false): Hazard {
  const measure: Measure = { kind: 'backfill', table: named(t), column, expression: value };
  const rows = added ? `${column} in every row of ${objectPath(t.schema, t.name)}` : `the rows of ${objectPath(t.schema, t.name)} with NULL in ${column}`;
  const how = batched ? `, in batches of ${sql.BACKFILL_BATCH_ROWS.toLocaleString('en-US')} rows, each committed on its own` : '';
  return hazard('may_fail', `fills ${rows} with backfill: ${value}${how}; fails if the value is NULL for any of them`, measure, true);
}

/** The downgrade drops NOT NULL only: marked as a way back that does not restore the NULLs. */
const backfilledStays = (path: string, back = false): Hazard =>
  hazard('irreversible', `${back ? 'drops' : 'undoing this step drops'} NOT NULL only: the values backfill wrote into ${path} stay, and cannot be told from the others`);

/** The token of a column's backfill done: NOT NULL is proven after it. */
const BACKFILLED = (t: Table, column: string): string => `backfilled:${columnPath(t, column)}`;

/** Online: the NULL rows filled in batches, each batch committed on its own (apply runs the statement again until it fills none). */
function backfillBatches(t: Table, column: string, value: string, added = false): Draft {
  return draft({
    op: 'backfill',
    object: columnPath(t, column),
    phase: 5,
    sql: [sql.backfillBatch(t, column, value)],
    hazards: [backfillHazard(t, column, value, added, true)],
    provides: [BACKFILLED(t, column)],
    requires: [TABLE(t), COLUMN(t, column), ...readsColumns(t, column, value)],
  });
}

/**
 * Online SET NOT NULL: prove no NULLs with a check validated under a light lock; SET NOT NULL
 * then trusts the check instead of scanning under ACCESS EXCLUSIVE. `alter` is the step that
 * sets it; `backfilled`: a backfill step runs first (the NULLs of today are no figure then).
 */
function notNullOnline(t: Table, column: string, alter: Partial<Draft> & Pick<Draft, 'op' | 'object' | 'phase' | 'sql' | 'provides' | 'requires'>, backfilled: boolean): Draft[] {
  const check = implicitName(t.name, column, 'not_null');
  const nulls: Measure = { kind: 'nulls', table: named(t), column };
  const fails = backfilled
    ? hazard('may_fail', `fails if backfill left any row of ${objectPath(t.schema, t.name)} with NULL in ${column}`)
    : hazard('may_fail', `fails if any row of ${objectPath(t.schema, t.name)} has NULL in ${column}`, nulls, true);
  return [
    draft({
      op: 'add_check',
      object: memberPath(t, check),
      phase: 5,
      lock: 'ACCESS EXCLUSIVE',
      sql: [sql.addConstraintNotValid(t, `CONSTRAINT ${quoteIdent(check)} ${sql.notNullCheck(column)}`)],
      provides: [CONSTRAINT(t, check)],
      requires: [TABLE(t), COLUMN(t, column)],
    }),
    draft({
      op: 'validate_constraint',
      object: memberPath(t, check),
      phase: 5,
      lock: 'SHARE UPDATE EXCLUSIVE',
      sql: [sql.validateConstraint(t, check)],
      hazards: [fails],
      provides: [VALIDATED(t, check)],
      requires: [CONSTRAINT(t, check), ...(backfilled ? [BACKFILLED(t, column)] : [])],
    }),
    draft({ ...alter, provides: [...alter.provides, NOT_NULL_SET(t, column)], requires: [...alter.requires, VALIDATED(t, check)] }),
    draft({ op: 'drop_check', object: memberPath(t, check), phase: 5, lock: 'ACCESS EXCLUSIVE', sql: [sql.dropConstraint(t, check)], requires: [NOT_NULL_SET(t, column)] }),
  ];
}

/**
 * A NOT NULL column without a default added to a table with rows, with `backfill:`: added
 * nullable, its rows filled, then NOT NULL, in one step (online: the fill in batches and NOT NULL
 * proven by a check, as for an existing column).
 */
function addedWithBackfill(c: Extract<Change, { kind: 'add_column' }>, ctx: Context, value: string): Draft[] {
  const t = c.table;
  const col = c.column;
  const add = draft({
    op: 'add_column',
    object: columnPath(t, col.name),
    phase: 5,
    ...lockOn(ctx, t, 'ACCESS EXCLUSIVE'),
    sql: sql.addColumn(t, { ...col, nullable: true }),
    provides: [...(online(ctx, t) ? [COLUMN(t, col.name)] : finalColumns(t, [col.name])), ...sequenceTokens(t, col)],
    requires: [TABLE(t), ...typeTokens(col, TYPE), ...readsColumns(t, col.name, value)],
    softRequires: defaultSequences(col),
  });
  if (!online(ctx, t)) {
    return [{ ...add, sql: [...add.sql, sql.backfill(t, col.name, value), sql.setNotNull(t, col.name)], hazards: [backfillHazard(t, col.name, value, true)] }];
  }
  const alter = {
    op: 'alter_column' as const,
    object: columnPath(t, col.name),
    phase: 5,
    lock: 'ACCESS EXCLUSIVE' as const,
    sql: [sql.setNotNull(t, col.name)],
    hazards: [],
    provides: [COLUMN_DEF(t, col.name)],
    requires: [TABLE(t), COLUMN(t, col.name)],
  };
  return [add, backfillBatches(t, col.name, value, true), ...notNullOnline(t, col.name, alter, true)];
}
