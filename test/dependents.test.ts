// Objects the tool leaves alone (materialized views, foreign keys of unmanaged tables) standing on what a plan drops or retypes, and views kept by a file without `views:`
// that the plan makes again from a text reading what it drops: the step says what is in the
// way and is certain to fail, so apply refuses to start. Checked against the server: run one
// step after another, exactly the flagged steps fail.
import { describe, expect, it } from 'vitest';
import { checkSchema } from '../src/operations/schema-file.js';
import { planAgainst } from '../src/operations/plan.js';
import type { Db } from '../src/db/db.js';
import { certainFailures, type Step } from '../src/plan/types.js';
import { modelOf, runBefore, runSteps } from './support/cases.js';
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

/** Each step tried on the server in turn (in one transaction, rolled back): the labels of those that fail. */
async function stepsThatFail(db: Db, steps: readonly Step[]): Promise<string[]> {
  const failed: string[] = [];
  await db.exec('BEGIN');
  for (const step of steps) {
    await db.exec('SAVEPOINT step');
    try {
      for (const statement of step.sql) await db.exec(statement);
      await db.exec('RELEASE SAVEPOINT step');
    } catch {
      failed.push(label(step));
      await db.exec('ROLLBACK TO SAVEPOINT step');
    }
  }
  await db.exec('ROLLBACK');
  return failed;
}

describe('unmanaged objects in the way of a drop or a type change', () => {
  it('each blocked step names what is in the way and is certain to fail; exactly those fail on the server', async () => {
    await withScratch('dependents', async (s) => {
      await runBefore(s.db, BEFORE);
      const { plan } = await planAgainst(s.db, checkSchema('schema.yaml', DESIRED));
      const blocked = Object.fromEntries(certainFailures(plan.steps).map((f) => [label(f.step), f.hazard.message]));
      expect(blocked).toEqual({
        'drop_table public.t3': expect.stringContaining('foreign key kp3_ref_fkey on public.kp3 depends on table public.t3'),
        'drop_column public.t.c': expect.stringContaining('materialized view public.mv depends on column public.t.c, so PostgreSQL refuses to drop the column: drop or change materialized view public.mv first'),
        // Views are managed: a file without `views:` keeps them, so each is dropped first and made
        // again after, from its text, which still reads what the plan drops (or renames, here
        // together with a type change, which makes the view go).
        'create_view public.counted': expect.stringContaining('view public.counted is made again after table public.gone is dropped, and its text still reads it, so PostgreSQL refuses'),
        'create_view public.v': expect.stringContaining('view public.v is made again after column public.t.a is dropped'),
        'create_view s2."odd View"': expect.stringContaining('view s2."odd View" is made again after column public.t.c is dropped'),
        'create_view public.v4': expect.stringContaining('view public.v4 is made again after column public.t4.old_name is renamed'),
      });
      for (const f of certainFailures(plan.steps)) expect(f.hazard.code).toBe('may_fail');
      // Not in the way: the table's own policy goes with it; a foreign key is rebuilt on a type change;
      // a policy on the retyped column is managed (kept by a table without `policies:`): dropped before, made again after.
      expect(plan.steps.map(label)).toEqual(expect.arrayContaining(['drop_table public.free', 'alter_column public.t2.k', 'drop_policy public.t.p', 'alter_column public.t.d', 'create_policy public.t.p']));

      // s2."odd View" is made again without trouble here only because the drop of the column it
      // reads was refused just before (by the materialized view).
      const refusedFirst = 'create_view s2."odd View"';
      expect((await stepsThatFail(s.db, plan.steps)).sort()).toEqual(
        Object.keys(blocked)
          .filter((k) => k !== refusedFirst)
          .sort(),
      );
    });
  });
});

describe('a foreign key of a partitioned table, which is managed', () => {
  it("is dropped with its table: the partitions' copies of it are not in the way, and every step runs", async () => {
    await withScratch('dependents-partitioned', async (s) => {
      await runBefore(
        s.db,
        `CREATE TABLE k (id integer PRIMARY KEY);
CREATE TABLE pt (kid integer REFERENCES k, d date) PARTITION BY RANGE (d);
CREATE TABLE pt2024 PARTITION OF pt FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE pt2025 PARTITION OF pt FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');`,
      );
      const { plan } = await planAgainst(s.db, checkSchema('schema.yaml', 'tables: {}'));
      expect(certainFailures(plan.steps)).toEqual([]);
      expect(await stepsThatFail(s.db, plan.steps)).toEqual([]);
    });
  });
});

