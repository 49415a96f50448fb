// The sticky pull-request comment against a local stand-in for GitHub's REST API (node:http in
// this process, no network): the calls `schema comment` makes (list an issue's comments page by
// page, create one, update one), the same answers GitHub gives (Link headers, 401, 404, 422).
// Most cases run the real CLI (bin/run.js); the last one plans on a real database and posts it.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { postStickyComment } from '../src/github/comment.js';
import { FakeGitHub, TOKEN } from './support/fake-github.js';
import { useProject, V1, V2 } from './support/project.js';
import { BIN } from './support/cli.js';

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The CLI, run without blocking this process (the stand-in answers from here). */
function schema(args: readonly string[], options: { env?: Record<string, string>; input?: string; cwd?: string } = {}): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn('node', [BIN, ...args, '--no-color'], {
      cwd: options.cwd ?? dir,
      env: { ...process.env, GITHUB_API_URL: github.url, GITHUB_TOKEN: TOKEN, GITHUB_REPOSITORY: '', ...options.env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', fail);
    child.on('close', (status) => done({ status, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

const plan = (key: string, text: string): string => `<!-- schema-plan: ${key} -->\n### schema plan: ${text}\n`;

let github: FakeGitHub;
let dir: string;

beforeEach(async () => {
  github = new FakeGitHub();
  await github.start();
  dir = await mkdtemp(join(tmpdir(), 'schema-comment-'));
});

afterEach(async () => {
  await github.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('schema comment: one sticky comment per database and schema file', () => {
  it('creates the comment when there is none, with the marker on its first line', async () => {
    github.add('LGTM');
    await writeFile(join(dir, 'plan.md'), plan('db:5432/app:schema.yaml', '1 to add, 0 to change, 0 to destroy.'));
    const r = await schema(['comment', '--repo', 'octo/app', '--pr', '7', '--file', 'plan.md']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Created https:\/\/github\.test\/octo\/app\/pull\/7#issuecomment-1001\n$/);
    expect(github.calls).toEqual(['GET /repos/octo/app/issues/7/comments?per_page=100', 'POST /repos/octo/app/issues/7/comments']);
    expect(github.comments.map((c) => c.body)).toEqual(['LGTM', '<!-- schema-plan: db:5432/app:schema.yaml -->\n### schema plan: 1 to add, 0 to change, 0 to destroy.\n']);
  });

  it('updates its own comment in place when the marker is on page 2, and leaves every other comment alone', async () => {
    for (let i = 0; i < 130; i++) github.add(`comment ${i}`);
    // Another database's comment, and a comment that only mentions the marker further down.
    github.add(plan('db:5432/other:schema.yaml', 'the other database'), { login: 'github-actions[bot]', type: 'Bot' });
    github.add(`see the bot's comment, it starts with\n${plan('db:5432/app:schema.yaml', 'quoted')}`);
    const mine = github.add(plan('db:5432/app:schema.yaml', 'old plan'), { login: 'github-actions[bot]', type: 'Bot' });
    for (let i = 0; i < 5; i++) github.add(`later ${i}`);
    const before = github.comments.map((c) => ({ ...c }));
    // From stdin, as `schema plan --format markdown | schema comment` pipes it.
    const r = await schema(['comment', '--repo', 'octo/app', '--pr', '7'], { input: plan('db:5432/app:schema.yaml', 'new plan') });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`Updated https://github.test/octo/app/pull/7#issuecomment-${mine.id}\n`);
    expect(github.calls).toEqual(['GET /repos/octo/app/issues/7/comments?per_page=100', 'GET /repos/octo/app/issues/7/comments?per_page=100&page=2', `PATCH /repos/octo/app/issues/comments/${mine.id}`]);
    expect(github.comments).toHaveLength(before.length);
    for (const [i, c] of github.comments.entries()) expect(c.body).toBe(c.id === mine.id ? plan('db:5432/app:schema.yaml', 'new plan') : before[i]!.body);
    // Posting the same plan again changes nothing.
    github.calls.length = 0;
    const again = await schema(['comment', '--repo', 'octo/app', '--pr', '7'], { input: plan('db:5432/app:schema.yaml', 'new plan') });
    expect(again.stdout).toBe(`Unchanged: https://github.test/octo/app/pull/7#issuecomment-${mine.id}\n`);
    expect(github.calls.filter((c) => !c.startsWith('GET'))).toEqual([]);
  });

  it('--marker names the comment, replacing the marker the markdown carries', async () => {
    github.pageSize = 2;
    for (let i = 0; i < 5; i++) github.add(`comment ${i}`);
    const mine = github.add(plan('staging', 'old'), { login: 'github-actions[bot]', type: 'Bot' });
    const r = await schema(['comment', '--repo', 'octo/app', '--pr', '7', '--marker', 'staging'], { input: plan('db:5432/app:schema.yaml', 'new') });
    expect(r.status, r.stderr).toBe(0);
    // Three pages of two, then the update.
    expect(github.calls.filter((c) => c.startsWith('GET'))).toHaveLength(3);
    expect(mine.body).toBe(plan('staging', 'new'));
    expect(github.comments).toHaveLength(6);
  });

  it('refuses a body over 65,536 characters before it sends anything', async () => {
    const long = plan('db:5432/app:schema.yaml', 'big') + 'x'.repeat(65_536);
    await writeFile(join(dir, 'plan.md'), long);
    const r = await schema(['comment', '--repo', 'octo/app', '--pr', '7', '--file', 'plan.md']);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      `error: the comment is ${long.length.toLocaleString('en')} characters; GitHub takes at most 65,536: nothing was posted\nhint: render it with \`schema plan --format markdown\`, which cuts the steps and the SQL to fit (see --max-chars)\n`,
    );
    expect(github.calls).toEqual([]);
  });

  it('a refused token is one clear message, exit 1, no stack trace, nothing posted', async () => {
    github.add(plan('k', 'old'));
    const r = await schema(['comment', '--repo', 'octo/app', '--pr', '7'], { input: plan('k', 'new'), env: { GITHUB_TOKEN: 'wrong' } });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      'error: GitHub answered GET /repos/octo/app/issues/7/comments with 401: Bad credentials; nothing was posted\nhint: GITHUB_TOKEN was refused: check that it is set to a valid token (in a workflow: ${{ github.token }})\n',
    );
    expect(github.comments[0]!.body).toBe(plan('k', 'old'));
  });

  it('a pull request that is not there, a missing token, no server: each one message and exit 1', async () => {
    const nowhere = await schema(['comment', '--repo', 'octo/app', '--pr', '8'], { input: plan('k', 'x') });
    expect(nowhere.status).toBe(1);
    expect(nowhere.stderr).toBe(
      'error: GitHub answered GET /repos/octo/app/issues/8/comments with 404: Not Found; nothing was posted\nhint: check --repo octo/app and --pr 8: a repository the token cannot read also answers 404\n',
    );
    const noToken = await schema(['comment', '--repo', 'octo/app', '--pr', '7'], { input: plan('k', 'x'), env: { GITHUB_TOKEN: '' } });
    expect(noToken.status).toBe(1);
    expect(noToken.stderr).toMatch(/^error: GITHUB_TOKEN is not set: posting a comment needs a token that may write to pull requests\nhint: /);
    const closed = new FakeGitHub();
    await closed.start();
    const closedUrl = closed.url;
    await closed.stop();
    const offline = await schema(['comment', '--repo', 'octo/app', '--pr', '7'], { input: plan('k', 'x'), env: { GITHUB_API_URL: closedUrl } });
    expect(offline.status).toBe(1);
    expect(offline.stderr).toBe(`error: could not reach GitHub at ${closedUrl} (ECONNREFUSED); nothing was posted\nhint: check the network, or GITHUB_API_URL for GitHub Enterprise\n`);
    const unmarked = await schema(['comment', '--repo', 'octo/app', '--pr', '7'], { input: '### a plan without a marker\n' });
    expect(unmarked.status).toBe(1);
    expect(unmarked.stderr).toMatch(/^error: the markdown has no marker line/);
    const badRepo = await schema(['comment', '--repo', 'octo', '--pr', '7'], { input: plan('k', 'x') });
    expect(badRepo.stderr).toMatch(/^error: --repo must be owner\/name, not "octo"/);
    for (const r of [nowhere, noToken, offline, unmarked, badRepo]) expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(github.comments).toEqual([]);
  });

  it('the library call: a key becomes a safe marker, and a comment by a person carrying it does not win over the bot', async () => {
    const squatter = github.add(plan('a_b-c', 'planted by hand'));
    const bot = github.add(plan('a_b-c', 'old'), { login: 'github-actions[bot]', type: 'Bot' });
    const posted = await postStickyComment({ repo: 'octo/app', pr: 7, apiUrl: github.url, token: TOKEN }, 'a b--c', '### new\n');
    expect(posted).toMatchObject({ action: 'updated', id: bot.id });
    expect(bot.body).toBe('<!-- schema-plan: a_b-c -->\n### new\n');
    expect(squatter.body).toBe(plan('a_b-c', 'planted by hand'));
  });
});

describe('plan --format markdown, posted: where, when, which revisions', () => {
  const project = useProject('comment');

  it('says the host and database (no password), the time in UTC and the head of plans/, and posts it', async () => {
    const first = await project.applyYaml(project.dev.db, V1, 'users');
    const second = await project.applyYaml(project.dev.db, V2, 'notes');
    await writeFile(join(project.dir, 'schema.yaml'), `${V2}  tags:\n    columns:\n      name: { type: text, primary_key: true }\n`);
    const u = new URL(project.dev.url);
    u.password = 'hunter2-secret';
    const before = Date.now();
    const planned = await schema(['plan', '--url', u.toString(), '--format', 'markdown'], { cwd: project.dir });
    expect(planned.status, planned.stderr).toBe(0);
    const md = planned.stdout;
    expect(md).not.toContain('hunter2-secret');
    const key = `${u.hostname}:${u.port}${u.pathname}:schema.yaml`;
    expect(md.split('\n')[0]).toBe(`<!-- schema-plan: ${key} -->`);
    const at = /Planned on `postgres@[^`]+` at (\d{4}-\d\d-\d\d \d\d:\d\d) UTC; `plans\/` is at head `([^`]+)`\./.exec(md);
    expect(at, md).not.toBeNull();
    expect(md).toContain(`Planned on \`postgres@${u.hostname}:${u.port}${u.pathname}\``);
    expect(Math.abs(Date.parse(`${at![1]!.replace(' ', 'T')}:00Z`) - before)).toBeLessThan(120_000);
    expect(at![2]).toBe(second);
    expect(at![2]).not.toBe(first);
    const posted = await schema(['comment', '--repo', 'octo/app', '--pr', '7'], { input: md, cwd: project.dir });
    expect(posted.status, posted.stderr).toBe(0);
    expect(github.comments.map((c) => c.body)).toEqual([md]);
  });
});

/** A schema.yaml of `n` tables, each with a dozen columns, three indexes, a check and a key to the table before it. */
function bigSchema(n: number): string {
  const lines = ['tables:'];
  for (let i = 0; i < n; i++) {
    const t = `table_number_${String(i).padStart(3, '0')}`;
    lines.push(
      `  ${t}:`,
      '    columns:',
      '      id: { type: bigint, identity: always, primary_key: true }',
      '      owner_id: bigint',
      '      title: { type: text, nullable: false }',
      '      amount: { type: numeric(12,2), nullable: false, default: 0 }',
    );
    lines.push('      created_at: { type: timestamptz, nullable: false, default: { sql: now() } }');
    for (const c of ['description', 'status_text', 'external_reference', 'notes_for_support', 'country_code', 'currency']) lines.push(`      ${c}: text`);
    lines.push('    checks:', `      ${t}_amount_check: amount >= 0`, '    indexes:');
    for (const c of ['owner_id', 'created_at', 'status_text']) lines.push(`      ${t}_${c}_idx: { columns: [${c}] }`);
    if (i > 0) lines.push('    foreign_keys:', `      ${t}_owner_id_fkey: { columns: [owner_id], references: table_number_${String(i - 1).padStart(3, '0')}(id) }`);
  }
  return lines.join('\n') + '\n';
}

describe('plan --format markdown of 150 tables on an empty database', () => {
  const project = useProject('comment150');

  it('fits in one comment: the SQL and the last steps left out, counted, and the whole plan pointed to', async () => {
    await writeFile(join(project.dir, 'schema.yaml'), bigSchema(150));
    const [whole, cut] = await Promise.all([
      schema(['plan', '--url', project.dev.url, '--format', 'markdown', '--max-chars', '100000000'], { cwd: project.dir }),
      schema(['plan', '--url', project.dev.url, '--format', 'markdown'], { cwd: project.dir }),
    ]);
    expect(cut.status, cut.stderr).toBe(0);
    expect(whole.stdout.length).toBeGreaterThan(2 * 65_536);
    expect(cut.stdout.length).toBeLessThanOrEqual(65_536);
    const steps = Number(/^### schema plan: (\d+) to add, 0 to change, 0 to destroy\.$/m.exec(cut.stdout)?.[1]);
    expect(steps).toBe(150 + 150 * 3 + 149);
    const shown = cut.stdout.split('\n').filter((l) => /^\| \d+ \| \+ \|/.test(l)).length;
    expect(cut.stdout).toContain(`_Steps ${shown + 1} to ${steps} (${steps - shown} more) are left out to fit a comment: the whole plan is in the job log`);
    expect(cut.stdout).toContain(`_The SQL (${steps} statements) is left out to fit a comment:`);
    expect(cut.stdout).toContain(`**Plan: ${steps} to add, 0 to change, 0 to destroy.**`);
    expect(cut.stdout).toMatch(/#### Downgrade\n\nThe way back \(`schema downgrade` after this is applied\): \d+ steps, 0 to add, 0 to change, \d+ to destroy\./);
    // Posted as it is: under the limit, so GitHub takes it.
    const posted = await schema(['comment', '--repo', 'octo/app', '--pr', '7'], { input: cut.stdout, cwd: project.dir });
    expect(posted.status, posted.stderr).toBe(0);
    expect(github.comments.map((c) => c.body)).toEqual([cut.stdout]);
  }, 240_000);
});
