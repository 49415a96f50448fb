// An apply cut short, as people read it: how far it got, what is left, and the two ways on
// (finish it, or abandon it). Pure: the commands print these lines.
import type { Step } from '../plan/types.js';

/**
 * What these sentences read of a record of work cut short: the shape of `Pending` in
 * revisions/ledger.ts, declared here so that render/ needs nothing above it.
 */
export interface PendingView {
  readonly revision: string;
  readonly direction: 'apply' | 'upgrade' | 'downgrade';
  readonly steps: readonly Step[];
  /** Steps done (and committed) so far. */
  readonly done: number;
  readonly started_at: string;
}

const list = (p: PendingView, from: number, to: number): string[] => p.steps.slice(from, to).map((st, i) => `  ${from + i + 1}. ${st.op} ${st.object}`);

const stopped = (p: PendingView): string => `stopped after step ${p.done} of ${p.steps.length}`;

/** How to finish (or give up) a run cut short: the command that resumes it. */
function wayOn(p: PendingView): string {
  return p.direction === 'apply' ? 'run `schema apply` to finish it (or `schema apply --abandon` to give it up)' : `run \`schema ${p.direction}\` to finish it`;
}

/** For `current`, `history`, `check` and `drift`: work cut short on this database, and the way on. */
export function unfinishedLine(p: PendingView): string {
  const what = p.direction === 'apply' ? 'an apply' : `an ${p.direction}`;
  return `unfinished: ${p.revision}, ${what} that ${stopped(p)}: ${wayOn(p)}`;
}

/** `plan`'s note when an apply was cut short. */
export function interruptedNote(p: PendingView): string {
  return `An apply (revision ${p.revision}) ${stopped(p)}: \`schema apply\` finishes it first, or \`schema apply --abandon\` gives it up. This plan is from the database as it is now.`;
}

/**
 * What `apply` says before it finishes an apply that was cut short: the steps left (`left`, with
 * their hazards as consent is asked for them; by default as the record states them).
 */
export function interruptedLines(p: PendingView, left: readonly Step[] = p.steps.slice(p.done)): string[] {
  return [
    `An earlier apply (revision ${p.revision}) ${stopped(p)}; it is finished first (\`schema apply --abandon\` gives it up instead).`,
    'Steps left:',
    ...left.flatMap((st, i) => [`  ${p.done + i + 1}. ${st.op} ${st.object}`, ...st.hazards.map((h) => `       hazard ${h.code}: ${h.message}`)]),
  ];
}

/**
 * What the first step not done of an unfinished apply left in the database, when it ran outside
 * a transaction (a concurrent index build or drop) and got somewhere: it is neither done nor
 * "not run".
 */
export interface StartedStep {
  /** The index, schema-qualified. */
  readonly index: string;
  /** True for a build, false for a drop. */
  readonly creates: boolean;
  /** `invalid`: cut short, the index left INVALID; `finished`: it ran to the end but was not recorded as done. */
  readonly state: 'invalid' | 'finished';
}

function startedHeading(s: StartedStep): string {
  if (s.state === 'finished') return `Ran to the end but not recorded as done (the index ${s.index} ${s.creates ? 'exists' : 'is gone'}):`;
  return s.creates
    ? `Started, and left the index ${s.index} INVALID (half built: \`schema plan\` drops it and builds it again):`
    : `Started, and left the index ${s.index} INVALID, not yet dropped (\`schema plan\` drops it):`;
}

/** `step 3 was not run`, `steps 3 to 5 were not run`, or nothing when none is left. */
function notRun(from: number, total: number): string {
  if (from > total) return '';
  return from === total ? `, step ${total} was not run` : `, steps ${from} to ${total} were not run`;
}

/** What `apply --abandon` says before it asks: what was done (and stays), what was started, what was not run. */
export function abandonLines(p: PendingView, started: StartedStep | null = null): string[] {
  const next = p.done + (started ? 1 : 0);
  return [
    `An apply (revision ${p.revision}, started ${p.started_at.slice(0, 19)}) ${stopped(p)}.`,
    ...(p.done > 0 ? ['Done, and kept in the database (abandoning does not undo them):', ...list(p, 0, p.done)] : ['None of its steps was done.']),
    ...(started ? [startedHeading(started), ...list(p, p.done, next)] : []),
    ...(next < p.steps.length ? ['Not run:', ...list(p, next, p.steps.length)] : []),
  ];
}

/** What `apply --abandon` says when it is done. */
export function abandonedLine(p: PendingView, started: StartedStep | null = null): string {
  const kept = p.done === 0 ? 'none of its steps was done' : p.done === 1 ? 'step 1 stays done in the database' : `steps 1 to ${p.done} stay done in the database`;
  const step = p.done + 1;
  const left = !started ? '' : started.state === 'finished' ? `, step ${step} ran to the end and stays` : `, step ${step} left the index ${started.index} INVALID`;
  const next = p.done + (started ? 1 : 0) + 1;
  const invalid = started?.state === 'invalid' ? (started.creates ? ` (it drops the INVALID index ${started.index} and builds it again)` : ` (it drops the INVALID index ${started.index})`) : '';
  return (
    `Abandoned the apply of revision ${p.revision}: its record is gone and no revision file was written; ${kept}${left}${notRun(next, p.steps.length)}. ` +
    `\`schema plan\` now shows how to get from the database as it is to schema.yaml${invalid}.`
  );
}
