// An apply cut short, as people read it: how far it got, what is left, and the two ways on
// (finish it, or abandon it). Pure: the commands print these lines.
import type { Pending } from '../revisions/ledger.js';

const list = (p: Pending, from: number, to: number): string[] => p.steps.slice(from, to).map((st, i) => `  ${from + i + 1}. ${st.op} ${st.object}`);

const stopped = (p: Pending): string => `stopped after step ${p.done} of ${p.steps.length}`;

/** How to finish (or give up) a run cut short: the command that resumes it. */
function wayOn(p: Pending): string {
  return p.direction === 'apply' ? 'run `schema apply` to finish it (or `schema apply --abandon` to give it up)' : `run \`schema ${p.direction}\` to finish it`;
}

/** For `current`, `history`, `check` and `drift`: work cut short on this database, and the way on. */
export function unfinishedLine(p: Pending): string {
  const what = p.direction === 'apply' ? 'an apply' : `an ${p.direction}`;
  return `unfinished: ${p.revision}, ${what} that ${stopped(p)}: ${wayOn(p)}`;
}

/** `plan`'s note when an apply was cut short. */
export function interruptedNote(p: Pending): string {
  return `An apply (revision ${p.revision}) ${stopped(p)}: \`schema apply\` finishes it first, or \`schema apply --abandon\` gives it up. This plan is from the database as it is now.`;
}

/** What `apply` says before it finishes an apply that was cut short. */
export function interruptedLines(p: Pending): string[] {
  return [
    `An earlier apply (revision ${p.revision}) ${stopped(p)}; it is finished first (\`schema apply --abandon\` gives it up instead).`,
    'Steps left:',
    ...list(p, p.done, p.steps.length),
  ];
}

/** What `apply --abandon` says before it asks: what was done (and stays), what was not. */
export function abandonLines(p: Pending): string[] {
  return [
    `An apply (revision ${p.revision}, started ${p.started_at.slice(0, 19)}) ${stopped(p)}.`,
    ...(p.done > 0 ? ['Done, and kept in the database (abandoning does not undo them):', ...list(p, 0, p.done)] : ['None of its steps was done.']),
    'Not run:',
    ...list(p, p.done, p.steps.length),
  ];
}

/** What `apply --abandon` says when it is done. */
export function abandonedLine(p: Pending): string {
  const kept = p.done > 0 ? `steps 1 to ${p.done} stay done in the database` : 'none of its steps was done';
  return (
    `Abandoned the apply of revision ${p.revision}: its record is gone and no revision file was written; ${kept}, steps ${p.done + 1} to ${p.steps.length} were not run. ` +
    '`schema plan` now shows how to get from the database as it is to schema.yaml (an index left INVALID is rebuilt).'
  );
}
