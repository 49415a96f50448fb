// The set-up the revision tests share: a project folder with plans/, a development database,
// more databases on demand (all dropped after each test), the CLI run in the folder, and a
// chain of three revisions applied through the library.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { checkSchema } from '../../src/operations/schema-file.js';
import { planAgainst } from '../../src/operations/plan.js';
import { applyPlan } from '../../src/apply/apply.js';
import type { Db } from '../../src/db/db.js';
import { scratch, type Scratch } from './scratch.js';
import { BIN } from './cli.js';

/** users; then notes; then tags: three revisions, each adding a table. */
export const V1 = `
tables:
  users:
    columns:
      id: { type: integer, primary_key: true }
      email: text
`;
export const V2 = `${V1}  notes:
    columns:
      id: { type: integer, primary_key: true }
      body: text
`;
export const V3 = `${V2}  tags:
    columns:
      name: { type: text, primary_key: true }
`;

export interface Project {
  /** The development database of the test. */
  readonly dev: Scratch;
  /** The project folder (the CLI's working directory). */
  readonly dir: string;
  readonly plansDir: string;
  /** One more scratch database, dropped after the test. */
  another(label: string): Promise<Scratch>;
  /** `schema ARGS` in the project folder, against `url`. */
  cli(url: string, ...args: string[]): SpawnSyncReturns<string>;
  /** Plan `yaml` against `db` and apply it, writing a revision into plans/; its id. */
  applyYaml(db: Db, yaml: string, message: string): Promise<string>;
  /** The path of the revision file whose message is `message`. */
  fileOf(message: string): Promise<string>;
}

/** Registers the before/after hooks of the suite it is called in. */
export function useProject(label: string): Project {
  let dev: Scratch;
  let dir: string;
  const others: Scratch[] = [];
  beforeEach(async () => {
    dev = await scratch(label);
    dir = await mkdtemp(join(tmpdir(), `schema-${label}-`));
  });
  afterEach(async () => {
    for (const s of [dev, ...others.splice(0)]) await s.drop();
    await rm(dir, { recursive: true, force: true });
  });
  const project: Project = {
    get dev() {
      return dev;
    },
    get dir() {
      return dir;
    },
    get plansDir() {
      return join(dir, 'plans');
    },
    async another(name) {
      const s = await scratch(name);
      others.push(s);
      return s;
    },
    cli: (url, ...args) => spawnSync('node', [BIN, ...args, '--url', url, '--no-color'], { cwd: dir, encoding: 'utf8' }),
    async applyYaml(db, yaml, message) {
      const { plan } = await planAgainst(db, checkSchema('schema.yaml', yaml));
      return (await applyPlan({ db, plan, plansDir: project.plansDir, message })).revision!;
    },
    fileOf: async (message) =>
      join(
        project.plansDir,
        (await readdir(project.plansDir)).find((f) => f.endsWith(`_${message}.sql`))!,
      ),
  };
  return project;
}

/**
 * A prefix of revision id `id` of at least `n` characters that names it: never all digits, since
 * a bare number is read as a count (`downgrade 2`), so it is lengthened until it holds a letter
 * (the whole id when it has none).
 */
export function prefixOf(id: string, n = 6): string {
  for (let len = n; len < id.length; len++) if (/[^0-9]/.test(id.slice(0, len))) return id.slice(0, len);
  return id;
}
