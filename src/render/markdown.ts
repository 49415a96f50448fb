// Plan -> a pull-request comment: a one-line summary, where and when it was planned, hazards
// first and grouped by what they do, the steps as a table, the way back in one paragraph, the
// SQL in a collapsible block. No ANSI codes. It fits in one GitHub comment: what does not fit
// (the SQL, then steps of the table) is left out, with a count and where to find it.
import { DISPLAY_LITERAL } from '../model/identifiers.js';
import { certainFailures, CONSENT_HAZARDS, opKind, summarize, type Hazard, type Plan, type Step } from '../plan/types.js';
import { renderSql, type SqlGroup } from './sql.js';
import { executionLine, lockWords, summaryLine, unmanagedLine, unprovenLine, verificationLines } from './words.js';

const SYMBOL = { add: '+', destroy: '-', change: '~' } as const;

/**
 * Text from the file or the database, inert as markdown: HTML and markdown punctuation escaped,
 * line breaks and table bars kept out, and what GitHub would turn into a link or a notification
 * even when escaped (an @mention, a #reference, a bare address) put in a code span, where
 * nothing renders.
 */
export function inert(text: string): string {
  return inCodeSpans(text, /(@[\w-]+|#\d+|\b[a-z][a-z0-9+.-]*:\/\/\S+|\bwww\.\S+)/gi, escapeText);
}

/** `text` with each match of `pattern` in a code span, and `between` made of the text around them. */
function inCodeSpans(text: string, pattern: RegExp, between: (text: string) => string): string {
  let out = '';
  let at = 0;
  for (const m of text.matchAll(pattern)) {
    out += between(text.slice(at, m.index)) + code(m[0]);
    at = m.index + m[0].length;
  }
  return out + between(text.slice(at));
}

/** Markdown and HTML punctuation escaped, on one line: emphasis, code, links and images, tables, strikethrough, tags and entities. */
const escapeText = (text: string): string => text.replace(/\r?\n/g, ' ').replace(/[\\`*_[\]|~<>&]/g, (c) => (c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '&' ? '&amp;' : `\\${c}`));

/** Text safe in a list item or a table cell. */
const cell = inert;
/** A code span in a table cell: GFM splits rows at `|` before it reads code spans. */
const cellCode = (text: string): string => code(text).replace(/\|/g, '\\|');
/** Text safe in an inline code span, whatever backticks it holds (on one line). */
function code(text: string): string {
  const flat = text.replace(/\r?\n/g, ' ');
  const longest = Math.max(0, ...(flat.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  return fence + (longest > 0 ? ` ${flat} ` : flat) + fence;
}

/** An example value in a hazard's message, as the data checks write it: ", e.g. 'x'" (maybe "about 'x'", maybe cut short, "'x'..."). */
const EXAMPLE = new RegExp(`(?<=e\\.g\\. (?:about )?)${DISPLAY_LITERAL}`, 'g');
const EXAMPLE_CLAUSE = new RegExp(`, e\\.g\\. (?:about )?${DISPLAY_LITERAL}(?:\\.\\.\\.)?`, 'g');

/** The plan without the rows' values: every hazard's example, in its data and in its words (the SQL's comments too). */
function withoutExamples(plan: Plan): Plan {
  const hazards = (steps: readonly Step[]): Step[] =>
    steps.map((step) => ({
      ...step,
      hazards: step.hazards.map(({ example: _example, ...h }) => ({ ...h, message: h.message.replace(EXAMPLE_CLAUSE, '') })),
    }));
  return { ...plan, steps: hazards(plan.steps), downgrade: hazards(plan.downgrade) };
}

/** A hazard's message for a list item: its example values in code spans, so no value renders as markdown or HTML. */
function messageText(message: string): string {
  return inCodeSpans(message, EXAMPLE, cell);
}

/** A failed proof, first and impossible to miss; nothing otherwise. */
function failedProof(plan: Plan): string[] {
  if (!plan.verification || plan.verification.ok) return [];
  const [head, ...rest] = verificationLines(plan.verification);
  return ['> [!CAUTION]', `> **${inert(head ?? '')}**`, ...rest.map((l) => `> ${inert(l.trim())}`), ''];
}

/** A proof that passed, and what it did not cover; nothing otherwise. */
function provenLines(plan: Plan): string[] {
  if (!plan.verification?.ok) return [];
  const unproven = unprovenLine(plan.verification);
  // The tool's own words and where it proved the plan (from --url, not the file).
  return ['', `✅ ${verificationLines(plan.verification)[0] ?? ''}`, ...(unproven ? ['', `⚠️ ${unproven}`] : [])];
}

/** GitHub's limit on the body of a comment, in characters. */
export const COMMENT_LIMIT = 65_536;

/** Where the whole plan is when the comment cannot hold it. */
const REST = 'the whole plan is in the job log (`schema plan --format text`; the SQL: `schema plan --format sql`).';

/** Where and when a plan was made, for the head of a comment. */
export interface PlanContext {
  /** The database, for people: `user@host:5432/app` or the embedded one; never a password. */
  readonly where: string;
  readonly at: Date;
  /** The folder of revision files, and the ids of its heads (none before the first revision). */
  readonly plansDir: string;
  readonly heads: readonly string[];
  /** The key of the comment's hidden marker: one comment per database and schema file. */
  readonly marker?: string;
}

export interface MarkdownOptions {
  /** Show example values from the rows in hazards (off: a pull-request comment may be public). */
  readonly examples?: boolean;
  /** The most characters the markdown may have (default COMMENT_LIMIT). Counted in UTF-16 units, never fewer than GitHub counts. */
  readonly maxChars?: number;
  /** Where, when and against which revisions it was planned. */
  readonly context?: PlanContext;
  /** Markdown (already inert) put first, after the hidden marker line, and counted within `maxChars`. */
  readonly preface?: string;
}

/** The key of a marker as it can stand in an HTML comment on one line: no `--`, no spaces. */
export function markerKey(key: string): string {
  return key
    .replace(/[^\w.:/@+=-]/g, '_')
    .replace(/-{2,}/g, '-')
    .slice(0, 200);
}

/** The hidden first line that finds a comment again. */
export function markerLine(key: string): string {
  return `<!-- schema-plan: ${markerKey(key)} -->`;
}

/** A marker line at the start of `body`: its key, or null. */
export function markerOf(body: string): string | null {
  return /^<!-- schema-plan: (\S+) -->\r?\n/.exec(body)?.[1] ?? null;
}

/** "2026-12-06 12:48 UTC" */
const utc = (at: Date): string => `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/** The marker and the line saying where, when and against which revisions; nothing without a context. */
function contextLines(context: PlanContext | undefined): { marker: string[]; where: string[] } {
  if (!context) return { marker: [], where: [] };
  const heads = context.heads.map(code);
  const revisions = heads.length === 0 ? 'no revision yet' : heads.length === 1 ? `head ${heads[0]}` : `heads ${heads.join(', ')} (two branches: \`schema merge\`)`;
  return {
    marker: context.marker ? [markerLine(context.marker)] : [],
    where: [`<sub>Planned on ${code(context.where)} at ${utc(context.at)}; ${code(context.plansDir)} is at ${revisions}.</sub>`, ''],
  };
}

/** The groups hazards are listed in, worst first; a hazard goes in the first group it matches. */
const SEVERITIES: ReadonlyArray<{ readonly title: string; readonly has: (h: Hazard) => boolean }> = [
  { title: "Fails on today's data", has: (h) => h.fails === true },
  { title: 'Loses or alters stored data, needs consent', has: (h) => CONSENT_HAZARDS.includes(h.code) },
  { title: 'May fail', has: (h) => h.code === 'may_fail' },
  { title: 'Blocks reads or writes, or rewrites a table', has: (h) => h.code === 'blocking' || h.code === 'table_rewrite' },
  { title: 'Cannot be undone by the downgrade', has: (h) => h.code === 'irreversible' },
  // Every code has its group above; a code added later is still listed.
  { title: 'Other hazards', has: () => true },
];

interface Listed {
  readonly step: Step;
  readonly i: number;
  readonly h: Hazard;
}

/** The hazards by severity, each group in step order: a heading, then one item per hazard (`short`: without the message). */
function hazardLines(hazards: readonly Listed[], short: boolean): string[] {
  const groups = SEVERITIES.map((s) => ({ title: s.title, items: [] as Listed[] }));
  for (const listed of hazards) groups[SEVERITIES.findIndex((s) => s.has(listed.h))]!.items.push(listed);
  return groups
    .filter((g) => g.items.length > 0)
    .flatMap((g) => [
      `##### ${g.title} (${g.items.length})`,
      '',
      ...g.items.map(({ step, i, h }) => {
        const item = `- ${CONSENT_HAZARDS.includes(h.code) || h.fails ? '🛑' : '⚠️'} **${h.code}** in step ${i + 1} (${step.op} ${code(step.object)})`;
        if (!short) return `${item}: ${messageText(h.message)}`;
        return h.rows === undefined ? item : `${item}: ${h.estimated ? 'about ' : ''}${h.rows} row${h.rows === 1 ? '' : 's'}`;
      }),
      '',
    ]);
}

/** The way back in one paragraph: its size, its hazards, and where it loses data. */
function downgradeLines(steps: readonly Step[]): string[] {
  if (steps.length === 0) return ['#### Downgrade', '', 'The way back has no steps.'];
  const summary = summaryLine(summarize(steps)).replace(/^Plan: /, '');
  const codes = [...new Set(steps.flatMap((s) => s.hazards.map((h) => h.code)))];
  const count = (c: string): number => steps.filter((s) => s.hazards.some((h) => h.code === c)).length;
  const hazards = codes.length === 0 ? 'It has no hazards.' : `Its hazards: ${codes.map((c) => `\`${c}\` in ${count(c)} step${count(c) === 1 ? '' : 's'}`).join(', ')}.`;
  const losing = steps.filter((s) => s.hazards.some((h) => h.code === 'data_loss')).map((s) => code(s.object));
  const shown = losing.slice(0, 5).join(', ') + (losing.length > 5 ? ` and ${losing.length - 5} more` : '');
  const loses = losing.length === 0 ? '' : ` It drops what is stored by then in ${shown}.`;
  return ['#### Downgrade', '', `The way back (\`schema downgrade\` after this is applied): ${steps.length} step${steps.length === 1 ? '' : 's'}, ${summary} ${hazards}${loses}`];
}

/** How much of the plan a rendering holds: the SQL or not, how many rows of the steps table, the hazards whole or short (or only the first so many short items). */
interface Shape {
  readonly sql: boolean;
  readonly rows: number;
  readonly hazards: 'full' | 'short' | number;
}

/** `groups`: the transactions apply would run the plan in, for its SQL block (see `renderSql`). */
export function renderMarkdown(given: Plan, groups?: readonly SqlGroup[], options: MarkdownOptions = {}): string {
  const plan = options.examples === true ? given : withoutExamples(given);
  const max = options.maxChars ?? COMMENT_LIMIT;
  const { marker, where } = contextLines(options.context);
  const head = [...marker, ...(options.preface ? [options.preface.replace(/\n$/, '')] : [])];
  if (plan.steps.length === 0) {
    const out = [...head, '### schema plan: no changes', '', ...where, ...failedProof(plan), 'The database matches the schema.', ...provenLines(plan)];
    const unmanaged = unmanagedLine(plan.unmanaged);
    if (unmanaged) out.push('', `_${inert(unmanaged)}_`);
    return fitted(out.join('\n') + '\n', max);
  }
  const top = [...head, `### schema plan: ${summaryLine(plan.summary).replace(/^Plan: /, '')}`, '', ...where, ...warnings(plan)];
  const hazards = plan.steps.flatMap((step, i) => step.hazards.map((h) => ({ step, i, h })));
  const full = hazardLines(hazards, false);
  const short = hazardLines(hazards, true);
  const rows = plan.steps.map((step, i) => {
    const codes = [...new Set(step.hazards.map((h) => h.code))].map((c) => `\`${c}\``).join(' ');
    return `| ${i + 1} | ${SYMBOL[opKind(step.op)]} | ${step.op} | ${cellCode(step.object)} | ${codes} | ${lockWords(step)} |`;
  });
  const after = [`**${summaryLine(plan.summary)}**`, ...provenLines(plan)];
  const unmanaged = unmanagedLine(plan.unmanaged);
  if (unmanaged) after.push('', `_${inert(unmanaged)}_`);
  after.push('', ...downgradeLines(plan.downgrade));
  const statements = plan.steps.reduce((n, s) => n + s.sql.length, 0);
  const said = `${statements} statement${statements === 1 ? '' : 's'}`;
  const script = renderSql(plan, undefined, groups).trimEnd();
  const fence = '`'.repeat(Math.max(3, ...(script.match(/`{3,}/g) ?? []).map((r) => r.length + 1)));
  const sql = ['', `<details><summary>SQL (${said})</summary>`, '', `${fence}sql`, script, fence, '', '</details>'];

  const render = (shape: Shape): string => {
    const listed = shape.hazards === 'full' ? full : shape.hazards === 'short' ? short : cutHazards(short, shape.hazards, hazards.length);
    const out = [...top, ...(hazards.length > 0 ? ['#### Hazards', '', ...listed] : [])];
    out.push('#### Steps', '', '| # | | op | object | hazards | lock |', '|---:|:---:|---|---|---|---|', ...rows.slice(0, shape.rows));
    if (shape.rows < rows.length) out.push('', `_Steps ${shape.rows + 1} to ${rows.length} (${rows.length - shape.rows} more) are left out to fit a comment: ${REST}_`);
    out.push('', ...after);
    out.push(...(shape.sql ? sql : ['', `_The SQL (${said}) is left out to fit a comment: ${REST}_`]));
    return out.join('\n') + '\n';
  };
  const fits = (shape: Shape): boolean => render(shape).length <= max;
  const whole: Shape = { sql: true, rows: rows.length, hazards: 'full' };
  if (fits(whole)) return render(whole);
  // Without the SQL; then with fewer rows of the steps table; then with the hazards short; then with fewer of them.
  for (const hazardsAs of ['full', 'short'] as const) {
    const most = largest(rows.length, (n) => fits({ sql: false, rows: n, hazards: hazardsAs }));
    if (most !== null) return render({ sql: false, rows: most, hazards: hazardsAs });
  }
  const items = largest(hazards.length, (n) => fits({ sql: false, rows: 0, hazards: n }));
  return fitted(render({ sql: false, rows: 0, hazards: items ?? 0 }), max);
}

/** The cautions before the hazards: a failed proof, a plan that is not atomic, steps certain to fail, consent. */
function warnings(plan: Plan): string[] {
  const out = [...failedProof(plan)];
  const execution = executionLine(plan.execution);
  // The tool's own words (counts, its commands in code spans): nothing from the file.
  if (execution) out.push('> [!IMPORTANT]', `> ${execution}`, '');
  const certain = certainFailures(plan.steps);
  const failing = [...new Set(certain.map((f) => f.index + 1))];
  if (failing.length > 0) {
    // A figure means the data is in the way; without one, the change itself cannot run.
    const byData = certain.every((f) => f.hazard.rows !== undefined);
    const which = failing.length === 1 ? `Step ${failing[0]} fails` : `Steps ${failing.join(', ')} fail`;
    out.push(
      '> [!CAUTION]',
      byData ? `> **${which} on today's data.** Apply will not start until the data is fixed.` : `> **${which}.** Apply will not start ${failing.length === 1 ? 'it' : 'them'}: see the hazards below.`,
      '',
    );
  }
  const consent = CONSENT_HAZARDS.filter((c) => plan.steps.some((s) => s.hazards.some((h) => h.code === c)));
  if (consent.length > 0) {
    out.push('> [!CAUTION]', `> **This plan needs consent to apply: ${consent.join(', ')}.** It can destroy or alter stored data.`, '');
  } else if (plan.steps.some((s) => s.hazards.length > 0)) {
    out.push('> [!WARNING]', '> This plan has hazards; none needs consent.', '');
  }
  return out;
}

/** The first `n` items of the short hazard list (with their group headings), and how many are left out. */
function cutHazards(short: readonly string[], n: number, total: number): string[] {
  if (n >= total) return [...short];
  const out: string[] = [];
  let items = 0;
  for (const line of short) {
    if (line.startsWith('- ') && items++ >= n) continue;
    out.push(line);
  }
  return [...out, `_${total - n} more hazard${total - n === 1 ? '' : 's'} left out to fit a comment: ${REST}_`, ''];
}

/** The largest n in 0..most for which `ok(n)` holds (ok grows false as n grows), or null when not even 0. */
function largest(most: number, ok: (n: number) => boolean): number | null {
  if (!ok(0)) return null;
  let [lo, hi] = [0, most];
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (ok(mid)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Last resort, when even the shortest form is too long: cut at a line, and say so. */
function fitted(text: string, max: number): string {
  if (text.length <= max) return text;
  const note = `\n\n_Cut to fit a comment: ${REST}_\n`;
  const at = text.lastIndexOf('\n', Math.max(0, max - note.length));
  return text.slice(0, Math.max(0, at)) + note;
}
