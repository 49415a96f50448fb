// Plan -> text for a terminal, Terraform-like: `+` add, `-` destroy, `~` change, what a change
// alters before -> after, hazards in their own block with a legend, a summary line. Lines are
// wrapped at word boundaries to the width asked for (the terminal's; none for a library caller).
// Colour comes in as a chalk instance (tests pass none).
import type { ChalkInstance } from 'chalk';
import { certainFailures, CONSENT_HAZARDS, HAZARD_CODES, opKind, touchesNoRows, type Hazard, type HazardCode, type Plan, type Step } from '../plan/types.js';
import { executionLine, lockWords, summaryLine, unmanagedLine, unprovenLine, verificationLines } from './words.js';

const SYMBOL = { add: '+', destroy: '-', change: '~' } as const;

function colourFor(c: ChalkInstance, step: Step): (s: string) => string {
  const kind = opKind(step.op);
  return kind === 'add' ? c.green : kind === 'destroy' ? c.red : c.yellow;
}

function hazardTag(c: ChalkInstance, h: Hazard): string {
  return CONSENT_HAZARDS.includes(h.code) ? c.red.bold(h.code) : c.yellow(h.code);
}

export interface TextOptions {
  /** Print each step's SQL under it (default true). */
  readonly sql?: boolean;
  /** Wrap lines at word boundaries to this many columns (a terminal's width, 80 when not a terminal); no wrapping when absent. */
  readonly width?: number;
}

export interface StepsOptions extends TextOptions {
  /** Who needs consent, for the closing line ("Applying"); no such line when absent. */
  readonly action?: string;
  /** Say what the hazard codes present mean, after the hazards. */
  readonly legend?: boolean;
}

const LEGEND = `Legend: ${SYMBOL.add} add, ${SYMBOL.destroy} destroy, ${SYMBOL.change} change (before -> after)`;

/** What each hazard code means, in a few words, for the legend. */
const MEANING: Record<HazardCode, string> = {
  data_loss: 'deletes rows or values for good; needs consent',
  lossy_type_change: 'a conversion that can fail on values or change them; needs consent',
  may_fail: "fails if data is in the way (the figure is counted in today's rows)",
  table_rewrite: 'rewrites the whole table under a lock',
  blocking: 'holds a lock that makes reads or writes wait',
  irreversible: 'the downgrade cannot bring back what this step changes',
};

