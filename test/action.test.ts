// action.yml, run as a runner runs a composite Action: each step's `run` script with bash
// (`bash --noprofile --norc -eo pipefail`), its `env` and `working-directory`, `${{ }}` filled from
// the inputs and the event, `if:` decided, outputs read back from $GITHUB_OUTPUT. The `uses:` step
// (setup-node) and the install (npm ci) are skipped: this checkout is installed and built. The
// database is a real scratch one; GitHub is the local stand-in of test/support/fake-github.ts.
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeGitHub, TOKEN } from './support/fake-github.js';
import { scratch, type Scratch } from './support/scratch.js';

const ROOT = new URL('..', import.meta.url).pathname.replace(/\/$/, '');

interface ActionStep {
  readonly name?: string;
  readonly id?: string;
  readonly uses?: string;
  readonly if?: string;
  readonly run?: string;
  readonly shell?: string;
  readonly env?: Record<string, string>;
  readonly 'working-directory'?: string;
}

interface Action {
  readonly inputs: Record<string, { readonly default?: string; readonly required?: boolean }>;
  readonly outputs: Record<string, { readonly value: string }>;
  readonly runs: { readonly using: string; readonly steps: readonly ActionStep[] };
}

const action = parse(await readFile(join(ROOT, 'action.yml'), 'utf8')) as Action;

interface Job {
  /** Each step that ran: its name, exit status and output. */
  readonly steps: { name: string; status: number | null; log: string }[];
  readonly outputs: Record<string, string>;
  /** The job failed (a step exited non-zero). */
  readonly failed: boolean;
}

function bash(script: string, cwd: string, env: Record<string, string>): Promise<{ status: number | null; log: string }> {
  return new Promise((done, fail) => {
    const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], { cwd, env });
    let log = '';
    child.stdout.on('data', (d: Buffer) => (log += d.toString()));
    child.stderr.on('data', (d: Buffer) => (log += d.toString()));
    child.on('error', fail);
    child.on('close', (status) => done({ status, log }));
  });
}

/** The composite Action run in `workspace` on pull request 7, with `with` as its inputs. */
async function runAction(workspace: string, github: FakeGitHub, given: Record<string, string>, pr: string | null = '7'): Promise<Job> {
  const inputs: Record<string, string> = Object.fromEntries(Object.entries(action.inputs).map(([k, v]) => [k, v.default ?? '']));
  inputs['github-token'] = TOKEN;
  Object.assign(inputs, given);
  const temp = await mkdtemp(join(tmpdir(), 'schema-runner-'));
  const outputs: Record<string, Record<string, string>> = {};
  const value = (expr: string): string => {
    const e = expr.trim();
    if (e.startsWith('inputs.')) return inputs[e.slice(7)] ?? '';
    if (e === 'github.action_path') return ROOT;
    if (e === 'github.event.pull_request.number') return pr ?? '';
    const out = /^steps\.([\w-]+)\.outputs\.([\w-]+)$/.exec(e);
    if (out) return outputs[out[1]!]?.[out[2]!] ?? '';
    throw new Error(`action.yml uses an expression this test does not know: ${e}`);
  };
  const fill = (text: string): string => text.replace(/\$\{\{(.*?)\}\}/g, (_m, e: string) => value(e));
  const condition = (expr: string): boolean => {
    const eq = /^(.*?)\s*==\s*'(.*)'$/.exec(expr.trim());
    return eq ? value(eq[1]!) === eq[2] : value(expr) !== '';
  };
  const job: Job = { steps: [], outputs: {}, failed: false };
  try {
    for (const step of action.runs.steps) {
      // A step runs when the ones before it succeeded (no `always()` here) and its `if` holds.
      if (job.failed || (step.if !== undefined && !condition(step.if))) continue;
      if (step.uses || step.name === 'Install schema') continue;
      expect(step.shell).toBe('bash');
      // Inputs reach a script through its environment only: no `${{ }}` in the script's text.
      expect(step.run).not.toMatch(/\$\{\{/);
      const outputFile = join(temp, `output-${job.steps.length}`);
      await writeFile(outputFile, '');
      const env: Record<string, string> = {
        PATH: process.env['PATH'] ?? '',
        HOME: process.env['HOME'] ?? '',
        RUNNER_TEMP: temp,
        GITHUB_OUTPUT: outputFile,
        GITHUB_REPOSITORY: 'octo/app',
        GITHUB_API_URL: github.url,
        ...Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, fill(v)])),
      };
      const r = await bash(step.run!, join(workspace, fill(step['working-directory'] ?? '.')), env);
      job.steps.push({ name: step.name ?? '', ...r });
      if (step.id) outputs[step.id] = Object.fromEntries((await readFile(outputFile, 'utf8')).split('\n').flatMap((l) => (l.includes('=') ? [[l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]] : [])));
      if (r.status !== 0) (job as { failed: boolean }).failed = true;
    }
    for (const [name, o] of Object.entries(action.outputs)) job.outputs[name] = fill(o.value);
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
  return job;
}

