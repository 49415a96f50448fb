// Golden files for the renderings. Plans are built from hand-made Models (rendering is pure),
// so the goldens do not depend on which PostgreSQL spelled them. `UPDATE_GOLDEN=1 npm test`
// rewrites them; review the diff before committing.
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { Chalk } from 'chalk';
import { parseSync } from 'libpg-query';
import { describe, expect, it } from 'vitest';
import '../src/model/identifiers.js'; // loads the parser
import type { Column, EnumType, Index, Model, Table } from '../src/model/model.js';
import { noHints } from '../src/model/hints.js';
import { buildPlan } from '../src/plan/plan.js';
import type { Plan } from '../src/plan/types.js';
import { renderJson } from '../src/render/json.js';
import { renderMarkdown } from '../src/render/markdown.js';
import { renderSql } from '../src/render/sql.js';
import { renderText } from '../src/render/text.js';
import { column } from './support/models.js';

const table = (schema: string, name: string, columns: Column[], extra: Partial<Table> = {}): Table => ({
  kind: 'table',
  schema,
  name,
  columns,
  primaryKey: { kind: 'primary_key', name: `${name}_pkey`, columns: [columns[0]!.name] },
  uniques: {},
  checks: {},
  indexes: {},
  foreignKeys: {},
  comment: null,
  ...extra,
});

const index = (name: string, columns: string[], extra: Partial<Index> = {}): Index => ({
  kind: 'index',
  name,
  unique: false,
  method: 'btree',
  keys: columns.map((c) => ({ column: c, expression: null, descending: false, nullsFirst: false })),
  include: [],
  where: null,
  ...extra,
});

const model = (tables: Table[], enums: EnumType[] = [], schemas = ['public']): Model => ({
  schemas,
  enums: Object.fromEntries(enums.map((e) => [`${e.schema}.${e.name}`, e])),
  tables: Object.fromEntries(tables.map((t) => [`${t.schema}.${t.name}`, t])),
});

const status: EnumType = { kind: 'enum', schema: 'public', name: 'order_status', values: ['pending', 'paid', 'shipped', 'cancelled'] };
const statusRef = { schema: 'public', name: 'order_status', array: false };

const users = table(
  'public',
  'users',
  [
    column('id', 'bigint', { nullable: false, identity: 'always' }),
    column('email', 'character varying(320)', { nullable: false }),
    column('name', 'text'),
    column('created_at', 'timestamp with time zone', { nullable: false, default: 'now()' }),
  ],
  {
    comment: 'People who can sign in',
    uniques: { users_email_key: { kind: 'unique', name: 'users_email_key', columns: ['email'], nullsNotDistinct: false } },
    indexes: { users_created_at_idx: index('users_created_at_idx', ['created_at']) },
  },
);

const orders = table(
  'public',
  'orders',
  [
    column('id', 'bigint', { nullable: false, identity: 'by_default' }),
    column('user_id', 'bigint', { nullable: false }),
    column('total', 'numeric(12,2)', { nullable: false, default: '0' }),
    column('status', 'public.order_status', { nullable: false, default: "'pending'::public.order_status", typeRef: statusRef }),
  ],
  {
    checks: { orders_total_check: { kind: 'check', name: 'orders_total_check', definition: 'CHECK ((total >= (0)::numeric))' } },
    indexes: { orders_pending_idx: index('orders_pending_idx', ['id'], { where: "(status = 'pending'::public.order_status)" }) },
    foreignKeys: {
      orders_user_id_fkey: {
        kind: 'foreign_key',
        name: 'orders_user_id_fkey',
        columns: ['user_id'],
        references: { schema: 'public', table: 'users', columns: ['id'] },
        onDelete: 'cascade',
        onUpdate: 'no action',
        match: 'simple',
        deferrable: false,
        initiallyDeferred: false,
      },
    },
  },
);

const invoices = table('billing', 'invoices', [column('id', 'uuid', { nullable: false, default: 'gen_random_uuid()' })]);

/** The example schema planned on an empty database. */
const createAll: Plan = buildPlan({ current: model([]), desired: model([users, orders, invoices], [status], ['billing', 'public']), hints: noHints });

