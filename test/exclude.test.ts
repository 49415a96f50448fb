// `exclude:` and `--exclude`: each case of test/cases/exclude.ts is a database with objects of
// someone else's, planned with the file (the steps, or the diagnostics), applied, and planned
// again with nothing to do; what was excluded is still there.
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EXCLUDE_CASES } from './cases/exclude.js';
import { scratch, type Scratch } from './support/scratch.js';
import { BIN } from './support/cli.js';

let dir: string;
const dbs: Scratch[] = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'schema-exclude-'));
});
afterEach(async () => {
  for (const s of dbs.splice(0)) await s.drop();
  await rm(dir, { recursive: true, force: true });
});

function cli(...args: string[]): { status: number; stdout: string; stderr: string } {
  const r = spawnSync('node', [BIN, ...args, '--no-color'], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const stepsOf = (stdout: string): string[] => (JSON.parse(stdout) as { steps: { op: string; object: string }[] }).steps.map((s) => `${s.op} ${s.object}`);

describe('objects that belong to someone else', () => {
  it.each(EXCLUDE_CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const db = await scratch('exclude');
    dbs.push(db);
    await db.db.exec(`SET search_path = public;\n${c.sql};\nSET search_path = '';`);
    await writeFile(join(dir, 'schema.yaml'), c.yaml);
    const args = c.args ?? [];
    const plan = cli('plan', '--url', db.url, '--format', 'json', ...args);
    if (c.errors) {
      expect(plan.status).toBe(1);
      let from = 0;
      for (const e of c.errors) {
        const at = plan.stderr.indexOf(e, from);
        expect(at, `${e} in\n${plan.stderr}`).toBeGreaterThanOrEqual(0);
        from = at + e.length;
      }
      return;
    }
    expect(plan.status, plan.stderr).toBe(0);
    expect(stepsOf(plan.stdout)).toEqual(c.steps);
    const applied = cli('apply', '--url', db.url, '--auto-approve', '--allow-hazards', 'data_loss', '-m', 'exclude', ...args);
    expect(applied.status, applied.stderr).toBe(0);
    const again = cli('plan', '--url', db.url, '--format', 'json', ...args);
    expect(again.status, again.stderr).toBe(0);
    expect(stepsOf(again.stdout)).toEqual([]);
    for (const name of c.kept ?? []) {
      const rows = await db.db.query<{ ok: boolean }>(`SELECT to_regclass('${name}') IS NOT NULL AS ok`);
      expect(rows[0]!.ok, name).toBe(true);
    }
    if (c.kept?.includes('public.tool_log')) expect(await db.db.query('SELECT what FROM public.tool_log')).toEqual([{ what: 'kept' }]);
  });
});

describe('a saved plan with objects excluded', () => {
  it('applies: its fingerprints are of the whole database, excluded objects included', async () => {
    const c = EXCLUDE_CASES[1]!;
    const db = await scratch('exclsaved');
    dbs.push(db);
    await db.db.exec(`SET search_path = public;\n${c.sql};\nSET search_path = '';`);
    await writeFile(join(dir, 'schema.yaml'), c.yaml);
    const plan = cli('plan', '--url', db.url, '--format', 'json');
    expect(plan.status, plan.stderr).toBe(0);
    await writeFile(join(dir, 'plan.json'), plan.stdout);
    const applied = cli('apply', '--url', db.url, '--plan', 'plan.json', '--auto-approve', '-m', 'saved');
    expect(applied.status, applied.stderr).toBe(0);
    expect(stepsOf(cli('plan', '--url', db.url, '--format', 'json').stdout)).toEqual([]);
  });
});

describe('drift leaves excluded objects out', () => {
  it('a change to an excluded table is not drift; one to ours is, named without the excluded ones', async () => {
    const c = EXCLUDE_CASES[1]!; // one with a step, so that apply records a revision and its state
    const db = await scratch('excldrift');
    dbs.push(db);
    await db.db.exec(`SET search_path = public;\n${c.sql};\nSET search_path = '';`);
    await writeFile(join(dir, 'schema.yaml'), c.yaml);
    const applied = cli('apply', '--url', db.url, '--auto-approve', '-m', 'adopt');
    expect(applied.status, applied.stderr).toBe(0);
    expect(cli('drift', '--url', db.url, '--detailed-exitcode').status).toBe(0);
    await db.db.exec('ALTER TABLE public.tool_log ADD COLUMN at timestamptz; CREATE TABLE public.tool_more (id integer)');
    const quiet = cli('drift', '--url', db.url, '--detailed-exitcode');
    expect(quiet.status, quiet.stdout + quiet.stderr).toBe(0);
    // The next apply sees no drift either: its revision holds our change only.
    await writeFile(join(dir, 'schema.yaml'), `${c.yaml}  extra:\n    columns:\n      id: integer\n`);
    const next = cli('apply', '--url', db.url, '--auto-approve', '-m', 'extra');
    expect(next.status, next.stderr).toBe(0);
    expect(next.stdout).not.toContain('changed outside');
    expect(stepsOf(cli('plan', '--url', db.url, '--format', 'json').stdout)).toEqual([]);
    expect(cli('drift', '--url', db.url, '--detailed-exitcode').status).toBe(0);
    await db.db.exec('ALTER TABLE public.film ADD COLUMN rating text');
    const drifted = cli('drift', '--url', db.url, '--detailed-exitcode');
    expect(drifted.status, drifted.stderr).toBe(2);
    expect(drifted.stdout).toContain('public.film.rating');
    expect(drifted.stdout).not.toContain('tool_');
  });
});
