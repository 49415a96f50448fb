// The pull-request comment fits in one GitHub comment (65,536 characters): plans of 150 tables
// and more, generated here, render under the limit with every hazard present, the steps table
// cut with a count of what was left out, and a line saying where the rest is. Pure: the plans
// are built from hand-made Models, as in test/render.test.ts.
import { describe, expect, it } from 'vitest';
import '../../src/model/identifiers.js'; // loads the parser
import { noHints } from '../../src/model/hints.js';
import type { Model, Table } from '../../src/model/model.js';
import { buildPlan } from '../../src/plan/plan.js';
import type { Plan } from '../../src/plan/types.js';
import { COMMENT_LIMIT, renderMarkdown } from '../../src/render/markdown.js';
import { column } from '../support/models.js';

/** A table of a shop-like schema: an identity key, a dozen columns, four indexes, a check and a key to the table before it. */
function table(i: number, changed = false): Table {
  const name = `table_number_${String(i).padStart(3, '0')}`;
  const columns = [
    column('id', 'bigint', { nullable: false, identity: 'always' }),
    column('owner_id', 'bigint', { nullable: !changed }),
    column('title', changed ? 'character varying(40)' : 'text', { nullable: false }),
    column('amount', changed ? 'integer' : 'bigint'),
    column('created_at', 'timestamp with time zone', { nullable: false, default: 'now()' }),
    ...['description', 'status_text', 'external_reference', 'notes_for_support', 'country_code', 'currency', 'tags_text'].map((c) => column(c, 'text')),
  ];
  return {
    kind: 'table',
    schema: 'public',
    name,
    columns: changed ? columns.filter((c) => c.name !== 'notes_for_support') : columns,
    primaryKey: { kind: 'primary_key', name: `${name}_pkey`, columns: ['id'] },
    uniques: {},
    checks: { [`${name}_amount_check`]: { kind: 'check', name: `${name}_amount_check`, definition: 'CHECK ((amount >= 0))' } },
    indexes: Object.fromEntries(
      ['owner_id', 'created_at', 'status_text', 'external_reference'].map((c) => [
        `${name}_${c}_idx`,
        { kind: 'index', name: `${name}_${c}_idx`, unique: false, method: 'btree', keys: [{ column: c, expression: null, descending: false, nullsFirst: false }], include: [], where: null },
      ]),
    ),
    foreignKeys:
      i === 0
        ? {}
        : {
            [`${name}_owner_id_fkey`]: {
              kind: 'foreign_key',
              name: `${name}_owner_id_fkey`,
              columns: ['owner_id'],
              references: { schema: 'public', table: `table_number_${String(i - 1).padStart(3, '0')}`, columns: ['id'] },
              onDelete: 'cascade',
              onUpdate: 'no action',
              match: 'simple',
              deferrable: false,
              initiallyDeferred: false,
            },
          },
    comment: null,
  };
}

const model = (tables: Table[]): Model => ({ schemas: ['public'], enums: {}, tables: Object.fromEntries(tables.map((t) => [`${t.schema}.${t.name}`, t])) });
const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, k) => from + k);

/** 150 tables planned on an empty database. */
const initial: Plan = buildPlan({ current: model([]), desired: model(range(0, 150).map((i) => table(i))), hints: noHints });

/**
 * 150 new tables, and `changed` tables of today altered: a column dropped, a type narrowed,
 * SET NOT NULL; and `dropped` tables dropped. Figures as the data checks would put them: some
 * steps certain to fail.
 */
function mixed(changed: number, dropped: number): Plan {
  const today = range(1000, 1000 + changed + dropped).map((i) => table(i));
  const desired = [...range(0, 150).map((i) => table(i)), ...range(1000, 1000 + changed).map((i) => table(i, true))];
  const plan = buildPlan({ current: model(today), desired: model(desired), hints: noHints });
  const measured = (step: Plan['steps'][number], i: number) => ({
    ...step,
    hazards: step.hazards.map((h) => (h.code === 'may_fail' ? { ...h, rows: (i % 2) * 2, fails: i % 2 === 1 } : h.code === 'data_loss' ? { ...h, rows: 40 + i } : h)),
  });
  return { ...plan, steps: plan.steps.map(measured) };
}

/** Every hazard of the plan, as the comment lists it: its code, its step, its object. */
function hazardItems(plan: Plan): string[] {
  return plan.steps.flatMap((step, i) => step.hazards.map((h) => `**${h.code}** in step ${i + 1} (${step.op} \`${step.object}\`)`));
}

function expectEveryHazard(md: string, plan: Plan): void {
  const items = hazardItems(plan);
  const missing = items.filter((item) => !md.includes(item));
  expect(missing, `${missing.length} of ${items.length} hazards missing`).toEqual([]);
}

/** What the comment says it left out of the steps table: the first step left out and how many. */
function leftOut(md: string): { from: number; count: number } | null {
  const m = /_Steps (\d+) to (\d+) \((\d+) more\) are left out to fit a comment: the whole plan is in the job log \(`schema plan --format text`; the SQL: `schema plan --format sql`\)\._/.exec(md);
  return m ? { from: Number(m[1]), count: Number(m[3]) } : null;
}

const tableRows = (md: string): number => md.split('\n').filter((l) => /^\| \d+ \| [-+~] \|/.test(l)).length;

