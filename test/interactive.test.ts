// `schema apply` on a terminal: it asks, and only "yes" applies. The terminal is a real
// pseudo-terminal from util-linux `script`, answered when the question appears.
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { modelOf, runBefore } from './support/cases.js';
import { scratch, type Scratch } from './support/scratch.js';

const BIN = new URL('../bin/run.js', import.meta.url).pathname;
const hasScript = spawnSync('script', ['--version']).status === 0;

/** Run the CLI on a terminal; when `question` appears, type `answer` (or do it: a key, a signal). */
function onTerminal(args: string[], cwd: string, question: RegExp, answer: string | ((child: ChildProcessWithoutNullStreams) => void)): Promise<{ code: number | null; output: string }> {
  // `exec`: whatever shell `script` starts ($SHELL, or sh when CI has none), node replaces it.
  const command = ['exec', 'node', BIN, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
  const child = spawn('script', ['-qfec', command, '/dev/null'], { cwd, env: { ...process.env, NO_COLOR: '1' } });
  let output = '';
  let answered = false;
  return new Promise((resolve) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (!answered && question.test(output)) {
        answered = true;
        if (typeof answer === 'string') child.stdin.write(`${answer}\n`);
        else answer(child);
      }
    });
    child.on('close', (code) => resolve({ code, output }));
  });
}

/**
 * The pid of the CLI's node process under `script`. Never 0 or NaN: process.kill(0) would
 * interrupt this test's whole process group, the test runner and CI with it.
 */
function nodeUnder(root: number | undefined): number {
  let parents = [String(root)];
  for (let depth = 0; depth < 4 && parents.length > 0; depth++) {
    const found = spawnSync('pgrep', ['-P', parents.join(','), '-x', 'node'], { encoding: 'utf8' }).stdout.trim();
    const pid = Number(found.split('\n')[0]);
    if (Number.isInteger(pid) && pid > 0) return pid;
    parents = spawnSync('pgrep', ['-P', parents.join(',')], { encoding: 'utf8' })
      .stdout.trim()
      .split('\n')
      .filter(Boolean);
  }
  throw new Error(`no node process under script (pid ${root})`);
}

const YAML = `
tables:
  users:
    columns:
      id: { type: integer, primary_key: true }
`;

let s: Scratch;
let cwd: string;
beforeEach(async () => {
  s = await scratch('tty');
  cwd = await mkdtemp(join(tmpdir(), 'schema-tty-'));
  await writeFile(join(cwd, 'schema.yaml'), YAML);
});
afterEach(async () => {
  await s.drop();
  await rm(cwd, { recursive: true, force: true });
});

describe.skipIf(!hasScript)('apply on a terminal', () => {
  it('applies when the answer is yes', async () => {
    const { code, output } = await onTerminal(['apply', '--url', s.url, '-m', 'asked'], cwd, /Only 'yes' will be accepted/, 'yes');
    expect(output).toContain('Apply this step?');
    expect(output).toContain('Applied 1 step');
    expect(code).toBe(0);
    expect(Object.keys((await modelOf(s.db)).tables)).toEqual(['public.users']);
    expect((await readdir(join(cwd, 'plans'))).length).toBe(1);
  });

  it('changes nothing when the answer is anything else', async () => {
    const { code, output } = await onTerminal(['apply', '--url', s.url], cwd, /Only 'yes' will be accepted/, 'y');
    expect(output).toContain('error: apply cancelled; nothing was changed');
    expect(code).toBe(1);
    expect((await modelOf(s.db)).tables).toEqual({});
    expect(existsSync(join(cwd, 'plans'))).toBe(false);
  });

  it('asks for consent to hazards by name', async () => {
    await runBefore(s.db, `CREATE TABLE users (id integer PRIMARY KEY, legacy text); INSERT INTO users VALUES (1, 'x');`);
    const { code, output } = await onTerminal(['apply', '--url', s.url, '-m', 'drop legacy'], cwd, /accept them and apply/, 'yes');
    expect(output).toContain('This plan has hazards that need consent: data_loss (1 step).');
    expect(code).toBe(0);
    expect((await modelOf(s.db)).tables['public.users']?.columns.map((c) => c.name)).toEqual(['id']);
  });

  // Ctrl-D (end of input), Ctrl-C typed, and SIGINT sent to the process: a cancellation, not an internal error.
  const cancels: [string, (child: ChildProcessWithoutNullStreams) => void][] = [
    ['Ctrl-D', (child) => child.stdin.write('\x04')],
    ['stdin closed', (child) => child.stdin.end()],
    ['Ctrl-C', (child) => child.stdin.write('\x03')],
    [
      'SIGINT',
      (child) => {
        process.kill(nodeUnder(child.pid), 'SIGINT');
      },
    ],
  ];
  it.each(cancels)('%s at the prompt cancels: nothing changed, exit 130', async (_name, cancel) => {
    const { code, output } = await onTerminal(['apply', '--url', s.url], cwd, /Only 'yes' will be accepted/, cancel);
    expect(output).toContain('Cancelled; nothing was changed');
    expect(output).not.toMatch(/internal error|report it/);
    expect(code).toBe(130);
    expect((await modelOf(s.db)).tables).toEqual({});
    expect(existsSync(join(cwd, 'plans'))).toBe(false);
  });
});
