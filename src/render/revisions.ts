// The chain as people read it: history, current, heads, and drift. Pure; colour comes in.
import type { ChalkInstance } from 'chalk';
import { opKind, type Plan, type Step } from '../plan/types.js';
import { renderSteps } from './text.js';
import { commentText, summaryLine, verificationLines, visible } from './words.js';

const SYMBOL = { add: '+', destroy: '-', change: '~' } as const;

type Direction = 'upgrade' | 'downgrade';

/**
 * What these sentences read of a revision (`Revision` of revisions/chain.ts) and of a ledger row
 * (`AppliedView` of revisions/ledger.ts): their shapes, declared here so that render/ needs
 * nothing above it.
 */
export interface RevisionView {
  readonly revision: string;
  readonly parents: readonly string[];
  readonly created: string;
  readonly message: string;
  readonly fileName: string;
  readonly upgrade: readonly Step[];
  readonly downgrade: readonly Step[];
  /** Written by hand (`schema revision`). */
  readonly handWritten?: boolean;
  /** Hand-written with no downgrade SQL: it cannot be undone. */
  readonly irreversible?: boolean;
}

export interface AppliedView {
  readonly revision: string;
  readonly file: string;
  readonly applied_at: string;
  readonly applied_by: string;
}

function hazardCodes(steps: readonly Step[]): string[] {
  return [...new Set(steps.flatMap((s) => s.hazards.map((h) => h.code)))];
}

export interface HistoryView {
  /** Newest first. */
  readonly revisions: readonly RevisionView[];
  readonly heads: ReadonlySet<string>;
  /** Null when no database was read. */
  readonly applied: ReadonlyMap<string, AppliedView> | null;
  readonly current: ReadonlySet<string>;
  /** How many revisions plans/ holds, and the range asked for (`-r`), to say why none are shown. */
  readonly chainSize: number;
  readonly range?: string | undefined;
}

/** One line a revision: id, created, message, the hazard codes of one direction (its upgrade unless told), and where it stands. */
export function revisionLine(r: RevisionView, c: ChalkInstance, tags: readonly string[] = [], direction: Direction = 'upgrade'): string {
  const codes = hazardCodes(direction === 'upgrade' ? r.upgrade : r.downgrade);
  const hazards = codes.length > 0 ? ' ' + c.red(`[${codes.join(', ')}]`) : '';
  const merge = r.parents.length > 1 ? c.dim(` (merges ${r.parents.join(', ')})`) : '';
  const hand = r.handWritten ? c.cyan(' (hand-written)') : '';
  const marks = tags.length > 0 ? ' ' + c.bold(`(${tags.join(', ')})`) : '';
  return `${c.yellow(r.revision)}  ${r.created}  ${visible(commentText(r.message)) || c.dim('(no message)')}${hazards}${hand}${merge}${marks}`;
}

export function renderHistory(view: HistoryView, c: ChalkInstance): string {
  if (view.revisions.length === 0) {
    return view.chainSize === 0 ? 'No revisions yet: `schema apply` writes the first one.\n' : `No revisions in the range ${view.range ?? ''} (${view.chainSize} revision${view.chainSize === 1 ? '' : 's'} in all).\n`;
  }
  const lines = view.revisions.map((r) => {
    const tags: string[] = [];
    if (view.heads.has(r.revision)) tags.push('head');
    if (view.current.has(r.revision)) tags.push('current');
    let state = '';
    const row = view.applied?.get(r.revision);
    if (view.applied) {
      state = row ? c.green('applied') + c.dim(` ${row.applied_at.slice(0, 19)} by ${row.applied_by}`) : c.yellow('not applied');
    }
    if (r.handWritten) {
      const editable = row ? 'fixed: this database applied it and holds it to its checksum' : 'editable until a database applies it';
      state = [state, c.cyan(`hand-written, ${editable}`), r.irreversible ? c.red('no downgrade SQL: `schema downgrade` stops before it') : ''].filter(Boolean).join(c.dim('; '));
    }
    if (state !== '') state = `\n      ${state}`;
    return `${view.applied ? (view.applied.has(r.revision) ? c.green('●') : c.yellow('○')) : '-'} ${revisionLine(r, c, tags)}${state}`;
  });
  return lines.join('\n') + '\n';
}

/** A step of a file as it can be printed on a terminal (see `visible`). */
const shown = (s: Step): Step => ({
  ...s,
  op: visible(s.op) as Step['op'],
  object: visible(s.object),
  sql: s.sql.map(visible),
  hazards: s.hazards.map((h) => ({ ...h, message: visible(h.message) })),
});

/**
 * What an upgrade or downgrade is about to run, for the person asked to consent: each
 * revision's line, then the steps of that direction with the SQL each runs and their hazards
 * (as the file declares them and as its statements carry them), as a plan shows them.
 */
