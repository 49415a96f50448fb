// Revision files as users meet them on the command line: SQL that holds the file's own marker
// lines, CRLF copies, edited headers; upgrade and downgrade targets, history ranges, a failure
// partway through several revisions, consent that shows what a direction loses, and replays
// refused while an online apply is unfinished.
import { spawnSync } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkSchema } from '../src/operations/schema-file.js';
import { planAgainst } from '../src/operations/plan.js';
import { readStatus } from '../src/operations/status.js';
import { applyPlan } from '../src/apply/apply.js';
import { runRevisions } from '../src/apply/replay.js';
import { checksumOf, parseRevision } from '../src/revisions/file.js';
import { appliedRevisions } from '../src/revisions/ledger.js';
import { modelOf } from './support/cases.js';
import { prefixOf, useProject, V1, V2, V3 } from './support/project.js';
import { BIN } from './support/cli.js';

const p = useProject('revfiles');
const { another, cli, applyYaml, fileOf } = p;

/** `schema ARGS` in the project folder, with no database to read (no --url, no DATABASE_URL, no .schema/). */
function withoutDb(...args: string[]) {
  return spawnSync('node', [BIN, ...args, '--no-color'], { cwd: p.dir, encoding: 'utf8', env: { ...process.env, DATABASE_URL: '' } });
}

async function threeRevisions(): Promise<[string, string, string]> {
  return [await applyYaml(p.dev.db, V1, 'users'), await applyYaml(p.dev.db, V2, 'notes'), await applyYaml(p.dev.db, V3, 'tags')];
}

describe('SQL that holds the marker lines of a revision file', () => {
  it('apply writes a file that upgrade replays on a fresh database', async () => {
    const yaml = `
tables:
  users:
    comment: "Notes:\\n-- step 2/2: see docs\\n-- +downgrade\\nend"
    columns:
      id: { type: integer, primary_key: true, comment: "-- hazard data_loss: not really\\n-- step 1/1: x y" }
      note: { type: text, default: { sql: "$$\\n-- +downgrade\\n-- step 9/9: drop_table public.users\\n$$" } }
      escaped: { type: text, default: { sql: "E'it\\\\'s\\\\n-- step 1/1: a b\\n-- +upgrade\\n'" } }
`;
    await writeFile(join(p.dir, 'schema.yaml'), yaml);
    const apply = cli(p.dev.url, 'apply', '--auto-approve', '-m', 'tricky comments');
    expect(apply.stderr).not.toContain('error');
    expect(apply.status).toBe(0);
    const fresh = await another('fresh');
    const upgrade = cli(fresh.url, 'upgrade', '--auto-approve');
    expect(upgrade.stderr).not.toContain('error');
    expect(upgrade.status).toBe(0);
    expect(await modelOf(fresh.db)).toEqual(await modelOf(p.dev.db));
    const comment = await fresh.db.query<{ c: string }>(`SELECT obj_description('public.users'::regclass) AS c`);
    expect(comment[0]!.c).toBe('Notes:\n-- step 2/2: see docs\n-- +downgrade\nend');
    expect(cli(fresh.url, 'history').status).toBe(0);
    const down = cli(fresh.url, 'downgrade', 'base', '--auto-approve', '--allow-hazards', 'data_loss');
    expect(down.status, down.stderr).toBe(0);
    expect((await modelOf(fresh.db)).tables).toEqual({});
  });

  it('names the file when its SQL cannot be scanned', async () => {
    await applyYaml(p.dev.db, V1, 'users');
    const path = await fileOf('users');
    // Broken, with its checksum forged to match, so the scanner is what notices.
    const text = (await readFile(path, 'utf8')).replace('DROP TABLE public.users;', "DROP TABLE public.users; SELECT 'open");
    const file = parseRevision('x.sql', text);
    await writeFile(path, text.replace(/-- checksum: .*/, `-- checksum: ${checksumOf(file, file.body)}`));
    const r = cli(p.dev.url, 'history');
    expect(r.status).toBe(1);
    expect(r.stderr).not.toContain('internal error');
    expect(r.stderr).toMatch(/^error: \d+T\d+Z_users\.sql: its SQL has a quoted string, quoted name or \/\* comment that is never closed, so it cannot be split into statements$/m);
    expect(r.stderr).toContain('hint: restore the file from version control');
  });
});

