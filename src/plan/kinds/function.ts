// The planner of functions and procedures. Made in phase 4, after the enums and before the
// tables (a default of a new table may call one), with check_function_bodies off for the
// transaction, as pg_dump does, so a body may read a table the plan makes later. Dropped in
// phase 5.5: after the views (1), tables (3) and column defaults (5) that may call them, before
// the enums (6) they may take. A table whose row type the signature names (`SETOF public.t`) is
// made before the function and dropped after it. A definition is the server's own pg_get_functiondef text.
// An aggregate alike (its statement built from pg_aggregate), made after the functions it names
// (its SFUNC...) and dropped before them; views are made after it (phase 6) and dropped before
// it (phase 1), and one the plan keeps that calls it stops a drop. Pure.
import { objectPath, qualify } from '../../model/identifiers.js';
import type { Table } from '../../model/model.js';
import { BODIES_UNCHECKED, aggregateSupport, routinePath, routineWord, signatureNames, type Routine } from '../../model/routine.js';
import { triggerPath, type Trigger } from '../../model/trigger.js';
import { policyPath, type Policy } from '../../model/policy.js';
import { viewPath, type View } from '../../model/view.js';
import { FUNCTION, FUNCTION_USE, RELATION, SCHEMA, TYPE, and, draft, type Context } from '../drafts.js';
import type { Hazard } from '../types.js';
import type { KindPlanner } from './registry.js';

const what = routineWord;

/** The tables and types (enums, domains) its signature names, and the functions an aggregate names: made before it. */
const signatureTokens = (r: Routine): string[] => [...signatureNames(r).flatMap((n) => [RELATION(n.schema, n.name), TYPE(n.schema, n.name)]), ...aggregateSupport(r).map((n) => FUNCTION(n.schema, n.name))];
/** ... and dropped after it. */
const releasedTokens = (r: Routine): string[] => [...signatureNames(r).flatMap((n) => [RELATION(n.schema, n.name), TYPE(n.schema, n.name)]), ...aggregateSupport(r).map((n) => FUNCTION_USE(n.schema, n.name))];

const dropSql = (r: Routine): string => `DROP ${what(r).toUpperCase()} ${qualify(r.schema, r.name)}(${r.identity})`;

/**
 * The defaults, checks and indexes of the state the plan leads to that call `r` by its name
 * (as the server spells them: `public.add(`), for people. PostgreSQL refuses to drop a
 * function they call, so a step dropping it is certain to fail.
 */
function callers(r: Routine, tables: Readonly<Record<string, Table>>, triggers: Readonly<Record<string, Trigger>>, views: Readonly<Record<string, View>>, policies: Readonly<Record<string, Policy>> = {}): string[] {
  const call = `${qualify(r.schema, r.name)}(`;
  const out: string[] = [];
  for (const v of Object.values(views)) if (v.definition.includes(call)) out.push(`${v.materialized ? 'materialized view' : 'view'} ${viewPath(v)}`);
  for (const t of Object.values(triggers)) if (t.definition.includes(`EXECUTE FUNCTION ${call}`)) out.push(`trigger ${triggerPath(t)}`);
  for (const p of Object.values(policies)) if ((p.using ?? '').includes(call) || (p.withCheck ?? '').includes(call)) out.push(`policy ${policyPath(p)}`);
  for (const t of Object.values(tables)) {
    for (const c of t.columns) if (c.default?.includes(call)) out.push(`the default of column ${objectPath(t.schema, t.name, c.name)}`);
    for (const k of Object.values(t.checks)) if (k.definition.includes(call)) out.push(`check ${objectPath(t.schema, t.name, k.name)}`);
    for (const i of Object.values(t.indexes)) if ([i.where ?? '', ...i.keys.map((k) => k.expression ?? '')].some((x) => x.includes(call))) out.push(`index ${objectPath(t.schema, i.name)}`);
  }
  return out;
}

function calledBy(r: Routine, ctx: Context, how: string): Hazard[] {
  const found = callers(r, ctx.tables, ctx.triggers ?? {}, ctx.steadyViews ?? {}, ctx.policies);
  if (found.length === 0) return [];
  return [
    {
      code: 'may_fail',
      message: `${and(found)} ${found.length === 1 ? 'calls' : 'call'} ${what(r)} ${routinePath(r)}, so PostgreSQL refuses to ${how} it: change ${found.length === 1 ? 'it' : 'them'} under \`tables:\` (\`triggers:\`, \`views:\`) first, or keep the ${what(r)} under \`functions:\`, then plan again`,
      fails: true,
    },
  ];
}

export const routine: KindPlanner<'function'> = {
  create_function: (c) =>
    draft({
      op: 'create_function',
      object: routinePath(c.routine),
      phase: 4,
      sql: [BODIES_UNCHECKED, c.routine.definition],
      provides: [FUNCTION(c.routine.schema, c.routine.name)],
      requires: [SCHEMA(c.routine.schema), ...signatureTokens(c.routine)],
    }),

  replace_function: (c, ctx) => {
    const r = c.to;
    if (!c.recreate)
      return draft({
        op: 'replace_function',
        object: routinePath(r),
        phase: 4,
        sql: [BODIES_UNCHECKED, r.definition],
        provides: [FUNCTION(r.schema, r.name)],
        requires: [SCHEMA(r.schema), ...aggregateSupport(r).map((n) => FUNCTION(n.schema, n.name))],
      });
    const hazards: Hazard[] = [
      {
        code: 'may_fail',
        message: `${what(r)} ${routinePath(r)} changes its ${c.from.result !== r.result ? 'result type' : c.from.procedure !== r.procedure ? 'kind' : 'parameters'}, which CREATE OR REPLACE cannot do: it is dropped and made again, and calls to it fail in between and after if they expect the old one`,
      },
      ...calledBy(c.from, ctx, 'drop and make again'),
    ];
    return draft({
      op: 'replace_function',
      object: routinePath(r),
      phase: 4,
      sql: [dropSql(c.from), BODIES_UNCHECKED, r.definition],
      hazards,
      provides: [FUNCTION(r.schema, r.name)],
      requires: [SCHEMA(r.schema), ...signatureTokens(r)],
    });
  },

  drop_function: (c, ctx) => {
    const r = c.routine;
    const hazards: Hazard[] = [{ code: 'may_fail', message: `calls to ${what(r)} ${routinePath(r)} (from your application, triggers or other functions) fail once it is dropped` }, ...calledBy(r, ctx, 'drop')];
    return draft({ op: 'drop_function', object: routinePath(r), phase: 5.5, sql: [dropSql(r)], hazards, removes: [FUNCTION_USE(r.schema, r.name)], releases: [SCHEMA(r.schema), ...releasedTokens(r)] });
  },
};
