// The chain in plans/, replayed exactly: downgrade and upgrade restore the same database with
// untouched data kept; relative targets and prefixes; two heads merged; changed, deleted and
// inserted revisions refused by name; check, drift, and --sql scripts that psql runs.
import { spawnSync } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkDatabase, driftOf, loadChain, readStatus } from '../src/operations/status.js';
import { checkSchema } from '../src/operations/schema-file.js';
import { mergeHeads } from '../src/operations/merge.js';
import { planAgainst } from '../src/operations/plan.js';
import { applyPlan } from '../src/apply/apply.js';
import { runRevision } from '../src/apply/replay.js';
import type { Db } from '../src/db/db.js';
import { revisionsToDowngrade, revisionsToUpgrade, type Revision } from '../src/revisions/chain.js';
import { checksumOf, formatRevision, parseRevision } from '../src/revisions/file.js';
import { appliedRevisions, ensurePending, finishPending, startPending } from '../src/revisions/ledger.js';
import { introspect } from '../src/introspect/introspect.js';
import { fingerprint } from '../src/model/fingerprint.js';
import { describeSteps, modelOf, runBefore } from './support/cases.js';
import { scratch, type Scratch } from './support/scratch.js';
import { prefixOf } from './support/project.js';
import { BIN } from './support/cli.js';

const V1 = `
tables:
  users:
    columns:
      id: { type: integer, primary_key: true }
      email: text
`;
const V2 = `${V1}      name: text
  notes:
    columns:
      id: { type: integer, primary_key: true }
      user_id: integer
    foreign_keys:
      notes_user_fk: { columns: [user_id], references: users }
`;
const V3 = V2.replace('      email: text', '      email: { type: text, nullable: false }').replace('      name: text', '      name: text\n    indexes:\n      users_email_idx: { columns: [email] }');

let dev: Scratch;
let plansDir: string;
const others: Scratch[] = [];
const cleanup: string[] = [];

beforeEach(async () => {
  dev = await scratch('rev');
  plansDir = await mkdtemp(join(tmpdir(), 'schema-revisions-'));
});
afterEach(async () => {
  for (const s of [dev, ...others.splice(0)]) await s.drop();
  await rm(plansDir, { recursive: true, force: true });
  for (const dir of cleanup.splice(0)) await rm(dir, { recursive: true, force: true });
});

/** A folder holding schema.yaml with `yaml`, removed after the test. */
async function schemaDir(yaml: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'schema-project-'));
  cleanup.push(dir);
  await writeFile(join(dir, 'schema.yaml'), yaml);
  return dir;
}

async function another(label: string): Promise<Scratch> {
  const s = await scratch(label);
  others.push(s);
  return s;
}

/** `schema apply` of a YAML text in development: plan, run, write the revision file. */
async function applyYaml(db: Db, yaml: string, message: string, dir = plansDir): Promise<string> {
  const { plan } = await planAgainst(db, checkSchema('schema.yaml', yaml));
  return (await applyPlan({ db, plan, plansDir: dir, message })).revision!;
}

async function upgrade(db: Db, target = 'head', dir = plansDir): Promise<Revision[]> {
  const status = await readStatus(db, dir);
  const list = revisionsToUpgrade(status.chain, status.appliedIds, target);
  for (const r of list) await runRevision(db, r, 'upgrade');
  return list;
}

async function downgrade(db: Db, target = '-1', dir = plansDir): Promise<Revision[]> {
  const status = await readStatus(db, dir);
  const list = revisionsToDowngrade(
    status.chain,
    status.applied.map((a) => a.revision),
    target,
  );
  for (const r of list) await runRevision(db, r, 'downgrade');
  return list;
}

async function current(db: Db): Promise<string[]> {
  return (await readStatus(db, plansDir)).current.map((r) => r.revision);
}

async function threeRevisions(): Promise<[string, string, string]> {
  return [await applyYaml(dev.db, V1, 'users'), await applyYaml(dev.db, V2, 'notes'), await applyYaml(dev.db, V3, 'email required')];
}

const users = (db: Db): Promise<unknown[]> => db.query('SELECT id, email FROM public.users ORDER BY id');

