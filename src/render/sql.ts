// Plan -> an SQL script psql can run: one transaction, each step's hazards as comments; or, when
// some step cannot run inside a transaction (CREATE INDEX CONCURRENTLY) or the plan takes more
// locks than one may hold, in the transactions apply runs it in.
import { timeouts, type RunSettings } from '../plan/run-settings.js';
import type { Plan, Step } from '../plan/types.js';
import { commentText, summaryLine } from './words.js';

/**
 * Statements of the steps, each step headed by a comment and its hazards. `first` and `total`
 * number them within a larger whole (default: these steps alone).
 */
export function stepsAsSql(steps: readonly Step[], first = 0, total = steps.length): string {
  return steps
    .map((step, i) => {
      const head = [`-- step ${first + i + 1}/${total}: ${step.op} ${commentText(step.object)}`];
      for (const h of step.hazards) head.push(`-- hazard ${h.code}: ${commentText(h.message)}`);
      if (step.op === 'backfill') head.push('-- one batch: apply runs it again, each batch committed, until it fills no row (filled = 0); run by hand, repeat it until then');
      return [...head, ...step.sql.map((s) => `${s};`)].join('\n');
    })
    .join('\n\n');
}

/** Steps `from` to `to` (exclusive), run in one transaction or, when not `transactional`, outside any. */
export interface SqlGroup {
  readonly from: number;
  readonly to: number;
  readonly transactional: boolean;
}

/**
 * The steps in the transactions they run in: each transactional group between BEGIN and
 * COMMIT, a step that cannot run inside a transaction bare; numbered within all the steps.
 */
export function groupedSql(steps: readonly Step[], groups: readonly SqlGroup[]): string[] {
  return groups.map((g) => {
    const text = stepsAsSql(steps.slice(g.from, g.to), g.from, steps.length);
    return g.transactional ? ['BEGIN;', text, 'COMMIT;'].join('\n') : text;
  });
}

/**
 * The steps one by one, when some cannot run inside a transaction: each step its own
 * transaction (BEGIN ... COMMIT), those that cannot bare. Null when every step can share one
 * transaction (then the caller wraps them all in one).
 */
export function stepByStepSql(steps: readonly Step[]): string[] | null {
  if (!steps.some((s) => s.concurrently)) return null;
  return groupedSql(
    steps,
    steps.map((s, i) => ({ from: i, to: i + 1, transactional: !s.concurrently })),
  );
}

/**
 * The plan as a psql script. `online` (the run settings of an online plan) sets lock_timeout and
 * statement_timeout for the session first, as `apply --online` does for each statement.
 * `groups`: the transactions `apply` would run it in on the target (see `schedule`); without
 * them, one transaction, or one per step when some step cannot run inside one.
 */
export function renderSql(plan: Plan, online?: Pick<RunSettings, 'lockTimeout' | 'statementTimeout'>, groups?: readonly SqlGroup[]): string {
  if (plan.steps.length === 0) return '-- No changes: the database matches the schema.\n';
  const session = online
    ? [`-- Online: a step that waits longer than lock_timeout for its lock stops the script (apply --online would retry it): run it again later, from \`schema plan\`.`, `${timeouts(online, false)};`]
    : [];
  const split = groups && (groups.length > 1 || groups.some((g) => !g.transactional)) ? groupedSql(plan.steps, groups) : null;
  const blocks = split ?? stepByStepSql(plan.steps);
  if (blocks) {
    const outside = plan.steps.filter((s) => s.concurrently).length;
    const why =
      outside > 0 && blocks.length === plan.steps.length
        ? `${outside === 1 ? 'A step' : `${outside} steps`} cannot run inside a transaction: each step commits on its own`
        : `Not atomic: ${plan.execution?.reason ?? `it runs in ${blocks.length} transactions`}; each commits on its own`;
    // psql goes on after an error unless told not to; here what follows must not run.
    return [`-- ${summaryLine(plan.summary)}`, `-- ${why}; it stops at the first error (psql's ON_ERROR_STOP, set below): then plan again.`, '\\set ON_ERROR_STOP on', ...session, '', blocks.join('\n\n'), ''].join('\n');
  }
  return [`-- ${summaryLine(plan.summary)}`, ...session, ...(online ? [''] : []), 'BEGIN;', '', stepsAsSql(plan.steps), '', 'COMMIT;', ''].join('\n');
}