export function renderReplay(revisions: readonly RevisionView[], direction: Direction, c: ChalkInstance): string {
  const out: string[] = [direction === 'upgrade' ? 'Revisions to apply, in order:' : 'Revisions to undo, newest first:'];
  for (const r of revisions) {
    const steps = direction === 'upgrade' ? r.upgrade : r.downgrade;
    out.push('', `  ${revisionLine(r, c, [], direction)}  ${c.dim(visible(r.fileName))}`);
    // With the SQL that will run: a step's heading and hazards are the file's own words.
    const body = steps.length === 0 ? [c.dim('  (no steps)')] : renderSteps(steps.map(shown), c, { sql: true });
    out.push(...body.map((l) => (l === '' ? l : `  ${l}`)));
  }
  // The files keep the hazards as written: any figure in them is the development database's.
  const counted = /\btoday\b|\be\.g\. /;
  if (revisions.some((r) => (direction === 'upgrade' ? r.upgrade : r.downgrade).some((s) => s.hazards.some((h) => counted.test(h.message))))) {
    out.push('', c.dim('Figures in these hazards (rows, examples, "today") were counted when each revision was written, on the database it was written against, not on this one.'));
  }
  return out.join('\n') + '\n';
}

/** Changes made outside this tool, one line each, as the steps that made them. */
/** Each change, with the statements that would make it from the recorded state: exactly what changed. */
function changeLines(changes: readonly Step[], c: ChalkInstance): string[] {
  return changes.flatMap((s) => {
    const kind = opKind(s.op);
    const colour = kind === 'add' ? c.green : kind === 'destroy' ? c.red : c.yellow;
    return [`  ${colour(SYMBOL[kind])} ${colour(s.op)} ${c.bold(s.object)}`, ...s.sql.flatMap((q) => `${q};`.split('\n')).map((l) => c.dim(`      ${l}`))];
  });
}

const changedSince = (since: AppliedView): string => `The database changed outside schema since revision ${since.revision} (${since.file}):`;

/** What changed outside this tool, as the steps that made it. */
export function renderDrift(since: AppliedView, changes: readonly Step[], c: ChalkInstance): string {
  if (changes.length === 0) return `${c.green('No drift.')} The database is as revision ${since.revision} (${since.file}) left it.\n`;
  const it = changes.length === 1 ? 'it' : 'them';
  return (
    [
      changedSince(since),
      '',
      ...changeLines(changes, c),
      '',
      `${changes.length} change${changes.length === 1 ? '' : 's'}. To keep ${it}, put ${it} in schema.yaml and apply: the revision records ${it} for the other databases, and nothing runs here. To undo ${it}, plan and apply with schema.yaml as it is: that runs here and records no revision.`,
    ].join('\n') + '\n'
  );
}

/**
 * `apply` on a database that changed outside schema since its last revision, before the plan that
 * runs here: the drift, and what the revision records (the change from the state at that revision
 * to schema.yaml, which the other databases replay), with its verification when it was proven.
 */
export function renderRevisionPlan(since: AppliedView, drift: readonly Step[], records: Plan, c: ChalkInstance): string {
  const out = [changedSince(since), '', ...changeLines(drift, c), ''];
  if (records.steps.length === 0) {
    out.push(`schema.yaml is the state at revision ${since.revision}, so there is no revision to record: the plan below only brings this database back to it.`);
  } else {
    out.push(
      `The revision records the change from the state at revision ${since.revision} to schema.yaml, which is what \`schema upgrade\` runs on every other database:`,
      '',
      ...renderSteps(records.steps, c),
      '',
      c.bold(summaryLine(records.summary)),
    );
    if (records.verification) {
      const [head, ...rest] = verificationLines(records.verification);
      out.push(records.verification.ok ? c.green(head!) : c.red.bold(head!), ...rest);
    }
  }
  out.push('', c.bold('What runs on this database, from it as it is (the changes above taken into account):'), '');
  return out.join('\n') + '\n';
}

/** A line for `plan` on a database that changed outside schema: the plan runs here, but is not what the revision records. */
export function driftedNote(since: string, drift: number, records: number): string {
  const changes = `${drift} change${drift === 1 ? '' : 's'}`;
  const revision =
    records === 0
      ? 'it records no revision, since schema.yaml is the state at that revision'
      : `its revision records the ${records} step${records === 1 ? '' : 's'} from the state at that revision to schema.yaml instead`;
  return `This database changed outside schema since revision ${since} (${changes}, see \`schema drift\`): \`schema apply\` runs this plan here, but ${revision}.`;
}

/**
 * A line for `plan` when the database is not where `apply` could start from: plans/ has
 * several heads, or revisions this database has not applied. Null when it is at head.
 */
export function behindNote(view: { readonly heads: readonly RevisionView[]; readonly pending: readonly RevisionView[] }, plansDir: string): string | null {
  if (view.heads.length > 1) {
    return `${plansDir} has ${view.heads.length} heads (${view.heads.map((h) => h.revision).join(', ')}): \`schema merge\` joins them; \`schema apply\` refuses until then.`;
  }
  if (view.pending.length === 0) return null;
  const n = view.pending.length;
  const last = view.pending[n - 1]!;
  return `${n} revision${n === 1 ? '' : 's'} in ${plansDir} ${n === 1 ? 'is' : 'are'} not applied to this database (up to ${last.revision}, ${last.fileName}): \`schema upgrade\` runs ${n === 1 ? 'it' : 'them'}, and \`schema apply\` refuses until then. This plan is from the database as it is now.`;
}
