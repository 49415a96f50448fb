// Using schema in your own project (defect 12): a publishable package under a name of its own
// with the `schema` executable, and `schema init`, which scaffolds schema.yaml and plans/ and
// never overwrites an existing file. Run through the real CLI.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BIN } from './support/cli.js';

const ROOT = new URL('..', import.meta.url).pathname;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'schema-init-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const schema = (...args: string[]) => spawnSync('node', [BIN, ...args, '--no-color'], { cwd: dir, encoding: 'utf8' });

describe('schema init', () => {
  it('writes a commented schema.yaml that validates as it is, and makes plans/; nothing else, and no database', async () => {
    const r = schema('init');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('Wrote schema.yaml (an example: edit it) and made plans/.');
    const text = await readFile(join(dir, 'schema.yaml'), 'utf8');
    expect(text).toMatch(/^# yaml-language-server: \$schema=\.\/node_modules\/pg-schema-plan\/schemas\/schema\.json\n/);
    expect(text).toContain('# Objects in the database but absent from this file are dropped');
    expect(existsSync(join(dir, 'plans'))).toBe(true);
    expect(existsSync(join(dir, '.schema'))).toBe(false);
    const valid = schema('validate');
    expect(valid.status, valid.stderr).toBe(0);
    expect(valid.stdout).toContain('schema.yaml is valid.');
  });

  it('refuses to overwrite an existing schema file: one clear message, exit 1, nothing written', async () => {
    await writeFile(join(dir, 'schema.yaml'), 'tables: {}\n');
    const r = schema('init');
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('error: schema.yaml already exists; init never overwrites it, and nothing was written\nhint: edit schema.yaml as it is, or choose another file with --schema\n');
    expect(await readFile(join(dir, 'schema.yaml'), 'utf8')).toBe('tables: {}\n');
    expect(existsSync(join(dir, 'plans'))).toBe(false);
  });

  it('takes another schema file and plans folder, making their folders', async () => {
    const r = schema('init', '--schema', 'db/schema.yaml', '--plans-dir', 'db/plans');
    expect(r.status, r.stderr).toBe(0);
    expect(existsSync(join(dir, 'db', 'schema.yaml'))).toBe(true);
    expect(existsSync(join(dir, 'db', 'plans'))).toBe(true);
    expect(existsSync(join(dir, 'schema.yaml'))).toBe(false);
  });

  it('says in its help that --from-url starts from an existing database, and what comes next', () => {
    const r = schema('init', '--help');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('--from-url');
    expect(r.stdout).toContain('the file is the database at that URL instead of the example');
    expect(r.stdout).toContain('schema apply --baseline');
  });
});

describe('the package', () => {
  it('is publishable under its own name, with the schema executable, and ships only what runs', async () => {
    const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { name: string; private?: boolean; bin: Record<string, string>; files: string[] };
    expect(pkg.name).toBe('pg-schema-plan');
    expect(pkg.private).toBeUndefined();
    expect(pkg.bin).toEqual({ schema: './bin/run.js' });
    const packed = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' });
    expect(packed.status, packed.stderr).toBe(0);
    const files = (JSON.parse(packed.stdout) as [{ files: { path: string }[] }])[0].files.map((f) => f.path);
    for (const needed of ['bin/run.js', 'dist/index.js', 'dist/commands/index.js', 'dist/commands/init.js', 'schemas/schema.json', 'package.json', 'README.md']) expect(files).toContain(needed);
    expect(files.filter((f) => /^(src|test|docs|scripts|node_modules|plans)\//.test(f) || f === 'schema.yaml')).toEqual([]);
    const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
    expect(readme).toContain('npm i -D pg-schema-plan');
    expect(readme).toContain('npx schema init');
  });
});
