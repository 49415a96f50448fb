// Reading a revision file: steps found by PostgreSQL's scanner (so SQL that happens to hold the
// file's own marker lines stays SQL), line endings, the checksum over header and body, and a
// clear message for each kind of bad format line.
import { describe, expect, it } from 'vitest';
import type { Step } from '../../src/plan/types.js';
import { formatRevision, parseBody, parseRevision, RevisionError, verifyChecksum } from '../../src/revisions/file.js';

const step = (op: Step['op'], object: string, sql: string[], hazards: Step['hazards'] = []): Step => ({ op, object, sql, hazards });

/** Statements whose strings and comments look like the file's own structure. */
const TRICKY = [
  step('create_table', 'public.users', [
    "CREATE TABLE public.users (id integer, note text DEFAULT 'a\n-- step 2/2: drop_table public.users\nb')",
    "COMMENT ON TABLE public.users IS 'Notes:\n-- step 2/2: see docs\n-- +downgrade\n-- hazard data_loss: no\nend'",
  ]),
  step('add_check', 'public.users.users_note_check', [
    'ALTER TABLE public.users ADD CONSTRAINT users_note_check CHECK (note <> $$\n-- +downgrade\n-- step 1/1: x y\n$$)',
    "COMMENT ON COLUMN public.users.note IS E'it\\'s\n-- step 3/3: a b\n-- +upgrade\n'",
    'ALTER TABLE public.users /* -- step 9/9: c d */ ALTER COLUMN note SET STATISTICS 100',
    'ALTER TABLE public.users\n-- step 8/9: inside a statement\nALTER COLUMN note DROP DEFAULT',
  ]),
];
const DOWN = [step('drop_table', 'public.users', ['DROP TABLE public.users'], [{ code: 'data_loss', message: 'drops table public.users and every row in it' }])];

const written = (steps = TRICKY, downgrade = DOWN, message = 'tricky') => formatRevision({ steps, downgrade }, { id: 'abcdef123456', parents: ['0123456789ab'], created: new Date('2026-01-02T03:04:05Z'), message }).text;

describe('revision bodies are read with the SQL scanner', () => {
  it('keeps marker-like lines inside strings, $$ bodies, E strings and comments within statements as SQL', () => {
    const file = parseRevision('r.sql', written());
    const { upgrade, downgrade } = parseBody(file.fileName, file.body, file.bodyLine);
    expect(upgrade.map((s) => [s.op, s.object, s.sql])).toEqual(TRICKY.map((s) => [s.op, s.object, s.sql]));
    expect(upgrade.every((s) => s.hazards.length === 0)).toBe(true);
    expect(downgrade.map((s) => [s.op, s.object, s.sql])).toEqual(DOWN.map((s) => [s.op, s.object, s.sql]));
    // The declared hazard first, then what the SQL itself is read to do (a file is checked, not believed).
    expect(downgrade[0]!.hazards.map((h) => `${h.code}: ${h.message}`)).toEqual([
      'data_loss: drops table public.users and every row in it',
      'data_loss: the SQL drops table public.users and every row in it',
      'irreversible: the SQL drops table public.users: undoing it cannot bring its rows back',
    ]);
  });

  it('names the file when its SQL has a string that is never closed', () => {
    const body = "-- +upgrade\n-- step 1/1: create_table public.t\nCOMMENT ON TABLE t IS 'open\n\n-- +downgrade\n-- (no steps)\n";
    expect(() => parseBody('20260101T000000Z_x.sql', body)).toThrow(RevisionError);
    expect(() => parseBody('20260101T000000Z_x.sql', body)).toThrow('20260101T000000Z_x.sql: its SQL has a quoted string, quoted name or /* comment that is never closed');
    expect(() => parseBody('x.sql', '-- +upgrade\n/* open\n')).toThrow('x.sql: its SQL has a quoted string');
  });

  it('refuses a statement outside any step, with its line', () => {
    const body = '-- +upgrade\nDROP TABLE users;\n\n-- +downgrade\n-- (no steps)\n';
    expect(() => parseBody('x.sql', body, 12)).toThrow('x.sql:13: a statement outside any step (DROP TABLE users)');
    expect(() => parseBody('x.sql', '-- +upgrade\n-- (no steps)\n')).toThrow('x.sql has no "-- +downgrade" section');
  });

  it('refuses a step whose op is not one of the ops, with its line', () => {
    const body = '-- +upgrade\n-- step 1/1: truncate_table public.users\nTRUNCATE users;\n\n-- +downgrade\n-- (no steps)\n';
    expect(() => parseBody('x.sql', body, 12)).toThrow(RevisionError);
    expect(() => parseBody('x.sql', body, 12)).toThrow('x.sql:13: step "truncate_table public.users" has an unknown op "truncate_table"');
  });

  it('refuses to write a file that would not read back as the plan', () => {
    const sneaky = [step('create_table', 'public.t', ['CREATE TABLE t (a int) -- comment'])];
    // The comment swallows the statement's end: the statements after it no longer parse.
    expect(() => written(sneaky)).toThrow(
      'the revision file for this plan would not replay as planned: the new revision file:13:1: PostgreSQL\'s parser cannot read this statement: syntax error at or near "DROP"; nothing was run',
    );
    const merged = [step('create_table', 'public.t', ['CREATE TABLE t (a int) -- comment', 'SELECT 1'])];
    expect(() => written(merged, [])).toThrow(
      'the revision file for this plan would not replay as planned: the new revision file:13:1: PostgreSQL\'s parser cannot read this statement: syntax error at or near "SELECT"; nothing was run',
    );
  });
});