describe('markdown fits one GitHub comment', () => {
  it('a 150-table initial plan: under 65,536 characters, the steps table cut with a count, the SQL left out with where it is', () => {
    expect(initial.steps.length).toBeGreaterThan(500);
    // Whole, it would not fit: this is the case the limit is for.
    expect(renderMarkdown(initial, undefined, { maxChars: 10_000_000 }).length).toBeGreaterThan(COMMENT_LIMIT);
    const md = renderMarkdown(initial);
    expect(md.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(md.startsWith(`### schema plan: ${initial.summary.add} to add, 0 to change, 0 to destroy.\n`)).toBe(true);
    expect(md).not.toContain('```sql');
    expect(md).toContain(`_The SQL (${initial.steps.length} statements) is left out to fit a comment: the whole plan is in the job log`);
    const cut = leftOut(md);
    expect(cut).not.toBeNull();
    const shown = tableRows(md);
    expect(shown).toBeGreaterThan(100);
    expect(cut).toEqual({ from: shown + 1, count: initial.steps.length - shown });
    expectEveryHazard(md, initial);
    // The summary and the way back are there, after the table.
    expect(md).toContain(`**Plan: ${initial.summary.add} to add, 0 to change, 0 to destroy.**`);
    expect(md).toMatch(
      /#### Downgrade\n\nThe way back \(`schema downgrade` after this is applied\): \d+ steps, 0 to add, 0 to change, \d+ to destroy\. Its hazards: `data_loss` in 150 steps, `irreversible` in 150 steps\. It drops what is stored by then in (`public\.table_number_\d{3}`, ){4}`public\.table_number_\d{3}` and 145 more\.$/m,
    );
  });

  it('150 new tables, 30 changed and 8 dropped: every hazard whole, grouped by severity, worst first', () => {
    const plan = mixed(30, 8);
    const hazards = hazardItems(plan);
    expect(hazards.length).toBeGreaterThan(300);
    const md = renderMarkdown(plan);
    expect(md.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expectEveryHazard(md, plan);
    // Whole: each item carries its message.
    const step = plan.steps.findIndex((s) => s.hazards.some((h) => h.code === 'lossy_type_change'));
    const lossy = plan.steps[step]!.hazards.find((h) => h.code === 'lossy_type_change')!;
    expect(md).toContain(`- 🛑 **lossy_type_change** in step ${step + 1} (alter_column \`${plan.steps[step]!.object}\`): ${lossy.message.replace(/>/g, '&gt;')}`);
    const headings = [...md.matchAll(/^##### (.*) \((\d+)\)$/gm)].map((m) => m[1]);
    expect(headings).toEqual(["Fails on today's data", 'Loses or alters stored data, needs consent', 'May fail', 'Blocks reads or writes, or rewrites a table', 'Cannot be undone by the downgrade']);
    // Each group's count is its items, and the groups hold every hazard once.
    const counts = [...md.matchAll(/^##### .* \((\d+)\)$/gm)].reduce((n, m) => n + Number(m[1]), 0);
    expect(counts).toBe(hazards.length);
    const fails = md.slice(md.indexOf("##### Fails on today's data"), md.indexOf('##### Loses'));
    expect(
      fails
        .split('\n')
        .filter((l) => l.startsWith('- '))
        .every((l) => l.includes('**may_fail**')),
    ).toBe(true);
    expect(md.indexOf('#### Hazards')).toBeLessThan(md.indexOf('#### Steps'));
    const cut = leftOut(md);
    if (cut) expect(cut.count).toBe(plan.steps.length - tableRows(md));
  });

  it('more hazards than fit whole: each still listed, short, with its figure; the steps table gives way first', () => {
    const plan = mixed(60, 15);
    expect(renderMarkdown(plan, undefined, { maxChars: 10_000_000 }).length).toBeGreaterThan(2 * COMMENT_LIMIT);
    expect(hazardItems(plan).length).toBeGreaterThan(600);
    const md = renderMarkdown(plan);
    expect(md.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expectEveryHazard(md, plan);
    const dropped = plan.steps.findIndex((s) => s.op === 'drop_table');
    expect(md).toContain(`- 🛑 **data_loss** in step ${dropped + 1} (drop_table \`${plan.steps[dropped]!.object}\`): ${40 + dropped} rows\n`);
    expect(leftOut(md)).toEqual({ from: tableRows(md) + 1, count: plan.steps.length - tableRows(md) });
  });

  it('--max-chars is a hard limit: at the very least the hazards are counted and the rest is pointed to', () => {
    const huge = renderMarkdown(mixed(150, 100));
    expect(huge.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(huge).toMatch(/_\d+ more hazards left out to fit a comment: the whole plan is in the job log/);
    const plan = mixed(40, 10);
    for (const max of [30_000, 8_000, 2_000]) {
      const md = renderMarkdown(plan, undefined, { maxChars: max });
      expect(md.length, `max ${max}`).toBeLessThanOrEqual(max);
      expect(md).toContain('the whole plan is in the job log');
    }
    const tiny = renderMarkdown(plan, undefined, { maxChars: 8_000 });
    const listed = tiny.split('\n').filter((l) => /^- (🛑|⚠️) \*\*/.test(l)).length;
    expect(tiny).toContain(`_${hazardItems(plan).length - listed} more hazards left out to fit a comment:`);
  });
});