describe('upgrade and downgrade replay the revision files', () => {
  it('downgrade then upgrade restores the same database, keeping data in untouched columns', async () => {
    const ids = await threeRevisions();
    const prod = await another('prod');
    await upgrade(prod.db, ids[0]);
    await prod.db.exec(`INSERT INTO public.users VALUES (1, 'a@x'), (2, 'b@x')`);
    expect(describeSteps((await upgrade(prod.db)).flatMap((r) => r.upgrade))).toEqual([
      'create_table public.notes',
      'add_column public.users.name',
      'add_foreign_key public.notes.notes_user_fk',
      'alter_column public.users.email',
      'create_index public.users.users_email_idx',
    ]);
    const atHead = await modelOf(prod.db);
    expect(atHead).toEqual(await modelOf(dev.db));

    await downgrade(prod.db, '-2');
    expect(await current(prod.db)).toEqual([ids[0]]);
    expect(Object.keys((await modelOf(prod.db)).tables)).toEqual(['public.users']);
    expect(await users(prod.db)).toEqual([
      { id: 1, email: 'a@x' },
      { id: 2, email: 'b@x' },
    ]);
    await upgrade(prod.db);
    expect(await modelOf(prod.db)).toEqual(atHead);
    expect(await users(prod.db)).toHaveLength(2);

    await downgrade(prod.db, 'base');
    expect((await modelOf(prod.db)).tables).toEqual({});
    expect(await appliedRevisions(prod.db)).toEqual([]);
    await upgrade(prod.db, 'head');
    expect(await modelOf(prod.db)).toEqual(atHead);
    expect((await appliedRevisions(prod.db)).map((a) => a.revision)).toEqual(ids);
  });

  it('takes +N, -N and unambiguous prefixes', async () => {
    const [a, b, c] = await threeRevisions();
    const prod = await another('prefix');
    expect((await upgrade(prod.db, '+1')).map((r) => r.revision)).toEqual([a]);
    expect(await current(prod.db)).toEqual([a]);
    expect((await upgrade(prod.db, prefixOf(c, 6))).map((r) => r.revision)).toEqual([b, c]);
    expect((await downgrade(prod.db, '-2')).map((r) => r.revision)).toEqual([c, b]);
    expect(await current(prod.db)).toEqual([a]);
    await upgrade(prod.db);
    expect((await downgrade(prod.db, prefixOf(a, 5))).map((r) => r.revision)).toEqual([c, b]);
    await expect(upgrade(prod.db, '+3')).rejects.toThrow('cannot upgrade 3: only 2 revisions are not applied');
    await expect(upgrade(prod.db, 'ffffffffffff')).rejects.toThrow('no revision starts with "ffffffffffff"');
    await expect(downgrade(prod.db, '-2')).rejects.toThrow('cannot downgrade 2: only 1 revision is applied');
  });

  it('history and current show the chain and where each database stands', async () => {
    const [a, b, c] = await threeRevisions();
    const prod = await another('hist');
    await upgrade(prod.db, b);
    const run = (args: string[]) => spawnSync('node', [BIN, ...args, '--url', prod.url, '--plans-dir', plansDir, '--no-color'], { encoding: 'utf8' });
    const history = run(['history'])
      .stdout.split('\n')
      .filter((l) => /^[●○] /.test(l));
    expect(history).toEqual([
      expect.stringMatching(new RegExp(`^○ ${c}  \\S+  email required \\[may_fail, blocking\\] \\(head\\)$`)),
      expect.stringMatching(new RegExp(`^● ${b}  \\S+  notes \\(current\\)$`)),
      expect.stringMatching(new RegExp(`^● ${a}  \\S+  users$`)),
    ]);
    expect(run(['history', '-r', `${prefixOf(a, 6)}:current`]).stdout).not.toContain(c);
    const current = run(['current']);
    expect(current.stdout).toContain(`${b}  `);
    expect(current.stdout).toContain('1 revision not applied: run `schema upgrade`');
    await upgrade(prod.db);
    expect(run(['current']).stdout).toMatch(new RegExp(`^${c} .* \\(head\\)$`, 'm'));
  });

  it('plan says a database is behind plans/, and apply refuses before it shows a plan', async () => {
    const [a, b] = await threeRevisions();
    const prod = await another('behind');
    await upgrade(prod.db, a);
    const project = await mkdtemp(join(tmpdir(), 'schema-behind-'));
    try {
      await writeFile(join(project, 'schema.yaml'), V3);
      const run = (args: string[]) => spawnSync('node', [BIN, ...args, '--url', prod.url, '--plans-dir', plansDir, '--no-color'], { cwd: project, encoding: 'utf8' });
      const plan = run(['plan']);
      expect(plan.status).toBe(0);
      expect(plan.stderr).toContain(`2 revisions in ${plansDir} are not applied to this database (up to `);
      expect(plan.stderr).toContain('`schema upgrade` runs them, and `schema apply` refuses until then');
      const before = await modelOf(prod.db);
      const apply = run(['apply', '--auto-approve', '-m', 'too early']);
      expect(apply.status).toBe(1);
      expect(apply.stderr).toContain(`error: this database is behind the revisions in ${plansDir}: 2 revisions (up to `);
      expect(apply.stderr).toContain('hint: run `schema upgrade` first, then plan again');
      expect(apply.stdout).not.toContain('The plan');
      expect(await modelOf(prod.db)).toEqual(before);
      expect(await readdir(plansDir)).toHaveLength(3);
      await upgrade(prod.db, b);
      expect(run(['plan']).stderr).toContain(`1 revision in ${plansDir} is not applied to this database`);
      await upgrade(prod.db);
      expect(run(['plan']).stderr).not.toContain('not applied');
    } finally {
      await rm(project, { recursive: true, force: true });
    }
  });

  it('a downgrade that drops data needs consent on the command line', async () => {
    await threeRevisions();
    const r = spawnSync('node', [BIN, 'downgrade', '-1', '--url', dev.url, '--plans-dir', plansDir, '--auto-approve', '--no-color'], { encoding: 'utf8' });
    expect(r.status).toBe(0); // dropping an index and NOT NULL loses nothing
    // Rows to lose: dropping what holds no rows needs no consent (see ci-recipe.test.ts).
    await dev.db.exec(`INSERT INTO public.users (id, email) VALUES (1, 'a@x'); INSERT INTO public.notes (id, user_id) VALUES (1, 1)`);
    const r2 = spawnSync('node', [BIN, 'downgrade', '-1', '--url', dev.url, '--plans-dir', plansDir, '--auto-approve', '--no-color'], { encoding: 'utf8' });
    expect(r2.status).toBe(1);
    expect(r2.stderr).toContain('refusing to downgrade this revision: this downgrade has hazards that need consent: data_loss (2 steps); nothing was changed');
    expect(r2.stderr).toContain('hint: review them above, then pass --allow-hazards data_loss');
    expect(Object.keys((await modelOf(dev.db)).tables).sort()).toEqual(['public.notes', 'public.users']);
    expect(r2.stdout).toContain('(here now: 1 row)');
  });
});

