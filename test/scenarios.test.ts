// Plays every scenario of test/scenarios/ (the format is in test/scenarios/README.md): commands
// as a user types them, in a fresh folder against fresh scratch databases, and what must be seen.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { scratch, type Scratch } from './support/scratch.js';
import { BIN } from './support/cli.js';

const ROOT = new URL('..', import.meta.url).pathname;
const SCENARIOS = join(ROOT, 'test/scenarios');

type Line =
  | { readonly kind: 'file'; readonly path: string; readonly text: string; readonly at: number }
  | { readonly kind: 'sql'; readonly url: string; readonly text: string; readonly at: number }
  | { readonly kind: 'command'; readonly command: string; readonly status: number | 'nonzero'; readonly expect: string[]; readonly absent: string[]; readonly at: number }
  | { readonly kind: 'run'; readonly doc: string; readonly heading: string; readonly env: Readonly<Record<string, string>>; readonly at: number };

/** The scenario's steps; a line it cannot read is an error naming the line. */
export function parseScenario(name: string, text: string): Line[] {
  const lines = text.split('\n');
  const steps: Line[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const at = i + 1;
    if (line.trim() === '' || line.startsWith('#')) continue;
    const block = /^=== (file|sql) (.+)$/.exec(line);
    if (block) {
      const body: string[] = [];
      for (i++; i < lines.length && lines[i] !== '==='; i++) body.push(lines[i]!);
      if (i >= lines.length) throw new Error(`${name}:${at}: the block is not closed by a line "==="`);
      const text = body.join('\n') + '\n';
      steps.push(block[1] === 'file' ? { kind: 'file', path: block[2]!.trim(), text, at } : { kind: 'sql', url: block[2]!.trim(), text, at });
      continue;
    }
    const run = /^=== run ([^#\s]+)#(\S+)((?: \w+=\S+)*)$/.exec(line);
    if (run) {
      const env = Object.fromEntries(
        run[3]!
          .trim()
          .split(/\s+/)
          .filter(Boolean)
          .map((a) => [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]),
      );
      steps.push({ kind: 'run', doc: run[1]!, heading: run[2]!, env, at });
      continue;
    }
    const command = /^(\$|!|\?(\d+)) (.+)$/.exec(line);
    if (command) {
      steps.push({ kind: 'command', command: command[3]!, status: command[1] === '$' ? 0 : command[1] === '!' ? 'nonzero' : Number(command[2]), expect: [], absent: [], at });
      continue;
    }
    const out = /^>(!?) (.*)$/.exec(line);
    const last = steps[steps.length - 1];
    if (out && last?.kind === 'command') {
      (out[1] ? last.absent : last.expect).push(out[2]!);
      continue;
    }
    throw new Error(`${name}:${at}: cannot read this line: ${line}`);
  }
  return steps;
}

/** GitHub's anchor of a heading: lower case, spaces to dashes, punctuation gone. */
const anchor = (heading: string): string =>
  heading
    .toLowerCase()
    .replace(/[^a-z0-9 -]/g, '')
    .replace(/ /g, '-');

/** The commands of the `sh` blocks under a heading of a document, as written (comments and all). */
export function documentedCommands(doc: string, heading: string): string[] {
  const text = readFileSync(join(ROOT, doc), 'utf8');
  const lines = text.split('\n');
  const start = lines.findIndex((l) => /^#+ /.test(l) && anchor(l.replace(/^#+ /, '')) === heading);
  if (start < 0) throw new Error(`${doc} has no heading #${heading}`);
  const level = /^#+/.exec(lines[start]!)![0].length;
  const commands: string[] = [];
  let inBlock = false;
  for (const line of lines.slice(start + 1)) {
    const h = /^(#+) /.exec(line);
    if (h && h[1]!.length <= level && !inBlock) break;
    const fence = /^\s*```(\w*)\s*$/.exec(line);
    if (fence) {
      inBlock = !inBlock && fence[1] === 'sh';
      continue;
    }
    if (inBlock && line.trim() !== '' && !line.trim().startsWith('#')) commands.push(line.trim());
  }
  if (commands.length === 0) throw new Error(`${doc}#${heading} has no sh block`);
  return commands;
}

function shell(command: string, cwd: string, env: NodeJS.ProcessEnv): { status: number; out: string } {
  // `schema` and `npx schema` are this checkout's CLI.
  const line = command.replace(/(^|[;&|(]\s*)(npx )?schema /g, `$1node ${JSON.stringify(BIN)} `);
  const r = spawnSync('bash', ['-c', line], { cwd, env, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

async function play(name: string): Promise<void> {
  const steps = parseScenario(name, readFileSync(join(SCENARIOS, name), 'utf8'));
  const dir = await mkdtemp(join(tmpdir(), 'schema-scenario-'));
  const dbs: Scratch[] = [];
  try {
    for (const label of ['dev', 'ci', 'prod']) dbs.push(await scratch(`scn${label}`));
    const [dev, ci, prod] = dbs as [Scratch, Scratch, Scratch];
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', DEV_URL: dev.url, DATABASE_URL: dev.url, CI_URL: ci.url, CI_DATABASE_URL: ci.url, PROD_URL: prod.url };
    const expand = (s: string): string => s.replace(/\$(DEV_URL|CI_URL|PROD_URL|DATABASE_URL|CI_DATABASE_URL)\b/g, (_m, v: string) => env[v]!);
    const runCommand = (command: string, status: number | 'nonzero', expected: readonly string[], absent: readonly string[], where: string, extra: Readonly<Record<string, string>> = {}): void => {
      const r = shell(command, dir, { ...env, ...Object.fromEntries(Object.entries(extra).map(([k, v]) => [k, expand(v)])) });
      const said = `${where}: ${command}\n${r.out}`;
      if (status === 'nonzero') expect(r.status, said).not.toBe(0);
      else expect(r.status, said).toBe(status);
      let from = 0;
      for (const e of expected.map(expand)) {
        const found = r.out.indexOf(e, from);
        expect(found, `${said}\n(expected, in order: ${e})`).toBeGreaterThanOrEqual(0);
        from = found + e.length;
      }
      for (const a of absent.map(expand)) expect(r.out, said).not.toContain(a);
    };
    for (const step of steps) {
      const where = `${name}:${step.at}`;
      if (step.kind === 'file') {
        await mkdir(dirname(join(dir, step.path)), { recursive: true });
        await writeFile(join(dir, step.path), step.text);
      } else if (step.kind === 'sql') {
        const client = new pg.Client({ connectionString: expand(step.url) });
        await client.connect();
        try {
          await client.query(`SET search_path = public; ${step.text}`);
        } finally {
          await client.end();
        }
      } else if (step.kind === 'command') {
        runCommand(step.command, step.status, step.expect, step.absent, where);
      } else {
        for (const command of documentedCommands(step.doc, step.heading)) runCommand(command, 0, [], [], `${where} (${step.doc}#${step.heading})`, step.env);
      }
    }
  } finally {
    for (const s of dbs) await s.drop();
    await rm(dir, { recursive: true, force: true });
  }
}

const files = readdirSync(SCENARIOS)
  .filter((f) => f.endsWith('.txt'))
  .sort();

describe('CLI scenarios (test/scenarios/*.txt)', () => {
  it.each(files)('%s', (name) => play(name), 240_000);
});
