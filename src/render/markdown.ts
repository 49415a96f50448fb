// Plan -> a pull-request comment: a one-line summary, hazards first and impossible to miss,
// the steps as a table, the SQL in a collapsible block. No ANSI codes.
import { DISPLAY_LITERAL } from '../model/identifiers.js';
import { certainFailures, CONSENT_HAZARDS, opKind, type Plan } from '../plan/types.js';
import { renderSql, type SqlGroup } from './sql.js';
import { executionLine, lockWords, summaryLine, unmanagedLine, unprovenLine, verificationLines } from './words.js';

const SYMBOL = { add: '+', destroy: '-', change: '~' } as const;

/** Text safe in a table cell. */
const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
/** Text safe in an inline code span, whatever backticks it holds. */
function code(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  return fence + (longest > 0 ? ` ${text} ` : text) + fence;
}

/** An example value in a hazard's message, as the data checks write it: "e.g. 'x'" (maybe cut short, "'x'..."). */
const EXAMPLE = new RegExp(`(?<=e\\.g\\. )${DISPLAY_LITERAL}`, 'g');

/** A hazard's message for a list item: its example values in code spans, so no value renders as markdown or HTML. */
function messageText(message: string): string {
  let out = '';
  let at = 0;
  for (const m of message.matchAll(EXAMPLE)) {
    out += cell(message.slice(at, m.index)) + code(m[0]);
    at = m.index + m[0].length;
  }
  return out + cell(message.slice(at));
}

/** A failed proof, first and impossible to miss; nothing otherwise. */
function failedProof(plan: Plan): string[] {
  if (!plan.verification || plan.verification.ok) return [];
  const [head, ...rest] = verificationLines(plan.verification);
  return ['> [!CAUTION]', `> **${head}**`, ...rest.map((l) => `> ${l.trim()}`), ''];
}

/** A proof that passed, and what it did not cover; nothing otherwise. */
function provenLines(plan: Plan): string[] {
  if (!plan.verification?.ok) return [];
  const unproven = unprovenLine(plan.verification);
  return ['', `✅ ${verificationLines(plan.verification)[0]}`, ...(unproven ? ['', `⚠️ ${unproven}`] : [])];
}

/** `groups`: the transactions apply would run the plan in, for its SQL block (see `renderSql`). */
export function renderMarkdown(plan: Plan, groups?: readonly SqlGroup[]): string {
  const out: string[] = [];
  if (plan.steps.length === 0) {
    out.push('### schema plan: no changes', '', ...failedProof(plan), 'The database matches the schema.', ...provenLines(plan));
    const unmanaged = unmanagedLine(plan.unmanaged);
    if (unmanaged) out.push('', `_${unmanaged}_`);
    return out.join('\n') + '\n';
  }
  out.push(`### schema plan: ${summaryLine(plan.summary).replace(/^Plan: /, '')}`, '');
  const hazards = plan.steps.flatMap((step, i) => step.hazards.map((h) => ({ step, i, h })));
  const consent = CONSENT_HAZARDS.filter((c) => hazards.some(({ h }) => h.code === c));
  out.push(...failedProof(plan));
  const execution = executionLine(plan.execution);
  if (execution) out.push('> [!IMPORTANT]', `> ${execution}`, '');
  const certain = certainFailures(plan.steps);
  const failing = [...new Set(certain.map((f) => f.index + 1))];
  if (failing.length > 0) {
    // A figure means the data is in the way; without one, the change itself cannot run.
    const byData = certain.every((f) => f.hazard.rows !== undefined);
    const which = failing.length === 1 ? `Step ${failing[0]} fails` : `Steps ${failing.join(', ')} fail`;
    out.push('> [!CAUTION]', byData ? `> **${which} on today's data.** Apply will not start until the data is fixed.` : `> **${which}.** Apply will not start ${failing.length === 1 ? 'it' : 'them'}: see the hazards below.`, '');
  }
  if (consent.length > 0) {
    out.push('> [!CAUTION]', `> **This plan needs consent to apply: ${consent.join(', ')}.** It can destroy or alter stored data.`, '');
  } else if (hazards.length > 0) {
    out.push('> [!WARNING]', '> This plan has hazards; none needs consent.', '');
  }
  if (hazards.length > 0) {
    out.push('#### Hazards', '');
    for (const { step, i, h } of hazards) {
      const mark = CONSENT_HAZARDS.includes(h.code) ? '🛑' : '⚠️';
      out.push(`- ${mark} **${h.code}** in step ${i + 1} (${step.op} ${code(step.object)}): ${messageText(h.message)}`);
    }
    out.push('');
  }
  out.push('#### Steps', '', '| # | | op | object | hazards | lock |', '|---:|:---:|---|---|---|---|');
  plan.steps.forEach((step, i) => {
    const codes = [...new Set(step.hazards.map((h) => h.code))].map((c) => `\`${c}\``).join(' ');
    out.push(`| ${i + 1} | ${SYMBOL[opKind(step.op)]} | ${step.op} | ${cell(code(step.object))} | ${codes} | ${lockWords(step)} |`);
  });
  out.push('', `**${summaryLine(plan.summary)}**`);
  out.push(...provenLines(plan));
  const unmanaged = unmanagedLine(plan.unmanaged);
  if (unmanaged) out.push('', `_${unmanaged}_`);
  const statements = plan.steps.reduce((n, s) => n + s.sql.length, 0);
  const fence = '`'.repeat(Math.max(3, ...(renderSql(plan, undefined, groups).match(/`{3,}/g) ?? []).map((r) => r.length + 1)));
  out.push('', `<details><summary>SQL (${statements} statement${statements === 1 ? '' : 's'})</summary>`, '', `${fence}sql`, renderSql(plan, undefined, groups).trimEnd(), fence, '', '</details>');
  return out.join('\n') + '\n';
}