/** One plan with a hazard of every code. */
const hazardous: Plan = buildPlan({
  current: model([
    table('public', 'legacy', [column('id', 'integer', { nullable: false }), column('payload', 'text')]),
    table('public', 'accounts', [column('id', 'integer', { nullable: false }), column('balance', 'bigint'), column('nick', 'text'), column('code', 'character varying(100)')]),
  ]),
  desired: model([
    table('public', 'accounts', [column('id', 'integer', { nullable: false }), column('balance', 'integer'), column('nick', 'text', { nullable: false }), column('code', 'character varying(10)')], {
      indexes: { accounts_nick_idx: index('accounts_nick_idx', ['nick']) },
    }),
  ]),
  hints: noHints,
});

const nothing: Plan = buildPlan({
  current: model([users]),
  desired: model([users]),
  hints: noHints,
  unmanaged: { counts: { view: 2, function: 1 }, occupiedSchemas: ['public'] },
});

const withUnmanaged: Plan = buildPlan({
  current: model([]),
  desired: model([invoices], [], ['billing', 'public']),
  hints: noHints,
  unmanaged: { counts: { view: 2, trigger: 1 }, occupiedSchemas: ['public'] },
});

const plain = new Chalk({ level: 0 });
const GOLDEN = new URL('./golden/', import.meta.url);

async function golden(name: string, actual: string): Promise<void> {
  const url = new URL(name, GOLDEN);
  if (process.env['UPDATE_GOLDEN'] || !existsSync(url)) await writeFile(url, actual);
  expect(actual).toBe(await readFile(url, 'utf8'));
}

const renderings: Array<[string, Plan]> = [
  ['create', createAll],
  ['hazards', hazardous],
  ['no-changes', nothing],
  ['unmanaged', withUnmanaged],
];

describe('renderings match their golden files', () => {
  for (const [name, plan] of renderings) {
    it(`${name}: text`, () => golden(`${name}.txt`, renderText(plan, plain, { width: 80 })));
    it(`${name}: markdown`, () => golden(`${name}.md`, renderMarkdown(plan)));
    it(`${name}: sql`, () => golden(`${name}.sql`, renderSql(plan)));
    it(`${name}: json`, () => golden(`${name}.json`, renderJson(plan)));
  }
});

