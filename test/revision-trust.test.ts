// Revision files from a stranger's pull request are checked, not believed: every statement is
// parsed (transaction control refused at its line), hazards come from what the SQL does as well
// as from the file's comments, the preview shows the SQL, odd entries in plans/ are named, and
// the commands no one approves to run the files' SQL (merge, check, upgrade --sql) never run it
// on the target's server.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { loadChain } from '../src/operations/status.js';
import { runRevision } from '../src/apply/replay.js';
import { connectMemory, type Db } from '../src/db/db.js';
import { introspect } from '../src/introspect/introspect.js';
import { fingerprint } from '../src/model/fingerprint.js';
import { appliedRevisions } from '../src/revisions/ledger.js';
import { statesAfter } from '../src/verify/scratch-replay.js';
import { bodyOf, forgeRevision } from './support/forge.js';
import { useProject, V1, V2, V3 } from './support/project.js';
import { adminUrl, dropFinished, scratch } from './support/scratch.js';
import { BIN, REAL_BIN } from './support/cli.js';

const p = useProject('trust');
const forge = (parent: string, message: string, body: string, created?: string) => forgeRevision(p.plansDir, parent, message, body, created);

/** The line of `text` that `needle` starts on (1-based). */
const lineOf = (text: string, needle: string): number => text.slice(0, text.indexOf(needle)).split('\n').length;

const tables = async (db: Db) => (await db.query<{ t: string }>(`SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`)).map((r) => r.t);

// ---- on the command line, against a real database ----

describe('a forged revision under upgrade', () => {
  /** plans/ with one real revision (users), and a production database upgraded to it holding a row. */
  async function production() {
    const first = await p.applyYaml(p.dev.db, V1, 'users');
    const prod = await p.another('prod');
    expect(p.cli(prod.url, 'upgrade', '--auto-approve').status).toBe(0);
    await prod.db.exec("INSERT INTO public.users VALUES (1, 'ada@example.com')");
    return { first, prod };
  }

  it('a DROP TABLE with no hazard comments and a recomputed checksum needs consent, and the preview shows the SQL', async () => {
    const { first, prod } = await production();
    const forged = await forge(
      first,
      'harmless',
      bodyOf([
        { heading: 'alter_table public.users', sql: ["COMMENT ON TABLE public.users IS 'fine\u009b2K\u202edesrever'"] },
        { heading: 'add_column public.users.harmless', sql: ['DROP TABLE public.users'] },
      ]),
    );
    const r = p.cli(prod.url, 'upgrade', '--auto-approve');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('error: refusing to upgrade this revision: this revision has hazards that need consent: data_loss (1 step); nothing was changed');
    expect(r.stderr).toContain('hint: review them above, then pass --allow-hazards data_loss');
    // The preview: each step with the statements it runs, and what the SQL does.
    expect(r.stdout).toMatch(/\+  2\. add_column public\.users\.harmless  data_loss irreversible\n +DROP TABLE public\.users;\n/);
    expect(r.stdout).toContain('step 2 (add_column public.users.harmless): the SQL drops table public.users and every row in it');
    // A control character or a bidirectional override in the file is shown, never sent to the terminal.
    expect(r.stdout).toContain("COMMENT ON TABLE public.users IS 'fine\\u{9b}2K\\u{202e}desrever';");
    expect(r.stdout).not.toMatch(/[\u009b\u202e]/);
    expect(await prod.db.query('SELECT id, email FROM public.users')).toEqual([{ id: 1, email: 'ada@example.com' }]);
    expect((await appliedRevisions(prod.db)).map((a) => a.revision)).toEqual([first]);
    // Consent is what stood in the way: given, the revision runs as written.
    const allowed = p.cli(prod.url, 'upgrade', '--auto-approve', '--allow-hazards', 'data_loss');
    expect(allowed.status, allowed.stderr).toBe(0);
    expect(await tables(prod.db)).toEqual([]);
    expect((await appliedRevisions(prod.db)).map((a) => a.revision)).toEqual([first, forged.id]);
  });

  it('a COMMIT inside a step is refused at its line before anything runs, by every command that reads plans/', async () => {
    const { first, prod } = await production();
    const forged = await forge(first, 'sneaky', bodyOf([{ heading: 'create_table public.made', sql: ['CREATE TABLE public.made (id integer)', 'COMMIT', 'DROP TABLE public.users', 'SELECT 1 / 0'] }]));
    const name = forged.path.split('/').pop()!;
    const error = `error: ${name}:${lineOf(forged.text, 'COMMIT;')}:1: COMMIT inside a step: schema opens and commits each revision's transaction itself`;
    for (const args of [['upgrade', '--auto-approve', '--allow-hazards', 'data_loss'], ['history'], ['current'], ['heads'], ['upgrade', '--sql']]) {
      const r = p.cli(prod.url, ...args);
      expect(r.status, args.join(' ')).toBe(1);
      expect(r.stderr, args.join(' ')).toContain(error);
      expect(r.stderr).toContain('hint: remove it: the steps of a revision run in one transaction');
    }
    expect(await tables(prod.db)).toEqual(['users']);
    expect(await prod.db.query('SELECT id FROM public.users')).toEqual([{ id: 1 }]);
    expect((await appliedRevisions(prod.db)).map((a) => a.revision)).toEqual([first]);
  });
});

