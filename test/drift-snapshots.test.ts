// Revisions, snapshots and drift together: a revision records the state the chain defines, not
// a drifted database's; apply on a drifted database writes the chain's change and runs this
// database's own; unfinished work is shown wherever the database's place is; and a revision
// header holds nothing its checksum does not cover.
import { spawnSync } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkSchema } from '../src/operations/schema-file.js';
import { driftOf, readStatus } from '../src/operations/status.js';
import { planAgainst } from '../src/operations/plan.js';
import { applyPlan } from '../src/apply/apply.js';
import { runRevision } from '../src/apply/replay.js';
import { recordReplayedState } from '../src/verify/scratch-replay.js';
import { revisionsToUpgrade } from '../src/revisions/chain.js';
import type { Db } from '../src/db/db.js';
import { parseRevision } from '../src/revisions/file.js';
import { appliedRevisions } from '../src/revisions/ledger.js';
import { describeSteps, modelOf } from './support/cases.js';
import { useProject, V1, V2, V3 } from './support/project.js';

const p = useProject('driftsnap');
const { another, cli, applyYaml, fileOf } = p;

describe('a revision header holds only what its checksum covers', () => {
  it('refuses an added field, a stray line and a second field, at their line; older and trimmed headers still read', async () => {
    await applyYaml(p.dev.db, V1, 'users');
    const path = await fileOf('users');
    const name = path.split('/').pop()!;
    const original = await readFile(path, 'utf8');
    const insert = (line: string) => original.replace(/^(-- created: .*)$/m, `$1\n${line}`);
    const cases: [string, RegExp][] = [
      ['-- approved-by: alice', new RegExp(`^error: ${name}:5: an unknown header field "approved-by" \\(a revision file of format 1 has revision, revises, created, message, checksum\\)`, 'm')],
      ['DROP TABLE public.users;', new RegExp(`^error: ${name}:5: an unexpected line in the header \\("DROP TABLE public.users;"\\)`, 'm')],
      ['-- revises: 5eaced5eaced', new RegExp(`^error: ${name}:5: a second "revises" line in the header \\(the first is on line 3\\)`, 'm')],
    ];
    for (const [line, message] of cases) {
      await writeFile(path, insert(line));
      const r = cli(p.dev.url, 'history');
      expect(r.status, line).toBe(1);
      expect(r.stderr, line).toMatch(message);
      expect(r.stderr).toContain('the header holds only the lines schema wrote, and its checksum does not cover others');
      expect(r.stderr).toContain('hint: restore the file from version control');
    }
    // An empty message whose trailing space an editor removed, and the notice of the first versions.
    const emptied = original.replace(/^-- message: .*$/m, '-- message:');
    expect(parseRevision(name, emptied).message).toBe('');
    const older = original
      .replace('-- Written by `schema`. Never edit a revision: its checksum is recorded in the database', '-- Written by `schema apply`. Never edit an applied revision: its checksum is recorded in')
      .replace('-- that applied it, and every command that reads this folder refuses a changed file.', '-- the database, and every command that reads this folder refuses a changed file.');
    expect(older).not.toBe(original);
    expect(parseRevision(name, older).revision).toBe(parseRevision(name, original).revision);
  });
});

