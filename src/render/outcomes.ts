// What `check`, `drift` and `merge` say, as people read it. Pure: the commands print these
// lines; the shapes read here are those of operations/status.ts and operations/merge.ts.
import type { ChalkInstance } from 'chalk';
import { unfinishedLine, type PendingView } from './pending.js';

interface Named {
  readonly op: string;
  readonly object: string;
}

/** What `check` read (operations/status.ts's `CheckResult`, as far as these sentences need it). */
export interface CheckView {
  readonly status: {
    readonly unfinished: PendingView | null;
    readonly heads: readonly { readonly revision: string }[];
    readonly pending: readonly { readonly revision: string }[];
    readonly current: readonly { readonly revision: string }[];
  };
  readonly unrecorded: readonly Named[] | null;
  readonly comparedWith: 'head' | 'database';
  readonly drift: { readonly since: { readonly revision: string } | null; readonly changes: readonly Named[] };
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
const stepLines = (list: readonly Named[]): string => list.map((s) => `    ${s.op} ${s.object}`).join('\n');

/** Each reason `check` fails, one entry each (none: it passes). */
export function checkProblems(view: CheckView, files: { readonly schema: string; readonly plansDir: string }): string[] {
  const { status, unrecorded, comparedWith, drift } = view;
  const out: string[] = [];
  if (status.unfinished) out.push(unfinishedLine(status.unfinished));
  if (status.heads.length > 1) out.push(`${files.plansDir} has ${status.heads.length} heads (${status.heads.map((h) => h.revision).join(', ')}): run \`schema merge\``);
  if (status.pending.length > 0) {
    out.push(
      `the database is not at head: ${plural(status.pending.length, 'revision')} not applied (${status.pending.map((r) => r.revision).join(', ')}): run \`schema upgrade\` (${files.schema} is compared once it is at head)`,
    );
  }
  if (unrecorded !== null && unrecorded.length > 0 && comparedWith === 'database' && drift.since) {
    out.push(
      `${files.schema} and the database differ (${plural(unrecorded.length, 'change')}), and no state was recorded when revision ${drift.since.revision} was applied (by a script, or on a database changed outside schema, that could not work it out), so check cannot tell a change no revision holds from a change made outside schema:\n` +
        stepLines(unrecorded),
    );
  } else if (unrecorded !== null && unrecorded.length > 0) {
    out.push(`${files.schema} has ${plural(unrecorded.length, 'change')} that no revision holds: run \`schema apply\` (in development) to write one\n` + stepLines(unrecorded));
  }
  if (drift.changes.length > 0) out.push(`the database changed outside schema since revision ${drift.since!.revision}:\n` + stepLines(drift.changes));
  return out;
}

/** `check`'s line when nothing failed. */
export function checkPassed(view: CheckView, schema: string): string {
  const at = view.status.current.map((r) => r.revision).join(', ') || 'base';
  return `OK: the database is at head (${at}) and ${schema} matches it.`;
}

/** `drift` before its comparison, when an apply, upgrade or downgrade was cut short. */
export function driftUnfinished(p: PendingView, c: ChalkInstance): string {
  const done = p.done > 0 ? `\n${c.dim('The steps it finished are in no recorded state yet, so they show as changes below.')}` : '';
  return `${c.yellow(unfinishedLine(p))}${done}\n`;
}

/** `drift` with nothing to compare with: no revision applied (`since` null), or none recorded a state. */
export function driftUnknown(since: string | null): string {
  return since
    ? `No state was recorded when revision ${since} was applied (by a script, or on a database changed outside schema, that could not work it out), so there is nothing to compare with; the next revision schema applies records one.`
    : 'No revision is applied to this database, so there is nothing to compare with.';
}

/** What `merge` wrote (operations/merge.ts's `Merged`). */
export interface MergedView {
  readonly revision: string;
  readonly file: string;
  readonly parents: readonly string[];
  /** Objects both branches change; the merge revision then carries planned steps. */
  readonly conflicts: readonly string[];
  /** Objects that the branches leave different depending on the order a database applied them. */
  readonly divergent: readonly string[];
  /** How many orders of the branches were replayed (none without conflicts); `sampled` when only whole branches were ordered. */
  readonly orders: number;
  readonly sampled: boolean;
  readonly steps: number;
}

/** `merge`'s lines for stdout, and a note for stderr when only some orders were replayed. */
export function mergedLines(merged: MergedView, schema: string, c: ChalkInstance): { readonly lines: string[]; readonly note: string | null } {
  const lines = [`${c.green('Wrote')} merge revision ${merged.revision} (revises ${merged.parents.join(', ')}) to ${merged.file}`];
  const steps = plural(merged.steps, 'planned step');
  if (merged.divergent.length > 0) {
    lines.push(
      c.yellow(
        `Both branches change ${merged.conflicts.join(', ')}, and a database ends with ${merged.divergent.join(', ')} different depending on the order it applied them (${merged.orders} orders replayed); the merge carries ${steps}, which ${merged.steps === 1 ? 'brings' : 'bring'} every order to ${schema}. Review it.`,
      ),
    );
  } else if (merged.conflicts.length > 0) {
    lines.push(c.yellow(`Both branches change ${merged.conflicts.join(', ')}; every order of applying them ends the same (${merged.orders} replayed), and the merge carries ${steps}. Review it.`));
  } else {
    lines.push('The branches change different objects: the merge has no SQL.');
  }
  return { lines, note: merged.sampled ? c.yellow('There were too many orders of the branches to replay them all: only whole branches were put in each order.') : null };
}

/** What an apply did (`apply`, `apply --baseline`): the steps it ran here, and the revision it recorded (null: none). */
export function appliedLine(steps: number, result: { readonly revision: string | null; readonly file: string | null; readonly durationMs: number }, plansDir: string, c: ChalkInstance): string {
  const ran = c.green.bold(steps === 0 ? 'Nothing ran here.' : `Applied ${plural(steps, 'step')} in ${result.durationMs} ms.`);
  if (result.revision === null) return `${ran} No revision written: the steps undid changes made outside schema, and ${plansDir} already holds schema.yaml.`;
  return `${ran} Revision ${result.revision} written to ${result.file}`;
}

/** On a drifted database that already has what the revision records: nothing runs, the revision is recorded. */
export function onlyRecordedLine(records: number, c: ChalkInstance): string {
  return `${c.green.bold('Nothing runs here:')} this database already has ${records === 1 ? 'this change' : 'these changes'}; only the revision is recorded.\n`;
}

/** `apply --baseline`: the heading above the revision's steps, and the line below them. */
export function baselineLines(records: number, c: ChalkInstance): { readonly heading: string; readonly after: string } {
  return {
    heading: `${c.bold('The baseline revision')} builds schema.yaml on an empty database (${plural(records, 'step')}):\n`,
    after: `${c.green.bold('Nothing runs here:')} this database already is schema.yaml; only the revision is recorded.\n`,
  };
}

/** An apply cut short, finished. */
export function finishedApplyLine(revision: string | null, file: string | null, c: ChalkInstance): string {
  const recorded = revision === null ? 'No revision was to be written (the steps undid changes made outside schema).' : `Revision ${revision} written to ${file}.`;
  return `${c.green.bold('Finished.')} ${recorded} Run \`schema plan\` to see what else schema.yaml asks for.`;
}

/** `schema apply --abandon` with no apply cut short. */
export const NOTHING_TO_ABANDON = 'There is no unfinished apply: nothing to abandon.';

/** How an online or oversized apply runs, and what to do when it is cut short. */
export function runsInStepsLine(reason: string): string {
  return `Runs in steps: ${reason}. If it is cut short, run \`schema apply\` again to finish (or \`schema apply --abandon\` to give it up).`;
}

/** `Applied`/`Undid` a revision; the database's revisions after a replay. */
export const atLine = (revisions: readonly { readonly revision: string }[]): string => revisions.map((r) => r.revision).join(', ') || 'base';

/** Before finishing an upgrade or downgrade cut short. */
export function interruptedRunLine(direction: string, revision: { readonly revision: string; readonly fileName: string }, done: number, steps: number): string {
  return `An earlier ${direction} of ${revision.revision} (${revision.fileName}) stopped after step ${done} of ${steps}; it is finished first.`;
}

/** After finishing an interrupted run whose target was relative (-1, +2): nothing more runs. */
export function relativeStopLine(at: string, direction: string, to: string): string {
  return `The database is now at ${at}. Nothing more was run: ${to} counts from where the database stood, so run \`schema ${direction} ${to}\` again to go further.`;
}

/** A replay that found every revision done by another command meanwhile. */
export function replayedMeanwhileLine(direction: 'upgrade' | 'downgrade', skipped: number, at: string): string {
  return `Nothing was left to do: another schema command ${direction === 'upgrade' ? 'applied' : 'undid'} ${skipped === 1 ? 'it' : 'them'} meanwhile. The database is at ${at}.`;
}

/** One revision another run did while this one waited for the lock. */
export function skippedLine(direction: 'upgrade' | 'downgrade', r: { readonly revision: string; readonly fileName: string }): string {
  return `${r.revision} (${r.fileName}) was ${direction === 'upgrade' ? 'applied' : 'undone'} meanwhile by another schema command; skipped.`;
}

/** `current` and `status`: how many revisions of plans/ the database has not applied. */
export function notAppliedLine(n: number): string {
  return `${plural(n, 'revision')} not applied: run \`schema upgrade\``;
}

/** `stamp`: what was recorded, running nothing. */
export function stampedLine(revisions: readonly { readonly revision: string; readonly fileName: string }[]): string {
  const at = revisions[revisions.length - 1]!;
  const before = revisions.length - 1;
  return `Stamped revision ${at.revision} (${at.fileName})${before > 0 ? ` and the ${plural(before, 'revision')} before it` : ''}: recorded as applied, nothing was run. \`schema upgrade\` now runs only what comes after it.`;
}

/** `heads` with no revision yet. */
export const NO_REVISIONS_YET = 'No revisions yet: `schema apply` writes the first one.';

/** `heads` when plans/ has more than one head. */
export function severalHeadsLine(plansDir: string, heads: number): string {
  return `\n${plansDir} has ${heads} heads: two branches each added a revision after the same one.\nJoin them with \`schema merge -m "merge"\`, review the merge revision, then \`schema upgrade\`.`;
}