describe('odd entries in plans/', () => {
  /** `schema history` in the project folder, with no database (`uid` to run as another user). */
  const history = (uid?: number) =>
    spawnSync('node', [uid !== undefined ? REAL_BIN : BIN, 'history', '--no-color'], {
      cwd: p.dir,
      encoding: 'utf8',
      env: { ...process.env, DATABASE_URL: '', HOME: p.dir },
      timeout: 60_000,
      ...(uid !== undefined ? { uid, gid: uid } : {}),
    });

  const ODD: ReadonlyArray<readonly [string, (path: string) => Promise<void>, string, string]> = [
    [
      'a dangling symbolic link',
      (path) => symlink(join(p.plansDir, 'gone.sql.bak'), path),
      'is a symbolic link to a file that does not exist, so it cannot be read as a revision file',
      'hint: restore the file it points to, or remove the link',
    ],
    [
      'a symbolic link to itself',
      (path) => symlink(path, path),
      'is a symbolic link that leads back to itself, so it cannot be read as a revision file',
      'hint: every name ending in .sql in the plans folder is read as a revision',
    ],
    ['a folder named *.sql', (path) => mkdir(path), 'is a folder, so it cannot be read as a revision file', 'hint: every name ending in .sql in the plans folder is read as a revision: move or rename it'],
    [
      'a named pipe',
      async (path) => {
        expect(spawnSync('mkfifo', [path]).status).toBe(0);
      },
      'is not a regular file (a named pipe, socket or device), so it cannot be read as a revision file',
      'hint: every name ending in .sql',
    ],
  ];

  it.each(ODD)('%s is named, and nothing else is said', async (_what, make, problem, hint) => {
    await p.applyYaml(p.dev.db, V1, 'users');
    await make(join(p.plansDir, '20990101T000000Z_odd.sql'));
    const r = history();
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`error: plans/20990101T000000Z_odd.sql ${problem}`);
    expect(r.stderr).toContain(hint);
    expect(r.stderr).not.toContain('internal error');
  });

  it('a named pipe with the name apply gives a revision file it has not finished is left alone, not read', async () => {
    await p.applyYaml(p.dev.db, V1, 'users');
    expect(spawnSync('mkfifo', [join(p.plansDir, '.20990101T000000Z_odd.sql.tmp')]).status).toBe(0);
    const r = spawnSync('node', [BIN, 'upgrade', '--auto-approve', '--url', p.dev.url, '--no-color'], { cwd: p.dir, encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('Nothing to upgrade: the database is at');
  });

  it('a file this user may not read is named', async () => {
    await p.applyYaml(p.dev.db, V1, 'users');
    const path = join(p.plansDir, '20990101T000000Z_secret.sql');
    await writeFile(path, await readFile(await p.fileOf('users'), 'utf8'));
    await chmod(path, 0o000);
    await chmod(p.dir, 0o755);
    await chmod(p.plansDir, 0o755);
    // As root nothing is unreadable: run as nobody when the tests run as root.
    const r = history(process.getuid?.() === 0 ? 65534 : undefined);
    expect(r.stderr).toContain('error: plans/20990101T000000Z_secret.sql cannot be read (permission denied), so it cannot be read as a revision file');
    expect(r.stderr).toContain('hint: let this user read it (chmod a+r plans/20990101T000000Z_secret.sql)');
    expect(r.status).toBe(1);
  });
});

// ---- the commands no one approves to run the files' SQL leave the server alone ----

describe('merge, check and upgrade --sql replay off the server', () => {
  /**
   * A database owned by a role of its own that may create databases (so a scratch database on the
   * server is open to it): a statement of a revision run as that role on the server leaves a
   * setting on the role, which outlives any scratch database.
   */
  async function withRole(fn: (url: string, role: string, settings: () => Promise<string[]>) => Promise<void>): Promise<void> {
    const role = `schema_trust_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: adminUrl() });
    await admin.connect();
    const target = await scratch('trustrole');
    try {
      await admin.query(`CREATE ROLE ${role} LOGIN CREATEDB`);
      await admin.query(`ALTER DATABASE ${target.name} OWNER TO ${role}`);
      const url = new URL(target.url);
      url.username = role;
      const settings = async () => (await admin.query<{ s: string }>('SELECT unnest(s.setconfig) AS s FROM pg_db_role_setting s JOIN pg_roles r ON r.oid = s.setrole WHERE r.rolname = $1', [role])).rows.map((r) => r.s);
      await fn(url.toString(), role, settings);
    } finally {
      await target.drop();
      await dropFinished(); // the role owns the database: it goes first
      await admin.query(`DROP ROLE IF EXISTS ${role}`);
      await admin.end();
    }
  }

  const MARK = "ALTER ROLE CURRENT_USER SET application_name = 'replayed_on_the_server'";

  it('upgrade --sql and check do not run the revisions on the server; --replay-on-server does, and says so', async () => {
    await withRole(async (url, _role, settings) => {
      const first = await p.applyYaml(p.dev.db, V1, 'users');
      expect(p.cli(url, 'upgrade', '--auto-approve').status).toBe(0);
      await forge(first, 'nickname', bodyOf([{ heading: 'add_column public.users.nickname', sql: ['ALTER TABLE public.users ADD COLUMN nickname text', MARK] }]));
      await writeFile(join(p.dir, 'schema.yaml'), V1);
      const check = p.cli(url, 'check');
      expect(check.status).toBe(1);
      const script = p.cli(url, 'upgrade', '--sql');
      expect(script.status, script.stderr).toBe(0);
      expect(script.stdout).toContain('ALTER TABLE public.users ADD COLUMN nickname text;');
      expect(await settings()).toEqual([]);
      // The embedded PostgreSQL runs another major version than this server: no state, said plainly.
      const major = Math.floor(Number((await p.dev.db.query<{ v: string }>("SELECT current_setting('server_version_num') AS v"))[0]!.v) / 10000);
      if (major !== 18) {
        expect(script.stderr).toContain(
          `No state is recorded with these revisions: their SQL was run to work it out on an in-memory embedded PostgreSQL, PostgreSQL 18, which may spell the schema otherwise than this database's PostgreSQL ${major}`,
        );
        expect(script.stderr).toContain("To work the states out on the server itself, pass --replay-on-server: it runs the revisions' SQL there, in a temporary database, as this role.");
      }
      const onServer = p.cli(url, 'upgrade', '--sql', '--replay-on-server');
      expect(onServer.status, onServer.stderr).toBe(0);
      expect(onServer.stderr).toMatch(/The revisions' SQL was run in a temporary database on \S+ to work out the states this script records \(--replay-on-server\)\./);
      expect(onServer.stderr).not.toContain('No state is recorded');
      // The observation can see it: the same statement, run on the server, left its mark.
      expect(await settings()).toEqual(['application_name=replayed_on_the_server']);
    });
  });

  it('on a database of the embedded major version, the states are worked out on the embedded PostgreSQL and are those the database reaches', async () => {
    await p.applyYaml(p.dev.db, V1, 'users');
    await p.applyYaml(p.dev.db, V2, 'notes');
    await p.applyYaml(p.dev.db, V3, 'tags');
    const [first, ...rest] = (await loadChain(p.plansDir)).ordered;
    // The target itself an embedded PostgreSQL, so of the same major version.
    const target = await connectMemory();
    try {
      await runRevision(target, first!, 'upgrade');
      const states = await statesAfter(await introspect(target), rest);
      expect(states.note).toBeNull();
      expect(states.where).toBe('an in-memory embedded PostgreSQL');
      for (const [i, r] of rest.entries()) {
        await runRevision(target, r, 'upgrade');
        expect(fingerprint(states.after[i]!), r.message).toBe(fingerprint((await introspect(target)).model));
      }
    } finally {
      await target.close();
    }
  });

  it('merge replays both branches on the embedded PostgreSQL, never on the server', async () => {
    await withRole(async (url, _role, settings) => {
      const first = await p.applyYaml(p.dev.db, V1, 'users');
      expect(p.cli(url, 'upgrade', '--auto-approve').status).toBe(0);
      await forge(first, 'long emails', bodyOf([{ heading: 'alter_column public.users.email', sql: ['ALTER TABLE public.users ALTER COLUMN email TYPE character varying(100)'] }]), '2099-01-01T00:00:01Z');
      await forge(first, 'short emails', bodyOf([{ heading: 'alter_column public.users.email', sql: ['ALTER TABLE public.users ALTER COLUMN email TYPE character varying(50)', MARK] }]), '2099-01-01T00:00:02Z');
      await writeFile(join(p.dir, 'schema.yaml'), V1.replace('email: text', 'email: varchar(100)'));
      const r = p.cli(url, 'merge', '-m', 'settle emails');
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toContain('Both branches change public.users.email');
      expect(await settings()).toEqual([]);
    });
    // Each order is replayed on a PGlite of its own, started in this process: slow on a busy machine.
  }, 300_000);
});