describe('work cut short is shown wherever the database stands', () => {
  it('current, history, check and drift show an unfinished apply, and check fails', async () => {
    const [, b] = [await applyYaml(p.dev.db, V1, 'users'), await applyYaml(p.dev.db, V2, 'notes')];
    await writeFile(join(p.dir, 'schema.yaml'), V3);
    const yaml = `${V2}  a_one:\n    columns:\n      id: integer\n  a_two:\n    columns:\n      id: integer\n`;
    const { plan } = await planAgainst(p.dev.db, checkSchema('schema.yaml', yaml));
    // The second step finds its table already there (made in its own transaction), so the apply stops after the first.
    const cut = applyPlan({
      db: p.dev.db,
      plan,
      plansDir: p.plansDir,
      message: 'cut',
      online: { lockTimeout: '5s', statementTimeout: null, lockRetries: 0 },
      onStep: async (i) => {
        if (i === 1) await p.dev.db.exec(plan.steps[1]!.sql[0]!);
      },
    });
    await expect(cut).rejects.toThrow(/step 1 is done and kept/);
    const id = (await readStatus(p.dev.db, p.plansDir)).unfinished!.revision;
    const line = `unfinished: ${id}, an apply that stopped after step 1 of 2: run \`schema apply\` to finish it (or \`schema apply --abandon\` to give it up)`;

    const current = cli(p.dev.url, 'current');
    expect(current.status).toBe(0);
    expect(current.stdout).toMatch(new RegExp(`^${b} .*\\(head\\)$`, 'm'));
    expect(current.stdout).toContain(line);
    const history = cli(p.dev.url, 'history');
    expect(history.status).toBe(0);
    expect(history.stdout).toContain(line);
    const check = cli(p.dev.url, 'check');
    expect(check.status).toBe(1);
    expect(check.stderr).toContain(`✗ ${line}`);
    const drift = cli(p.dev.url, 'drift');
    expect(drift.stdout).toContain(line);
    expect(drift.stdout).toContain('The steps it finished are in no recorded state yet, so they show as changes below.');
    expect(drift.stdout).toContain('+ create_table public.a_one');

    // Finished, it is gone from all of them.
    const finish = cli(p.dev.url, 'apply', '--auto-approve');
    expect(finish.status, finish.stderr).toBe(0);
    for (const args of [['current'], ['history'], ['drift']]) expect(cli(p.dev.url, ...args).stdout).not.toContain('unfinished');
  });

  it('an upgrade cut short names `schema upgrade` as the way to finish it', async () => {
    await applyYaml(p.dev.db, V1, 'users');
    await applyYaml(p.dev.db, V2, 'notes');
    await writeFile(join(p.dir, 'schema.yaml'), V2);
    const prod = await another('cutshort');
    expect(cli(prod.url, 'upgrade', '+1', '--auto-approve').status).toBe(0);
    const status = await readStatus(prod.db, p.plansDir);
    const next = status.pending[0]!;
    // As an upgrade whose first step (run outside a transaction) was cut off leaves the ledger.
    await prod.db.exec(
      `CREATE TABLE schema_tool.pending (revision text PRIMARY KEY, direction text NOT NULL, steps jsonb NOT NULL, done integer NOT NULL DEFAULT 0, payload jsonb NOT NULL, started_at timestamptz NOT NULL DEFAULT clock_timestamp())`,
    );
    await prod.db.query(`INSERT INTO schema_tool.pending (revision, direction, steps, payload) VALUES ($1, 'upgrade', $2::jsonb, '{}')`, [next.revision, JSON.stringify(next.upgrade)]);
    const line = `unfinished: ${next.revision}, an upgrade that stopped after step 0 of ${next.upgrade.length}: run \`schema upgrade\` to finish it`;
    expect(cli(prod.url, 'current').stdout).toContain(line);
    const check = cli(prod.url, 'check');
    expect(check.status).toBe(1);
    expect(check.stderr).toContain(line);
    const drift = cli(prod.url, 'drift');
    expect(drift.stdout).toContain(line);
    expect(drift.stdout).not.toContain('The steps it finished');
  });
});

/** Each applied revision's recorded fingerprint, oldest first. */
const recorded = async (db: Db) => (await appliedRevisions(db)).map((a) => [a.revision, a.fingerprint]);

const hasPsql = spawnSync('psql', ['--version']).status === 0;

