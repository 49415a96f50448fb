// A schema made of a folder of YAML files: each case of test/cases/schema-folder.ts is written
// to a folder and validated (its diagnostics at file:line:col of the right file), and a valid
// one is planned on an empty database, applied, and planned again with nothing to do.
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FOLDER_CASES } from './cases/schema-folder.js';
import { scratch, type Scratch } from './support/scratch.js';
import { BIN } from './support/cli.js';

let dir: string;
const dbs: Scratch[] = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'schema-folder-'));
});
afterEach(async () => {
  for (const s of dbs.splice(0)) await s.drop();
  await rm(dir, { recursive: true, force: true });
});

function cli(...args: string[]): { status: number; stdout: string; stderr: string } {
  const r = spawnSync('node', [BIN, ...args, '--no-color'], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

async function writeFolder(files: Readonly<Record<string, string>>): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, 'db', path)), { recursive: true });
    await writeFile(join(dir, 'db', path), text);
  }
}

describe('a schema made of a folder of files', () => {
  it.each(FOLDER_CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    await writeFolder(c.files);
    const v = cli('validate', '--schema', 'db');
    if (c.errors) {
      expect(v.status).toBe(1);
      let from = 0;
      for (const e of c.errors) {
        const at = v.stderr.indexOf(e, from);
        expect(at, `${e} in\n${v.stderr}`).toBeGreaterThanOrEqual(0);
        from = at + e.length;
      }
      return;
    }
    expect(v.status, v.stderr).toBe(0);
    const db = await scratch('folder');
    dbs.push(db);
    const plan = cli('plan', '--schema', 'db', '--url', db.url, '--format', 'json');
    expect(plan.status, plan.stderr).toBe(0);
    const steps = (JSON.parse(plan.stdout) as { steps: { op: string; object: string }[] }).steps.map((s) => `${s.op} ${s.object}`);
    expect(steps).toEqual(c.steps);
    const applied = cli('apply', '--schema', 'db', '--url', db.url, '--auto-approve', '-m', 'folder');
    expect(applied.status, applied.stderr).toBe(0);
    const again = cli('plan', '--schema', 'db', '--url', db.url, '--format', 'json');
    expect((JSON.parse(again.stdout) as { steps: unknown[] }).steps).toEqual([]);
  });
});
