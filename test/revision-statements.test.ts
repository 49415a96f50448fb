// The statements of a revision file, read with PostgreSQL's parser rather than believed from the
// file's comments: the hazards each carries, whatever the file declares, and the statements that
// cannot run inside a step (transaction control, session settings, text the parser cannot read),
// refused at their line and column. Pure: no database.
import { describe, expect, it } from 'vitest';
import { parseBody, RevisionError } from '../src/revisions/file.js';
import { bodyOf } from './support/forge.js';

// ---- what the statements of a step carry: read from the SQL, whatever its comments say ----

/** A statement and the hazard codes its step then carries (none declared by the file). */
const DERIVED: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['DROP TABLE public.users', ['data_loss', 'irreversible']],
  ['DROP TABLE public.users, public.notes CASCADE', ['data_loss', 'irreversible']],
  ['DROP SCHEMA app CASCADE', ['data_loss']],
  ['DROP SCHEMA app', []],
  ['DROP TYPE public.mood CASCADE', ['data_loss']],
  ['DROP INDEX public.users_email_idx', []],
  ['DROP INDEX CONCURRENTLY public.users_email_idx', []],
  ['DROP SEQUENCE public.users_id_seq', ['irreversible']],
  ['ALTER TABLE public.users DROP COLUMN email', ['data_loss', 'irreversible']],
  ['ALTER TABLE public.users ALTER COLUMN id TYPE smallint', ['lossy_type_change']],
  ['ALTER TABLE public.users ALTER COLUMN email TYPE integer USING length(email)', ['lossy_type_change']],
  ['ALTER TABLE public.users ALTER COLUMN email SET NOT NULL', ['may_fail', 'blocking']],
  ['ALTER TABLE public.users ADD CONSTRAINT users_id_check CHECK (id > 0)', ['may_fail', 'blocking']],
  ['ALTER TABLE public.users ADD CONSTRAINT users_id_check CHECK (id > 0) NOT VALID', []],
  ['ALTER TABLE public.users ADD CONSTRAINT users_email_key UNIQUE (email)', ['may_fail', 'blocking']],
  ['ALTER TABLE public.notes ADD CONSTRAINT notes_user_fk FOREIGN KEY (user_id) REFERENCES public.users (id)', ['may_fail', 'blocking']],
  ['ALTER TABLE public.users ADD COLUMN age integer NOT NULL', ['may_fail']],
  ['ALTER TABLE public.users ADD COLUMN age integer NOT NULL DEFAULT 0', []],
  ['ALTER TABLE public.users ADD COLUMN age integer', []],
  ['CREATE UNIQUE INDEX users_email_key ON public.users (email)', ['may_fail', 'blocking']],
  ['CREATE INDEX CONCURRENTLY users_email_idx ON public.users (email)', []],
  ['TRUNCATE public.users', ['data_loss']],
  ['DELETE FROM public.users WHERE id > 10', ['data_loss']],
  ['UPDATE public.users SET email = lower(email)', ['data_loss']],
  ["UPDATE public.users SET email = 'none' WHERE email IS NULL", []],
  // A batch of an online backfill: it still updates only rows where the column is NULL.
  ["UPDATE public.users SET email = ('none') WHERE email IS NULL AND ctid = ANY (ARRAY(SELECT ctid FROM public.users WHERE email IS NULL LIMIT 10000)) RETURNING email IS NOT NULL AS filled", []],
  ["UPDATE public.users SET email = 'none' WHERE email IS NULL OR id > 0", ['data_loss']],
  ["UPDATE public.users SET email = 'none' WHERE name IS NULL AND id > 0", ['data_loss']],
  ["INSERT INTO public.users VALUES (1, 'a')", []],
  ["INSERT INTO public.users VALUES (1, 'a') ON CONFLICT (id) DO UPDATE SET email = excluded.email", ['data_loss']],
  ['WITH gone AS (DELETE FROM public.users RETURNING id) INSERT INTO public.notes (id) SELECT id FROM gone', ['data_loss']],
  ['CREATE TABLE public.kept AS WITH gone AS (DELETE FROM public.users RETURNING *) SELECT * FROM gone', ['data_loss']],
  ["DO $$ BEGIN EXECUTE 'DROP TABLE public.users'; END $$", ['data_loss']],
  ['CALL public.tidy()', ['data_loss']],
  ['SELECT public.tidy()', ['data_loss']],
  ['SELECT 1', []],
  ["COPY public.users TO PROGRAM 'true'", ['data_loss']],
  ["ALTER TABLE public.users ADD COLUMN x text DEFAULT public.dblink_exec('dbname=prod', 'DROP TABLE t')", ['data_loss']],
  ['CREATE TABLE public.t (id integer PRIMARY KEY, name text NOT NULL)', []],
  ["COMMENT ON TABLE public.users IS 'DROP TABLE public.users'", []],
  ["SET LOCAL lock_timeout = '1s'", []],
];

