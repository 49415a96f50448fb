// Plan -> an SQL script psql can run: one transaction, each step's hazards as comments; or, when
// some step cannot run inside a transaction (CREATE INDEX CONCURRENTLY), each step on its own.
import { timeouts, type RunSettings } from '../apply/groups.js';
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
      return [...head, ...step.sql.map((s) => `${s};`)].join('\n');
    })
    .join('\n\n');
}

/**
 * The steps one by one, when some cannot run inside a transaction: each step its own
 * transaction (BEGIN ... COMMIT), those that cannot bare. Null when every step can share one
 * transaction (then the caller wraps them all in one).
 */
export function stepByStepSql(steps: readonly Step[]): string[] | null {
  if (!steps.some((s) => s.concurrently)) return null;
  return steps.map((step, i) => {
    const text = stepsAsSql([step], i, steps.length);
    return step.concurrently ? text : ['BEGIN;', text, 'COMMIT;'].join('\n');
  });
}

/**
 * The plan as a psql script. `online` (the run settings of an online plan) sets lock_timeout and
 * statement_timeout for the session first, as `apply --online` does for each statement.
 */
export function renderSql(plan: Plan, online?: Pick<RunSettings, 'lockTimeout' | 'statementTimeout'>): string {
  if (plan.steps.length === 0) return '-- No changes: the database matches the schema.\n';
  const oneByOne = stepByStepSql(plan.steps);
  const session = online
    ? [`-- Online: a step that waits longer than lock_timeout for its lock stops the script (apply --online would retry it): run it again later, from \`schema plan\`.`, `${timeouts(online, false)};`]
    : [];
  if (oneByOne) {
    const outside = plan.steps.filter((s) => s.concurrently).length;
    return [
      `-- ${summaryLine(plan.summary)}`,
      `-- ${outside === 1 ? 'A step' : `${outside} steps`} cannot run inside a transaction: each step commits on its own, so run it with psql -v ON_ERROR_STOP=1 and, if it stops, plan again.`,
      ...session,
      '',
      oneByOne.join('\n\n'),
      '',
    ].join('\n');
  }
  return [`-- ${summaryLine(plan.summary)}`, ...session, ...(online ? [''] : []), 'BEGIN;', '', stepsAsSql(plan.steps), '', 'COMMIT;', ''].join('\n');
}