describe('what every rendering promises', () => {
  it('the hazard plan carries every hazard code', () => {
    const codes = new Set(hazardous.steps.flatMap((s) => s.hazards.map((h) => h.code)));
    expect([...codes].sort()).toEqual(['blocking', 'data_loss', 'irreversible', 'lossy_type_change', 'may_fail', 'table_rewrite']);
  });

  it('text has the Terraform summary line and a hazards block; colour only when asked', () => {
    const text = renderText(hazardous, plain);
    expect(text).toContain('Plan: 1 to add, 3 to change, 1 to destroy.');
    expect(text).toMatch(/\nHazards:\n/);
    expect(text).not.toMatch(/\u001b\[/);
    expect(renderText(hazardous, new Chalk({ level: 1 }))).toMatch(/\u001b\[/);
  });

  it('text asks consent only for what touches rows: a data_loss counted at 0 rows is said to need none', () => {
    const counted: Plan = { ...hazardous, steps: hazardous.steps.map((s) => ({ ...s, hazards: s.hazards.map((h) => (h.code === 'data_loss' ? { ...h, rows: 0 } : h)) })) };
    const text = renderText(counted, plain, { width: 200 });
    expect(text).toContain('Applying needs consent for: lossy_type_change (confirm when asked, or --allow-hazards lossy_type_change).');
    expect(text).toContain('Applying needs no consent for data_loss: it touches 0 rows here (counted again when it runs).');
    const estimated: Plan = { ...hazardous, steps: hazardous.steps.map((s) => ({ ...s, hazards: s.hazards.map((h) => ({ ...h, rows: 0, estimated: true })) })) };
    expect(renderText(estimated, plain, { width: 200 })).toContain('Applying needs consent for: data_loss, lossy_type_change');
  });

  it('text wraps at word boundaries to the width asked for, never inside a word, and keeps every word in order', () => {
    const words = (t: string) => t.split(/\s+/).filter((w) => w !== '');
    for (const width of [40, 60, 80, 120]) {
      const text = renderText(hazardous, plain, { width, sql: false });
      // Only a single word longer than the width may overflow it.
      for (const line of text.split('\n')) if (line.length > width) expect(line.trim()).not.toContain(' ');
      expect(words(text)).toEqual(words(renderText(hazardous, plain, { sql: false })));
    }
    expect(
      renderText(hazardous, plain)
        .split('\n')
        .some((l) => l.length > 120),
    ).toBe(true);
  });

  it('text has a legend of the symbols and of the hazard codes present, and shows what a change alters before -> after', () => {
    const text = renderText(hazardous, plain);
    expect(text).toContain('  Legend: + add, - destroy, ~ change (before -> after); ! hazard codes:\n    data_loss          deletes rows or values for good; needs consent\n');
    expect(text).toContain('\n    irreversible       the downgrade cannot bring back what this step changes\n');
    expect(renderText(createAll, plain)).toContain('\n  Legend: + add, - destroy, ~ change (before -> after).\n');
    expect(renderText(createAll, plain)).not.toContain('hazard codes');
    expect(text).toContain('alter_column public.accounts.balance  lossy_type_change irreversible table_rewrite  (lock: ACCESS EXCLUSIVE)\n        ~ type: bigint -> integer\n        ALTER TABLE');
    const changed = buildPlan({
      current: model([table('public', 't', [column('id', 'integer', { nullable: false }), column('n', 'integer', { default: '0', comment: 'old' })])]),
      desired: model([table('public', 't', [column('id', 'integer', { nullable: false, identity: 'always' }), column('n', 'bigint', { nullable: false, default: '1', comment: null })])]),
      hints: noHints,
    });
    const shown = renderText(changed, plain);
    expect(shown).toContain('        ~ identity: (none) -> always\n');
    expect(shown).toContain('        ~ type: integer -> bigint\n        ~ nullable: true -> false\n        ~ default: 0 -> 1\n        ~ comment: "old" -> (none)\n');
    const n = changed.steps.find((st) => st.object === 'public.t.n')!;
    expect(n.changes).toEqual([
      { field: 'type', from: 'integer', to: 'bigint' },
      { field: 'nullable', from: 'true', to: 'false' },
      { field: 'default', from: '0', to: '1' },
      { field: 'comment', from: '"old"', to: '(none)' },
    ]);
  });

  it('markdown leads with the consent warning, has no ANSI codes, and folds the SQL away', () => {
    const md = renderMarkdown(hazardous);
    expect(md.indexOf('needs consent')).toBeLessThan(md.indexOf('#### Steps'));
    expect(md).not.toMatch(/\u001b\[/);
    expect(md).toMatch(/<details><summary>SQL \(\d+ statements\)<\/summary>/);
  });

  it('json has the SPEC shape', () => {
    const data = JSON.parse(renderJson(createAll)) as Record<string, unknown>;
    expect(Object.keys(data).slice(0, 4)).toEqual(['format_version', 'summary', 'steps', 'downgrade']);
    expect(data['format_version']).toBe(1);
    expect(data['summary']).toEqual({ add: 8, change: 0, destroy: 0 });
    for (const step of [...(data['steps'] as object[]), ...(data['downgrade'] as object[])]) {
      const keys = Object.keys(step);
      expect(keys.slice(0, 4)).toEqual(['op', 'object', 'sql', 'hazards']);
      for (const extra of keys.slice(4)) expect(['lock', 'lock_on', 'concurrently', 'changes']).toContain(extra);
    }
  });

  it('sql is one transaction, and a name cannot smuggle a statement through a comment', () => {
    const evil = buildPlan({ current: model([]), desired: model([table('public', 'a\nDROP TABLE users; --', [column('id', 'integer', { nullable: false })])]), hints: noHints });
    const sql = renderSql(evil);
    expect(sql).toContain('-- step 1/1: create_table public."a\\nDROP TABLE users; --"');
    // What PostgreSQL's parser makes of the whole script: exactly these three statements.
    const kinds = (parseSync(sql) as { stmts: { stmt: Record<string, unknown> }[] }).stmts.map((s) => Object.keys(s.stmt)[0]);
    expect(kinds).toEqual(['TransactionStmt', 'CreateStmt', 'TransactionStmt']);
  });
});