/** Statements that cannot run inside a step, and what the refusal starts with. */
const REFUSED: ReadonlyArray<readonly [string, string]> = [
  ['BEGIN', 'BEGIN inside a step'],
  ['begin isolation level serializable', 'BEGIN inside a step'],
  ['START TRANSACTION', 'START TRANSACTION inside a step'],
  ['COMMIT', 'COMMIT inside a step'],
  ['END', 'END (a COMMIT) inside a step'],
  ['ROLLBACK', 'ROLLBACK inside a step'],
  ['ABORT', 'ABORT (a ROLLBACK) inside a step'],
  ['SAVEPOINT before_drop', 'SAVEPOINT inside a step'],
  ['RELEASE SAVEPOINT before_drop', 'RELEASE SAVEPOINT inside a step'],
  ['ROLLBACK TO SAVEPOINT before_drop', 'ROLLBACK TO SAVEPOINT inside a step'],
  ["PREPARE TRANSACTION 'x'", 'PREPARE TRANSACTION inside a step'],
  ["COMMIT PREPARED 'x'", 'COMMIT PREPARED inside a step'],
  ["ROLLBACK PREPARED 'x'", 'ROLLBACK PREPARED inside a step'],
  ['SET search_path = public', 'SET search_path without LOCAL inside a step'],
  ['SET SESSION AUTHORIZATION postgres', 'SET session_authorization without LOCAL inside a step'],
  ['RESET ALL', 'RESET ALL without LOCAL inside a step'],
  ['SELECT 1 \\! rm -rf ~', 'PostgreSQL\'s parser cannot read this statement: syntax error at or near "\\"'],
];

const codes = (sql: readonly string[], comments: readonly string[] = []) => {
  const steps = parseBody('f.sql', bodyOf([{ heading: 'alter_table public.users', sql, comments }])).upgrade;
  return [...new Set(steps[0]!.hazards.map((h) => h.code))].sort();
};