describe('line endings', () => {
  it('reads a CRLF copy as the same revision, with the same checksum and steps', () => {
    const text = written();
    const lf = parseRevision('r.sql', text);
    const crlf = parseRevision('r.sql', text.replace(/\n/g, '\r\n'));
    expect(crlf).toEqual(lf);
    expect(verifyChecksum(crlf)).toBe(true);
    expect(parseBody('r.sql', crlf.body)).toEqual(parseBody('r.sql', lf.body));
    expect(parseRevision('r.sql', `\uFEFF${text}`)).toEqual(lf);
  });
});

describe('the checksum covers the header', () => {
  const text = written();
  it.each([
    ['message', (t: string) => t.replace('-- message: tricky', '-- message: harmless')],
    ['created', (t: string) => t.replace('-- created: 2026-01-02T03:04:05Z', '-- created: 2026-01-02T03:04:06Z')],
    ['revises', (t: string) => t.replace('-- revises: 0123456789ab', '-- revises: none')],
    ['revision', (t: string) => t.replace('-- revision: abcdef123456', '-- revision: abcdef123457')],
    ['body', (t: string) => t.replace('DROP TABLE public.users;', 'DROP TABLE public.users CASCADE;')],
  ])('an edited %s no longer matches', (_field, edit) => {
    expect(verifyChecksum(parseRevision('r.sql', text))).toBe(true);
    expect(verifyChecksum(parseRevision('r.sql', edit(text)))).toBe(false);
  });

  it('leaves no line of the header outside it: an edited comment line is refused at its line', () => {
    expect(() => parseRevision('r.sql', text.replace('-- Written by `schema`.', '-- Written by schema.'))).toThrow(/^r\.sql:8: an unexpected line in the header \("-- Written by schema\. Never edit/);
  });
});

describe('the format line', () => {
  const text = written([], []);
  const withFirstLine = (line: string) => text.replace(/^.*\n/, `${line}\n`);
  const error = (t: string): RevisionError => {
    try {
      parseRevision('20260101T000000Z_x.sql', t);
    } catch (e) {
      return e as RevisionError;
    }
    throw new Error('no error');
  };

  it('says a file without the header is not a revision file', () => {
    expect(error('CREATE TABLE t ();\n').message).toBe('20260101T000000Z_x.sql is not a schema revision file (it has no header)');
  });

  it('says a format line it cannot read is malformed', () => {
    const e = error(withFirstLine('-- schema revision (format one)'));
    expect(e.message).toBe('20260101T000000Z_x.sql:1: malformed format line "-- schema revision (format one)": it should read "-- schema revision (format 1)"');
    expect(e.hint).toBe('restore the file from version control');
    expect(error(withFirstLine('-- schema revision')).message).toContain('malformed format line "-- schema revision"');
  });

  it('says format 0 is unknown', () => {
    expect(error(withFirstLine('-- schema revision (format 0)')).message).toBe('20260101T000000Z_x.sql:1: unknown revision format 0: formats start at 1');
  });

  it('says a newer format needs a newer version of the tool', () => {
    const e = error(withFirstLine('-- schema revision (format 3)'));
    expect(e.message).toBe('20260101T000000Z_x.sql is in revision format 3, newer than this version of the schema tool reads (format 2 and older)');
    expect(e.hint).toBe('install a newer version of the schema tool (the one that wrote this file, or later)');
  });
});