// Objects using a type the plan drops: an enum (a function's argument, an array of it, a
// domain over it, a view casting to it, a table left alone) or a table's row type (a function
// returning SETOF the table). A rebuilt enum (a value removed) leaves them on the old
// version, whose drop then fails.
const TYPES_BEFORE = `
CREATE TYPE mood AS ENUM ('ok', 'meh', 'bad');
CREATE TYPE gone AS ENUM ('x', 'y');
CREATE TYPE colour AS ENUM ('red', 'green');
CREATE TYPE unused AS ENUM ('u');
CREATE TABLE notes (id integer PRIMARY KEY, mood mood, colour colour);
CREATE TABLE old_rows (id integer PRIMARY KEY, g gone);
CREATE FUNCTION cheer(m mood) RETURNS integer LANGUAGE sql AS 'SELECT 1';
CREATE FUNCTION all_old() RETURNS SETOF old_rows LANGUAGE sql AS 'SELECT * FROM old_rows';
CREATE DOMAIN gone_d AS gone;
CREATE FUNCTION paint(c colour[]) RETURNS integer LANGUAGE sql AS 'SELECT 1';
CREATE VIEW reds AS SELECT 'red'::colour AS c;
ALTER TABLE notes ENABLE ROW LEVEL SECURITY;
CREATE TABLE base0 (); CREATE TABLE parted (c colour, d date) INHERITS (base0);`;

const TYPES_DESIRED = `
enums:
  mood: [ok, bad]
  colour: [red, green, blue]
tables:
  notes:
    columns:
      id: { type: integer, primary_key: true }
      mood: mood
      colour: colour
`;

describe('unmanaged objects using a type the plan drops or rebuilds', () => {
  it('names them on the step that fails, and exactly those steps fail on the server', async () => {
    await withScratch('type-dependents', async (s) => {
      await runBefore(s.db, TYPES_BEFORE);
      const { plan } = await planAgainst(s.db, checkSchema('schema.yaml', TYPES_DESIRED));
      expect(plan.steps.map(label)).toEqual(['drop_table public.old_rows', 'alter_enum public.mood', 'alter_enum public.colour', 'drop_enum public.mood_retired', 'drop_enum public.gone', 'drop_enum public.unused']);
      const blocked = Object.fromEntries(certainFailures(plan.steps).map((f) => [label(f.step), f.hazard.message]));
      expect(blocked).toEqual({
        'drop_table public.old_rows':
          'function public.all_old depends on table public.old_rows, so PostgreSQL refuses to drop the table: drop or change function public.all_old first (schema does not manage it), then plan again',
        'drop_enum public.mood_retired':
          'function public.cheer depends on type public.mood, which this plan rebuilds: it would stay on the old version (public.mood_retired), so PostgreSQL refuses to drop that: drop or change function public.cheer first (schema does not manage it), then plan again',
        'drop_enum public.gone': 'domain public.gone_d depends on type public.gone, so PostgreSQL refuses to drop the type: drop or change domain public.gone_d first (schema does not manage it), then plan again',
      });
      // Adding a value changes nothing for those using the type: colour's users are no obstacle.
      expect(plan.steps.find((st) => st.object === 'public.colour')?.hazards).toEqual([]);

      expect((await stepsThatFail(s.db, plan.steps)).sort()).toEqual(Object.keys(blocked).sort());
    });
  });

  it('a rebuilt enum is blocked by a view, an array argument or a table left alone; a policy goes with its dropped table', async () => {
    await withScratch('type-dependents-2', async (s) => {
      await runBefore(
        s.db,
        `${TYPES_BEFORE}
CREATE POLICY moody ON old_rows USING ('u'::unused IS NOT NULL);`,
      );
      const desired = `
enums:
  mood: [ok, meh, bad]
  colour: [green, red]
  gone: [x, y]
tables:
  notes:
    columns:
      id: { type: integer, primary_key: true }
      mood: mood
      colour: colour
`;
      const { plan } = await planAgainst(s.db, checkSchema('schema.yaml', desired));
      const blocked = Object.fromEntries(certainFailures(plan.steps).map((f) => [label(f.step), f.hazard.message]));
      expect(blocked).toEqual({
        'drop_table public.old_rows': expect.stringContaining('function public.all_old depends on table public.old_rows'),
        'drop_enum public.colour_retired': expect.stringContaining(
          'function public.paint, inheriting table public.parted, view public.reds depend on type public.colour, which this plan rebuilds: they would stay on the old version (public.colour_retired)',
        ),
      });
      // The policy using `unused` is on a table the plan drops: it goes first, so the type can go.
      expect(plan.steps.map(label)).toContain('drop_enum public.unused');
    });
  });
});