describe('line endings and headers', () => {
  it('a CRLF copy of an applied file is the same revision', async () => {
    const ids = await threeRevisions();
    for (const name of await readdir(p.plansDir)) {
      const path = join(p.plansDir, name);
      await writeFile(path, (await readFile(path, 'utf8')).replace(/\n/g, '\r\n'));
    }
    expect((await readStatus(p.dev.db, p.plansDir)).current.map((r) => r.revision)).toEqual([ids[2]]);
    const prod = await another('crlf');
    const r = cli(prod.url, 'upgrade', '--auto-approve');
    expect(r.status, r.stderr).toBe(0);
    expect((await appliedRevisions(prod.db)).map((a) => [a.revision, a.checksum])).toEqual((await appliedRevisions(p.dev.db)).map((a) => [a.revision, a.checksum]));
  });

  it('refuses an applied file whose message or creation time was edited, naming the file', async () => {
    await threeRevisions();
    const path = await fileOf('notes');
    const original = await readFile(path, 'utf8');
    await writeFile(path, original.replace('-- message: notes', '-- message: harmless notes'));
    const r = cli(p.dev.url, 'history');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/error: \d+T\d+Z_notes\.sql \(revision \w+\) was changed after it was written: it no longer matches its checksum/);
    await writeFile(path, original.replace(/-- created: (\S+)/, '-- created: 2000-01-01T00:00:00Z'));
    expect(cli(p.dev.url, 'current').stderr).toMatch(/error: \d+T\d+Z_notes\.sql \(revision \w+\) was changed after it was written/);
  });
});

describe('upgrade and downgrade targets', () => {
  it('upgrade to a revision the database is past is an error pointing at downgrade; upgrade at head has nothing to do', async () => {
    const [a] = await threeRevisions();
    const back = cli(p.dev.url, 'upgrade', prefixOf(a, 6), '--auto-approve');
    expect(back.status).toBe(1);
    expect(back.stderr).toMatch(new RegExp(`error: cannot upgrade to ${a} \\(\\d+T\\d+Z_users\\.sql\\): it is behind the current revision of this database, \\w+ \\(\\d+T\\d+Z_tags\\.sql\\)`));
    expect(back.stderr).toContain(`hint: upgrade only goes forward; to go back to it, run \`schema downgrade ${a}\``);
    const head = cli(p.dev.url, 'upgrade', 'head', '--auto-approve');
    expect(head.status).toBe(0);
    expect(head.stdout).toContain('Nothing to upgrade: the database is at');
  });
});

describe('history ranges', () => {
  it('says when a range is empty or reversed, not that there are no revisions', async () => {
    const [a] = await threeRevisions();
    for (const run of [(range: string) => cli(p.dev.url, 'history', '-r', range), (range: string) => withoutDb('history', '-r', range)]) {
      const empty = run('base:base');
      expect(empty.status).toBe(0);
      expect(empty.stdout).toBe('No revisions in the range base:base (3 revisions in all).\n');
      for (const [range, start] of [
        ['head:base', 'head'],
        [`${a}:base`, a],
      ] as const) {
        const reversed = run(range);
        expect(reversed.status).toBe(1);
        expect(reversed.stderr).toMatch(new RegExp(`error: the range "${range}" is reversed: its start \\(\\w+\\) comes after its end \\(base\\)`));
        expect(reversed.stderr).toContain(`hint: write the older end first: base:${start}`);
        expect(reversed.stdout).not.toContain('No revisions yet');
      }
    }
  });

  it('--help says what -N counts from', () => {
    const help = spawnSync('node', [BIN, 'history', '--help'], { encoding: 'utf8' }).stdout.replace(/\s+/g, ' ');
    expect(help).toContain("-N and +N count from the database's current revision when there is a database, and from the head of plans/ when there is none");
  });
});