const ORDERS = `tables:
  orders:
    columns:
      id: { type: integer, primary_key: true }
      total: numeric(12,2)
`;

let db: Scratch;
let github: FakeGitHub;
let workspace: string;

beforeEach(async () => {
  db = await scratch('action');
  github = new FakeGitHub();
  await github.start();
  workspace = await mkdtemp(join(tmpdir(), 'schema-action-'));
  await db.db.exec(`CREATE TABLE public.orders (id integer PRIMARY KEY, total numeric(12,2), note text); INSERT INTO public.orders SELECT g, g, 'n' || g FROM generate_series(1, 3) g;`);
});

afterEach(async () => {
  await github.stop();
  await db.drop();
  await rm(workspace, { recursive: true, force: true });
});

describe('action.yml, run step by step as a runner would', () => {
  it('declares the inputs the docs name, the database URL required', () => {
    expect(Object.keys(action.inputs)).toEqual(['database-url', 'schema', 'plans-dir', 'verify', 'marker', 'working-directory', 'github-token', 'node-version']);
    expect(action.inputs['database-url']!.required).toBe(true);
    expect(action.runs.using).toBe('composite');
  });

  it('posts the plan as one comment, updates it on the next push, and prints the whole plan in the log', async () => {
    await mkdir(join(workspace, 'app'));
    await writeFile(join(workspace, 'app', 'schema.yaml'), ORDERS);
    github.add('Looks good to me');
    const first = await runAction(workspace, github, { 'database-url': db.url, 'working-directory': 'app', verify: 'true' });
    expect(first.failed, JSON.stringify(first.steps, null, 1)).toBe(false);
    expect(first.outputs).toEqual({ changes: 'true' });
    expect(first.steps.map((s) => s.name)).toEqual(['Plan', 'Comment on the pull request']);
    // The job log has the whole plan; the comment its markdown.
    expect(first.steps[0]!.log).toContain('drop_column public.orders.note');
    expect(first.steps[1]!.log).toMatch(/^Created https:\/\/github\.test\/octo\/app\/pull\/7#issuecomment-\d+\n$/);
    expect(github.comments).toHaveLength(2);
    const posted = github.comments[1]!.body;
    expect(posted.split('\n')[0]).toBe(`<!-- schema-plan: ${new URL(db.url).host}/${db.name}:schema.yaml -->`);
    expect(posted).toContain('### schema plan: 0 to add, 0 to change, 1 to destroy.');
    expect(posted).toContain('- 🛑 **data_loss** in step 1 (drop_column `public.orders.note`): drops column public.orders.note and its values (3 non-null values today)');
    expect(posted).toContain('✅ Verified up and down on');
    // The next push: the same comment, updated.
    await writeFile(join(workspace, 'app', 'schema.yaml'), `${ORDERS}      note: text\n      placed_at: timestamptz\n`);
    const second = await runAction(workspace, github, { 'database-url': db.url, 'working-directory': 'app' });
    expect(second.failed).toBe(false);
    expect(second.steps[1]!.log).toMatch(/^Updated /);
    expect(github.comments).toHaveLength(2);
    expect(github.comments[0]!.body).toBe('Looks good to me');
    expect(github.comments[1]!.body).toContain('### schema plan: 1 to add, 0 to change, 0 to destroy.');
    expect(github.comments[1]!.body).toContain('add_column | `public.orders.placed_at`');
    // Nothing in the database changed.
    expect((await db.db.query<{ n: string }>('SELECT count(*)::text AS n FROM information_schema.columns WHERE table_name = $1', ['orders']))[0]!.n).toBe('3');
  });

  it('a schema file with a mistake fails the job, and posts nothing', async () => {
    await writeFile(join(workspace, 'schema.yaml'), 'tables:\n  orders:\n    columns:\n      id: { type: integr, primary_key: true }\n');
    const job = await runAction(workspace, github, { 'database-url': db.url });
    expect(job.failed).toBe(true);
    expect(job.steps.map((s) => [s.name, s.status])).toEqual([
      ['Plan', 0],
      ['Comment on the pull request', 0],
      ['Fail on a plan that failed', 1],
    ]);
    expect(job.steps[0]!.log).toContain('schema.yaml:4:');
    expect(job.steps[2]!.log).toContain('::error::schema plan failed');
    expect(github.calls).toEqual([]);
  });

  it('outside a pull request it plans and posts nothing', async () => {
    await writeFile(join(workspace, 'schema.yaml'), `${ORDERS}      note: text\n`);
    const job = await runAction(workspace, github, { 'database-url': db.url }, null);
    expect(job.failed).toBe(false);
    expect(job.outputs).toEqual({ changes: 'false' });
    expect(job.steps.map((s) => s.name)).toEqual(['Plan']);
    expect(github.calls).toEqual([]);
  });
});
