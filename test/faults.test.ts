// Faults: the backend of an apply is terminated from a second connection at each step in
// turn. Every time the database is as it started, plans/ holds no file, and running apply
// again completes to the finished state.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { checkSchema } from '../src/operations/schema-file.js';
import { planAgainst } from '../src/operations/plan.js';
import { applyPlan, interruptedApply, resumeApply, scheduleOn } from '../src/apply/apply.js';
import { PATIENT } from '../src/plan/run-settings.js';
import { connect, type Db } from '../src/db/db.js';
import type { Model } from '../src/model/model.js';
import { modelOf, runBefore } from './support/cases.js';
import { adminUrl, scratch, withScratch } from './support/scratch.js';
import { BIN, REAL_BIN } from './support/cli.js';

const BEFORE = `
CREATE TABLE accounts (id integer PRIMARY KEY, name text, legacy text);
CREATE TABLE entries (id integer PRIMARY KEY, account_id integer REFERENCES accounts (id), amount numeric(10,2));
CREATE TABLE retired (id integer PRIMARY KEY);
CREATE INDEX entries_amount_idx ON entries (amount);
INSERT INTO accounts SELECT g, 'a' || g, 'x' FROM generate_series(1, 50) g;
INSERT INTO entries SELECT g, g % 50 + 1, g FROM generate_series(1, 200) g;
INSERT INTO retired SELECT generate_series(1, 10);`;

/** A desired state some 40 steps away: new tables with keys, new columns, indexes, checks, drops. */
function desired(): string {
  const lines = [
    'tables:',
    '  accounts:',
    '    columns:',
    '      id: { type: integer, primary_key: true }',
    '      name: { type: varchar(100), nullable: false }',
    ...Array.from({ length: 6 }, (_x, i) => `      extra_${i}: { type: integer, default: ${i} }`),
    '    checks:',
    '      accounts_name_check: length(name) > 0',
    '    indexes:',
    '      accounts_name_idx: { columns: [name] }',
    '  entries:',
    '    columns:',
    '      id: { type: integer, primary_key: true }',
    '      account_id: bigint',
    '      amount: numeric(12,2)',
    ...Array.from({ length: 4 }, (_x, i) => `      tag_${i}: text`),
    '    indexes:',
    '      entries_account_idx: { columns: [account_id, amount] }',
  ];
  for (let t = 0; t < 8; t++) {
    lines.push(
      `  ledger_${t}:`,
      '    columns:',
      '      id: { type: bigint, identity: always, primary_key: true }',
      '      account_id: { type: integer, nullable: false }',
      '      at: { type: timestamptz, default: { sql: now() } }',
      '    indexes:',
      `      ledger_${t}_at_idx: { columns: [at] }`,
      '    foreign_keys:',
      `      ledger_${t}_account_fk: { columns: [account_id], references: accounts }`,
    );
  }
  return lines.join('\n') + '\n';
}

async function planFor(db: Parameters<typeof planAgainst>[0]) {
  return (await planAgainst(db, checkSchema('schema.yaml', desired()))).plan;
}

describe('an apply cut off after its commit, before its file is in place', () => {
  it('the next apply and upgrade put the file in place instead of stopping at "its file is missing"', async () => {
    await withScratch('renamecut', async (s) => {
      await runBefore(s.db, BEFORE);
      const project = await mkdtemp(join(tmpdir(), 'schema-fault-'));
      const plansDir = join(project, 'plans');
      try {
        const done = await applyPlan({ db: s.db, plan: await planFor(s.db), plansDir, message: 'cut before rename' });
        const file = done.file!;
        const name = basename(file);
        // As the file is between the commit and the rename (or stays, when the process died there).
        await rename(file, join(plansDir, `.${name}.tmp`));
        await writeFile(join(project, 'schema.yaml'), desired());
        const run = (...args: string[]) => spawnSync('node', [BIN, ...args, '--url', s.url, '--auto-approve', '--no-color'], { cwd: project, encoding: 'utf8' });
        const apply = run('apply');
        expect(apply.stderr).not.toContain('is missing');
        expect(apply.status, apply.stderr).toBe(0);
        expect(apply.stdout).toContain('No changes.');
        expect(await readdir(plansDir)).toEqual([name]);
        await rename(file, join(plansDir, `.${name}.tmp`));
        const upgrade = run('upgrade');
        expect(upgrade.status, upgrade.stderr).toBe(0);
        expect(upgrade.stdout).toContain(`Nothing to upgrade: the database is at ${done.revision}.`);
        expect(await readdir(plansDir)).toEqual([name]);
      } finally {
        await rm(project, { recursive: true, force: true });
      }
    });
  });

  it('two applies started together: one writes the revision, the other never reads its ledger row without its file', async () => {
    for (let round = 0; round < 2; round++) {
      await withScratch(`together${round}`, async (s) => {
        await runBefore(s.db, BEFORE);
        const project = await mkdtemp(join(tmpdir(), 'schema-fault-'));
        try {
          await writeFile(join(project, 'schema.yaml'), desired());
          const run = (message: string) =>
            new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
              const child = spawn('node', [REAL_BIN, 'apply', '--url', s.url, '--auto-approve', '--allow-hazards', 'data_loss,lossy_type_change', '--no-color', '-m', message], { cwd: project });
              let stdout = '';
              let stderr = '';
              child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
              child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
              child.on('close', (code) => resolve({ status: code, stdout, stderr }));
            });
          const results = await Promise.all([run('one'), run('two')]);
          for (const r of results) {
            expect(r.stderr).not.toContain('is missing');
            // The other one either planned after the first landed, or is refused as stale.
            if (r.status !== 0) expect(r.stderr).toContain('error: the database changed since this plan was made');
          }
          expect(results.filter((r) => r.stdout.includes('Applied '))).toHaveLength(1);
          expect(await readdir(join(project, 'plans'))).toHaveLength(1);
        } finally {
          await rm(project, { recursive: true, force: true });
        }
      });
    }
  }, 120_000);
});