describe('a replay that fails partway', () => {
  it('upgrade says the database is at the last revision that committed, and that the failed one was rolled back', async () => {
    const [a, b, c] = await threeRevisions();
    const prod = await another('partway');
    await prod.db.exec('CREATE TABLE public.tags (name text)'); // the third revision's table, made by hand
    const r = cli(prod.url, 'upgrade', '--auto-approve');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`error: revision ${c} \\(\\d+T\\d+Z_tags\\.sql\\): step 1 of 1 failed \\(create_table public.tags\\): relation "tags" already exists`));
    expect(r.stderr).toMatch(new RegExp(`0 steps before it rolled back, 0 not run: revision ${c} \\(\\d+T\\d+Z_tags\\.sql\\) was rolled back and is not applied`));
    expect(r.stderr).toMatch(new RegExp(`the database is at revision ${b} \\(\\d+T\\d+Z_notes\\.sql\\), the last revision that committed \\(2 of 3 revisions ran\\)`));
    expect(r.stderr).not.toContain('the database is as it was');
    expect((await appliedRevisions(prod.db)).map((x) => x.revision)).toEqual([a, b]);
  });

  it('downgrade says the same', async () => {
    const [a, b, c] = await threeRevisions();
    await p.dev.db.exec('CREATE VIEW public.note_bodies AS SELECT body FROM public.notes'); // the second revision's downgrade cannot drop notes now
    const r = cli(p.dev.url, 'downgrade', 'base', '--auto-approve', '--allow-hazards', 'data_loss');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`error: revision ${b} \\(\\d+T\\d+Z_notes\\.sql\\): step 1 of 1 failed \\(drop_table public.notes\\)`));
    expect(r.stderr).toMatch(new RegExp(`the downgrade of revision ${b} \\(\\d+T\\d+Z_notes\\.sql\\) was rolled back, so it is still applied`));
    expect(r.stderr).toMatch(new RegExp(`the database is at revision ${b} \\(\\d+T\\d+Z_notes\\.sql\\): the downgrade of ${c} committed \\(1 of 3 revisions ran\\)`));
    expect((await appliedRevisions(p.dev.db)).map((x) => x.revision)).toEqual([a, b]);
  });
});

describe('heads with a database', () => {
  it('checks the files against the ledger like every other command', async () => {
    await threeRevisions();
    const path = await fileOf('notes');
    const text = (await readFile(path, 'utf8')).replace('body text', 'body varchar(10)');
    const file = parseRevision('x.sql', text);
    await writeFile(path, text.replace(/-- checksum: .*/, `-- checksum: ${checksumOf(file, file.body)}`));
    const r = cli(p.dev.url, 'heads');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/error: \d+T\d+Z_notes\.sql \(revision \w+\) is not the file that was applied/);
    const offline = withoutDb('heads');
    expect(offline.status, offline.stderr).toBe(0);
    expect(offline.stdout).toMatch(/_tags\.sql/);
  });
});

