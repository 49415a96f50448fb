// Hand-written revisions (`schema revision -m`): the file format read and refused at its line,
// two heads refused, an empty downgrade that stops `downgrade`, the state recorded after one
// (check and drift exact, a data-only one changing nothing, a drifted database's worked out by a
// replay), and one between generated revisions replayed on a fresh database. The whole
// workflow as a user types it is test/scenarios/hand-written-revision.txt.
import { spawnSync } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { replayScript } from '../src/apply/replay.js';
import { UserError } from '../src/errors.js';
import { runRevisionsWithConsent } from '../src/operations/replay.js';
import { writeHandWritten } from '../src/operations/revision.js';
import { checkSchema } from '../src/operations/schema-file.js';
import { checkDatabase, driftOf, loadChain, readStatus } from '../src/operations/status.js';
import { branchesOf } from '../src/revisions/branches.js';
import { revisionsToDowngrade, revisionsToUpgrade } from '../src/revisions/chain.js';
import { formatHandWritten, formatRevision, parseBody, parseRevision, RevisionError } from '../src/revisions/file.js';
import { appliedRevisions } from '../src/revisions/ledger.js';
import type { Db } from '../src/db/db.js';
import { describeSteps, modelOf } from './support/cases.js';
import { useProject, V1, V2 } from './support/project.js';

const p = useProject('handw');

/** A hand-written revision after the head of plans/, its sections filled with `upgrade` and `downgrade`. */
async function handWritten(message: string, upgrade: string, downgrade = '-- +nothing-to-undo'): Promise<{ revision: string; file: string }> {
  const written = await writeHandWritten({ plansDir: p.plansDir, message });
  const text = await readFile(written.file, 'utf8');
  await writeFile(written.file, text.replace('-- +upgrade\n', `-- +upgrade\n${upgrade}\n`).replace('-- +downgrade\n', `-- +downgrade\n${downgrade}\n`));
  return written;
}

/** `schema upgrade` (to head) through the library, data_loss consented to. */
async function upgrade(db: Db): Promise<void> {
  const status = await readStatus(db, p.plansDir);
  await runRevisionsWithConsent(db, status.chain, revisionsToUpgrade(status.chain, status.appliedIds), 'upgrade', { consent: { autoApprove: true, allowHazards: ['data_loss'] } });
}

const INDEXED = `${V1}    indexes:
      users_email_idx: { columns: [email] }
`;

/** A hand-written file's text: the template with these sections. */
function fileText(upgrade: string, downgrade: string): string {
  return formatHandWritten({ id: 'aaaaaaaaaaaa', parents: [], created: new Date('2026-01-01T00:00:00Z'), message: 'by hand' })
    .replace('-- +upgrade\n', `-- +upgrade\n${upgrade}\n`)
    .replace('-- +downgrade\n', `-- +downgrade\n${downgrade}\n`);
}

const NAME = '20260101T000000Z_by_hand.sql';
const read = (text: string) => {
  const file = parseRevision(NAME, text);
  return { file, ...parseBody(file.fileName, file.body, file.bodyLine, file.handWritten) };
};
const refusal = (text: string): string => {
  try {
    read(text);
  } catch (error) {
    expect(error).toBeInstanceOf(RevisionError);
    return (error as Error).message;
  }
  throw new Error('not refused');
};

