// Objects the tool leaves alone (views, materialized views, policies, foreign keys of
// unmanaged tables) standing on what a plan drops or retypes: the step says what is in the
// way and is certain to fail, so apply refuses to start. Checked against the server: run one
// step after another, exactly the flagged steps fail.
import { describe, expect, it } from 'vitest';
import { checkSchema, planAgainst } from '../src/api.js';
import { certainFailures, type Step } from '../src/plan/types.js';
import { runBefore } from './support/cases.js';
import { withScratch } from './support/scratch.js';

const BEFORE = `
CREATE TABLE t (id integer PRIMARY KEY, a integer, b text, c integer, d integer, keep integer);
CREATE VIEW v AS SELECT a, b FROM t;
CREATE MATERIALIZED VIEW mv AS SELECT c FROM t;
CREATE SCHEMA s2; CREATE VIEW s2."odd View" AS SELECT c FROM t;
CREATE POLICY p ON t USING (d > 0);
CREATE TABLE gone (x integer PRIMARY KEY, y integer);
CREATE VIEW counted AS SELECT count(*) FROM gone;
CREATE POLICY own ON gone USING (y > 0);
CREATE TABLE free (x integer);
CREATE TABLE t2 (k integer PRIMARY KEY);
CREATE TABLE kp2 (ref integer REFERENCES t2); CREATE TABLE kc2 () INHERITS (kp2);
CREATE TABLE t3 (k integer PRIMARY KEY);
CREATE TABLE kp3 (ref integer REFERENCES t3); CREATE TABLE kc3 () INHERITS (kp3);
CREATE TABLE t4 (old_name integer);
CREATE VIEW v4 AS SELECT old_name FROM t4;`;

const DESIRED = `
tables:
  t:
    columns:
      id: { type: integer, primary_key: true }
      b: integer
      d: bigint
      keep: integer
  t2:
    columns:
      k: { type: bigint, primary_key: true }
  t4:
    columns:
      new_name: { type: bigint, renamed_from: old_name }
`;

const label = (s: Step): string => `${s.op} ${s.object}`;

describe('unmanaged objects in the way of a drop or a type change', () => {
  it('each blocked step names what is in the way and is certain to fail; exactly those fail on the server', async () => {
    await withScratch('dependents', async (s) => {
      await runBefore(s.db, BEFORE);
      const { plan } = await planAgainst(s.db, checkSchema('schema.yaml', DESIRED));
      const blocked = Object.fromEntries(certainFailures(plan.steps).map((f) => [label(f.step), f.hazard.message]));
      expect(blocked).toEqual({
        'drop_table public.gone': expect.stringContaining('view public.counted depends on table public.gone, so PostgreSQL refuses to drop the table: drop or change view public.counted first'),
        'drop_table public.t3': expect.stringContaining('foreign key kp3_ref_fkey on public.kp3 depends on table public.t3'),
        'drop_column public.t.a': expect.stringContaining('view public.v depends on column public.t.a, so PostgreSQL refuses to drop the column'),
        'drop_column public.t.c': expect.stringContaining('materialized view public.mv, view s2."odd View" depend on column public.t.c, so PostgreSQL refuses to drop the column: drop or change them first'),
        'alter_column public.t.b': expect.stringContaining("view public.v depends on column public.t.b, so PostgreSQL refuses to change the column's type"),
        'alter_column public.t.d': expect.stringContaining('policy p on public.t depends on column public.t.d'),
        // Named as it is today: the view follows the rename, not the type change.
        'alter_column public.t4.new_name': expect.stringContaining('view public.v4 depends on column public.t4.old_name'),
      });
      for (const f of certainFailures(plan.steps)) expect(f.hazard.code).toBe('may_fail');
      // Not in the way: the table's own policy goes with it; a foreign key is rebuilt on a type change.
      expect(plan.steps.map(label)).toEqual(expect.arrayContaining(['drop_table public.free', 'alter_column public.t2.k']));

      const failed: string[] = [];
      await s.db.exec('BEGIN');
      for (const step of plan.steps) {
        await s.db.exec('SAVEPOINT step');
        try {
          for (const statement of step.sql) await s.db.exec(statement);
          await s.db.exec('RELEASE SAVEPOINT step');
        } catch {
          failed.push(label(step));
          await s.db.exec('ROLLBACK TO SAVEPOINT step');
        }
      }
      await s.db.exec('ROLLBACK');
      expect(failed.sort()).toEqual(Object.keys(blocked).sort());
    });
  });
});
