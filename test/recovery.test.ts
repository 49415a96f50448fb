// After an apply was cut short: its record in the database is finished only as the apply made
// it (a step added or a file name changed there is refused, and hazards are read again from the
// SQL), and the revision file only ever lands in plans/. A temporary revision file is put in
// place only when the ledger vouches for it; a failed write and a failed rename say what became
// of the revision.
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkSchema } from '../src/operations/schema-file.js';
import { planAgainst } from '../src/operations/plan.js';
import { applyPlan, ApplyError, interruptedApply } from '../src/apply/apply.js';
import { PATIENT } from '../src/plan/run-settings.js';
import type { Db } from '../src/db/db.js';
import { canonicalJson, sha256 } from '../src/model/fingerprint.js';
import { formatRevision, parseRevision, timestampName } from '../src/revisions/file.js';
import { appliedRevisions, type Pending } from '../src/revisions/ledger.js';
import { runBefore } from './support/cases.js';
import { useProject } from './support/project.js';

const project = useProject('recovery');

/** Two tables; users.email becomes NOT NULL, which an online apply validates in a step of its own. */
const BEFORE = `
CREATE TABLE users (id integer PRIMARY KEY, email text);
INSERT INTO users VALUES (1, 'a@example.com'), (2, NULL);
CREATE TABLE orders (id integer PRIMARY KEY);
INSERT INTO orders VALUES (1), (2), (3);`;
const DESIRED = `
tables:
  users:
    columns:
      id: { type: integer, primary_key: true }
      email: { type: text, nullable: false }
  orders:
    columns:
      id: { type: integer, primary_key: true }
`;

async function pendingRow(db: Db): Promise<Pending> {
  return (await db.query<Pending>('SELECT revision, direction, steps, done, payload, started_at::text AS started_at FROM schema_tool.pending'))[0]!;
}

/**
 * Change the record of the unfinished apply as someone who can write the ledger can: `edit`
 * changes steps and payload; with `reseal`, its checksum is worked out again the way schema
 * does (canonical JSON of revision, direction, steps and payload, sha256), so only what is
 * checked beyond the checksum can stop it.
 */
async function tamper(db: Db, edit: (p: { steps: Pending['steps'][number][]; payload: Record<string, unknown> }) => void, reseal: boolean): Promise<void> {
  const row = await pendingRow(db);
  const changed = { steps: structuredClone([...row.steps]), payload: structuredClone(row.payload) };
  edit(changed);
  if (reseal) {
    const { record_checksum: _old, ...payload } = changed.payload;
    changed.payload['record_checksum'] = `sha256:${sha256(canonicalJson({ revision: row.revision, direction: row.direction, steps: changed.steps, payload }))}`;
  }
  await db.query('UPDATE schema_tool.pending SET steps = $1::jsonb, payload = $2::jsonb', [JSON.stringify(changed.steps), JSON.stringify(changed.payload)]);
}

/** An online apply that stops at its second step (a NULL email), then the row is fixed: `schema apply` would finish it. */
async function interrupted(): Promise<Pending> {
  await runBefore(project.dev.db, BEFORE);
  await writeFile(join(project.dir, 'schema.yaml'), DESIRED);
  const cut = project.cli(project.dev.url, 'apply', '--online', '--no-data-checks', '--auto-approve', '-m', 'email required');
  expect(cut.status, cut.stderr).toBe(1);
  expect(cut.stderr).toContain('step 1 is done and kept; run `schema apply` again to finish');
  await project.dev.db.exec(`UPDATE public.users SET email = 'b@example.com' WHERE id = 2`);
  const pending = await interruptedApply(project.dev.db);
  expect(pending?.done).toBe(1);
  return pending!;
}

/** stderr without the line announcing the database. */
const said = (stderr: string): string => stderr.replace(/^Using .*\n/, '');