describe('the file (no database)', () => {
  it('is format 2 with kind: hand-written and no checksum; generated files stay format 1', () => {
    const text = fileText('', '');
    expect(text.split('\n').slice(0, 6)).toEqual(['-- schema revision (format 2)', '-- revision: aaaaaaaaaaaa', '-- revises: none', '-- created: 2026-01-01T00:00:00Z', '-- message: by hand', '-- kind: hand-written']);
    expect(text).not.toMatch(/^-- checksum:/m);
    expect(text).toContain('--   -- hazard data_loss:');
    const generated = formatRevision({ steps: [], downgrade: [] }, { id: 'bbbbbbbbbbbb', parents: [], created: new Date(), message: 'x' }).text;
    expect(generated.split('\n')[0]).toBe('-- schema revision (format 1)');
    expect(parseRevision(NAME, generated).handWritten).toBe(false);
    // The template's own comments are neither statements nor hazards; with no downgrade SQL it cannot be undone.
    const empty = read(text);
    expect(empty.file.handWritten).toBe(true);
    expect([empty.upgrade, empty.downgrade, empty.irreversible]).toEqual([[], [], true]);
  });

  it('its checksum is of its text as it is: an edit changes it, the same text keeps it', () => {
    const a = read(fileText('UPDATE public.users SET email = lower(email);', ''));
    const b = read(fileText('UPDATE public.users SET email = upper(email);', ''));
    expect(a.file.checksum).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(b.file.checksum).not.toBe(a.file.checksum);
    expect(read(fileText('UPDATE public.users SET email = lower(email);', '')).file.checksum).toBe(a.file.checksum);
  });

  it('makes each statement a step, with the hazards written above it and those its SQL carries', () => {
    const text = fileText(
      [
        '-- hazard data_loss: replaces empty emails',
        "UPDATE public.users SET email = 'x' WHERE email = '';",
        '-- a note of the author',
        'CREATE INDEX CONCURRENTLY users_email_idx ON public.users (email);',
        '-- hazard blocking: declared after the last statement',
      ].join('\n'),
      'DROP INDEX CONCURRENTLY public.users_email_idx;',
    );
    const { upgrade, downgrade, irreversible } = read(text);
    const line = text.split('\n').indexOf("UPDATE public.users SET email = 'x' WHERE email = '';") + 1;
    expect(describeSteps(upgrade)).toEqual([`execute_sql ${NAME}:${line}`, `execute_sql ${NAME}:${line + 2}`]);
    expect(upgrade[0]!.hazards.map((h) => [h.code, h.message])).toEqual([
      ['data_loss', 'replaces empty emails'],
      ['data_loss', 'the SQL overwrites values in public.users (UPDATE)'],
    ]);
    expect(upgrade[1]!.hazards.map((h) => h.code)).toEqual(['blocking']);
    expect(upgrade[1]!.concurrently).toEqual({ schema: 'public', index: 'users_email_idx', creates: true });
    expect(downgrade).toHaveLength(1);
    expect(irreversible).toBeUndefined();
  });

  it('refuses at its line: a statement that controls the transaction, an unknown hazard, a hazard with no statement, a checksum line', () => {
    const text = fileText('UPDATE public.users SET email = NULL;\nCOMMIT;', '');
    expect(refusal(text)).toBe(`${NAME}:${text.split('\n').indexOf('COMMIT;') + 1}:1: ${refusalOf('COMMIT')}`);
    const typo = fileText('-- hazard dataloss: oops\nSELECT 1;', '');
    expect(refusal(typo)).toBe(`${NAME}:${typo.split('\n').indexOf('-- hazard dataloss: oops') + 1}: unknown hazard code "dataloss"`);
    const lonely = fileText('SELECT 1;', '-- hazard data_loss: nothing to go with');
    expect(refusal(lonely)).toBe(`${NAME}:${lonely.split('\n').indexOf('-- hazard data_loss: nothing to go with') + 1}: a hazard with no statement in its section to belong to`);
    const checksummed = fileText('SELECT 1;', '').replace('-- kind: hand-written', '-- kind: hand-written\n-- checksum: sha256:00');
    expect(refusal(checksummed)).toMatch(/^20260101T000000Z_by_hand\.sql:7: a hand-written revision has no checksum line/);
    const noted = fileText('SELECT 1;', '').replace('-- kind: hand-written', '-- kind: hand-written\n-- my note');
    expect(refusal(noted)).toBe(`${NAME}:7: an unexpected line in the header ("-- my note"): the header holds only the lines schema wrote, and its checksum does not cover others`);
    expect(() => read(noted)).toThrow(expect.objectContaining({ hint: 'write your own comments below the blank line that ends the header, or restore the file from version control' }));
    expect(refusal(fileText('SELECT 1;', '').replace('-- kind: hand-written', '-- kind: generated'))).toBe(`${NAME}:6: unknown revision kind "generated": the only kind is "hand-written"`);
  });

  it('is not upgraded while its upgrade section has no SQL: applied, it would be fixed with nothing in it', async () => {
    const written = await writeHandWritten({ plansDir: p.plansDir, message: 'not yet' });
    const chain = await loadChain(p.plansDir);
    expect(() => revisionsToUpgrade(chain, new Set())).toThrow(`${written.file.slice(p.plansDir.length + 1)} (revision ${written.revision}) is hand-written but has no SQL in its "-- +upgrade" section; nothing was run`);
  });

  it('is refused with two heads, naming both, and nothing is written', async () => {
    const first = await writeHandWritten({ plansDir: p.plansDir, message: 'first' });
    for (const [n, message] of ['left', 'right'].entries()) {
      const text = formatHandWritten({ id: `${n}`.repeat(12), parents: [first.revision], created: new Date(`2026-01-0${n + 2}T00:00:00Z`), message });
      await writeFile(join(p.plansDir, `2026010${n + 2}T000000Z_${message}.sql`), text);
    }
    const before = await readdir(p.plansDir);
    const error = await writeHandWritten({ plansDir: p.plansDir, message: 'third' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toBe(
      `${p.plansDir} has 2 heads (000000000000, 20260102T000000Z_left.sql; 111111111111, 20260103T000000Z_right.sql): a new revision would follow only one of them; nothing was written`,
    );
    expect((error as UserError).hint).toBe('join them first with `schema merge -m "merge"`, then write the revision');
    expect(await readdir(p.plansDir)).toEqual(before);
  });

  it('counts, for a merge, as changing whatever the other branch changes', async () => {
    await mkdir(p.plansDir, { recursive: true });
    await p.applyYaml(p.dev.db, V1, 'users');
    const base = (await loadChain(p.plansDir)).head()!;
    await writeFile(join(p.plansDir, '20990101T000000Z_left.sql'), fileText('UPDATE public.users SET email = lower(email);', '').replace('-- revises: none', `-- revises: ${base.revision}`));
    await writeFile(join(p.plansDir, '20990102T000000Z_right.sql'), fileText('SELECT 1;', '').replace('-- revises: none', `-- revises: ${base.revision}`).replace('aaaaaaaaaaaa', 'cccccccccccc'));
    const branches = branchesOf(await loadChain(p.plansDir));
    expect(branches.conflicts).toEqual(['the hand-written SQL of 20990101T000000Z_left.sql and 20990102T000000Z_right.sql']);
    expect([...branches.conflicting].sort()).toEqual(['aaaaaaaaaaaa', 'cccccccccccc']);
  });
});

/** What the statement reader says of a transaction statement (statements.ts), for the expected message. */
function refusalOf(word: string): string {
  return `${word} inside a step: schema opens and commits each revision's transaction itself, so this would commit, undo or split part of the revision behind its back and could leave it half applied`;
}

describe('with a database', () => {
  it('keeps check and drift exact: an index it makes is in the recorded state, a data-only one changes nothing', async () => {
    await p.applyYaml(p.dev.db, V1, 'users');
    await p.dev.db.exec(`INSERT INTO public.users VALUES (1, NULL), (2, 'B@example.com')`);
    await handWritten('email index', 'CREATE INDEX users_email_idx ON public.users (email);', 'DROP INDEX public.users_email_idx;');
    await upgrade(p.dev.db);
    const check = async (yaml: string) => {
      const r = await checkDatabase(p.dev.db, p.plansDir, checkSchema('schema.yaml', yaml));
      return { pending: r.status.pending.length, unrecorded: describeSteps(r.unrecorded ?? []), comparedWith: r.comparedWith, drift: r.drift.changes.length };
    };
    expect(await check(INDEXED)).toEqual({ pending: 0, unrecorded: [], comparedWith: 'head', drift: 0 });
    expect(await check(V1)).toEqual({ pending: 0, unrecorded: ['drop_index public.users.users_email_idx'], comparedWith: 'head', drift: 0 });

    await handWritten('lower emails', '-- hazard data_loss: lower-cases every email\nUPDATE public.users SET email = lower(email);');
    await upgrade(p.dev.db);
    expect((await p.dev.db.query<{ email: string }>('SELECT email FROM public.users WHERE id = 2'))[0]!.email).toBe('b@example.com');
    const [, indexed, data] = await appliedRevisions(p.dev.db);
    expect(data!.fingerprint).toBe(indexed!.fingerprint);
    expect(await check(INDEXED)).toEqual({ pending: 0, unrecorded: [], comparedWith: 'head', drift: 0 });
  });

  it('on a database changed outside schema, works its effect out by a replay: the change by hand stays drift', async () => {
    await p.applyYaml(p.dev.db, V1, 'users');
    await p.dev.db.exec('ALTER TABLE public.users ADD COLUMN nick text');
    await handWritten('email index', 'CREATE INDEX users_email_idx ON public.users (email);', 'DROP INDEX public.users_email_idx;');
    await upgrade(p.dev.db);
    const status = await readStatus(p.dev.db, p.plansDir);
    const drift = await driftOf(p.dev.db, status);
    expect({ unknown: drift.unknown, changes: describeSteps(drift.changes) }).toEqual({ unknown: false, changes: ['add_column public.users.nick'] });
    const r = await checkDatabase(p.dev.db, p.plansDir, checkSchema('schema.yaml', INDEXED));
    expect([r.comparedWith, describeSteps(r.unrecorded ?? [])]).toEqual(['head', []]);
  });

  it('between generated revisions, is replayed by upgrade on a fresh database, and the next apply follows it', async () => {
    await p.applyYaml(p.dev.db, V1, 'users');
    const hand = await handWritten(
      'seed and index',
      "INSERT INTO public.users VALUES (1, 'a@example.com');\nCREATE INDEX users_email_idx ON public.users (email);",
      'DROP INDEX public.users_email_idx;\nDELETE FROM public.users WHERE id = 1;',
    );
    await upgrade(p.dev.db);
    const notes = await p.applyYaml(p.dev.db, `${INDEXED}${V2.slice(V1.length)}`, 'notes');
    expect((await loadChain(p.plansDir)).get(notes)!.parents).toEqual([hand.revision]);

    const fresh = await p.another('fresh');
    await upgrade(fresh.db);
    expect(await modelOf(fresh.db)).toEqual(await modelOf(p.dev.db));
    expect((await fresh.db.query<{ n: number }>('SELECT count(*)::int AS n FROM public.users'))[0]!.n).toBe(1);
    const ids = async (db: Db) => (await appliedRevisions(db)).map((a) => [a.revision, a.checksum, a.fingerprint]);
    expect(await ids(fresh.db)).toEqual(await ids(p.dev.db));

    // A script for psql (`upgrade --sql`) holds its statements, and runs to the same schema.
    const chain = await loadChain(p.plansDir);
    const script = replayScript(revisionsToUpgrade(chain, new Set()), 'upgrade');
    expect(script).toContain(`-- step 2/2: execute_sql ${hand.file.slice(p.plansDir.length + 1)}:`);
    expect(script).toContain('CREATE INDEX users_email_idx ON public.users (email);');
    if (spawnSync('psql', ['--version']).status !== 0) return;
    const byScript = await p.another('script');
    const run = spawnSync('psql', [byScript.url, '-q', '-f', '-'], { input: script, encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    expect(await modelOf(byScript.db)).toEqual(await modelOf(p.dev.db));
  });

  it('with an empty downgrade section cannot be undone: downgrade stops before it, unless it says -- +nothing-to-undo', async () => {
    await p.applyYaml(p.dev.db, V1, 'users');
    const stuck = await handWritten('one way', 'CREATE INDEX users_email_idx ON public.users (email);', '');
    await handWritten('no undo needed', "UPDATE public.users SET email = '' WHERE email IS NULL;");
    await upgrade(p.dev.db);
    const r = p.cli(p.dev.url, 'downgrade', '-2', '--auto-approve');
    expect(r.status).toBe(1);
    const name = stuck.file.slice(p.plansDir.length + 1);
    expect(r.stderr).toContain(`error: cannot downgrade past ${name} (revision ${stuck.revision}): it is hand-written and its "-- +downgrade" section has no SQL, so it cannot be undone; nothing was run`);
    expect(r.stderr).toContain('hint: the file cannot change once applied: to go back, write a new revision that undoes it');
    expect((await appliedRevisions(p.dev.db)).length).toBe(3);
    // The one that says so goes back with no SQL; the other stays.
    const status = await readStatus(p.dev.db, p.plansDir);
    await runRevisionsWithConsent(p.dev.db, status.chain, revisionsToDowngrade(status.chain, status.appliedIds, '-1'), 'downgrade', { consent: { autoApprove: true } });
    expect((await readStatus(p.dev.db, p.plansDir)).current.map((c) => c.revision)).toEqual([stuck.revision]);
    expect(p.cli(p.dev.url, 'history').stdout).toContain('no downgrade SQL: `schema downgrade` stops before it');
  });

  it('is refused by upgrade at the line of a statement that controls the transaction, and nothing runs', async () => {
    await p.applyYaml(p.dev.db, V1, 'users');
    const hand = await handWritten('sneaky', "UPDATE public.users SET email = 'x';\nCOMMIT;\nDROP TABLE public.users;");
    const line = (await readFile(hand.file, 'utf8')).split('\n').indexOf('COMMIT;') + 1;
    const r = p.cli(p.dev.url, 'upgrade', '--auto-approve', '--allow-hazards', 'data_loss');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`error: ${hand.file.slice(p.plansDir.length + 1)}:${line}:1: ${refusalOf('COMMIT')}`);
    expect(r.stdout).toBe('');
    expect((await appliedRevisions(p.dev.db)).length).toBe(1);
  });

  it('is editable until applied, then an edit is refused naming the file', async () => {
    await p.applyYaml(p.dev.db, V1, 'users');
    const hand = await handWritten('index', 'CREATE INDEX users_email_idx ON public.users (email);', 'DROP INDEX public.users_email_idx;');
    const text = await readFile(hand.file, 'utf8');
    await writeFile(hand.file, text.replace('(email)', '(email, id)'));
    await upgrade(p.dev.db);
    const applied = (await appliedRevisions(p.dev.db)).at(-1)!;
    expect(applied.checksum).toBe(parseRevision('x.sql', await readFile(hand.file, 'utf8')).checksum);
    await writeFile(hand.file, text);
    const error = await readStatus(p.dev.db, p.plansDir).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(
      new RegExp(`^${hand.file.slice(p.plansDir.length + 1)} \\(revision ${hand.revision}\\) was edited after this database applied it: a hand-written revision can be edited only until it is applied`),
    );
  });
});