// A serial's sequence goes with its table or column (it is OWNED BY it): a default of another
// table using it stands in the way, as a view would.
describe("another table's default using a serial's sequence", () => {
  const BEFORE = `CREATE TABLE x (id serial PRIMARY KEY); CREATE TABLE y (id integer DEFAULT nextval('x_id_seq'));
CREATE TABLE z (id serial PRIMARY KEY, k integer); CREATE TABLE w (n integer DEFAULT nextval('z_id_seq'));`;

  it('the drop of the table or column it goes with is certain to fail, naming the default; exactly those steps fail on the server', async () => {
    await withScratch('dependents-sequence', async (s) => {
      await runBefore(s.db, BEFORE);
      const desired = `
tables:
  y:
    columns:
      id: { type: integer, default: { sql: "nextval('x_id_seq'::regclass)" } }
  z:
    columns:
      k: integer
  w:
    columns:
      n: { type: integer, default: { sql: "nextval('z_id_seq'::regclass)" } }
`;
      const { plan } = await planAgainst(s.db, checkSchema('schema.yaml', desired));
      const blocked = Object.fromEntries(certainFailures(plan.steps).map((f) => [label(f.step), f.hazard.message]));
      expect(blocked).toEqual({
        'drop_table public.x':
          'the default of public.y.id uses sequence public.x_id_seq, which belongs to table public.x and goes with it, so PostgreSQL refuses to drop the table: give that column another default or keep public.x, then plan again',
        'drop_column public.z.id':
          'the default of public.w.n uses sequence public.z_id_seq, which belongs to column public.z.id and goes with it, so PostgreSQL refuses to drop the column: give that column another default or keep public.z.id, then plan again',
      });

      expect((await stepsThatFail(s.db, plan.steps)).sort()).toEqual(Object.keys(blocked).sort());
    });
  });

  it('objects left alone using the sequence (a view, the default of an inheriting table) block the drop of its column and keep it when the default goes', async () => {
    await withScratch('dependents-sequence-unmanaged', async (s) => {
      await runBefore(
        s.db,
        `CREATE TABLE x (id serial PRIMARY KEY, n integer); CREATE VIEW next_x AS SELECT nextval('x_id_seq');
CREATE TABLE base0 (); CREATE TABLE parted (k integer DEFAULT nextval('x_id_seq'), d date) INHERITS (base0);
CREATE TABLE z (id serial PRIMARY KEY, n integer); CREATE VIEW next_z AS SELECT nextval('z_id_seq');`,
      );
      const before = await modelOf(s.db);
      const dropping = `
tables:
  x:
    columns:
      n: integer
  z:
    columns:
      id: { type: integer, primary_key: true }
      n: integer
`;
      const { plan } = await planAgainst(s.db, checkSchema('schema.yaml', dropping));
      expect(certainFailures(plan.steps).map((f) => [label(f.step), f.hazard.message])).toEqual([
        [
          'drop_column public.x.id',
          'default of public.parted.k (using sequence public.x_id_seq), view public.next_x (using sequence public.x_id_seq) depend on column public.x.id, so PostgreSQL refuses to drop the column: drop or change them first (schema does not manage them), then plan again',
        ],
      ]);
      // z's default goes, and its sequence stays for the view; nothing else changes.
      const z = plan.steps.find((st) => st.object === 'public.z.id')!;
      expect([z.sql, z.hazards]).toEqual([['ALTER TABLE public.z ALTER COLUMN id DROP DEFAULT'], []]);

      // Retyped, the sequence follows the column; the view is no obstacle to that.
      const wider = `
tables:
  x:
    columns:
      id: { type: bigint, nullable: false, primary_key: true, default: { sql: "nextval('x_id_seq'::regclass)" } }
      n: integer
  z:
    columns:
      id: { type: integer, primary_key: true }
      n: integer
`;
      const up = (await planAgainst(s.db, checkSchema('schema.yaml', wider))).plan;
      expect(certainFailures(up.steps)).toEqual([]);
      expect(up.steps.flatMap((st) => st.sql).filter((q) => q.includes('SEQUENCE'))).toEqual(['ALTER SEQUENCE public.x_id_seq AS bigint']);
      await runSteps(s.db, up.steps);
      expect((await planAgainst(s.db, checkSchema('schema.yaml', wider))).plan.steps).toEqual([]);
      expect(await s.db.query(`SELECT nextval('public.z_id_seq')::int AS n`)).toEqual([{ n: 1 }]);
      await runSteps(s.db, up.downgrade);
      expect(await modelOf(s.db)).toEqual(before);
    });
  });

  it('a default that stops using it changes first; the downgrade makes the table again before the default uses its sequence', async () => {
    await withScratch('dependents-sequence-freed', async (s) => {
      await runBefore(s.db, BEFORE);
      const before = await modelOf(s.db);
      const desired = `
tables:
  y:
    columns:
      id: integer
  z:
    columns:
      k: integer
  w:
    columns:
      n: { type: integer, default: 0 }
`;
      const { plan } = await planAgainst(s.db, checkSchema('schema.yaml', desired));
      expect(certainFailures(plan.steps)).toEqual([]);
      expect(plan.steps.map(label)).toEqual(['drop_primary_key public.z.z_pkey', 'alter_column public.y.id', 'drop_table public.x', 'alter_column public.w.n', 'drop_column public.z.id']);
      expect(plan.downgrade.map(label)).toEqual(['create_table public.x', 'alter_column public.y.id', 'add_column public.z.id', 'alter_column public.w.n', 'add_primary_key public.z.z_pkey']);
      await runSteps(s.db, plan.steps);
      expect((await planAgainst(s.db, checkSchema('schema.yaml', desired))).plan.steps).toEqual([]);
      await runSteps(s.db, plan.downgrade);
      expect(await modelOf(s.db)).toEqual(before);
    });
  });
});
