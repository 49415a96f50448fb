// apply's promises: all or nothing (database, ledger and plans/), a revision chain, the ledger
// row, stale plans refused, and two applies at once never both landing.
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkSchema } from '../src/operations/schema-file.js';
import { planAgainst } from '../src/operations/plan.js';
import { readStatus } from '../src/operations/status.js';
import { ApplyError, applyPlan } from '../src/apply/apply.js';
import { runRevision } from '../src/apply/replay.js';
import { connect } from '../src/db/db.js';
import { revisionsToDowngrade } from '../src/revisions/chain.js';
import { formatRevision, parseRevision, verifyChecksum } from '../src/revisions/file.js';
import { appliedRevisions } from '../src/revisions/ledger.js';
import { modelOf, runBefore } from './support/cases.js';
import { scratch, type Scratch } from './support/scratch.js';

let s: Scratch;
let plansDir: string;
beforeEach(async () => {
  s = await scratch('apply');
  plansDir = await mkdtemp(join(tmpdir(), 'schema-apply-plans-'));
});
afterEach(async () => {
  await s.drop();
  await rm(plansDir, { recursive: true, force: true });
});

const yaml = (extra = ''): string => `
tables:
  users:
    columns:
      id: { type: integer, primary_key: true }
      email: text
${extra}`;

async function plan(text: string) {
  return (await planAgainst(s.db, checkSchema('schema.yaml', text))).plan;
}