describe('branches', () => {
  it('two heads are detected, refused by apply and upgrade, and merged', async () => {
    await applyYaml(dev.db, V1, 'users');
    // A second developer branches from the same revision in a copy of the folder.
    const otherDir = await mkdtemp(join(tmpdir(), 'schema-branch-'));
    try {
      await cp(plansDir, otherDir, { recursive: true });
      const dev2 = await another('dev2');
      await upgrade(dev2.db, 'head', otherDir);
      const tags = `${V1}  tags:\n    columns:\n      name: { type: text, primary_key: true }\n`;
      await applyYaml(dev2.db, tags, 'tags', otherDir);
      await applyYaml(dev.db, `${V1}      name: text\n`, 'names');
      for (const f of await readdir(otherDir)) await cp(join(otherDir, f), join(plansDir, f));
    } finally {
      await rm(otherDir, { recursive: true, force: true });
    }
    const chain = await loadChain(plansDir);
    expect(
      chain
        .heads()
        .map((h) => h.message)
        .sort(),
    ).toEqual(['names', 'tags']);
    const both = `${V1}      name: text\n  tags:\n    columns:\n      name: { type: text, primary_key: true }\n`;
    const heads = spawnSync('node', [BIN, 'heads', '--plans-dir', plansDir, '--no-color'], { encoding: 'utf8' });
    expect(heads.stdout).toContain('has 2 heads');
    await expect(applyYaml(dev.db, both, 'more')).rejects.toThrow(/the folder has 2 heads/);
    await expect(upgrade(dev.db)).rejects.toThrow(/the folder has 2 heads/);

    const merged = await mergeHeads({ plansDir, message: 'merge tags', schema: async () => checkSchema('schema.yaml', both) });
    expect(merged.conflicts).toEqual([]);
    expect(merged.steps).toBe(0);
    const after = await loadChain(plansDir);
    expect(after.heads().map((h) => h.revision)).toEqual([merged.revision]);
    expect(after.get(merged.revision)!.parents.length).toBe(2);
    expect(after.get(merged.revision)!.upgrade).toEqual([]);

    expect((await upgrade(dev.db)).map((r) => r.message)).toEqual(['tags', 'merge tags']);
    const prod = await another('prodmerge');
    await upgrade(prod.db);
    expect(await modelOf(prod.db)).toEqual(await modelOf(dev.db));
    expect(await current(prod.db)).toEqual([merged.revision]);
    const check = await checkDatabase(prod.db, plansDir, checkSchema('schema.yaml', both));
    expect(check.unrecorded).toEqual([]);
  });

  it('branches that change the same column are merged with planned steps', async () => {
    await applyYaml(dev.db, `${V1}      name: text\n`, 'names');
    const otherDir = await mkdtemp(join(tmpdir(), 'schema-branch-'));
    try {
      await cp(plansDir, otherDir, { recursive: true });
      const dev2 = await another('dev2c');
      await upgrade(dev2.db, 'head', otherDir);
      // Written in this order, so the replay (by file name, i.e. by time) runs "short names" last.
      const at = (second: number) => new Date(Date.UTC(2030, 0, 1, 0, 0, second));
      await planAgainst(dev.db, checkSchema('schema.yaml', `${V1}      name: varchar(100)\n`)).then(({ plan }) => applyPlan({ db: dev.db, plan, plansDir, message: 'long names', now: at(1) }));
      await planAgainst(dev2.db, checkSchema('schema.yaml', `${V1}      name: varchar(50)\n`)).then(({ plan }) => applyPlan({ db: dev2.db, plan, plansDir: otherDir, message: 'short names', now: at(2) }));
      for (const f of await readdir(otherDir)) await cp(join(otherDir, f), join(plansDir, f));
    } finally {
      await rm(otherDir, { recursive: true, force: true });
    }
    const merged = await mergeHeads({ plansDir, message: 'settle names', schema: async () => checkSchema('schema.yaml', `${V1}      name: varchar(100)\n`) });
    expect(merged.conflicts).toEqual(['public.users.name']);
    const revision = (await loadChain(plansDir)).get(merged.revision)!;
    // The replay left varchar(50); schema.yaml says varchar(100): the merge widens it.
    expect(describeSteps(revision.upgrade)).toEqual(['alter_column public.users.name']);
    expect(revision.upgrade[0]!.sql).toEqual(['ALTER TABLE public.users ALTER COLUMN name TYPE character varying(100)']);
    const prod = await another('prodconflict');
    await upgrade(prod.db);
    expect((await modelOf(prod.db)).tables['public.users']!.columns.find((c) => c.name === 'name')!.type).toBe('character varying(100)');
  });
});

describe('a replay cut short', () => {
  it('the other direction refuses before doing anything, naming the unfinished run and the command that finishes it', async () => {
    const [a, b, c] = await threeRevisions();
    const prod = await another('cutreplay');
    await upgrade(prod.db, a);
    const chain = (await readStatus(prod.db, plansDir)).chain;
    // Split for a tiny lock budget (one step per transaction) and stopped at its second step.
    const cut = runRevision(prod.db, chain.get(b)!, 'upgrade', {
      lockBudget: 1,
      onStep: (i) => {
        if (i === 1) throw new Error('cut short');
      },
    });
    await expect(cut).rejects.toThrow(/^cut short\n  step 1 is done and kept; run the same command again to finish/);
    const run = (...args: string[]) => spawnSync('node', [BIN, ...args, '--url', prod.url, '--plans-dir', plansDir, '--auto-approve', '--allow-hazards', 'data_loss', '--no-color'], { encoding: 'utf8' });
    const before = await modelOf(prod.db);
    for (const target of ['-1', 'base']) {
      const r = run('downgrade', target);
      expect(r.status).toBe(1);
      expect(r.stderr.replace(/^Using .*\n/, '')).toBe(
        `error: an upgrade of revision ${b} is unfinished (it stopped after step 1 of 3); a downgrade cannot start until it is done\nhint: run \`schema upgrade\` to finish it first\n`,
      );
      expect(r.stdout).toBe('');
    }
    // apply too: its revision would follow one that is half applied.
    const apply = spawnSync('node', [BIN, 'apply', '--url', prod.url, '--plans-dir', plansDir, '--auto-approve', '--no-color'], { cwd: await schemaDir(V3), encoding: 'utf8' });
    expect(apply.status).toBe(1);
    expect(apply.stderr).toContain(`error: an upgrade of revision ${b} is unfinished (it stopped after step 1 of 3); an apply cannot start until it is done\nhint: run \`schema upgrade\` to finish it first\n`);
    expect(await modelOf(prod.db)).toEqual(before);
    expect((await appliedRevisions(prod.db)).map((x) => x.revision)).toEqual([a]);

    const finished = run('upgrade');
    expect(finished.status, finished.stderr).toBe(0);
    expect(finished.stdout).toContain(`An earlier upgrade of ${b} (`);
    expect(finished.stdout).toContain(`) stopped after step 1 of 3; it is finished first.`);
    expect(await current(prod.db)).toEqual([c]);

    // And the other way round: a downgrade cut short stops an upgrade.
    await expect(
      runRevision(prod.db, chain.get(c)!, 'downgrade', {
        lockBudget: 1,
        onStep: (i) => {
          if (i === 1) throw new Error('cut short');
        },
      }),
    ).rejects.toThrow(/^cut short/);
    const r = run('upgrade');
    expect(r.status).toBe(1);
    expect(r.stderr.replace(/^Using .*\n/, '')).toMatch(
      new RegExp(`^error: a downgrade of revision ${c} is unfinished \\(it stopped after step 1 of \\d+\\); an upgrade cannot start until it is done\nhint: run \`schema downgrade\` to finish it first\n$`),
    );
    expect(run('downgrade', b).status).toBe(0);
    expect(await current(prod.db)).toEqual([b]);

    // A relative target counts from where the database stood: finishing the cut-short
    // downgrade of c is the `-1` asked for, so nothing more is undone.
    expect(run('upgrade').status).toBe(0);
    await expect(
      runRevision(prod.db, chain.get(c)!, 'downgrade', {
        lockBudget: 1,
        onStep: (i) => {
          if (i === 1) throw new Error('cut short');
        },
      }),
    ).rejects.toThrow(/^cut short/);
    const once = run('downgrade', '-1');
    expect(once.status, once.stderr).toBe(0);
    expect(once.stdout).toContain(`The database is now at ${b}. Nothing more was run: -1 counts from where the database stood, so run \`schema downgrade -1\` again to go further.`);
    expect(await current(prod.db)).toEqual([b]);
  });
});

