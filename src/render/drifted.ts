// `plan` on a database that changed outside schema since its last revision: what `apply` would
// write into the revision (the change from the state at the head of the chain to schema.yaml)
// besides the plan that runs here. Without it, a change made by hand that schema.yaml now also
// has would show as "No changes" while apply writes a revision. Pure; colour comes in.
import type { ChalkInstance } from 'chalk';
import type { Plan, Step } from '../plan/types.js';
import { inert } from './markdown.js';
import { renderRevisionPlan } from './revisions.js';
import { renderText } from './text.js';
import { summaryLine } from './words.js';

/** What `apply` would record on a drifted database (api.ts `revisionPlanFor`). */
export interface RecordedRevision {
  /** The last revision applied (the ledger's row). */
  readonly since: Parameters<typeof renderRevisionPlan>[0];
  /** The changes made outside schema since `since`. */
  readonly drift: readonly Step[];
  /** The change from the state at `since` to schema.yaml: what the revision records. */
  readonly plan: Plan;
}

/** Whether `apply` would write a revision: the revision records at least one step. */
export const recordsRevision = (r: RecordedRevision | null): r is RecordedRevision => r !== null && r.plan.steps.length > 0;

/** "Nothing runs here: ...": the database already has every change the revision records. */
export function nothingRunsLine(records: number, c: ChalkInstance): string {
  return `${c.green.bold('Nothing runs here:')} this database already has ${records === 1 ? 'this change' : 'these changes'}; \`schema apply\` only records the revision.\n`;
}

/** The text plan on a drifted database: the drift and what the revision records, then what runs here. */
export function renderTextWithRevision(revision: RecordedRevision, here: Plan, c: ChalkInstance, width?: number): string {
  const head = renderRevisionPlan(revision.since, revision.drift, revision.plan, c);
  const body = here.steps.length === 0 && revision.plan.steps.length > 0 ? nothingRunsLine(revision.plan.steps.length, c) : renderText(here, c, width === undefined ? {} : { width });
  return head + body;
}

/** The `revision` member of the JSON plan: what `apply` would record, and since which revision. */
export function revisionJson(revision: RecordedRevision): object {
  const { summary, steps, downgrade, fingerprint } = revision.plan;
  return { since: revision.since.revision, drift: revision.drift, records: { summary, steps, downgrade, fingerprint } };
}

/** Markdown put before the plan: the revision `apply` would write, when it records any step. */
export function revisionMarkdown(revision: RecordedRevision): string {
  const { since, drift, plan } = revision;
  const steps = plan.steps.map((s) => `- ${inert(s.op)} ${inert(s.object)}`);
  return (
    [
      `### schema apply records a revision: ${summaryLine(plan.summary).replace(/^Plan: /, '')}`,
      '',
      `This database changed outside schema since revision ${inert(since.revision)} (${drift.length} change${drift.length === 1 ? '' : 's'}, see \`schema drift\`). ` +
        `\`schema apply\` writes a revision with the change from the state at that revision to schema.yaml, which \`schema upgrade\` runs on every other database:`,
      '',
      ...steps,
      '',
      'What runs on this database, from it as it is (the changes above taken into account):',
      '',
    ].join('\n') + '\n'
  );
}
