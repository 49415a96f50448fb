// `backfill:` on a column becoming NOT NULL (or added NOT NULL without a default): the plan
// cases (test/cases/backfill.ts), the figures the data checks give (rows filled, rows the value
// leaves NULL, counted read-only and only for an IMMUTABLE value), the refusal of SET NOT NULL
// on NULL rows naming the key to add, and real applies through the CLI: in one transaction,
// online in batches, and the revision replayed by upgrade.
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UserError } from '../src/errors.js';
import { applyPlan } from '../src/operations/apply.js';
import type { Plan } from '../src/plan/types.js';
import { backfillCases } from './cases/backfill.js';
import { hazardOf, measuredPlan, modelOf, runBefore, runPlanCase } from './support/cases.js';
import { scratch, type Scratch } from './support/scratch.js';
import { BIN as bin } from './support/cli.js';

describe('backfill: plan cases', () => {
  for (const c of backfillCases) it(c.name, () => runPlanCase(c));
});

const USERS = `CREATE TABLE users (id integer PRIMARY KEY, name text, email text);
INSERT INTO users VALUES (1, 'Ann', 'ann@x.org'), (2, 'Bob', NULL), (3, NULL, NULL), (4, 'Dee', 'dee@x.org');`;

const file = (email: string, more = ''): string => `tables:\n  users:\n    columns:\n      id: { type: integer, primary_key: true }\n      name: text\n      email: ${email}\n${more}`;