describe('downgrade on a database that applied branches out of file order', () => {
  it('-N steps back along what the database applied (the ledger), not the order of the files', async () => {
    const at = (second: number) => new Date(Date.UTC(2030, 0, 1, 0, 0, second));
    const users = (await planAgainst(dev.db, checkSchema('schema.yaml', V1)).then(({ plan }) => applyPlan({ db: dev.db, plan, plansDir, message: 'users', now: at(1) }))).revision;
    const otherDir = await mkdtemp(join(tmpdir(), 'schema-branch-'));
    cleanup.push(otherDir);
    await cp(plansDir, otherDir, { recursive: true });
    const dev2 = await another('dev2order');
    await upgrade(dev2.db, 'head', otherDir);
    const tagsYaml = `${V1}  tags:\n    columns:\n      name: { type: text, primary_key: true }\n`;
    // The branch written first (its file sorts first) is applied here last.
    const tags = (await planAgainst(dev2.db, checkSchema('schema.yaml', tagsYaml)).then(({ plan }) => applyPlan({ db: dev2.db, plan, plansDir: otherDir, message: 'tags', now: at(2) }))).revision;
    const names = (await planAgainst(dev.db, checkSchema('schema.yaml', `${V1}      name: text\n`)).then(({ plan }) => applyPlan({ db: dev.db, plan, plansDir, message: 'names', now: at(3) }))).revision;
    for (const f of await readdir(otherDir)) await cp(join(otherDir, f), join(plansDir, f));
    const both = `${V1}      name: text\n  tags:\n    columns:\n      name: { type: text, primary_key: true }\n`;
    const merged = await mergeHeads({ plansDir, message: 'merge', now: at(4), schema: async () => checkSchema('schema.yaml', both) });
    await upgrade(dev.db);
    expect((await loadChain(plansDir)).ordered.map((r) => r.revision)).toEqual([users, tags, names, merged.revision]);
    expect((await appliedRevisions(dev.db)).map((a) => a.revision)).toEqual([users, names, tags, merged.revision]);

    const r = spawnSync('node', [BIN, 'downgrade', '-2', '--url', dev.url, '--plans-dir', plansDir, '--auto-approve', '--allow-hazards', 'data_loss', '--no-color'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain(`Undid ${merged.revision} `);
    expect(r.stdout).toContain(`Undid ${tags} `);
    expect(r.stdout).toContain(`The database is now at ${names}.`);
    expect((await appliedRevisions(dev.db)).map((a) => a.revision)).toEqual([users, names]);
    const model = await modelOf(dev.db);
    expect(Object.keys(model.tables)).toEqual(['public.users']);
    expect(model.tables['public.users']!.columns.map((c) => c.name).sort()).toEqual(['email', 'id', 'name']);
  });
});

describe('merging branches that conflict', () => {
  const at = (second: number) => new Date(Date.UTC(2030, 0, 1, 0, 0, second));

  /** Two branches from the base revision, each in its own folder and database; both files end up in plans/. */
  async function branches(base: string, a: string, b: string): Promise<[Scratch, Scratch]> {
    await applyYaml(dev.db, base, 'base');
    const made: Scratch[] = [];
    const dirs: string[] = [];
    try {
      for (const [label, yaml, second] of [
        ['branch a', a, 1],
        ['branch b', b, 2],
      ] as const) {
        const dir = await mkdtemp(join(tmpdir(), 'schema-branch-'));
        dirs.push(dir);
        await cp(plansDir, dir, { recursive: true });
        const db = await another(label);
        await upgrade(db.db, 'head', dir);
        const { plan } = await planAgainst(db.db, checkSchema('schema.yaml', yaml));
        await applyPlan({ db: db.db, plan, plansDir: dir, message: label, now: at(second) });
        made.push(db);
      }
      for (const dir of dirs) for (const f of await readdir(dir)) await cp(join(dir, f), join(plansDir, f));
    } finally {
      for (const dir of dirs) await rm(dir, { recursive: true, force: true });
    }
    return [made[0]!, made[1]!];
  }

  const USERS = `tables:\n  users:\n    columns:\n      id: { type: bigint, primary_key: true }\n      name: text\n`;

  it('every database ends in the same state, whatever order it applied the branches in', async () => {
    const B = USERS.replace('name: text', 'name: varchar(200)');
    const [dbA, dbB] = await branches(USERS, USERS.replace('name: text', 'name: varchar(100)'), B);
    const merged = await mergeHeads({ plansDir, message: 'merge', schema: async () => checkSchema('schema.yaml', B) });
    expect(merged).toMatchObject({ conflicts: ['public.users.name'], divergent: ['public.users.name'], orders: 2, steps: 1 });

    // dev applies a then b (the chain's order), dbA applied a and adds b, dbB applied b and adds a.
    expect((await upgrade(dev.db)).map((r) => r.message)).toEqual(['branch a', 'branch b', 'merge']);
    expect((await upgrade(dbA.db)).map((r) => r.message)).toEqual(['branch b', 'merge']);
    expect((await upgrade(dbB.db)).map((r) => r.message)).toEqual(['branch a', 'merge']);
    const all = [dev, dbA, dbB];
    const name = async (s: Scratch) => (await modelOf(s.db)).tables['public.users']!.columns.find((c) => c.name === 'name')!.type;
    for (const s of all) expect(await name(s)).toBe('character varying(200)');
    for (const s of all) expect(await modelOf(s.db)).toEqual(await modelOf(dev.db));
    for (const s of all) {
      const check = await checkDatabase(s.db, plansDir, checkSchema('schema.yaml', B));
      expect(check.unrecorded).toEqual([]);
      expect(check.drift.changes).toEqual([]);
    }
    // The merge's downgrade leaves them all the same too, and the branches then come off.
    for (const s of all) await downgrade(s.db, '-1');
    for (const s of all) expect(await modelOf(s.db)).toEqual(await modelOf(dev.db));
    for (const s of all) await downgrade(s.db, '-2');
    for (const s of all) expect(await name(s)).toBe('text');
  }, 300_000); // merge replays its trial orders on the embedded PostgreSQL: slow on a busy machine

  it('a merge that no one list of steps can reconcile is refused, saying what each order leaves', async () => {
    const MOOD = `enums:\n  mood: [happy, sad, angry]\n${USERS}`;
    // a drops a value (the enum is rebuilt), b adds one: the order decides whether "calm" survives.
    await branches(MOOD, MOOD.replace('[happy, sad, angry]', '[happy, angry]'), MOOD.replace('[happy, sad, angry]', '[happy, sad, angry, calm]'));
    const chain = await loadChain(plansDir);
    const [a, b] = chain.heads();
    const before = await readdir(plansDir);
    const refused = mergeHeads({
      plansDir,
      message: 'merge',
      schema: async () => checkSchema('schema.yaml', MOOD.replace('[happy, sad, angry]', '[happy, angry, calm]')),
    });
    await expect(refused).rejects.toThrow(
      'the order in which a database applied the branches changes its schema, and no one list of steps brings every order to schema.yaml:\n' +
        '  public.mood:\n' +
        `    after ${a!.revision} ("branch a") then ${b!.revision} ("branch b"): ENUM ('happy', 'angry', 'calm')\n` +
        `    after ${b!.revision} ("branch b") then ${a!.revision} ("branch a"): ENUM ('happy', 'angry')`,
    );
    expect(await readdir(plansDir)).toEqual(before);
  }, 300_000);

  it('a merge of branches that cannot both be applied is refused, naming the order that fails', async () => {
    await branches(USERS, USERS.replace('      name: text\n', ''), USERS.replace('name: text', 'name: varchar(200)'));
    const [a, b] = (await loadChain(plansDir)).heads();
    const before = await readdir(plansDir);
    const r = spawnSync('node', [BIN, 'merge', '-m', 'merge', '--url', dev.url, '--plans-dir', plansDir, '--no-color'], { encoding: 'utf8', cwd: await schemaDir(USERS) });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(
      `error: the branches cannot be applied in every order (both change public.users.name): a database that applies ${a!.revision} ("branch a") then ${b!.revision} ("branch b") fails at ${b!.revision}`,
    );
    expect(r.stderr).toContain('hint: no merge revision can help a database that cannot reach it; make one branch follow the other before merging');
    expect(await readdir(plansDir)).toEqual(before);
  });

  it('merge checks the files against what a given database applied, as the other commands do, and writes nothing when they differ', async () => {
    const [dbA] = await branches(USERS, `${USERS}      email: text\n`, `${USERS}  tags:\n    columns:\n      name: { type: text, primary_key: true }\n`);
    // Branch a's file, rewritten after dbA applied it: its own checksum holds, the ledger's does not.
    const name = (await readdir(plansDir)).find((f) => f.endsWith('_branch_a.sql'))!;
    const old = parseRevision(name, await readFile(join(plansDir, name), 'utf8'));
    const revision = (await loadChain(plansDir)).get(old.revision)!;
    const forged = formatRevision({ steps: revision.upgrade, downgrade: revision.downgrade }, { id: old.revision, parents: old.parents, created: new Date(old.created), message: 'branch a, edited' });
    await writeFile(join(plansDir, name), forged.text);
    const before = await readdir(plansDir);
    const env = { ...process.env, DATABASE_URL: '' };
    const cwd = await schemaDir(USERS);
    const r = spawnSync('node', [BIN, 'merge', '-m', 'merge', '--url', dbA.url, '--plans-dir', plansDir, '--no-color'], { encoding: 'utf8', cwd, env });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`error: ${name} (revision ${old.revision}) is not the file that was applied: its checksum is ${forged.checksum}, the database recorded ${old.checksum}`);
    expect(r.stderr).not.toContain('    at ');
    expect(await readdir(plansDir)).toEqual(before);
    // With no database to compare with, only the files themselves are checked.
    const offline = spawnSync('node', [BIN, 'merge', '-m', 'merge', '--plans-dir', plansDir, '--no-color'], { encoding: 'utf8', cwd, env });
    expect(offline.status, offline.stderr).toBe(0);
    expect(offline.stdout).toContain('The branches change different objects: the merge has no SQL.');
  });
});

describe('integrity', () => {
  async function fileOf(message: string): Promise<string> {
    const name = (await readdir(plansDir)).find((f) => f.endsWith(`_${message}.sql`))!;
    return join(plansDir, name);
  }

  /** Rewrite a file and give it a matching checksum, as someone covering their tracks would. */
  /** Rewrite a file and give it a matching checksum, as someone covering their tracks would. */
  async function forge(path: string, edit: (text: string) => string): Promise<void> {
    const text = edit(await readFile(path, 'utf8'));
    const file = parseRevision('forged.sql', text);
    await writeFile(path, text.replace(/-- checksum: .*/, `-- checksum: ${checksumOf(file, file.body)}`));
  }

  it('refuses an edited revision, naming the file', async () => {
    await threeRevisions();
    const path = await fileOf('notes');
    await writeFile(path, (await readFile(path, 'utf8')).replace('user_id integer', 'user_id bigint'));
    await expect(readStatus(dev.db, plansDir)).rejects.toThrow(/_notes\.sql \(revision \w+\) was changed after it was written/);
    await forge(path, (t) => t);
    await expect(readStatus(dev.db, plansDir)).rejects.toThrow(/_notes\.sql \(revision \w+\) is not the file that was applied/);
  });

  it('refuses a deleted revision, naming the file', async () => {
    await threeRevisions();
    const head = await fileOf('email_required');
    await rm(head);
    await expect(readStatus(dev.db, plansDir)).rejects.toThrow(/revision \w+ \(\d+T\d+Z_email_required\.sql\) was applied to this database, but its file is missing/);
    const r = spawnSync('node', [BIN, 'upgrade', '--url', dev.url, '--plans-dir', plansDir], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/error: revision \w+ \(\d+T\d+Z_email_required\.sql\) was applied to this database, but its file is missing from the folder/);
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });

  it('refuses a revision deleted from the middle of the chain, naming the deleted file from the ledger', async () => {
    const [, b] = await threeRevisions();
    await rm(await fileOf('notes'));
    const r = spawnSync('node', [BIN, 'upgrade', '--url', dev.url, '--plans-dir', plansDir], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      new RegExp(
        `error: \\d+T\\d+Z_notes\\.sql \\(revision ${b}\\) was applied to this database, but it is missing from ${plansDir}: \\d+T\\d+Z_email_required\\.sql \\(revision \\w+\\) revises ${b}, which is not in the folder`,
      ),
    );
  });

  it('refuses a revision inserted into applied history, naming the inserted file', async () => {
    const [a] = await threeRevisions();
    // A new revision placed between the first two, the second re-pointed at it.
    const inserted = join(plansDir, '20000101T000000Z_sneaky.sql');
    const first = await readFile(await fileOf('users'), 'utf8');
    await writeFile(inserted, first.replace(`-- revision: ${a}`, '-- revision: 5eaced5eaced').replace('-- revises: none', `-- revises: ${a}`));
    await forge(inserted, (t) => t);
    await forge(await fileOf('notes'), (t) => t.replace(`-- revises: ${a}`, '-- revises: 5eaced5eaced'));
    await expect(readStatus(dev.db, plansDir)).rejects.toThrow(`20000101T000000Z_sneaky.sql (revision 5eaced5eaced) was inserted before`);
  });
});

describe('check and drift', () => {
  it('check fails on a change to schema.yaml that no revision holds, and passes at head', async () => {
    await threeRevisions();
    const ok = await checkDatabase(dev.db, plansDir, checkSchema('schema.yaml', V3));
    expect(ok.unrecorded).toEqual([]);
    const changed = `${V3}  audit:\n    columns:\n      at: timestamptz\n`;
    const result = await checkDatabase(dev.db, plansDir, checkSchema('schema.yaml', changed));
    expect(describeSteps(result.unrecorded ?? [])).toEqual(['create_table public.audit']);
    const dir = await mkdtemp(join(tmpdir(), 'schema-check-'));
    try {
      await writeFile(join(dir, 'schema.yaml'), changed);
      const r = spawnSync('node', [BIN, 'check', '--url', dev.url, '--plans-dir', plansDir, '--no-color'], { cwd: dir, encoding: 'utf8' });
      expect(r.status).toBe(1);
      expect(r.stderr).toContain('schema.yaml has 1 change that no revision holds: run `schema apply` (in development) to write one');
      expect(r.stderr).toContain('create_table public.audit');
      await writeFile(join(dir, 'schema.yaml'), V3);
      const good = spawnSync('node', [BIN, 'check', '--url', dev.url, '--plans-dir', plansDir, '--no-color'], { cwd: dir, encoding: 'utf8' });
      expect(good.stdout).toMatch(/OK: the database is at head \(\w+\) and schema.yaml matches it/);
      expect(good.status).toBe(0);
      const behind = await another('behind');
      const b = spawnSync('node', [BIN, 'check', '--url', behind.url, '--plans-dir', plansDir, '--no-color'], { cwd: dir, encoding: 'utf8' });
      expect(b.status).toBe(1);
      expect(b.stderr).toContain('the database is not at head: 3 revisions not applied');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('drift shows a column and an index added by hand', async () => {
    await threeRevisions();
    expect((await driftOf(dev.db, await readStatus(dev.db, plansDir))).changes).toEqual([]);
    const sql = 'ALTER TABLE users ADD COLUMN nickname text; CREATE INDEX users_name_idx ON users (name);';
    const psql = spawnSync('psql', [dev.url, '-v', 'ON_ERROR_STOP=1', '-qc', sql], { encoding: 'utf8' });
    if (psql.error) await runBefore(dev.db, sql); // no psql on this machine: the same statements through the driver
    const drift = await driftOf(dev.db, await readStatus(dev.db, plansDir));
    expect(describeSteps(drift.changes)).toEqual(['add_column public.users.nickname', 'create_index public.users.users_name_idx']);
    const r = spawnSync('node', [BIN, 'drift', '--url', dev.url, '--plans-dir', plansDir, '--no-color', '--detailed-exitcode'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    // With what changed, exactly.
    expect(r.stdout).toContain('+ add_column public.users.nickname\n      ALTER TABLE public.users ADD COLUMN nickname text;\n');
    expect(r.stdout).toContain('+ create_index public.users.users_name_idx\n      CREATE INDEX users_name_idx ON public.users USING btree (name);\n');
  });
});

const hasPsql = spawnSync('psql', ['--version']).status === 0;

describe.skipIf(!hasPsql)('--sql scripts (needs psql on the PATH)', () => {
  it('upgrade --sql and downgrade --sql run in psql to the same result as upgrade and downgrade', async () => {
    const ids = await threeRevisions();
    const byScript = await another('script');
    const direct = await another('direct');
    const script = spawnSync('node', [BIN, 'upgrade', '--sql', '--url', byScript.url, '--plans-dir', plansDir], { encoding: 'utf8' });
    expect(script.status).toBe(0);
    expect(await appliedRevisions(byScript.db)).toEqual([]); // --sql ran nothing
    const run = spawnSync('psql', [byScript.url, '-q', '-f', '-'], { input: script.stdout, encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    // Quiet in psql: no result tables, no NOTICE for a ledger already there.
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe('');
    await upgrade(direct.db);
    expect(await modelOf(byScript.db)).toEqual(await modelOf(direct.db));
    const ledger = async (db: Db) => (await appliedRevisions(db)).map((a) => [a.revision, a.parents, a.file, a.checksum]);
    expect(await ledger(byScript.db)).toEqual(await ledger(direct.db));
    expect(await current(byScript.db)).toEqual([ids[2]]);

    const down = spawnSync('node', [BIN, 'downgrade', 'base', '--sql', '--url', byScript.url, '--plans-dir', plansDir], { encoding: 'utf8' });
    const undo = spawnSync('psql', [byScript.url, '-q', '-f', '-'], { input: down.stdout, encoding: 'utf8' });
    expect(undo.status, undo.stderr).toBe(0);
    expect((await modelOf(byScript.db)).tables).toEqual({});
    expect(await appliedRevisions(byScript.db)).toEqual([]);
  });
});

describe.skipIf(!hasPsql)('a database upgraded by a script is recorded like one upgraded by schema', () => {
  const cli = (args: string[], cwd?: string) => spawnSync('node', [BIN, ...args, '--plans-dir', plansDir, '--no-color'], { encoding: 'utf8', cwd });
  const psql = (url: string, script: string) => spawnSync('psql', [url, '-q', '-v', 'ON_ERROR_STOP=1', '-f', '-'], { input: script, encoding: 'utf8' });
  const ledger = async (db: Db) => (await appliedRevisions(db)).map((a) => a.revision);

  async function scriptUpgrade(url: string, target = 'head'): Promise<void> {
    // The states recorded are worked out on this server (the embedded PostgreSQL runs another major version).
    const script = cli(['upgrade', target, '--sql', '--replay-on-server', '--url', url]);
    expect(script.status, script.stderr).toBe(0);
    const run = psql(url, script.stdout);
    expect(run.status, run.stderr).toBe(0);
  }

  it('drift and check see no drift after a script, and see a column added by hand', async () => {
    await threeRevisions();
    const project = await mkdtemp(join(tmpdir(), 'schema-script-'));
    try {
      await writeFile(join(project, 'schema.yaml'), V3);
      // Two revisions by schema, the last by a script.
      const half = await another('half');
      await upgrade(half.db, '+2');
      await scriptUpgrade(half.url);
      const drift = cli(['drift', '--url', half.url, '--detailed-exitcode'], project);
      expect(drift.stdout).toContain('No drift.');
      expect(drift.status).toBe(0);
      const check = cli(['check', '--url', half.url], project);
      expect(check.stdout, check.stderr).toContain('OK: the database is at head');
      expect(check.status).toBe(0);

      // The whole chain by a script, from base; then a column added by hand.
      const whole = await another('whole');
      await scriptUpgrade(whole.url);
      expect(await ledger(whole.db)).toEqual(await ledger(dev.db));
      const states = async (db: Db) => (await appliedRevisions(db)).map((a) => a.fingerprint);
      expect(await states(whole.db)).toEqual(await states(dev.db));
      expect(cli(['drift', '--url', whole.url], project).stdout).toContain('No drift.');
      expect(cli(['check', '--url', whole.url], project).status).toBe(0);
      await whole.db.exec('ALTER TABLE public.users ADD COLUMN nickname text');
      const after = cli(['drift', '--url', whole.url, '--detailed-exitcode'], project);
      expect(after.status).toBe(2);
      expect(after.stdout).toContain('+ add_column public.users.nickname');
      const blamed = cli(['check', '--url', whole.url], project);
      expect(blamed.status).toBe(1);
      expect(blamed.stderr).toContain('the database changed outside schema since revision');
      expect(blamed.stderr).toContain('add_column public.users.nickname');
      expect(blamed.stderr).not.toContain('no revision holds');
    } finally {
      await rm(project, { recursive: true, force: true });
    }
  });

  it('drift and check say plainly when a script recorded no state, instead of comparing with an older one', async () => {
    const [, , c] = await threeRevisions();
    const old = await another('old');
    await upgrade(old.db, '+2');
    await scriptUpgrade(old.url);
    // As a script written before schema recorded states would have left it.
    await old.db.exec('UPDATE schema_tool.revisions SET fingerprint = NULL, snapshot = NULL WHERE revision = ' + `'${c}'`);
    const drift = await driftOf(old.db, await readStatus(old.db, plansDir));
    expect(drift).toMatchObject({ unknown: true, changes: [] });
    expect(drift.since?.revision).toBe(c);
    expect(cli(['drift', '--url', old.url]).stdout).toContain(`No state was recorded when revision ${c} was applied`);
    // As a CI gate it does not pass what it could not check.
    const gate = cli(['drift', '--url', old.url, '--detailed-exitcode']);
    expect(gate.status).toBe(1);
    expect(gate.stderr).toContain('error: cannot tell whether the database drifted: its last revision has no recorded state');
    const fresh = await another('base');
    const atBase = cli(['drift', '--url', fresh.url, '--detailed-exitcode']);
    expect(atBase.status).toBe(1);
    expect(atBase.stdout).toContain('No revision is applied to this database, so there is nothing to compare with.');
    expect(atBase.stderr).toContain('error: cannot tell whether the database drifted: no revision is applied to it');
    const result = await checkDatabase(old.db, plansDir, checkSchema('schema.yaml', V3));
    expect(result.unrecorded).toEqual([]);
    await old.db.exec('ALTER TABLE public.users ADD COLUMN nickname text');
    const project = await mkdtemp(join(tmpdir(), 'schema-script-'));
    try {
      await writeFile(join(project, 'schema.yaml'), V3);
      const check = cli(['check', '--url', old.url], project);
      expect(check.status).toBe(1);
      expect(check.stderr).toContain(`no state was recorded when revision ${c} was applied`);
      expect(check.stderr).toContain('cannot tell a change no revision holds from a change made outside schema');
      expect(check.stderr).toContain('drop_column public.users.nickname');
    } finally {
      await rm(project, { recursive: true, force: true });
    }
  });

  it('records the state the database reaches, spelled as the database has it, and keeps an index made by hand as drift', async () => {
    // A check on a varchar IN list is stored in another spelling when its text is run again,
    // as a copy of the schema runs it; a unique index whose concurrent build failed by hand is INVALID.
    const statuses = `${V1}      status: { type: varchar(10) }\n    checks:\n      users_status_check: "status IN ('new', 'old')"\n`;
    await applyYaml(dev.db, statuses, 'statuses');
    await applyYaml(dev.db, `${statuses}  notes:\n    columns:\n      id: { type: integer, primary_key: true }\n`, 'notes');
    const prod = await another('spelled');
    await upgrade(prod.db, '+1');
    await prod.db.exec(`INSERT INTO public.users VALUES (1, 'a'), (2, 'a')`);
    await expect(prod.db.exec('CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON public.users (email)')).rejects.toThrow();
    const script = cli(['upgrade', '--sql', '--replay-on-server', '--url', prod.url]);
    expect(script.stderr).not.toContain('No state');
    expect(psql(prod.url, script.stdout).status).toBe(0);
    // The index was made by hand: it stays drift, and nothing else differs (the check is as the database spells it).
    expect(describeSteps((await driftOf(prod.db, await readStatus(prod.db, plansDir))).changes)).toEqual(['create_index public.users.users_email_key']);
    await prod.db.exec('DROP INDEX public.users_email_key');
    // Exactly what schema records when it runs the revision itself: the database as it is.
    const applied = await appliedRevisions(prod.db);
    expect(applied.at(-1)!.fingerprint).toBe(fingerprint((await introspect(prod.db)).model));
    expect(await driftOf(prod.db, await readStatus(prod.db, plansDir))).toMatchObject({ unknown: false, changes: [] });
  });

  it('a script says so when it cannot record the state, and records none', async () => {
    await threeRevisions();
    const odd = await another('domain');
    // A column of a range type made by hand (schema leaves range types alone), there before the first revision (so in the state it
    // records): a copy of the schema without the type cannot be built.
    await odd.db.exec('CREATE TYPE public.nickname AS RANGE (subtype = text); CREATE TABLE public.legacy (nick public.nickname)');
    await upgrade(odd.db, '+1');
    const script = cli(['upgrade', '--sql', '--replay-on-server', '--url', odd.url]);
    expect(script.status).toBe(0);
    expect(script.stderr).toContain('No state is recorded with these revisions: the schema of this database could not be rebuilt there');
    expect(script.stdout).toContain('-- No state is recorded with these revisions');
    expect(script.stdout.match(/, NULL, NULL,\n  NULL\);$/gm)).toHaveLength(2);
    expect(psql(odd.url, script.stdout).status).toBe(0);
    expect(cli(['drift', '--url', odd.url]).stdout).toContain('No state was recorded when revision');
  });

  it('a script refuses to run on a database that is not where it was written for, and changes nothing', async () => {
    const [a, b, c] = await threeRevisions();
    const prod = await another('wrongrev');
    await upgrade(prod.db, b);
    const up = cli(['upgrade', '--sql', '--url', prod.url]);
    expect(up.stdout).toContain(`revision ${c} (`);
    expect(up.stdout).not.toContain(`revision ${b} (`);
    await downgrade(prod.db, '-1');
    const before = await modelOf(prod.db);
    const refused = psql(prod.url, up.stdout);
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toMatch(new RegExp(`ERROR:  revision ${c} \\(\\S+_email_required\\.sql\\) follows ${b}, which this database has not applied \\(it is at ${a}\\)`));
    expect(await ledger(prod.db)).toEqual([a]);
    expect(await modelOf(prod.db)).toEqual(before);
    expect(await readStatus(prod.db, plansDir)).toBeDefined(); // the chain still reads

    // Already applied: the same script after the database moved on.
    await upgrade(prod.db);
    const twice = psql(prod.url, up.stdout);
    expect(twice.status).not.toBe(0);
    expect(twice.stderr).toContain(`ERROR:  revision ${c} (`);
    expect(twice.stderr).toContain(`is already applied to this database (it is at ${c})`);
    expect(await ledger(prod.db)).toEqual([a, b, c]);

    // A downgrade script: its revision no longer applied, or followed by one applied since.
    await downgrade(prod.db, a);
    const undoB = cli(['downgrade', '-1', '--sql', '--url', prod.url]);
    expect(undoB.stdout).toContain(`revision ${a} (`);
    await upgrade(prod.db, b);
    const lateUndo = psql(prod.url, undoB.stdout);
    expect(lateUndo.status).not.toBe(0);
    expect(lateUndo.stderr).toContain(`ERROR:  revision ${a} (`);
    expect(lateUndo.stderr).toContain(`cannot be undone before ${b}, which follows it (the database is at ${b})`);
    expect(await ledger(prod.db)).toEqual([a, b]);
    // Work another run left unfinished comes first, as it does for schema itself.
    const undoLast = cli(['downgrade', '-1', '--sql', '--url', prod.url]).stdout;
    await ensurePending(prod.db);
    await startPending(prod.db, { revision: b, direction: 'upgrade', steps: [], payload: {} });
    const unfinished = psql(prod.url, undoLast);
    expect(unfinished.status).not.toBe(0);
    expect(unfinished.stderr).toContain(`ERROR:  revision ${b} (`);
    expect(unfinished.stderr).toContain(`cannot run: an upgrade of revision ${b} is unfinished (it stopped after step 0 of 0)`);
    expect(unfinished.stderr).toContain('HINT:  run `schema upgrade` (without --sql) to finish it first');
    expect(await ledger(prod.db)).toEqual([a, b]);
    await finishPending(prod.db, b);
    expect(psql(prod.url, undoLast).status).toBe(0);
    expect(await ledger(prod.db)).toEqual([a]);

    await downgrade(prod.db, 'base');
    const gone = psql(prod.url, undoB.stdout);
    expect(gone.status).not.toBe(0);
    expect(gone.stderr).toContain(`is not applied to this database (it is at base)`);
    expect((await modelOf(prod.db)).tables).toEqual({});
  });
});