describe('an apply cut off at each step', () => {
  /**
   * The starting database, made once: each cut starts from a copy of it (CREATE DATABASE ...
   * TEMPLATE), with the plan made against it, which is the plan of every copy.
   */
  async function starting(label: string, lockBudget?: number) {
    const tpl = await scratch(label);
    await runBefore(tpl.db, BEFORE);
    const start = await modelOf(tpl.db);
    const plan = await planFor(tpl.db);
    const { groups } = await scheduleOn(tpl.db, plan.steps, false, lockBudget);
    await tpl.closeForCopies();
    const finished: Model = await withScratch(
      `${label}done`,
      async (s) => {
        const dir = await mkdtemp(join(tmpdir(), 'schema-fault-'));
        await applyPlan({ db: s.db, plan, plansDir: dir, message: 'reference', ...(lockBudget ? { lockBudget } : {}) });
        await rm(dir, { recursive: true, force: true });
        return modelOf(s.db);
      },
      tpl.name,
    ).catch(async (error: unknown) => {
      await tpl.drop();
      throw error;
    });
    return { tpl, start, plan, groups, finished };
  }

  /** Apply `plan` on a copy of the starting database, terminating its backend at step `k`. */
  async function cutAt(k: number, from: Awaited<ReturnType<typeof starting>>, check: (again: Db, plansDir: string) => Promise<void>, lockBudget?: number): Promise<void> {
    const killer = new pg.Client({ connectionString: adminUrl() });
    await killer.connect();
    try {
      await withScratch(
        `cut${k}`,
        async (s) => {
          const pid = (await s.db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid'))[0]!.pid;
          const plansDir = await mkdtemp(join(tmpdir(), 'schema-fault-'));
          try {
            const cut = applyPlan({
              db: s.db,
              plan: from.plan,
              plansDir,
              message: `cut at ${k}`,
              ...(lockBudget ? { lockBudget } : {}),
              onStep: async (i) => {
                if (i === k) await killer.query('SELECT pg_terminate_backend($1)', [pid]);
              },
            });
            await expect(cut, `step ${k + 1} of ${from.plan.steps.length}`).rejects.toThrow();
            const again = await connect(s.target);
            try {
              expect(await readdir(plansDir), 'no revision file').toEqual([]);
              await check(again, plansDir);
              expect(await modelOf(again), 'apply again: the finished state').toEqual(from.finished);
              expect(await readdir(plansDir)).toHaveLength(1);
            } finally {
              await again.close();
            }
          } finally {
            await rm(plansDir, { recursive: true, force: true });
          }
        },
        from.tpl.name,
      );
    } finally {
      await killer.end();
    }
  }

  it('leaves the starting state and no file, and apply again completes', async () => {
    const from = await starting('faulttpl');
    try {
      expect(from.plan.steps.length).toBeGreaterThanOrEqual(30);
      for (let k = 0; k < from.plan.steps.length; k++) {
        await cutAt(k, from, async (again, plansDir) => {
          expect(await modelOf(again), `after cutting at step ${k + 1}: the starting state`).toEqual(from.start);
          await applyPlan({ db: again, plan: await planFor(again), plansDir, message: 'again' });
        });
      }
    } finally {
      await from.tpl.drop();
    }
  }, 600_000);

  it('split for the lock table, cut off at each group boundary: the groups done are kept, and apply again finishes the same groups', async () => {
    const BUDGET = 60;
    const from = await starting('splittpl', BUDGET);
    try {
      const groups = from.groups;
      expect(groups.length).toBeGreaterThanOrEqual(3);
      const cuts = [...new Set(groups.flatMap((g) => [g.from, g.to - 1]))];
      for (const k of cuts) {
        const group = groups.find((g) => g.from <= k && k < g.to)!;
        await cutAt(
          k,
          from,
          async (again, plansDir) => {
            const pending = await interruptedApply(again);
            expect(pending?.done, `cut at step ${k + 1}: the groups before it are done`).toBe(group.from);
            if (group.from === 0) expect(await modelOf(again)).toEqual(from.start);
            const commits = new Set<string>();
            await resumeApply(again, plansDir, PATIENT, { onStep: async () => void commits.add((await again.query<{ x: string }>('SELECT txid_current()::text AS x'))[0]!.x) });
            expect(commits.size, 'one transaction per group left').toBe(groups.filter((g) => g.from >= group.from).length);
          },
          BUDGET,
        );
      }
    } finally {
      await from.tpl.drop();
    }
  }, 600_000);
});