describe('backfill: figures, refusals and applies', () => {
  let s: Scratch;
  beforeEach(async () => {
    s = await scratch('backfill');
  });
  afterEach(async () => {
    await s.drop();
  });

  const measured = (before: string, yaml: string): Promise<Plan> => measuredPlan(s.db, before, yaml);

  const FIGURES: readonly { name: string; email: string; more?: string; step: string; message: string; rows: number; failing_rows?: number; fails?: true }[] = [
    {
      name: 'a literal: the NULL rows it fills',
      email: '{ type: text, nullable: false, backfill: unknown }',
      step: 'alter_column public.users.email',
      message: "fills the rows of public.users with NULL in email with backfill: 'unknown'; fails if the value is NULL for any of them (2 rows today to fill; the value is NULL for none of them)",
      rows: 2,
      failing_rows: 0,
    },
    {
      name: 'an expression NULL for a row it fills: certain to fail',
      email: `{ type: text, nullable: false, backfill: { sql: "lower(name) || '@example.com'" } }`,
      step: 'alter_column public.users.email',
      message:
        "fills the rows of public.users with NULL in email with backfill: lower(name) || '@example.com'; fails if the value is NULL for any of them (2 rows today to fill: the value is NULL for 1 of them: this step will fail)",
      rows: 2,
      failing_rows: 1,
      fails: true,
    },
    {
      name: 'a volatile expression is not evaluated; the rows to fill are still counted',
      email: `{ type: text, nullable: false, backfill: { sql: "md5(random()::text)" } }`,
      step: 'alter_column public.users.email',
      message:
        'fills the rows of public.users with NULL in email with backfill: md5(random()::text); fails if the value is NULL for any of them (2 rows today to fill; the value is not evaluated before apply (calls volatile function random()))',
      rows: 2,
    },
    {
      name: 'a value of a type the column cannot take: certain to fail, whatever the rows',
      email: 'text',
      more: `      age: { type: integer, nullable: false, backfill: { sql: "name || 'x'" } }\n`,
      step: 'add_column public.users.age',
      message:
        'fills age in every row of public.users with backfill: name || \'x\'; fails if the value is NULL for any of them (the value does not fit the column: column "age" is of type integer but expression is of type text: this step will fail)',
      rows: 4,
      failing_rows: 1,
      fails: true,
    },
    {
      name: 'a new NOT NULL column: every row is filled',
      email: 'text',
      more: `      joined: { type: date, nullable: false, backfill: "2020-01-01" }\n`,
      step: 'add_column public.users.joined',
      message: "fills joined in every row of public.users with backfill: '2020-01-01'; fails if the value is NULL for any of them (4 rows today to fill; the value is NULL for none of them)",
      rows: 4,
      failing_rows: 0,
    },
  ];
  for (const c of FIGURES) {
    it(`figures: ${c.name}`, async () => {
      const plan = await measured(USERS, file(c.email, c.more));
      const h = hazardOf(plan, c.step, 'may_fail');
      expect(h.message).toBe(c.message);
      expect({ rows: h.rows, failing_rows: h.failing_rows, fails: h.fails }).toEqual({ rows: c.rows, failing_rows: c.failing_rows, fails: c.fails });
    });
  }

  it('figures: no NULL rows, nothing to fill', async () => {
    const plan = await measured(`${USERS} UPDATE users SET email = 'x' WHERE email IS NULL;`, file('{ type: text, nullable: false, backfill: unknown }'));
    expect(hazardOf(plan, 'alter_column public.users.email', 'may_fail').message).toMatch(/\(no rows with NULL today: nothing to fill\)$/);
  });

  it('SET NOT NULL on NULL rows without backfill: the figure and the refusal say which key to add, not --no-data-checks; nothing changed', async () => {
    const plan = await measured(USERS, file('{ type: text, nullable: false }', `      score: { type: integer, nullable: false }\n`));
    const advice = (column: string) => `to fill them first, add the line \`backfill: <value>\` (or \`backfill: { sql: <expression> }\`) to column ${column} of table users in schema.yaml`;
    expect(hazardOf(plan, 'alter_column public.users.email', 'may_fail').message).toBe(`fails if any row of public.users has NULL in email (2 rows today: this step will fail; ${advice('email')})`);
    expect(hazardOf(plan, 'add_column public.users.score', 'may_fail').message).toContain(`(4 rows today: this step will fail; ${advice('score')})`);
    const before = await modelOf(s.db);
    const dir = await mkdtemp(join(tmpdir(), 'schema-backfill-'));
    try {
      const refused = applyPlan({ db: s.db, plan, plansDir: dir, message: 'backfill', dataChecks: false });
      await expect(refused).rejects.toThrow(UserError);
      const error = (await refused.catch((e: unknown) => e)) as UserError;
      expect(error.message).toMatch(/^refusing to start: step 1 \(alter_column public\.users\.email\) will fail on today's data/);
      expect(error.hint).toBe('add the `backfill:` line to column email as said above, then plan again; or fix the data first (the figures are above)');
      expect(error.hint).not.toContain('--no-data-checks');
      expect(await readdir(dir)).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    expect(await modelOf(s.db)).toEqual(before);
  });

  it('the downgrade drops NOT NULL only, marked: the filled values stay', async () => {
    const plan = await measured(USERS, file('{ type: text, nullable: false, backfill: unknown }'));
    expect(hazardOf(plan, 'alter_column public.users.email', 'irreversible').message).toBe(
      'undoing this step drops NOT NULL only: the values backfill wrote into public.users.email stay, and cannot be told from the others',
    );
    expect(plan.downgrade.map((st) => [st.sql, st.hazards.map((h) => h.message)])).toEqual([
      [['ALTER TABLE public.users ALTER COLUMN email DROP NOT NULL'], ['drops NOT NULL only: the values backfill wrote into public.users.email stay, and cannot be told from the others']],
    ]);
  });

  it('CLI: apply fills the rows and sets NOT NULL, the revision carries the UPDATE, the next plan is empty; online in batches; upgrade replays the batches', async () => {
    await runBefore(
      s.db,
      `CREATE TABLE users (id integer PRIMARY KEY, name text, email text);
      INSERT INTO users SELECT g, 'n' || g, CASE WHEN g % 2 = 0 THEN NULL ELSE 'u' || g END FROM generate_series(1, 24000) g;`,
    );
    const cwd = await mkdtemp(join(tmpdir(), 'schema-backfill-cli-'));
    const run = (...args: string[]) => spawnSync('node', [bin, ...args, '--url', s.url, '--no-color'], { cwd, encoding: 'utf8' });
    const state = async () =>
      (
        await s.db.query<{ nulls: string; filled: string; batches: string; nullable: string }>(
          `SELECT count(*) FILTER (WHERE email IS NULL)::text AS nulls, count(*) FILTER (WHERE email LIKE '%@example.com')::text AS filled,
            count(DISTINCT xmin::text) FILTER (WHERE email LIKE '%@example.com')::text AS batches,
            (SELECT is_nullable FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'email') AS nullable FROM public.users`,
        )
      )[0];
    try {
      await writeFile(join(cwd, 'schema.yaml'), file(`{ type: text, nullable: false, backfill: { sql: "name || '@example.com'" } }`));
      // One transaction: one UPDATE.
      const plan = run('plan');
      expect(plan.status).toBe(0);
      expect(plan.stdout).toContain("UPDATE public.users SET email = (name || '@example.com') WHERE email IS NULL;\n        ALTER TABLE public.users ALTER COLUMN email SET NOT NULL;");
      expect(plan.stdout.replace(/\s+/g, ' ')).toContain('(12,000 rows today to fill; the value is NULL for none of them)');
      const applied = run('apply', '--auto-approve');
      expect(applied.stdout + applied.stderr).toContain('Applied 1 step');
      expect(await state()).toEqual({ nulls: '0', filled: '12000', batches: '1', nullable: 'NO' });
      const [revision] = await readdir(join(cwd, 'plans'));
      expect(await readFile(join(cwd, 'plans', revision!), 'utf8')).toContain("UPDATE public.users SET email = (name || '@example.com') WHERE email IS NULL;");
      const again = run('plan');
      expect(again.stdout).toContain('No changes.');

      // Online: back to NULLs, then batches of 10,000, each committed on its own.
      expect(run('downgrade', '-1', '--auto-approve').status).toBe(0);
      await s.db.exec(`UPDATE public.users SET email = NULL WHERE id % 2 = 0`);
      await rm(join(cwd, 'plans'), { recursive: true });
      await s.db.exec('DELETE FROM schema_tool.revisions');
      const script = run('plan', '--online', '--format', 'sql');
      expect(script.stdout).toContain('-- step 1/5: backfill public.users.email\n');
      expect(script.stdout).toContain('-- one batch: apply runs it again, each batch committed, until it fills no row (filled = 0); run by hand, repeat it until then\n');
      const online = run('apply', '--online', '--auto-approve');
      expect(online.stdout + online.stderr).toContain('Applied 5 steps');
      expect(await state()).toEqual({ nulls: '0', filled: '12000', batches: '2', nullable: 'NO' });
      expect(await s.db.query(`SELECT count(*)::int AS n FROM pg_catalog.pg_constraint WHERE conname = 'users_email_not_null'`)).toEqual([{ n: 0 }]);

      // The revision replayed by upgrade runs the batches again.
      expect(run('downgrade', '-1', '--auto-approve').status).toBe(0);
      await s.db.exec(`UPDATE public.users SET email = NULL WHERE id % 2 = 0`);
      const upgraded = run('upgrade', '--auto-approve');
      expect(upgraded.status, upgraded.stderr).toBe(0);
      expect(await state()).toEqual({ nulls: '0', filled: '12000', batches: '2', nullable: 'NO' });
    } finally {
      await rm(cwd, { recursive: true, force: true });
    }
  });
});