const ordersRows = async (db: Db) => (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM public.orders`))[0]!.n;

describe('an unfinished apply is finished only as it was recorded', () => {
  it('a step changed in the record is refused, nothing runs, and the record as written still finishes', async () => {
    const pending = await interrupted();
    const last = pending.steps.length - 1;
    const original = await pendingRow(project.dev.db);
    await tamper(project.dev.db, (p) => void (p.steps[last] = { ...p.steps[last]!, sql: ['DROP TABLE public.orders'], hazards: [] }), false);
    const r = project.cli(project.dev.url, 'apply', '--auto-approve');
    expect(r.status).toBe(1);
    expect(said(r.stderr)).toBe(
      `error: the record of the unfinished apply of revision ${pending.revision} does not match its checksum: it was changed after schema wrote it; nothing was run\n` +
        'hint: give it up with `schema apply --abandon` (the steps it finished stay done), then run `schema plan` to see what is left to do\n',
    );
    expect(await ordersRows(project.dev.db)).toBe(3);
    expect((await interruptedApply(project.dev.db))?.done).toBe(1);

    // The record as schema wrote it passes the same checks and finishes, writing into plans/.
    await project.dev.db.query('UPDATE schema_tool.pending SET steps = $1::jsonb, payload = $2::jsonb', [JSON.stringify(original.steps), JSON.stringify(original.payload)]);
    const done = project.cli(project.dev.url, 'apply', '--auto-approve');
    expect(done.status, done.stderr).toBe(0);
    const [file] = await readdir(project.plansDir);
    expect(done.stdout).toContain(`Finished. Revision ${pending.revision} written to plans/${file}.`);
    expect(await interruptedApply(project.dev.db)).toBeNull();
  });

  it('a DROP TABLE put in the record with its checksum worked out again needs consent for data_loss, read from its SQL', async () => {
    const pending = await interrupted();
    const last = pending.steps.length - 1;
    await tamper(project.dev.db, (p) => void (p.steps[last] = { ...p.steps[last]!, sql: ['DROP TABLE public.orders'], hazards: [] }), true);
    const r = project.cli(project.dev.url, 'apply', '--auto-approve');
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(`  ${last + 1}. ${pending.steps[last]!.op} ${pending.steps[last]!.object}\n       hazard data_loss: the SQL drops table public.orders and every row in it\n`);
    expect(said(r.stderr)).toBe('error: refusing to finish it: what is left has hazards that need consent: data_loss (1 step); nothing was changed\nhint: review them above, then pass --allow-hazards data_loss\n');
    expect(await ordersRows(project.dev.db)).toBe(3);
    expect((await interruptedApply(project.dev.db))?.done).toBe(1);
  });

  it('a file name that leads out of plans/ is refused: nothing runs, nothing is written, nothing is recorded', async () => {
    const pending = await interrupted();
    await tamper(project.dev.db, (p) => void (p.payload['fileName'] = '/../x.sql'), true);
    const r = project.cli(project.dev.url, 'apply', '--auto-approve');
    expect(r.status).toBe(1);
    expect(said(r.stderr)).toBe(
      `error: the record of the unfinished apply of revision ${pending.revision} names its revision file "/../x.sql", which is not the name of a revision file (<time>_<message>.sql); nothing was run\n` +
        'hint: give it up with `schema apply --abandon` (the steps it finished stay done), then run `schema plan` to see what is left to do\n',
    );
    expect((await readdir(project.dir)).sort()).toEqual(['plans', 'schema.yaml']);
    expect(await readdir(project.plansDir)).toEqual([]);
    expect(await appliedRevisions(project.dev.db)).toEqual([]);
    expect((await interruptedApply(project.dev.db))?.done).toBe(1);
    // Giving it up removes no file outside plans/ either, and leaves the way clear.
    const abandoned = project.cli(project.dev.url, 'apply', '--abandon', '--auto-approve');
    expect(abandoned.status, abandoned.stderr).toBe(0);
    expect(await interruptedApply(project.dev.db)).toBeNull();
  });
});

describe('a temporary revision file left in plans/', () => {
  it('whose revision is applied but whose checksum is not the one recorded is left alone, with a warning, and the good file stays', async () => {
    const revision = await project.applyYaml(project.dev.db, 'tables:\n  users:\n    columns:\n      id: integer\n', 'users');
    const good = await project.fileOf('users');
    const name = basename(good);
    const text = await readFile(good, 'utf8');
    // The same revision id, another body: a leftover copy, not what the database applied.
    const header = parseRevision(name, text);
    const stray = formatRevision({ steps: [], downgrade: [] }, { id: revision, parents: [], created: new Date(header.created), message: header.message }).text;
    await writeFile(join(project.plansDir, `.${name}.tmp`), stray);

    const r = project.cli(project.dev.url, 'upgrade', '--auto-approve');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain(`Nothing to upgrade: the database is at ${revision}.`);
    expect(r.stderr).toContain(
      `warning: plans/.${name}.tmp is not the file of revision ${revision} that this database recorded (its checksum differs from the one the database recorded): it was left alone, and so was plans/${name}; remove plans/.${name}.tmp once you have looked at it\n`,
    );
    expect(await readFile(good, 'utf8')).toBe(text);
    expect(await readFile(join(project.plansDir, `.${name}.tmp`), 'utf8')).toBe(stray);
    const current = project.cli(project.dev.url, 'current');
    expect(current.status, current.stderr).toBe(0);
  });

  it('a write that fails (here a folder in the way, as a full disk would) rolls the plan back and says so; the next writer names what is in the way', async () => {
    const now = new Date('2026-03-01T10:00:00Z');
    const temp = join(project.plansDir, `.${timestampName(now)}_two_tables.sql.tmp`);
    const { plan } = await planAgainst(project.dev.db, checkSchema('schema.yaml', DESIRED));
    const error = await applyPlan({ db: project.dev.db, plan, plansDir: project.plansDir, message: 'two tables', now, onStep: (i) => (i === 0 ? mkdir(temp).then(() => undefined) : undefined) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApplyError);
    expect((error as ApplyError).message).toBe(`cannot write the revision file ${temp}: a folder is in the way; the plan was rolled back: nothing was changed, and no revision is recorded`);
    expect((error as ApplyError).hint).toBe(`make writing in ${project.plansDir} possible again (free space, fix permissions, or move what is in the way), then run \`schema apply\` again`);
    expect(await project.dev.db.query(`SELECT to_regclass('public.users') AS t`)).toEqual([{ t: null }]);
    expect(await appliedRevisions(project.dev.db)).toEqual([]);

    await writeFile(join(project.dir, 'schema.yaml'), DESIRED);
    const again = project.cli(project.dev.url, 'apply', '--auto-approve', '-m', 'two tables');
    expect(again.status, again.stderr).toBe(0);
    expect(again.stderr).toContain(`warning: plans/${basename(temp)} is a folder, not a revision file schema left: it was left alone; remove it\n`);
    expect((await readdir(project.plansDir)).filter((n) => !n.startsWith('.'))).toHaveLength(1);
  });

  it('in an online apply, the steps done are kept, the revision is not recorded, and apply again records it without running anything', async () => {
    const now = new Date('2026-03-01T10:00:00Z');
    const name = `${timestampName(now)}_two_tables.sql`;
    const temp = join(project.plansDir, `.${name}.tmp`);
    const { plan } = await planAgainst(project.dev.db, checkSchema('schema.yaml', DESIRED), { online: true });
    const last = plan.steps.length - 1;
    const run = applyPlan({ db: project.dev.db, plan, plansDir: project.plansDir, message: 'two tables', now, online: PATIENT, onStep: (i) => (i === last ? mkdir(temp).then(() => undefined) : undefined) });
    const error = await run.catch((e: unknown) => e);
    const pending = (await interruptedApply(project.dev.db))!;
    expect(pending.done).toBe(plan.steps.length);
    expect(error).toBeInstanceOf(ApplyError);
    expect((error as ApplyError).message).toBe(
      `cannot write the revision file ${temp}: a folder is in the way; the ${plan.steps.length} steps are done and kept in the database, but revision ${pending.revision} is not recorded yet`,
    );
    expect((error as ApplyError).hint).toBe(
      `make writing in ${project.plansDir} possible again (free space, fix permissions, or move what is in the way), then run \`schema apply\` again: it records the revision and writes its file, and runs nothing again`,
    );
    expect(await appliedRevisions(project.dev.db)).toEqual([]);

    await rm(temp, { recursive: true });
    await writeFile(join(project.dir, 'schema.yaml'), DESIRED);
    const again = project.cli(project.dev.url, 'apply', '--auto-approve');
    expect(again.status, again.stderr).toBe(0);
    expect(again.stderr).not.toContain('  [');
    expect(again.stdout).toContain(`Finished. Revision ${pending.revision} written to plans/${name}.`);
    expect(await readdir(project.plansDir)).toEqual([name]);
    expect((await appliedRevisions(project.dev.db)).map((a) => a.revision)).toEqual([pending.revision]);
  });

  it('a rename that fails after the commit says the revision is applied and where its file is; the next writer puts it in place', async () => {
    const now = new Date('2026-03-01T10:00:00Z');
    const name = `${timestampName(now)}_users.sql`;
    const { plan } = await planAgainst(project.dev.db, checkSchema('schema.yaml', 'tables:\n  users:\n    columns:\n      id: integer\n'));
    // Something takes the file's name while the apply runs: a folder, which no rename replaces.
    const squat = join(project.plansDir, name);
    const error = await applyPlan({ db: project.dev.db, plan, plansDir: project.plansDir, message: 'users', now, onStep: () => mkdir(squat).then(() => undefined) }).catch((e: unknown) => e);
    const [applied] = await appliedRevisions(project.dev.db);
    expect(applied?.file).toBe(name);
    const temp = join(project.plansDir, `.${name}.tmp`);
    expect(error).toBeInstanceOf(ApplyError);
    expect((error as ApplyError).message).toBe(
      `revision ${applied!.revision} is applied (its transaction committed, and the database records it), but its file could not be put in place: cannot rename ${temp} to ${squat}: a folder is already there`,
    );
    expect((error as ApplyError).hint).toBe(`the file is kept as ${temp}; move ${squat} aside, then the next \`schema apply\`, \`schema upgrade\` or \`schema downgrade\` puts it in place`);

    await rm(squat, { recursive: true });
    const r = project.cli(project.dev.url, 'upgrade', '--auto-approve');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain(`Nothing to upgrade: the database is at ${applied!.revision}.`);
    expect(await readdir(project.plansDir)).toEqual([name]);
    expect(parseRevision(name, await readFile(squat, 'utf8')).checksum).toBe(applied!.checksum);
  });
});