describe('an upgrade of a drifted database records the state the chain defines', () => {
  // V4 changes a column the drift below also changes; V5 builds an index CONCURRENTLY.
  const V4 = V3.replace('      email: text', '      email: { type: text, nullable: false }');
  const V5 = `${V4}    indexes:\n      tags_name_idx: { columns: [name] }\n`;

  async function chainOfFive(): Promise<void> {
    for (const [yaml, message] of [
      [V1, 'users'],
      [V2, 'notes'],
      [V3, 'tags'],
      [V4, 'email_required'],
    ] as const)
      await applyYaml(p.dev.db, yaml, message);
    const { plan } = await planAgainst(p.dev.db, checkSchema('schema.yaml', V5), { online: true });
    expect(plan.steps.map((st) => Boolean(st.concurrently))).toEqual([true]);
    await applyPlan({ db: p.dev.db, plan, plansDir: p.plansDir, message: 'tags_index', online: { lockTimeout: '5s', statementTimeout: null, lockRetries: 0 } });
    await writeFile(join(p.dir, 'schema.yaml'), V5);
  }

  it('drift still shows a column added by hand, and check blames the database, not schema.yaml', async () => {
    await chainOfFive();
    const prod = await another('driftedprod');
    expect(cli(prod.url, 'upgrade', '+1', '--auto-approve').status).toBe(0);
    await prod.db.exec('ALTER TABLE public.users ADD COLUMN nick text');
    // One revision in one transaction, the next alike, the next alike, the last with a concurrent build.
    const up = cli(prod.url, 'upgrade', '--auto-approve');
    expect(up.status, up.stderr).toBe(0);
    expect(await recorded(prod.db)).toEqual(await recorded(p.dev.db));
    const drift = cli(prod.url, 'drift', '--detailed-exitcode');
    expect(drift.status).toBe(2);
    expect(drift.stdout).toContain('+ add_column public.users.nick');
    const check = cli(prod.url, 'check');
    expect(check.status).toBe(1);
    expect(check.stderr).toContain('the database changed outside schema since revision');
    expect(check.stderr).toContain('add_column public.users.nick');
    expect(check.stderr).not.toContain('no revision holds');
    // Without drift, the database as the revision left it, as before.
    const clean = await another('cleanprod');
    expect(cli(clean.url, 'upgrade', '--auto-approve').status).toBe(0);
    expect(await recorded(clean.db)).toEqual(await recorded(p.dev.db));
  });

  it('a revision that changes what was also changed by hand is replayed without data to tell the state', async () => {
    await chainOfFive();
    const prod = await another('overlapprod');
    const status = await readStatus(prod.db, p.plansDir);
    const chain = revisionsToUpgrade(status.chain, status.appliedIds);
    for (const r of chain.slice(0, 3)) await runRevision(prod.db, r, 'upgrade');
    // The same column the next revision makes NOT NULL, widened by hand; and a table dropped by hand.
    await prod.db.exec('ALTER TABLE public.users ALTER COLUMN email TYPE varchar(200); DROP TABLE public.notes');
    for (const r of chain.slice(3)) await runRevision(prod.db, r, 'upgrade', { replayState: recordReplayedState });
    expect(await recorded(prod.db)).toEqual(await recorded(p.dev.db));
    const drift = await driftOf(prod.db, await readStatus(prod.db, p.plansDir));
    expect(describeSteps(drift.changes)).toEqual(['drop_table public.notes', 'alter_column public.users.email']);
  });

  it.skipIf(!hasPsql)('an upgrade script of a drifted database records the same states', async () => {
    await chainOfFive();
    const prod = await another('driftedscript');
    expect(cli(prod.url, 'upgrade', '+2', '--auto-approve').status).toBe(0);
    await prod.db.exec('ALTER TABLE public.users ADD COLUMN nick text');
    const script = cli(prod.url, 'upgrade', '--sql', '--replay-on-server');
    expect(script.status, script.stderr).toBe(0);
    expect(script.stderr).not.toContain('No state');
    const psql = spawnSync('psql', [prod.url, '-q', '-v', 'ON_ERROR_STOP=1', '-f', '-'], { input: script.stdout, encoding: 'utf8' });
    expect(psql.status, psql.stderr).toBe(0);
    expect(await recorded(prod.db)).toEqual(await recorded(p.dev.db));
    expect(describeSteps((await driftOf(prod.db, await readStatus(prod.db, p.plansDir))).changes)).toEqual(['add_column public.users.nick']);
  });
});