const ANSI = /\u001b\[[0-9;]*m/g;
const visibleLength = (s: string): number => [...s.replace(ANSI, '')].length;

/** The width to wrap at for an output stream: a terminal's own, 80 when it is not one. */
export const terminalWidth = (stream: { readonly isTTY?: boolean; readonly columns?: number }): number => (stream.isTTY && stream.columns && stream.columns > 20 ? stream.columns : 80);

/**
 * `line` cut at spaces into lines of at most `width` visible columns, the later ones starting
 * with `indent`. A word longer than the width (a long name) stays whole on a line of its own.
 */
export function wrapLine(line: string, width: number | undefined, indent: string): string[] {
  if (width === undefined || visibleLength(line) <= width) return [line];
  const words = line.split(' ');
  const out: string[] = [];
  let current = words[0]!;
  for (const word of words.slice(1)) {
    const next = `${current} ${word}`;
    if (word !== '' && current.trim() !== '' && visibleLength(next) > width) {
      out.push(current.trimEnd());
      current = indent + word;
    } else current = next;
  }
  out.push(current);
  return out;
}

/**
 * Steps as a numbered list, then their hazards with their messages: the body of a plan, and of
 * one direction of a revision. Lines, without a trailing newline.
 */
export function renderSteps(steps: readonly Step[], c: ChalkInstance, options: StepsOptions = {}): string[] {
  const out: string[] = [];
  const push = (line: string, indent: number): void => {
    out.push(...wrapLine(line, options.width, ' '.repeat(indent)));
  };
  steps.forEach((step, i) => {
    const colour = colourFor(c, step);
    const tags = step.hazards.length > 0 ? '  ' + [...new Set(step.hazards.map((h) => h.code))].map((code) => hazardTag(c, { code, message: '' })).join(' ') : '';
    const lock = lockWords(step);
    push(`  ${colour(SYMBOL[opKind(step.op)])} ${String(i + 1).padStart(2)}. ${colour(step.op)} ${c.bold(step.object)}${tags}${lock ? c.dim(`  (lock: ${lock})`) : ''}`, 8);
    for (const v of step.changes ?? []) push(`        ${colour('~')} ${v.field}: ${v.from} ${c.bold('->')} ${v.to}`, 12);
    if (options.sql !== false) {
      for (const statement of step.sql)
        out.push(
          c.dim(
            statement
              .split('\n')
              .map((l) => `        ${l}`)
              .join('\n') + ';',
          ),
        );
    }
  });
  const hazards = steps.flatMap((step, i) => step.hazards.map((h) => ({ step, i, h })));
  if (hazards.length === 0 && options.legend && steps.length > 0) {
    out.push('');
    push(c.dim(`  ${LEGEND}.`), 4);
  }
  if (hazards.length > 0) {
    out.push('', c.bold('Hazards:'));
    const width = Math.max(...hazards.map(({ h }) => h.code.length));
    for (const { step, i, h } of hazards) {
      const mark = CONSENT_HAZARDS.includes(h.code) ? c.red.bold('!') : c.yellow('!');
      push(`  ${mark} ${hazardTag(c, h)}${' '.repeat(width - h.code.length)}  step ${i + 1} (${step.op} ${step.object}): ${h.message}`, Math.min(width + 6, 12));
    }
    if (options.legend) {
      const present = HAZARD_CODES.filter((code) => hazards.some(({ h }) => h.code === code));
      out.push('');
      push(c.dim(`  ${LEGEND}; ! hazard codes:`), 4);
      for (const code of present) push(c.dim(`    ${code}${' '.repeat(width - code.length)}  ${MEANING[code]}`), width + 6);
    }
    const failing = certainFailures(steps);
    if (failing.length > 0) {
      const numbers = [...new Set(failing.map((f) => f.index + 1))];
      const byData = failing.every((f) => f.hazard.rows !== undefined);
      out.push('');
      push(
        c.red.bold(
          `  ${numbers.length === 1 ? `Step ${numbers[0]} will fail` : `Steps ${numbers.join(', ')} will fail`}${byData ? " on today's data: apply will not start until the data is fixed." : `: apply will not start ${numbers.length === 1 ? 'it' : 'them'}.`}`,
        ),
        4,
      );
    }
    const consent = CONSENT_HAZARDS.filter((code) => hazards.some(({ h }) => h.code === code && !touchesNoRows(h)));
    const waived = CONSENT_HAZARDS.filter((code) => !consent.includes(code) && hazards.some(({ h }) => h.code === code));
    if (options.action && (consent.length > 0 || waived.length > 0)) out.push('');
    if (consent.length > 0 && options.action) {
      push(c.red(`  ${options.action} needs consent for: ${consent.join(', ')} (confirm when asked, or --allow-hazards ${consent.join(',')}).`), 4);
    }
    if (waived.length > 0 && options.action) {
      push(c.dim(`  ${options.action} needs no consent for ${waived.join(', ')}: it touches 0 rows here (counted again when it runs).`), 4);
    }
  }
  return out;
}

/** The plan as a person reads it in a terminal. */
export function renderText(plan: Plan, c: ChalkInstance, options: TextOptions = {}): string {
  const out: string[] = [];
  const unmanaged = unmanagedLine(plan.unmanaged);
  if (plan.steps.length === 0) {
    out.push(c.green.bold('No changes.') + ' The database matches the schema.');
    if (unmanaged) out.push(c.dim(unmanaged));
    out.push(...verificationText(plan, c));
    return out.join('\n') + '\n';
  }
  const wrapped = (line: string): string[] => wrapLine(line, options.width, '  ');
  out.push('The plan, in the order it runs:', '', ...renderSteps(plan.steps, c, { ...options, action: 'Applying', legend: true }));
  out.push('', ...wrapped(c.bold(summaryLine(plan.summary))));
  // These lines name a target or a reason that tools look for whole: not wrapped.
  if (unmanaged) out.push(c.dim(unmanaged));
  const execution = executionLine(plan.execution);
  if (execution) out.push(c.yellow(execution));
  out.push(...verificationText(plan, c));
  return out.join('\n') + '\n';
}

/** The proof's lines, when the plan was verified (an empty plan too: the copy may fail). */
function verificationText(plan: Plan, c: ChalkInstance): string[] {
  if (!plan.verification) return [];
  const unproven = unprovenLine(plan.verification);
  const [head, ...rest] = verificationLines(plan.verification);
  return [plan.verification.ok ? c.green(head!) : c.red.bold(head!), ...rest.map((l) => (l === unproven ? c.yellow(l) : c.red(l)))];
}