describe('consent shows what the direction being run does', () => {
  it("a downgrade lists its own steps and hazard messages, not the upgrade's codes", async () => {
    await threeRevisions();
    // A row to lose: a downgrade that touches none needs no consent (see revisions.test.ts).
    await p.dev.db.exec("INSERT INTO public.tags VALUES ('kept')");
    const r = cli(p.dev.url, 'downgrade', '-1', '--auto-approve');
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^ {2}\w+ {2}\S+ {2}tags \[data_loss, irreversible\] {2}\d+T\d+Z_tags\.sql$/m);
    expect(r.stdout).toMatch(/^ {4}- {2}1\. drop_table public\.tags {2}data_loss irreversible$/m);
    // The SQL it runs, and the figure of what it drops here; consent is said once, in the refusal.
    expect(r.stdout).toContain('DROP TABLE public.tags;');
    expect(r.stdout).toContain('! data_loss     step 1 (drop_table public.tags): drops table public.tags and every row in it (here now: 1 row)');
    expect(r.stdout + r.stderr).not.toContain('needs consent for');
    expect((r.stdout + r.stderr).match(/need consent/g)).toHaveLength(1);
    // No figure in these hazards, so no word about where figures come from.
    expect(r.stdout).not.toContain('Figures in these hazards');
    expect(r.stderr).toContain('error: refusing to downgrade this revision: this downgrade has hazards that need consent: data_loss (1 step); nothing was changed');
    expect(r.stderr).toContain('hint: review them above, then pass --allow-hazards data_loss');
    const prod = await another('consent');
    const up = cli(prod.url, 'upgrade', '--auto-approve');
    expect(up.status).toBe(0);
    expect(up.stdout).toMatch(/^ {2}\w+ {2}\S+ {2}tags {2}\d+T\d+Z_tags\.sql$/m); // creating a table loses nothing
    expect(up.stdout).toMatch(/^ {4}\+ {2}1\. create_table public\.tags$/m);
    // A revision written by apply carries the development database's figures, and the listing says whose.
    await p.dev.db.exec(`INSERT INTO public.tags VALUES ('x')`);
    await writeFile(join(p.dir, 'schema.yaml'), V2);
    expect(cli(p.dev.url, 'apply', '--auto-approve', '--allow-hazards', 'data_loss', '-m', 'drop tags').status).toBe(0);
    const dropped = cli(prod.url, 'upgrade', '--auto-approve', '--allow-hazards', 'data_loss');
    expect(dropped.status, dropped.stderr).toBe(0);
    // The figure of the development database (the row kept above and this one), and the count here.
    expect(dropped.stdout).toContain('(2 rows today) (here now: 0 rows)');
    expect(dropped.stdout).toContain('Figures in these hazards (rows, examples, "today") were counted when each revision was written, on the database it was written against, not on this one.');
  });
});

describe('replays wait for an unfinished apply', () => {
  it('upgrade and downgrade refuse while an online apply is unfinished, and so does a replay that got past the first check', async () => {
    const [, , c] = await threeRevisions();
    const yaml = `${V3}  a_one:\n    columns:\n      id: integer\n  a_two:\n    columns:\n      id: integer\n`;
    const { plan } = await planAgainst(p.dev.db, checkSchema('schema.yaml', yaml));
    expect(plan.steps).toHaveLength(2);
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
    const ledger = await appliedRevisions(p.dev.db);
    for (const args of [['downgrade', '-1'], ['upgrade'], ['downgrade', '-1', '--sql']]) {
      const r = cli(p.dev.url, ...args, '--auto-approve', '--allow-hazards', 'data_loss');
      expect(r.status, args.join(' ')).toBe(1);
      expect(r.stderr).toMatch(/error: an apply of revision \w+ is unfinished \(it stopped after step 1 of 2\); upgrade and downgrade wait until it is done/);
      expect(r.stderr).toContain('hint: run `schema apply` to finish it first');
    }
    // Under the lock too: a replay whose command checked before the apply stopped.
    const status = await readStatus(p.dev.db, p.plansDir);
    await expect(runRevisions(p.dev.db, status.chain, [status.chain.get(c)!], 'downgrade')).rejects.toThrow(/an apply of revision \w+ is unfinished/);
    expect(await appliedRevisions(p.dev.db)).toEqual(ledger);
    expect(Object.keys((await modelOf(p.dev.db)).tables)).toContain('public.tags');
  });
});