describe('apply on a drifted database records the change from the head of the chain', () => {
  const withColumn = (yaml: string, name: string) => yaml.replace('      email: text\n', `      email: text\n      ${name}: text\n`);
  const apply = (url: string, ...args: string[]) => cli(url, 'apply', '--auto-approve', ...args);
  const upgradeTo = async (db: Db, url: string) => {
    const r = cli(url, 'upgrade', '--auto-approve');
    expect(r.status, r.stderr).toBe(0);
    return modelOf(db);
  };

  it('a column made by hand and then put in schema.yaml reaches the revision, and nothing of the drift is written otherwise', async () => {
    await applyYaml(p.dev.db, V1, 'users');
    await p.dev.db.exec('ALTER TABLE public.users ADD COLUMN nick text');
    await writeFile(join(p.dir, 'schema.yaml'), V2);
    expect(cli(p.dev.url, 'plan').stderr).toMatch(
      /This database changed outside schema since revision \w+ \(1 change, see `schema drift`\): `schema apply` runs this plan here, but its revision records the 1 step from the state at that revision to schema\.yaml instead\./,
    );

    // The drift kept: schema.yaml gains the column and a table; only the table is created here.
    await writeFile(join(p.dir, 'schema.yaml'), withColumn(V2, 'nick'));
    const kept = apply(p.dev.url, '-m', 'notes and nick');
    expect(kept.status, kept.stderr).toBe(0);
    expect(kept.stdout).toMatch(/The database changed outside schema since revision \w+ \(\S+_users\.sql\):\n\n {2}\+ add_column public\.users\.nick\n/);
    expect(kept.stdout).toMatch(
      /The revision records the change from the state at revision \w+ to schema\.yaml, which is what `schema upgrade` runs on every other database:\n\n {2}\+ {2}1\. create_table public\.notes[^]*\+ {2}2\. add_column public\.users\.nick/,
    );
    expect(kept.stdout).toMatch(
      /What runs on this database, from it as it is \(the changes above taken into account\):\n\nThe plan, in the order it runs:\n\n {2}\+ {2}1\. create_table public\.notes\n[^]*Plan: 1 to add, 0 to change, 0 to destroy\./,
    );
    expect(kept.stdout).toMatch(/Applied 1 step in \d+ ms\. Revision \w+ written to \S+_notes_and_nick\.sql/);
    const file = await readFile(await fileOf('notes_and_nick'), 'utf8');
    expect(file).toContain('ALTER TABLE public.users ADD COLUMN nick text;');
    expect(file.slice(file.indexOf('-- +upgrade'), file.indexOf('-- +downgrade'))).not.toContain('DROP');

    // Already there by hand: only the revision is recorded.
    await p.dev.db.exec('ALTER TABLE public.users ADD COLUMN nick2 text');
    await writeFile(join(p.dir, 'schema.yaml'), withColumn(withColumn(V2, 'nick'), 'nick2'));
    const recordOnly = apply(p.dev.url, '-m', 'nick2');
    expect(recordOnly.status, recordOnly.stderr).toBe(0);
    expect(recordOnly.stdout).toContain('Nothing runs here: this database already has this change; only the revision is recorded.');
    expect(recordOnly.stdout).toMatch(/Nothing ran here\. Revision \w+ written to \S+_nick2\.sql/);
    expect(await readFile(await fileOf('nick2'), 'utf8')).toContain('ALTER TABLE public.users ADD COLUMN nick2 text;');
    expect(cli(p.dev.url, 'drift').stdout).toContain('No drift.');
    expect(cli(p.dev.url, 'check').status).toBe(0);

    // Undone here: the plan runs, with consent for what it drops, and no revision is written.
    // A value in it: a column that holds none is dropped without consent (see ci-recipe.test.ts).
    await p.dev.db.exec('ALTER TABLE public.users ADD COLUMN junk integer');
    await p.dev.db.exec(`INSERT INTO public.users (id, email, junk) VALUES (900, 'junk@example.com', 1)`);
    expect(cli(p.dev.url, 'plan').stderr).toContain('`schema apply` runs this plan here, but it records no revision, since schema.yaml is the state at that revision.');
    const refused = apply(p.dev.url);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('hazards that need consent: data_loss (1 step)');
    expect(refused.stdout).toContain('schema.yaml is the state at revision');
    const undone = apply(p.dev.url, '--allow-hazards', 'data_loss');
    expect(undone.status, undone.stderr).toBe(0);
    expect(undone.stdout).toMatch(/Applied 1 step in \d+ ms\. No revision written: the steps undid changes made outside schema, and plans already holds schema\.yaml\./);
    expect(await readdir(p.plansDir)).toHaveLength(3);
    expect(apply(p.dev.url).stdout).toContain('No changes.');

    // Every other database replays the chain to the same place.
    const prod = await another('replaysdrift');
    expect(await upgradeTo(prod.db, prod.url)).toEqual(await modelOf(p.dev.db));
    expect(await recorded(prod.db)).toEqual(await recorded(p.dev.db));
  });

  it('a saved plan is refused on a drifted database, since its revision would record the drift', async () => {
    await applyYaml(p.dev.db, V1, 'users');
    await p.dev.db.exec('ALTER TABLE public.users ADD COLUMN nick text');
    await writeFile(join(p.dir, 'schema.yaml'), V2);
    const saved = cli(p.dev.url, 'plan', '--format', 'json');
    await writeFile(join(p.dir, 'plan.json'), saved.stdout);
    const r = apply(p.dev.url, '--plan', 'plan.json', '--allow-hazards', 'data_loss');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      /^error: this database changed outside schema since revision \w+ \(1 change, see `schema drift`\): a saved plan starts from the database as it is, so its revision would record that drift for every database that replays plans; nothing was changed$/m,
    );
    expect(r.stderr).toContain('hint: apply from schema.yaml instead (without --plan)');
    expect(await readdir(p.plansDir)).toHaveLength(1);
    expect(Object.keys((await modelOf(p.dev.db)).tables)).toEqual(['public.users']);
  });
});