describe('apply', () => {
  it('a step that fails leaves the database, the ledger and plans/ as they were', async () => {
    await runBefore(s.db, `CREATE TABLE users (id integer PRIMARY KEY, email text); INSERT INTO users VALUES (1, 'same'), (2, 'same');`);
    const before = await modelOf(s.db);
    const p = await plan(`
tables:
  users:
    columns:
      id: { type: integer, primary_key: true }
      email: text
      verified: { type: boolean, nullable: false, default: false }
    unique:
      users_email_key: [email]
  audit:
    columns:
      id: integer
`);
    expect(p.steps.map((st) => st.op)).toEqual(['create_table', 'add_column', 'add_unique']);
    const error = await applyPlan({ db: s.db, plan: p, plansDir, message: 'doomed' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApplyError);
    expect((error as ApplyError).failedStep).toBe(2);
    expect((error as Error).message).toContain('step 3 of 3 failed (add_unique public.users.users_email_key)');
    expect((error as Error).message).toContain('could not create unique index');
    expect((error as Error).message).toContain('2 steps before it rolled back, 0 not run');
    expect(await modelOf(s.db)).toEqual(before);
    expect(await appliedRevisions(s.db)).toEqual([]);
    expect(await readdir(plansDir)).toEqual([]);
  });

  it('writes a revision file whose checksum the ledger records, and chains the next one to it', async () => {
    const first = await applyPlan({ db: s.db, plan: await plan(yaml()), plansDir, message: 'Create users!', now: new Date('2026-11-24T10:15:00Z') });
    expect(first.file).toBe(join(plansDir, '20261124T101500Z_create_users.sql'));
    const second = await applyPlan({
      db: s.db,
      plan: await plan(yaml(`  notes:\n    columns:\n      body: text\n`)),
      plansDir,
      message: 'notes',
      now: new Date('2026-11-24T10:16:00Z'),
    });
    const files = (await readdir(plansDir)).sort();
    expect(files).toEqual(['20261124T101500Z_create_users.sql', '20261124T101600Z_notes.sql']);
    const one = parseRevision(files[0]!, await readFile(join(plansDir, files[0]!), 'utf8'));
    const two = parseRevision(files[1]!, await readFile(join(plansDir, files[1]!), 'utf8'));
    expect(one).toMatchObject({ revision: first.revision, parents: [], created: '2026-11-24T10:15:00Z', message: 'Create users!', format: 1 });
    expect(two).toMatchObject({ revision: second.revision, parents: [first.revision], message: 'notes' });
    expect(verifyChecksum(one) && verifyChecksum(two)).toBe(true);
    expect(one.body).toContain('-- +upgrade\n-- step 1/1: create_table public.users\nCREATE TABLE public.users (');
    expect(one.body).toContain(
      '-- +downgrade\n-- step 1/1: drop_table public.users\n-- hazard data_loss: drops table public.users and every row in it\n-- hazard irreversible: undoing this step recreates public.users empty\nDROP TABLE public.users;',
    );
    const ledger = await appliedRevisions(s.db);
    expect(ledger.map((r) => [r.revision, r.parents, r.file, r.checksum])).toEqual([
      [first.revision, [], files[0], one.checksum],
      [second.revision, [first.revision], files[1], two.checksum],
    ]);
    // The ledger is never part of a plan.
    expect((await plan(yaml(`  notes:\n    columns:\n      body: text\n`))).steps).toEqual([]);
  });

  it('refuses a plan made before the database changed', async () => {
    const p = await plan(yaml());
    await runBefore(s.db, 'CREATE TABLE sneaky (id integer)');
    const error = await applyPlan({ db: s.db, plan: p, plansDir, message: 'stale' }).catch((e: unknown) => e);
    expect((error as Error).message).toBe('the database changed since this plan was made');
    expect(await readdir(plansDir)).toEqual([]);
  });

  it('of two applies started together, one lands and the other is refused', async () => {
    const other = await connect(s.target);
    try {
      const p1 = await plan(yaml());
      const p2 = (await planAgainst(other, checkSchema('schema.yaml', yaml()))).plan;
      const results = await Promise.allSettled([applyPlan({ db: s.db, plan: p1, plansDir, message: 'one' }), applyPlan({ db: other, plan: p2, plansDir, message: 'two' })]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect((rejected?.reason as Error).message).toBe('the database changed since this plan was made');
      expect(await readdir(plansDir)).toHaveLength(1);
      expect(await appliedRevisions(s.db)).toHaveLength(1);
    } finally {
      await other.close();
    }
  });

  it('refuses when plans/ has two heads', async () => {
    await applyPlan({ db: s.db, plan: await plan(yaml()), plansDir, message: 'base' });
    // A second branch that also starts from nothing, as a merge of two repositories would bring.
    const other = formatRevision({ steps: [], downgrade: [] }, { id: 'aaaaaaaaaaaa', parents: [], created: new Date('2030-01-01T00:00:00Z'), message: 'branch' });
    await writeFile(join(plansDir, '20300101T000000Z_branch.sql'), other.text);
    const error = await applyPlan({ db: s.db, plan: await plan(yaml(`  more:\n    columns:\n      x: text\n`)), plansDir, message: 'next' }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/the folder has 2 heads: \w+ \(\d+T\d+Z_base\.sql\), aaaaaaaaaaaa \(20300101T000000Z_branch\.sql\)/);
    expect(await readdir(plansDir)).toHaveLength(2);
  });

  it('refuses an edited revision file, naming it', async () => {
    await applyPlan({ db: s.db, plan: await plan(yaml()), plansDir, message: 'base' });
    const [base] = await readdir(plansDir);
    const path = join(plansDir, base!);
    await writeFile(path, (await readFile(path, 'utf8')).replace('email text', 'email varchar(5)'));
    const error = await applyPlan({ db: s.db, plan: await plan(yaml(`  more:\n    columns:\n      x: text\n`)), plansDir, message: 'next' }).catch((e: unknown) => e);
    expect((error as Error).message).toContain(`${base} (revision`);
    expect((error as Error).message).toContain('was changed after it was written');
  });

  it('finishes a revision file whose rename was cut off after COMMIT, and removes one that never committed', async () => {
    const first = await applyPlan({ db: s.db, plan: await plan(yaml()), plansDir, message: 'first' }).then((r) => ({ ...r, file: r.file! }));
    const name = first.file.split('/').pop()!;
    // As if the process died between COMMIT and the rename.
    await writeFile(join(plansDir, `.${name}.tmp`), await readFile(first.file, 'utf8'));
    await rm(first.file);
    await writeFile(join(plansDir, '.20300101T000000Z_never.sql.tmp'), formatRevision({ steps: [], downgrade: [] }, { id: 'bbbbbbbbbbbb', parents: [], created: new Date(), message: 'never' }).text);
    await applyPlan({ db: s.db, plan: await plan(yaml(`  more:\n    columns:\n      x: text\n`)), plansDir, message: 'second' });
    const files = (await readdir(plansDir)).sort();
    expect(files).toHaveLength(2);
    expect(files[0]).toBe(name);
    expect(files[1]).toMatch(/_second\.sql$/);
  });

  it('plans nothing for serial columns unchanged; dropping one, the downgrade makes its sequence again so inserts work', async () => {
    await runBefore(s.db, `CREATE TABLE users (id serial PRIMARY KEY, email text, seq bigserial); INSERT INTO users (email) VALUES ('a'), ('b');`);
    const serial = yaml().replace('id: { type: integer, primary_key: true }', `id: { type: integer, primary_key: true, default: { sql: "nextval('users_id_seq')" } }`);
    const withSeq = `${serial}      seq: { type: bigint, nullable: false, default: { sql: "nextval('users_seq_seq'::regclass)" } }\n`;
    expect((await plan(withSeq)).steps).toEqual([]);
    const before = await modelOf(s.db);

    const p = await plan(serial);
    expect(p.steps.map((st) => [st.op, st.object, st.sql, st.hazards.map((h) => `${h.code}: ${h.message}`)])).toEqual([
      [
        'drop_column',
        'public.users.seq',
        ['ALTER TABLE public.users DROP COLUMN seq'],
        [
          'data_loss: drops column public.users.seq with its sequence public.users_seq_seq, and its values',
          'irreversible: undoing this step re-adds public.users.seq without its values; its sequence public.users_seq_seq is made anew and counts again from its start',
        ],
      ],
    ]);
    expect(p.downgrade.map((st) => st.sql)).toEqual([
      [
        'CREATE SEQUENCE public.users_seq_seq AS bigint',
        "ALTER TABLE public.users ADD COLUMN seq bigint DEFAULT nextval('public.users_seq_seq'::regclass) NOT NULL",
        'ALTER SEQUENCE public.users_seq_seq OWNED BY public.users.seq',
      ],
    ]);
    const applied = await applyPlan({ db: s.db, plan: p, plansDir, message: 'drop seq' });
    expect(await s.db.query(`SELECT count(*)::int AS n FROM pg_catalog.pg_class WHERE relname = 'users_seq_seq'`)).toEqual([{ n: 0 }]);
    expect((await plan(serial)).steps).toEqual([]);

    // The revision file's downgrade, as `schema downgrade` runs it.
    const status = await readStatus(s.db, plansDir);
    const [last] = revisionsToDowngrade(status.chain, status.appliedIds, '-1');
    expect(last!.revision).toBe(applied.revision);
    await runRevision(s.db, last!, 'downgrade');
    expect(await modelOf(s.db)).toEqual(before);
    expect(await s.db.query(`INSERT INTO public.users (email) VALUES ('c') RETURNING id, seq`)).toEqual([{ id: 3, seq: '3' }]);
    expect(await s.db.query('SELECT id, seq FROM public.users ORDER BY id')).toEqual([
      { id: 1, seq: '1' },
      { id: 2, seq: '2' },
      { id: 3, seq: '3' },
    ]);
    expect((await plan(withSeq)).steps).toEqual([]);
  });
});

describe('sequences owned by columns (serial)', () => {
  const seq = async (name: string) =>
    (
      await s.db.query<{ type: string; min: string; max: string }>(`SELECT format_type(seqtypid, NULL) AS type, seqmin::text AS min, seqmax::text AS max FROM pg_catalog.pg_sequence WHERE seqrelid = $1::regclass`, [
        `public.${name}`,
      ])
    )[0];
  const downgradeLast = async () => {
    const status = await readStatus(s.db, plansDir);
    const [last] = revisionsToDowngrade(status.chain, status.appliedIds, '-1');
    return runRevision(s.db, last!, 'downgrade');
  };
  const bigintId = `
tables:
  a:
    columns:
      id: { type: bigint, nullable: false, primary_key: true, default: { sql: "nextval('a_id_seq'::regclass)" } }
      n: text
`;

  it('serial to bigint retypes the sequence with the column; the way back retypes it again, and says it fails once the sequence is past integer', async () => {
    await runBefore(s.db, `CREATE TABLE a (id serial PRIMARY KEY, n text); INSERT INTO a (n) VALUES ('x'), ('y');`);
    const before = await modelOf(s.db);
    const p = await plan(bigintId);
    expect(p.steps.map((st) => [st.op, st.object, st.sql])).toEqual([
      [
        'alter_column',
        'public.a.id',
        [
          'ALTER TABLE public.a ALTER COLUMN id DROP DEFAULT',
          'ALTER TABLE public.a ALTER COLUMN id TYPE bigint',
          "ALTER TABLE public.a ALTER COLUMN id SET DEFAULT nextval('public.a_id_seq'::regclass)",
          'ALTER SEQUENCE public.a_id_seq AS bigint',
        ],
      ],
    ]);
    expect(p.steps[0]!.hazards.map((h) => h.code)).toEqual(['table_rewrite']);
    expect(p.downgrade.map((st) => st.sql.at(-1))).toEqual(['ALTER SEQUENCE public.a_id_seq AS integer']);
    expect(p.downgrade[0]!.hazards.map((h) => `${h.code}: ${h.message}`)).toContain('may_fail: fails if sequence public.a_id_seq has already counted past 2147483647, where integer ends');

    await applyPlan({ db: s.db, plan: p, plansDir, message: 'bigint ids' });
    expect(await seq('a_id_seq')).toEqual({ type: 'bigint', min: '1', max: '9223372036854775807' });
    expect((await plan(bigintId)).steps).toEqual([]);

    // Past what integer holds, the way back fails as the hazard says, and changes nothing.
    await s.db.query(`SELECT setval('public.a_id_seq', 3000000000)`);
    await expect(downgradeLast()).rejects.toThrow(/RESTART value \(3000000000\) cannot be greater than MAXVALUE \(2147483647\)/);
    expect(await seq('a_id_seq')).toEqual({ type: 'bigint', min: '1', max: '9223372036854775807' });
    await s.db.query(`SELECT setval('public.a_id_seq', 2)`);
    await downgradeLast();
    expect(await modelOf(s.db)).toEqual(before);
    expect(await seq('a_id_seq')).toEqual({ type: 'integer', min: '1', max: '2147483647' });
  });

  it('a sequence retyped with its column gets the bounds PostgreSQL gives it', async () => {
    // Ascending and descending, default and explicit bounds, one that cannot follow (MAXVALUE too large for integer).
    await runBefore(
      s.db,
      `CREATE TABLE t (a smallint, b integer, c integer, d bigint, e integer);
CREATE SEQUENCE t_a_seq AS smallint MINVALUE -32768 OWNED BY t.a;
CREATE SEQUENCE t_b_seq AS integer INCREMENT BY -1 OWNED BY t.b;
CREATE SEQUENCE t_c_seq AS integer MINVALUE 5 MAXVALUE 1000 START WITH 7 OWNED BY t.c;
CREATE SEQUENCE t_d_seq AS bigint MAXVALUE 3000000000 OWNED BY t.d;
CREATE SEQUENCE t_e_seq AS smallint OWNED BY t.e;
ALTER TABLE t ALTER a SET DEFAULT nextval('t_a_seq'), ALTER b SET DEFAULT nextval('t_b_seq'), ALTER c SET DEFAULT nextval('t_c_seq'),
  ALTER d SET DEFAULT nextval('t_d_seq'), ALTER e SET DEFAULT nextval('t_e_seq');`,
    );
    const before = await modelOf(s.db);
    const column = (name: string, type: string) => `      ${name}: { type: ${type}, default: { sql: "nextval('t_${name}_seq'::regclass)" } }\n`;
    const desired = `tables:\n  t:\n    columns:\n${column('a', 'bigint')}${column('b', 'bigint')}${column('c', 'bigint')}${column('d', 'integer')}${column('e', 'bigint')}`;
    const p = await plan(desired);
    // e's sequence is smallint, not its column's integer: it stays as it is.
    expect(p.steps.flatMap((st) => st.sql.filter((q) => q.startsWith('ALTER SEQUENCE')))).toEqual([
      'ALTER SEQUENCE public.t_a_seq AS bigint',
      'ALTER SEQUENCE public.t_b_seq AS bigint',
      'ALTER SEQUENCE public.t_c_seq AS bigint',
    ]);
    await applyPlan({ db: s.db, plan: p, plansDir, message: 'wider' });
    expect(await seq('t_a_seq')).toEqual({ type: 'bigint', min: '-9223372036854775808', max: '9223372036854775807' });
    expect(await seq('t_b_seq')).toEqual({ type: 'bigint', min: '-9223372036854775808', max: '-1' });
    expect(await seq('t_c_seq')).toEqual({ type: 'bigint', min: '5', max: '1000' });
    expect(await seq('t_d_seq')).toEqual({ type: 'bigint', min: '1', max: '3000000000' });
    expect(await seq('t_e_seq')).toEqual({ type: 'smallint', min: '1', max: '32767' });
    expect((await plan(desired)).steps).toEqual([]);
    await downgradeLast();
    expect(await modelOf(s.db)).toEqual(before);
  });

  it("removing a serial column's default drops its sequence; the way back makes it again past the column's largest value, so the next insert works", async () => {
    await runBefore(s.db, `CREATE TABLE a (id serial PRIMARY KEY, n text); INSERT INTO a (n) VALUES ('x'), ('y');`);
    const before = await modelOf(s.db);
    const desired = `tables:\n  a:\n    columns:\n      id: { type: integer, primary_key: true }\n      n: text\n`;
    const p = await plan(desired);
    expect(p.steps.map((st) => [st.op, st.object, st.sql, st.hazards.map((h) => `${h.code}: ${h.message}`)])).toEqual([
      [
        'alter_column',
        'public.a.id',
        ['ALTER TABLE public.a ALTER COLUMN id DROP DEFAULT', 'DROP SEQUENCE public.a_id_seq'],
        ['irreversible: drops sequence public.a_id_seq, which nothing uses any more: undoing this step makes it anew, counting on from the largest value public.a.id holds then, not from where it stood'],
      ],
    ]);
    expect(p.downgrade.map((st) => [st.sql, st.hazards.map((h) => `${h.code}: ${h.message}`)])).toEqual([
      [
        [
          'CREATE SEQUENCE public.a_id_seq AS integer',
          "ALTER TABLE public.a ALTER COLUMN id SET DEFAULT nextval('public.a_id_seq'::regclass)",
          'ALTER SEQUENCE public.a_id_seq OWNED BY public.a.id',
          "SELECT pg_catalog.setval('public.a_id_seq', max(id)) FROM public.a HAVING max(id) >= 1",
        ],
        [],
      ],
    ]);
    await applyPlan({ db: s.db, plan: p, plansDir, message: 'no default' });
    expect(await s.db.query(`SELECT count(*)::int AS n FROM pg_catalog.pg_class WHERE relname = 'a_id_seq'`)).toEqual([{ n: 0 }]);
    await s.db.exec(`INSERT INTO public.a (id, n) VALUES (7, 'by hand')`);
    expect((await plan(desired)).steps).toEqual([]);
    await downgradeLast();
    expect(await modelOf(s.db)).toEqual(before);
    // Rows 1, 2 and 7: the sequence made anew counts on from 7.
    expect(await s.db.query(`INSERT INTO public.a (n) VALUES ('after') RETURNING id`)).toEqual([{ id: 8 }]);
  });

  it('an identity added to a column with rows counts on from its largest value, and so does the one the downgrade of a dropped identity makes', async () => {
    await runBefore(s.db, `CREATE TABLE t (id integer PRIMARY KEY, n text); INSERT INTO t SELECT g, 'x' FROM generate_series(1, 40) g;`);
    const withIdentity = `tables:\n  t:\n    columns:\n      id: { type: integer, identity: by_default, primary_key: true }\n      n: text\n`;
    const p = await plan(withIdentity);
    expect(p.steps.map((st) => [st.sql, st.hazards.map((h) => h.code)])).toEqual([
      [['ALTER TABLE public.t ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY', "SELECT pg_catalog.setval(pg_catalog.pg_get_serial_sequence('public.t', 'id'), max(id)) FROM public.t HAVING max(id) >= 1"], []],
    ]);
    await applyPlan({ db: s.db, plan: p, plansDir, message: 'identity' });
    expect(await s.db.query(`INSERT INTO public.t (n) VALUES ('new') RETURNING id`)).toEqual([{ id: 41 }]);
    expect((await plan(withIdentity)).steps).toEqual([]);
    // Dropping it, then undoing that: the identity made again counts on from 41 too.
    const without = await plan(`tables:\n  t:\n    columns:\n      id: { type: integer, primary_key: true }\n      n: text\n`);
    await applyPlan({ db: s.db, plan: without, plansDir, message: 'no identity' });
    await downgradeLast();
    expect(await s.db.query(`INSERT INTO public.t (n) VALUES ('again') RETURNING id`)).toEqual([{ id: 42 }]);
  });

  it('a sequence another default still uses stays when its own column stops using it', async () => {
    await runBefore(s.db, `CREATE TABLE a (id serial PRIMARY KEY, other integer DEFAULT nextval('a_id_seq'));`);
    const desired = `tables:\n  a:\n    columns:\n      id: { type: integer, primary_key: true }\n      other: { type: integer, default: { sql: "nextval('a_id_seq'::regclass)" } }\n`;
    const p = await plan(desired);
    expect(p.steps.map((st) => st.sql)).toEqual([['ALTER TABLE public.a ALTER COLUMN id DROP DEFAULT']]);
    expect(p.steps[0]!.hazards).toEqual([]);
    await applyPlan({ db: s.db, plan: p, plansDir, message: 'shared' });
    expect((await plan(desired)).steps).toEqual([]);
  });
});
