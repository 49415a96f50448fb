// Plan -> text for a terminal, Terraform-like: `+` add, `-` destroy, `~` change, hazards in
// their own block, a summary line. Colour comes in as a chalk instance (tests pass none).
import type { ChalkInstance } from 'chalk';
import { certainFailures, CONSENT_HAZARDS, opKind, type Hazard, type Plan, type Step } from '../plan/types.js';
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
}

export interface StepsOptions extends TextOptions {
  /** Who needs consent, for the closing line ("Applying"); no such line when absent. */
  readonly action?: string;
}

/**
 * Steps as a numbered list, then their hazards with their messages: the body of a plan, and of
 * one direction of a revision. Lines, without a trailing newline.
 */
export function renderSteps(steps: readonly Step[], c: ChalkInstance, options: StepsOptions = {}): string[] {
  const out: string[] = [];
  steps.forEach((step, i) => {
    const colour = colourFor(c, step);
    const tags = step.hazards.length > 0 ? '  ' + [...new Set(step.hazards.map((h) => h.code))].map((code) => hazardTag(c, { code, message: '' })).join(' ') : '';
    const lock = lockWords(step);
    out.push(`  ${colour(SYMBOL[opKind(step.op)])} ${String(i + 1).padStart(2)}. ${colour(step.op)} ${c.bold(step.object)}${tags}${lock ? c.dim(`  (lock: ${lock})`) : ''}`);
    if (options.sql !== false) {
      for (const statement of step.sql) out.push(c.dim(statement.split('\n').map((l) => `        ${l}`).join('\n') + ';'));
    }
  });
  const hazards = steps.flatMap((step, i) => step.hazards.map((h) => ({ step, i, h })));
  if (hazards.length > 0) {
    out.push('', c.bold('Hazards:'));
    const width = Math.max(...hazards.map(({ h }) => h.code.length));
    for (const { step, i, h } of hazards) {
      const mark = CONSENT_HAZARDS.includes(h.code) ? c.red.bold('!') : c.yellow('!');
      out.push(`  ${mark} ${hazardTag(c, h)}${' '.repeat(width - h.code.length)}  step ${i + 1} (${step.op} ${step.object}): ${h.message}`);
    }
    const failing = certainFailures(steps);
    if (failing.length > 0) {
      const numbers = [...new Set(failing.map((f) => f.index + 1))];
      const byData = failing.every((f) => f.hazard.rows !== undefined);
      out.push('', c.red.bold(`  ${numbers.length === 1 ? `Step ${numbers[0]} will fail` : `Steps ${numbers.join(', ')} will fail`}${byData ? " on today's data: apply will not start until the data is fixed." : `: apply will not start ${numbers.length === 1 ? 'it' : 'them'}.`}`));
    }
    const consent = CONSENT_HAZARDS.filter((code) => hazards.some(({ h }) => h.code === code));
    if (consent.length > 0 && options.action) {
      out.push('', c.red(`  ${options.action} needs consent for: ${consent.join(', ')} (confirm when asked, or --allow-hazards ${consent.join(',')}).`));
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
  out.push('The plan, in the order it runs:', '', ...renderSteps(plan.steps, c, { ...options, action: 'Applying' }));
  out.push('', c.bold(summaryLine(plan.summary)));
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
