// Plan -> an SQL script psql can run: one transaction, each step's hazards as comments.
import type { Plan, Step } from '../plan/types.js';
import { commentText, summaryLine } from './words.js';

/** Statements of the steps, each step headed by a comment and its hazards. */
export function stepsAsSql(steps: readonly Step[]): string {
  return steps
    .map((step, i) => {
      const head = [`-- step ${i + 1}/${steps.length}: ${step.op} ${commentText(step.object)}`];
      for (const h of step.hazards) head.push(`-- hazard ${h.code}: ${commentText(h.message)}`);
      return [...head, ...step.sql.map((s) => `${s};`)].join('\n');
    })
    .join('\n\n');
}

export function renderSql(plan: Plan): string {
  if (plan.steps.length === 0) return '-- No changes: the database matches the schema.\n';
  return [`-- ${summaryLine(plan.summary)}`, 'BEGIN;', '', stepsAsSql(plan.steps), '', 'COMMIT;', ''].join('\n');
}