describe('the statements of a revision, read with the parser', () => {
  it('each statement carries the hazards of what it does, and only those', () => {
    // One table, compared whole, so a difference names every statement it is in.
    expect(Object.fromEntries(DERIVED.map(([sql]) => [sql, codes([sql])]))).toEqual(Object.fromEntries(DERIVED.map(([sql, expected]) => [sql, [...expected].sort()])));
  });

  it('says what a type change changes to as it is written', () => {
    const message = (type: string) => parseBody('f.sql', bodyOf([{ heading: 'alter_column public.users.c', sql: [`ALTER TABLE public.users ALTER COLUMN c TYPE ${type}`] }])).upgrade[0]!.hazards[0]!.message;
    expect(message('bigint')).toBe('the SQL changes the type of public.users.c to bigint: whether every value it holds converts unchanged cannot be told from the file');
    expect(['varchar(10)[]', 'numeric(10,2)', 'timestamptz(3)', 'public.mood', 'interval day'].map((t) => /to (.*): whether/.exec(message(t))![1])).toEqual([
      'character varying(10)[]',
      'numeric(10,2)',
      'timestamp(3) with time zone',
      'public.mood',
      'interval',
    ]);
  });

  it('a function or trigger the revision creates makes the statements that can run it carry data_loss', () => {
    const fn = 'CREATE FUNCTION public.wipe() RETURNS integer LANGUAGE plpgsql AS $$ BEGIN DROP TABLE public.secrets; RETURN 1; END $$';
    const read = parseBody(
      'f.sql',
      bodyOf([
        { heading: 'alter_table public.users', sql: [fn] },
        { heading: 'add_column public.users.n', sql: ['ALTER TABLE public.users ADD COLUMN n integer DEFAULT public.wipe()'] },
        {
          heading: 'alter_table public.notes',
          sql: ['CREATE FUNCTION public.t() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$', 'CREATE TRIGGER t BEFORE INSERT ON public.notes FOR EACH ROW EXECUTE FUNCTION public.t()'],
        },
        { heading: 'alter_table public.notes', sql: ['INSERT INTO public.notes (id) VALUES (1)'] },
      ]),
    ).upgrade;
    expect(read.map((s) => s.hazards.map((h) => h.code))).toEqual([[], ['data_loss'], [], ['data_loss']]);
    expect(read[1]!.hazards[0]!.message).toBe('the SQL calls public.wipe(), which this revision creates: what its code changes cannot be read from the statement, so it may destroy data');
    // A default that calls it runs nothing as the table is made, but whenever a row is added after.
    const stored = parseBody(
      'f.sql',
      bodyOf([
        { heading: 'create_table public.kept', sql: [fn, 'CREATE TABLE public.kept (id integer, n integer DEFAULT public.wipe())', 'CREATE VIEW public.v AS SELECT public.wipe() AS n'] },
        { heading: 'alter_table public.kept', sql: ['INSERT INTO public.kept (id) VALUES (1)'] },
      ]),
    ).upgrade;
    expect(stored.map((s) => s.hazards.map((h) => h.message))).toEqual([
      [],
      ['the SQL changes rows after this revision created a definition that calls public.wipe(): what that code does cannot be read, so it may destroy data'],
    ]);
  });

  it('what cannot fail on rows a table does not have yet, or on NULLs a validated check rules out, carries nothing, as the planner judges its own steps', () => {
    const steps = (...sql: string[][]) => parseBody('f.sql', bodyOf(sql.map((q) => ({ heading: 'alter_table public.notes', sql: q })))).upgrade.map((s) => s.hazards.map((h) => h.code));
    const onNew = [
      'ALTER TABLE public.notes ADD CONSTRAINT notes_user_fk FOREIGN KEY (user_id) REFERENCES public.users (id)',
      'CREATE UNIQUE INDEX notes_id_key ON public.notes (id)',
      'ALTER TABLE public.notes ALTER COLUMN user_id SET NOT NULL',
    ];
    expect(steps(['CREATE TABLE public.notes (id integer, user_id integer)'], onNew)).toEqual([[], []]);
    // Rows put there first, or a table with rows given its name: the same statements can fail.
    expect(steps(['CREATE TABLE public.notes (id integer, user_id integer)', 'INSERT INTO public.notes SELECT id, id FROM public.users'], onNew)[1]).toEqual([
      'may_fail',
      'blocking',
      'may_fail',
      'blocking',
      'may_fail',
      'blocking',
    ]);
    expect(steps(['CREATE TABLE public.notes (id integer, user_id integer)', 'DROP TABLE public.notes', 'ALTER TABLE public.users RENAME TO notes'], onNew)[1]).toContain('may_fail');
    expect(steps(['CREATE TABLE public.other (id integer)'], onNew)[1]).toContain('may_fail');
    // Online: NOT NULL proved by a check validated under a light lock, then set without a scan.
    expect(
      steps(
        ['ALTER TABLE public.users ADD CONSTRAINT users_email_not_null CHECK (email IS NOT NULL) NOT VALID'],
        ['ALTER TABLE public.users VALIDATE CONSTRAINT users_email_not_null'],
        ['ALTER TABLE public.users ALTER COLUMN email SET NOT NULL'],
        ['ALTER TABLE public.users ALTER COLUMN name SET NOT NULL'],
      ),
    ).toEqual([[], ['may_fail'], [], ['may_fail', 'blocking']]);
  });

  it('a hazard the file declares never stands in for one that needs consent; another of the same code does', () => {
    const dropped = parseBody('f.sql', bodyOf([{ heading: 'add_column public.users.harmless', sql: ['DROP TABLE public.users'], comments: ['-- hazard data_loss: nothing is lost'] }])).upgrade[0]!;
    expect(dropped.hazards.map((h) => `${h.code}: ${h.message}`)).toEqual([
      'data_loss: nothing is lost',
      'data_loss: the SQL drops table public.users and every row in it',
      'irreversible: the SQL drops table public.users: undoing it cannot bring its rows back',
    ]);
    const notNull = parseBody(
      'f.sql',
      bodyOf([{ heading: 'alter_column public.users.email', sql: ['ALTER TABLE public.users ALTER COLUMN email SET NOT NULL'], comments: ['-- hazard may_fail: fails if any row of public.users has NULL in email'] }]),
    ).upgrade[0]!;
    expect(notNull.hazards.map((h) => h.code)).toEqual(['may_fail', 'blocking']);
    expect(notNull.hazards[0]!.message).toBe('fails if any row of public.users has NULL in email');
  });

  it.each(REFUSED)('refuses %s at its line and column', (sql, problem) => {
    const body = bodyOf([{ heading: 'create_table public.t', sql: ['CREATE TABLE public.t (id integer)', `  ${sql}`, 'DROP TABLE public.users'] }]);
    let error: unknown;
    try {
      parseBody('plans/x.sql', body, 10);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RevisionError);
    // The body starts on line 10: its statement is on the body's fourth line, after two spaces.
    expect((error as RevisionError).message).toMatch(new RegExp(`^plans/x\\.sql:13:3: ${problem.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    expect((error as RevisionError).hint).not.toBeNull();
  });
});
