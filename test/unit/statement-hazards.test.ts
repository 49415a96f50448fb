// Hazards read from SQL, for a resumed apply whose record cannot be believed (the same reading
// as revision files): a drop, a row change, a type change, code whose effect cannot be read, and
// anything the parser cannot read as one statement need consent; the rest does not.
import { describe, expect, it } from 'vitest';
import { hazardsInSql } from '../../src/revisions/statements.js';

/** A statement, and the hazard it needs consent for (null: none). */
const CASES: ReadonlyArray<readonly [string, string | null]> = [
  ['CREATE TABLE public.t (id integer PRIMARY KEY, note text)', null],
  ['ALTER TABLE public.t ADD COLUMN a integer DEFAULT 0', null],
  ['ALTER TABLE public.t ADD CONSTRAINT t_a_check CHECK (a > 0) NOT VALID', null],
  ['ALTER TABLE public.t VALIDATE CONSTRAINT t_a_check', null],
  ['ALTER TABLE public.t ALTER COLUMN a SET NOT NULL, ALTER COLUMN a DROP DEFAULT', null],
  ['ALTER TABLE public.t DROP CONSTRAINT t_a_check', null],
  ['CREATE UNIQUE INDEX CONCURRENTLY t_a_key ON public.t (a)', null],
  ['DROP INDEX CONCURRENTLY public.t_a_key', null],
  ["ALTER TYPE public.mood ADD VALUE 'ok'", null],
  ['ALTER TABLE public.t RENAME COLUMN a TO b', null],
  ["COMMENT ON TABLE public.t IS 'kept'", null],
  ['DROP TABLE public.t', 'data_loss: it drops a table: DROP TABLE public.t'],
  ['DROP INDEX public.t_a_key CASCADE', 'data_loss: it drops an index: DROP INDEX public.t_a_key CASCADE'],
  // Without CASCADE a schema is dropped only when empty: nothing is lost.
  ['DROP SCHEMA billing', null],
  ['DROP SCHEMA billing CASCADE', 'data_loss: it drops a schema and all in it'],
  ['ALTER TABLE public.t DROP COLUMN note', 'data_loss: it drops a column: ALTER TABLE public.t DROP COLUMN note'],
  ['ALTER TABLE public.t ADD COLUMN b text, DROP COLUMN note', 'data_loss: it drops a column: ALTER TABLE public.t ADD COLUMN b text, DROP COLUMN note'],
  ['ALTER TABLE public.t ALTER COLUMN a TYPE smallint', "lossy_type_change: it changes a column's type: ALTER TABLE public.t ALTER COLUMN a TYPE smallint"],
  ['TRUNCATE public.t', 'data_loss: it deletes rows: TRUNCATE public.t'],
  ['DELETE FROM public.t', 'data_loss: it deletes rows: DELETE FROM public.t'],
  ["UPDATE public.t SET note = ''", "data_loss: it overwrites stored values: UPDATE public.t SET note = ''"],
  // Read for what it does: it destroys nothing (it is no plan's, but a revision may hold it).
  ['ALTER TABLE public.t DISABLE TRIGGER ALL', null],
  ["DO $$ BEGIN EXECUTE 'DROP TABLE public.t'; END $$", "data_loss: a statement plans never make (Do): DO $$ BEGIN EXECUTE 'DROP TABLE public.t'; END $$"],
  ['SELECT pg_catalog.pg_terminate_backend(42)', 'data_loss: a statement plans never make (Select): SELECT pg_catalog.pg_terminate_backend(42)'],
  ['CREATE TABLE public.u (id integer); DROP TABLE public.t', 'data_loss: it drops a table: CREATE TABLE public.u (id integer); DROP TABLE public.t'],
  ['DROP TABLE public.t\n  CASCADE', 'data_loss: it drops a table: DROP TABLE public.t'],
  ['this is not SQL', 'data_loss: a statement the parser cannot read: this is not SQL'],
];

describe('hazards read from SQL', () => {
  it.each(CASES)('%s', (sql, expected) => {
    // What needs consent: the codes, once each.
    const consent = [
      ...new Set(
        hazardsInSql([sql])
          .map((h) => h.code)
          .filter((c) => c === 'data_loss' || c === 'lossy_type_change'),
      ),
    ];
    expect(consent).toEqual(expected === null ? [] : [expected.slice(0, expected.indexOf(':'))]);
  });

  it('one hazard per statement that has one, in order', () => {
    expect(hazardsInSql(['CREATE TABLE public.u (id integer)', 'DROP TABLE public.t', 'ALTER TABLE public.t ALTER COLUMN id TYPE bigint']).map((h) => h.code)).toEqual(['data_loss', 'irreversible', 'lossy_type_change']);
  });
});
