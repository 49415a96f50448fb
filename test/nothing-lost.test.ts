// Nothing lost, nothing half-said (issue 14): a downgrade that cannot bring a referenced table's
// rows back says so at plan time, with today's figure; a file that cannot be planned is refused
// before anything connects; names that hide characters are warned about by validate and plan.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkSchema } from '../src/operations/schema-file.js';
import { planAgainst } from '../src/operations/plan.js';
import { applyPlan } from '../src/apply/apply.js';
import { measurePlan } from '../src/checks/checks.js';
import { describeSteps, runBefore, runSteps } from './support/cases.js';
import { withScratch } from './support/scratch.js';
import { BIN } from './support/cli.js';

describe('a downgrade that recreates a dropped referenced table', () => {
  const BEFORE = `CREATE TABLE users (id integer PRIMARY KEY, name text);
CREATE TABLE orders (id integer PRIMARY KEY, user_id integer REFERENCES users (id));
INSERT INTO users VALUES (1, 'ann'), (2, 'bob');
INSERT INTO orders VALUES (10, 1), (11, 2), (12, NULL);`;
  const ORDERS_ONLY = `tables:
  orders:
    columns:
      id: { type: integer, primary_key: true }
      user_id: integer
`;

  it('says at plan time that re-adding the key is certain to fail while the child has rows with a key, with their count; and it does fail', async () => {
    await withScratch('downgrade-parent', async (s) => {
      await runBefore(s.db, BEFORE);
      const { plan } = await planAgainst(s.db, checkSchema('schema.yaml', ORDERS_ONLY));
      expect(describeSteps(plan.steps)).toEqual(['drop_foreign_key public.orders.orders_user_id_fkey', 'drop_table public.users']);
      // The way forward says it too, where a text plan shows it.
      expect(plan.steps[1]!.hazards.find((h) => h.code === 'irreversible')?.message).toBe(
        'undoing this step recreates public.users empty, so the way back cannot add public.orders.orders_user_id_fkey again while public.orders has rows with a key (see the downgrade)',
      );
      expect(describeSteps(plan.downgrade)).toEqual(['create_table public.users', 'add_foreign_key public.orders.orders_user_id_fkey']);
      const measured = await measurePlan(s.db, plan, { timeoutMs: 2000 });
      const readd = measured.downgrade[1]!.hazards.find((h) => h.code === 'may_fail')!;
      expect(readd.message).toBe(
        'certain to fail while any row of public.orders has a key in (user_id): public.users is created empty by this plan, so no key is found there. ' +
          'To run it, set (user_id) to NULL in those rows or delete them first; to keep them, the key can only be added NOT VALID, by hand once the rest has run: ' +
          'ALTER TABLE public.orders ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users (id) NOT VALID ' +
          "(2 orphan rows today, e.g. '1': this step will fail)",
      );
      expect(readd).toMatchObject({ rows: 2, fails: true });
      // The upgrade itself is not refused for it.
      expect(measured.steps.flatMap((st) => st.hazards).some((h) => h.fails)).toBe(false);

      const dir = await mkdtemp(join(tmpdir(), 'schema-plans-'));
      try {
        await applyPlan({ db: s.db, plan: measured, plansDir: dir, message: 'drop users' });
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
      await expect(runSteps(s.db, plan.downgrade)).rejects.toThrow(/violates foreign key constraint "orders_user_id_fkey"/);
    });
  });

  it('with no row holding a key, the figure says so and the way back runs', async () => {
    await withScratch('downgrade-parent-empty', async (s) => {
      await runBefore(s.db, BEFORE.replace('(10, 1), (11, 2), (12, NULL)', '(12, NULL)'));
      const measured = await measurePlan(s.db, (await planAgainst(s.db, checkSchema('schema.yaml', ORDERS_ONLY))).plan, { timeoutMs: 2000 });
      const readd = measured.downgrade[1]!.hazards.find((h) => h.code === 'may_fail')!;
      expect(readd.message).toMatch(/\(no rows in the way today\)$/);
      expect(readd.fails).toBeUndefined();
      await runSteps(s.db, measured.steps);
      await runSteps(s.db, measured.downgrade);
    });
  });

  it('a child whose key columns go too gets them back empty: nothing in the way', async () => {
    await withScratch('downgrade-parent-cols', async (s) => {
      await runBefore(s.db, BEFORE);
      const { plan } = await planAgainst(s.db, checkSchema('schema.yaml', ORDERS_ONLY.replace('      user_id: integer\n', '')));
      expect(plan.steps.find((st) => st.op === 'drop_table')!.hazards.find((h) => h.code === 'irreversible')?.message).toBe('undoing this step recreates public.users empty');
      const readd = plan.downgrade.find((st) => st.op === 'add_foreign_key')!;
      expect(readd.hazards.map((h) => h.message)).toEqual([
        'fails if rows of public.orders have (user_id) values missing from public.users(id)',
        'checks every row of public.orders under a SHARE ROW EXCLUSIVE lock on it and on public.users: writes to both wait',
      ]);
      expect(readd.hazards.some((h) => h.measure)).toBe(false);
    });
  });
});

describe('the command line', () => {
  let cwd: string;
  beforeEach(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'schema-lost-'));
  });
  afterEach(async () => {
    await rm(cwd, { recursive: true, force: true });
  });
  const schema = (args: string[], env: Record<string, string> = {}): SpawnSyncReturns<string> => {
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'DATABASE_URL' && k !== 'FORCE_COLOR' && !k.startsWith('PG')));
    return spawnSync('node', [BIN, ...args, '--no-color'], { cwd, encoding: 'utf8', env: { ...clean, ...env }, timeout: 120_000 });
  };

  it('plan reports what validate reports before it connects: a foreign key to an unknown table, with no server and no embedded database', async () => {
    await writeFile(join(cwd, 'schema.yaml'), `tables:\n  orders:\n    columns:\n      user_id: integer\n    foreign_keys:\n      orders_user_fkey: { columns: [user_id], references: users(id) }\n`);
    const expected = 'schema.yaml:6:59: foreign key "orders_user_fkey" references unknown table "users".';
    for (const args of [['plan', '--url', 'postgres://postgres@127.0.0.1:1/nowhere'], ['plan'], ['validate']]) {
      const r = schema(args);
      expect(r.status, args.join(' ')).toBe(1);
      expect(r.stderr.split('\n')[0], args.join(' ')).toBe(expected);
      expect(r.stderr).not.toContain('cannot connect');
      expect(r.stderr).not.toContain('embedded');
      expect(r.stdout).toBe('');
    }
    expect(existsSync(join(cwd, '.schema'))).toBe(false);
  });

  it('a name with a zero-width or bidirectional character: a warning at its line from validate and plan, exit 0', async () => {
    await writeFile(join(cwd, 'schema.yaml'), `tables:\n  users:\n    columns:\n      id: integer\n      "e\u200bmail": text\n      "name\u202e": text\n`);
    const warnings = [
      'schema.yaml:5:7: warning: column "e<U+200B>mail" contains U+200B (zero width space), which cannot be seen: it looks like "email" but is another name',
      '  hint: retype the name without it, unless the database really has this name',
      'schema.yaml:6:7: warning: column "name<U+202E>" contains U+202E (right-to-left override), which changes the order in which the text around it is shown, so the name can look like another',
      '  hint: retype the name without it, unless the database really has this name',
    ];
    const validate = schema(['validate']);
    expect(validate.status, validate.stderr).toBe(0);
    expect(validate.stderr.split('\n').slice(0, 4)).toEqual(warnings);
    await withScratch('hidden-characters', async (s) => {
      const plan = schema(['plan', '--url', s.url]);
      expect(plan.status, plan.stderr).toBe(0);
      expect(plan.stderr.split('\n').slice(0, 4)).toEqual(warnings);
      expect(plan.stdout).toContain('create_table public.users');
    });
  });
});
