// Proven plans: --verify runs the plan and its downgrade on a copy of the schema without data,
// and catches a deliberately broken downgrade before anything is applied.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Chalk } from 'chalk';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkSchema } from '../src/operations/schema-file.js';
import { planAgainst } from '../src/operations/plan.js';
import { withScratchDatabase } from '../src/db/scratch.js';
import { serverVersion } from '../src/introspect/introspect.js';
import type { Target } from '../src/db/target.js';
import type { Plan } from '../src/plan/types.js';
import { savedPlanChecksum } from '../src/render/json.js';
import { renderMarkdown } from '../src/render/markdown.js';
import { renderText } from '../src/render/text.js';
import { rebuild } from '../src/verify/scratch-replay.js';
import { verifyPlan } from '../src/verify/verify.js';
import { modelOf, runBefore } from './support/cases.js';
import { adminUrl, scratch, type Scratch } from './support/scratch.js';
import { BIN } from './support/cli.js';

const ROOT = new URL('..', import.meta.url).pathname;

let s: Scratch;
let cwd: string;
beforeEach(async () => {
  s = await scratch('verify');
  cwd = await mkdtemp(join(tmpdir(), 'schema-verify-'));
  await runBefore(s.db, `CREATE TABLE legacy (id integer PRIMARY KEY, note text); INSERT INTO legacy VALUES (1, 'keep me');`);
  await writeFile(join(cwd, 'schema.yaml'), await readFile(join(ROOT, 'schema.yaml'), 'utf8'));
});
afterEach(async () => {
  await s.drop();
  await rm(cwd, { recursive: true, force: true });
});

const schema = (args: string[], url = s.url) => spawnSync('node', [BIN, ...args, '--url', url, '--no-color'], { cwd, encoding: 'utf8' });

async function planned() {
  return planAgainst(s.db, checkSchema('schema.yaml', await readFile(join(cwd, 'schema.yaml'), 'utf8')));
}

describe('--verify', () => {
  it('proves a good plan up and down, and says so in the PR comment', async () => {
    const p = await planned();
    const v = await verifyPlan(s.target, p.plan, p.current.model, p.desired);
    expect(v).toEqual({ ok: true, where: expect.stringMatching(/^a temporary database on postgres:\/\//), problems: [] });
    expect(renderMarkdown({ ...p.plan, verification: v })).toContain('✅ Verified up and down on a temporary database on');
    const r = schema(['plan', '--verify']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Verified up and down on a temporary database on');
    expect(await modelOf(s.db)).toMatchObject({ tables: { 'public.legacy': expect.anything() } });
  });

  it('catches a downgrade that fails, and apply refuses the plan', async () => {
    const saved = JSON.parse(schema(['plan', '--format', 'json']).stdout) as Plan;
    // Break it: the downgrade forgets to drop the orders table, so dropping the enum it uses fails.
    const filtered = { ...saved, downgrade: saved.downgrade.filter((st) => st.object !== 'public.orders') };
    const broken = { ...filtered, checksum: savedPlanChecksum(filtered) };
    await writeFile(join(cwd, 'broken.json'), JSON.stringify(broken));
    const before = await modelOf(s.db);
    const r = schema(['apply', '--plan', 'broken.json', '--verify', '--auto-approve', '--allow-hazards', 'data_loss']);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('Verification failed on a temporary database on');
    expect(r.stdout).toContain('the downgrade: step 6 of 6 failed (drop_enum public.order_status): cannot drop type public.order_status because other objects depend on it');
    expect(r.stderr).toContain('error: refusing to apply a plan that failed verification (see above); nothing was changed');
    expect(await modelOf(s.db)).toEqual(before);
  });

  it('exits 1 when the proof fails, after printing the plan and what failed (a CI gate)', async () => {
    // The copy cannot be rebuilt: a default calls a function on a range type schema does not manage, so the proof fails.
    await runBefore(
      s.db,
      `CREATE TYPE code_text AS RANGE (subtype = text); CREATE FUNCTION make_code() RETURNS code_text LANGUAGE sql AS $$ SELECT '[a,b)'::code_text $$;
      CREATE TABLE counters (id integer PRIMARY KEY, code text DEFAULT make_code()::text);`,
    );
    await writeFile(join(cwd, 'schema.yaml'), `tables:\n  counters:\n    columns:\n      id: { type: integer, primary_key: true }\n      code: { type: text, default: { sql: make_code()::text } }\n      note: text\n`);
    for (const args of [
      ['plan', '--verify'],
      ['plan', '--verify', '--detailed-exitcode'],
      ['plan', '--verify', '--format', 'markdown'],
    ]) {
      const r = schema(args);
      expect(r.status, r.stderr).toBe(1);
      expect(r.stdout).toContain('add_column public.counters.note');
      expect(r.stdout).toContain('Verification failed on a temporary database on');
      expect(r.stderr).toContain('error: the plan failed verification (see above)');
    }
  });

  it('catches a downgrade that runs but does not return to the start', async () => {
    const p = await planned();
    const broken: Plan = { ...p.plan, downgrade: p.plan.downgrade.filter((st) => st.object !== 'billing.invoices' && st.object !== 'billing') };
    const v = await verifyPlan(s.target, broken, p.current.model, p.desired);
    expect(v.ok).toBe(false);
    expect(v.problems).toEqual(['the downgrade does not return to the starting state: still needed drop_table billing.invoices, drop_schema billing']);
  });

  it('catches a plan that does not reach the desired state, or fails', async () => {
    const p = await planned();
    const short: Plan = { ...p.plan, steps: p.plan.steps.filter((st) => st.op !== 'create_index') };
    expect((await verifyPlan(s.target, short, p.current.model, p.desired)).problems[0]).toBe(
      'after the plan, the database is not the desired state: still needed create_index public.users.users_created_at_idx, create_index public.orders.orders_user_id_status_idx, create_index public.orders.orders_pending_idx',
    );
    const wrong: Plan = { ...p.plan, steps: [{ op: 'add_column', object: 'public.nowhere.x', sql: ['ALTER TABLE public.nowhere ADD COLUMN x integer'], hazards: [] }] };
    expect((await verifyPlan(s.target, wrong, p.current.model, null)).problems).toEqual(['the plan: step 1 of 1 failed (add_column public.nowhere.x): relation "public.nowhere" does not exist']);
  });

  it('without the right to create a database, verifies on the embedded PostgreSQL', async () => {
    const role = `schema_nocreate_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: adminUrl() });
    await admin.connect();
    try {
      await admin.query(`CREATE ROLE ${role} LOGIN NOCREATEDB PASSWORD 'pw'`);
      await runBefore(s.db, `GRANT ALL ON SCHEMA public TO ${role}; GRANT ALL ON ALL TABLES IN SCHEMA public TO ${role}; GRANT CREATE ON DATABASE "${s.name}" TO ${role}`);
      const url = new URL(s.url);
      url.username = role;
      url.password = 'pw';
      const r = schema(['plan', '--verify'], url.toString());
      // The embedded PostgreSQL may be of another major version than the server: it says so.
      const [server, embedded] = [await serverVersion(s.db), await withScratchDatabase({ kind: 'embedded', dir: cwd, display: '' }, (db) => serverVersion(db))].map((v) => Math.floor(v / 10000));
      const where = server === embedded ? 'an in-memory embedded PostgreSQL' : `an in-memory embedded PostgreSQL ${embedded} (the target runs ${server})`;
      expect(r.stdout, r.stderr).toContain(`Verified up and down on ${where}: the plan reaches`);
    } finally {
      await admin.query(`REASSIGN OWNED BY ${role} TO postgres`).catch(() => undefined);
      await s.db.exec(`REVOKE ALL ON SCHEMA public FROM ${role}; REVOKE ALL ON ALL TABLES IN SCHEMA public FROM ${role}`).catch(() => undefined);
      await admin.query(`REVOKE ALL ON DATABASE "${s.name}" FROM ${role}`).catch(() => undefined);
      await admin.query(`DROP ROLE IF EXISTS ${role}`).catch(() => undefined);
      await admin.end();
    }
  });

  it('proves a plan on a schema whose hand-written checks PostgreSQL spells differently when rebuilt', async () => {
    await runBefore(
      s.db,
      `CREATE TABLE accounts (id integer PRIMARY KEY, status varchar(20) NOT NULL CHECK (status IN ('active', 'disabled')));
      CREATE INDEX accounts_active_idx ON accounts (id) WHERE status IN ('active', 'new');`,
    );
    const yaml = `
tables:
  accounts:
    columns:
      id: { type: integer, primary_key: true }
      status: { type: varchar(20), nullable: false }
      note: text
    checks:
      accounts_status_check: "status IN ('active', 'disabled')"
    indexes:
      accounts_active_idx: { columns: [id], where: "status IN ('active', 'new')" }
`;
    const p = await planAgainst(s.db, checkSchema('schema.yaml', yaml));
    expect(p.plan.steps.map((st) => `${st.op} ${st.object}`)).toEqual(['drop_table public.legacy', 'add_column public.accounts.note']);
    const v = await verifyPlan(s.target, p.plan, p.current.model, p.desired);
    expect(v.problems).toEqual([]);
    expect(v.ok).toBe(true);
  });

  it('runs an online plan as apply does: CONCURRENTLY outside a transaction, on the server and on PGlite', async () => {
    await runBefore(s.db, `CREATE TABLE items (id integer PRIMARY KEY, sku text, qty integer); CREATE INDEX items_qty_idx ON items (qty);`);
    const yaml = `settings: { online: true }\ntables:\n  items:\n    columns:\n      id: { type: integer, primary_key: true }\n      sku: { type: text, unique: true }\n      qty: integer\n    indexes:\n      items_sku_idx: { columns: [sku] }\n`;
    await writeFile(join(cwd, 'schema.yaml'), yaml);
    const p = await planned();
    expect(p.plan.steps.filter((st) => st.concurrently).map((st) => `${st.op} ${st.object}`)).toEqual([
      'drop_index public.items.items_qty_idx',
      'create_index public.items.items_sku_key',
      'create_index public.items.items_sku_idx',
    ]);
    expect(await verifyPlan(s.target, p.plan, p.current.model, p.desired)).toMatchObject({ ok: true, problems: [] });
    const embedded: Target = { kind: 'embedded', dir: join(cwd, '.schema'), display: '.schema/' };
    expect(await verifyPlan(embedded, p.plan, p.current.model, p.desired)).toEqual({ ok: true, where: 'an in-memory embedded PostgreSQL', problems: [] });
    // And apply --verify goes ahead with it.
    const r = schema(['apply', '--verify', '--auto-approve', '--allow-hazards', 'data_loss']);
    expect(r.stdout, r.stderr).toContain('Verified up and down on a temporary database on');
    expect(r.status, r.stderr).toBe(0);
  });

  it("creates the target's extensions first, so a schema using their types is rebuilt; on PGlite too", async () => {
    await runBefore(s.db, `CREATE SCHEMA ext; CREATE EXTENSION citext WITH SCHEMA ext; CREATE TABLE people (id integer PRIMARY KEY, email ext.citext); CREATE TABLE ext.tags (id integer);`);
    const yaml = `tables:\n  people:\n    columns:\n      id: { type: integer, primary_key: true }\n      email: ext.citext\n      nick: ext.citext\n  ext.tags:\n    columns:\n      id: integer\n`;
    await writeFile(join(cwd, 'schema.yaml'), yaml);
    const p = await planned();
    expect(p.current.extensions).toContainEqual(expect.objectContaining({ name: 'citext', schema: 'ext' }));
    expect(await verifyPlan(s.target, p.plan, p.current.model, p.desired, p.current)).toMatchObject({ ok: true, problems: [] });
    // PGlite ships citext among its contrib extensions: loaded for the copy.
    const embedded: Target = { kind: 'embedded', dir: join(cwd, '.schema'), display: '.schema/' };
    expect(await verifyPlan(embedded, p.plan, p.current.model, p.desired, p.current)).toMatchObject({ ok: true, problems: [] });
    const r = schema(['plan', '--verify']);
    expect(r.stdout, r.stderr).toContain('Verified up and down on a temporary database on');
  });

  it('on PGlite, says which extension verification needs when PGlite does not have it', async () => {
    await runBefore(s.db, `CREATE EXTENSION intagg; CREATE EXTENSION citext; CREATE TABLE people (id integer PRIMARY KEY, email citext);`);
    await writeFile(join(cwd, 'schema.yaml'), `tables:\n  people:\n    columns:\n      id: { type: integer, primary_key: true }\n      email: citext\n      nick: text\n`);
    const p = await planned();
    const embedded: Target = { kind: 'embedded', dir: join(cwd, '.schema'), display: '.schema/' };
    // An extension the schema does not use is no obstacle.
    expect(await verifyPlan(embedded, p.plan, p.current.model, p.desired, p.current)).toMatchObject({ ok: true });
    // Without citext (as if PGlite had no module for it), the rebuild fails and says why.
    const none = p.current.extensions.map((e) => (e.name === 'citext' ? { ...e, name: 'no_such_extension' } : e));
    const v = await verifyPlan(embedded, p.plan, p.current.model, p.desired, { extensions: none });
    expect(v.ok).toBe(false);
    expect(v.problems[0]).toMatch(
      /^the schema of today could not be rebuilt there: step 2 of 2 failed \(create_table public\.people\): type "public\.citext" does not exist; verification may need the extensions intagg \(in schema public\), no_such_extension \(in schema public\), which could not be created there \(extension "intagg" is not available\): give the role CREATEDB so verification runs on a temporary database on the server itself$/,
    );
  });

  it('rebuilds serial columns with their sequences, and copies the functions defaults call', async () => {
    // The function reads a table that does not exist yet when the copy creates it.
    await runBefore(
      s.db,
      `CREATE TABLE tickets (id serial PRIMARY KEY, big bigserial, down integer NOT NULL);
      CREATE SEQUENCE tickets_down_seq AS integer INCREMENT BY -2 MINVALUE -1000 MAXVALUE 50 START WITH 40 CACHE 5 CYCLE OWNED BY tickets.down;
      ALTER TABLE tickets ALTER COLUMN down SET DEFAULT nextval('tickets_down_seq');
      CREATE FUNCTION next_code(prefix text) RETURNS text LANGUAGE sql AS $$ SELECT prefix || (SELECT count(*) FROM public.tickets) $$;
      ALTER TABLE tickets ADD COLUMN code text DEFAULT next_code('T-');
      INSERT INTO tickets DEFAULT VALUES;`,
    );
    const yaml = `tables:
  tickets:
    columns:
      id: { type: integer, primary_key: true, default: { sql: "nextval('tickets_id_seq')" } }
      big: { type: bigint, nullable: false, default: { sql: "nextval('tickets_big_seq')" } }
      down: { type: integer, nullable: false, default: { sql: "nextval('tickets_down_seq')" } }
      code: { type: text, default: { sql: "next_code('T-')" } }
      note: text
`;
    await writeFile(join(cwd, 'schema.yaml'), yaml);
    const p = await planned();
    expect(p.plan.steps.map((st) => `${st.op} ${st.object}`)).toEqual(['drop_table public.legacy', 'add_column public.tickets.note']);
    expect(p.current.functions.map((f) => f.signature)).toEqual(['public.next_code(prefix text)']);
    // Rebuilt exactly: the sequences with their options, owned by their columns.
    await withScratchDatabase(s.target, async (copy) => {
      expect(await rebuild(copy, p.current.model, p.current)).toBeNull();
      expect(await modelOf(copy)).toEqual(await modelOf(s.db));
    });
    expect((await modelOf(s.db)).tables['public.tickets']!.columns.find((c) => c.name === 'down')!.ownedSequences).toEqual([
      { name: 'tickets_down_seq', type: 'integer', start: '40', increment: '-2', min: '-1000', max: '50', cache: '5', cycle: true },
    ]);
    // The function is copied, so it is part of the proof; on PGlite too.
    expect(await verifyPlan(s.target, p.plan, p.current.model, p.desired, p.current)).toEqual({ ok: true, where: expect.stringMatching(/^a temporary database on /), problems: [] });
    const embedded: Target = { kind: 'embedded', dir: join(cwd, '.schema'), display: '.schema/' };
    expect(await verifyPlan(embedded, p.plan, p.current.model, p.desired, p.current)).toEqual({ ok: true, where: expect.stringMatching(/^an in-memory embedded PostgreSQL/), problems: [] });
    const r = schema(['plan', '--verify']);
    expect(r.stdout, r.stderr).toContain('Verified up and down on a temporary database on');
    expect(r.stdout).not.toContain('Not part of the proof');
  });

  it('names a function a default calls when it cannot be copied', async () => {
    await runBefore(
      s.db,
      `CREATE TYPE code_text AS RANGE (subtype = text); CREATE FUNCTION make_code() RETURNS code_text LANGUAGE sql AS $$ SELECT '[a,b)'::code_text $$;
      CREATE TABLE tickets (id integer PRIMARY KEY, code text DEFAULT make_code()::text);`,
    );
    await writeFile(join(cwd, 'schema.yaml'), `tables:\n  tickets:\n    columns:\n      id: { type: integer, primary_key: true }\n      code: { type: text, default: { sql: make_code()::text } }\n`);
    const p = await planned();
    const v = await verifyPlan(s.target, p.plan, p.current.model, p.desired, p.current);
    expect(v).toMatchObject({ ok: false, unproven: { 'range type': 1 } });
    expect(v.problems).toEqual([
      'the schema of today could not be rebuilt there: the function public.make_code(), which a default, check or index calls, could not be created there: SQL function cannot return shell type public.code_text; not copied there: the function public.code_text_multirange(VARIADIC public.code_text[]) (type public.code_text[] does not exist)',
    ]);
  });

  it('says that objects it does not manage were not part of the proof', async () => {
    await runBefore(s.db, `CREATE MATERIALIZED VIEW legacy_notes AS SELECT note FROM legacy;`);
    const p = await planned();
    expect(p.plan.steps.map((st) => `${st.op} ${st.object}`)).toContain('drop_table public.legacy');
    const v = await verifyPlan(s.target, p.plan, p.current.model, p.desired);
    // The copy has no materialized view, so the plan runs there; on the database, dropping legacy fails on it.
    expect(v).toMatchObject({ ok: true, unproven: { 'materialized view': 1 } });
    const proven = { ...p.plan, verification: v };
    const note = 'Not part of the proof: 1 materialized view in the database, which schema does not manage and did not rebuild there; a step can still fail on them (a view on a dropped column, for instance).';
    expect(renderText(proven, new Chalk({ level: 0 }))).toContain(`Verified up and down on ${v.where}: the plan reaches the desired state and its downgrade the starting one.\n${note}`);
    expect(renderMarkdown(proven)).toContain(`⚠️ ${note}`);
    expect(JSON.parse(schema(['plan', '--verify', '--format', 'json']).stdout).verification).toMatchObject({ ok: true, unproven: { 'materialized view': 1 } });
  });
  it('keeps schemas that hold only objects it does not manage (an extension, a function), or a view a file without views: keeps, on both sides of the proof', async () => {
    await runBefore(
      s.db,
      `CREATE SCHEMA extensions; CREATE EXTENSION pgcrypto SCHEMA extensions;
      CREATE SCHEMA util; CREATE FUNCTION util.pos(x integer) RETURNS boolean LANGUAGE sql IMMUTABLE AS 'SELECT x > 0';
      CREATE SCHEMA reports; CREATE VIEW reports.ones AS SELECT 1 AS one;
      CREATE TABLE t (id integer CONSTRAINT t_id_check CHECK (util.pos(id)));`,
    );
    await writeFile(join(cwd, 'schema.yaml'), `tables:\n  t:\n    columns:\n      id: integer\n      b: text\n    checks:\n      t_id_check: util.pos(id)\n`);
    const p = await planned();
    // The plan keeps the three schemas: they are not empty.
    expect(p.plan.steps.map((st) => `${st.op} ${st.object}`)).toEqual(['drop_table public.legacy', 'add_column public.t.b']);
    // The copy has the extension, the function and the view (kept by the file, made there).
    expect(await verifyPlan(s.target, p.plan, p.current.model, p.desired, p.current)).toMatchObject({ ok: true, problems: [] });
    const r = schema(['plan', '--verify']);
    expect(r.stdout, r.stderr).toContain('Verified up and down on a temporary database on');
    expect(r.status).toBe(0);
  });
  it('proves a plan making a trigger on a new table (planned as written, spelled by the server once made), and one keeping the triggers of a file without triggers:', async () => {
    await runBefore(
      s.db,
      `CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
      CREATE TRIGGER legacy_touch BEFORE UPDATE ON legacy FOR EACH ROW EXECUTE FUNCTION touch();`,
    );
    const legacy = `tables:\n  legacy:\n    columns:\n      id: { type: integer, primary_key: true }\n      note: text\n`;
    await writeFile(join(cwd, 'schema.yaml'), `${legacy}  orders:\n    columns:\n      id: integer\n`);
    let p = await planned();
    expect(p.plan.steps.map((st) => `${st.op} ${st.object}`)).toEqual(['create_table public.orders']);
    expect(await verifyPlan(s.target, p.plan, p.current.model, p.desired, p.current)).toMatchObject({ ok: true, problems: [] });
    await writeFile(
      join(cwd, 'schema.yaml'),
      `${legacy}  orders:\n    columns:\n      id: integer\ntriggers:\n  legacy_touch: { sql: "CREATE TRIGGER legacy_touch BEFORE UPDATE ON legacy FOR EACH ROW EXECUTE FUNCTION touch()" }\n  orders_touch: { sql: "CREATE TRIGGER orders_touch BEFORE INSERT ON orders FOR EACH ROW EXECUTE FUNCTION touch()" }\n`,
    );
    p = await planned();
    expect(p.plan.steps.map((st) => `${st.op} ${st.object}`)).toEqual(['create_table public.orders', 'create_trigger public.orders.orders_touch']);
    expect(await verifyPlan(s.target, p.plan, p.current.model, p.desired, p.current)).toMatchObject({ ok: true, problems: [] });
  });

  it('proves a plan keeping the policies and row-level security of a table without policies:, and one making policies on a new table reading another new table (planned as written)', async () => {
    await runBefore(s.db, `ALTER TABLE legacy ENABLE ROW LEVEL SECURITY; CREATE POLICY legacy_mine ON legacy USING (note = current_user);`);
    const legacy = `tables:\n  legacy:\n    columns:\n      id: { type: integer, primary_key: true }\n      note: text\n`;
    await writeFile(join(cwd, 'schema.yaml'), `${legacy}  orders:\n    columns:\n      id: integer\n`);
    let p = await planned();
    expect(p.plan.steps.map((st) => `${st.op} ${st.object}`)).toEqual(['create_table public.orders']);
    expect(await verifyPlan(s.target, p.plan, p.current.model, p.desired, p.current)).toMatchObject({ ok: true, problems: [] });
    await writeFile(
      join(cwd, 'schema.yaml'),
      `${legacy}  orders:\n    row_level_security: true\n    columns:\n      id: integer\n    policies:\n      listed:\n        using: exists (select 1 from members m where m.id = orders.id)\n  members:\n    columns:\n      id: integer\n`,
    );
    p = await planned();
    expect(p.plan.steps.map((st) => `${st.op} ${st.object}`)).toEqual(['create_table public.orders', 'create_table public.members', 'create_policy public.orders.listed', 'alter_row_security public.orders']);
    expect(await verifyPlan(s.target, p.plan, p.current.model, p.desired, p.current)).toMatchObject({ ok: true, problems: [] });
  });

  it('copies the functions that those defaults and indexes call call in turn, in any order, and rebuilds them on the search_path they were made with', async () => {
    // An SQL function is inlined when an index on it is built: what it calls must be there too.
    await runBefore(
      s.db,
      `SET check_function_bodies = off; CREATE FUNCTION outer_fn(x integer) RETURNS integer LANGUAGE sql IMMUTABLE AS 'SELECT helper(x) + 1';
      CREATE FUNCTION helper(x integer) RETURNS integer LANGUAGE sql IMMUTABLE AS 'SELECT deep(x) * 2';
      CREATE FUNCTION deep(x integer) RETURNS integer LANGUAGE sql IMMUTABLE RETURN x - 1;
      CREATE TABLE u (a integer, b integer DEFAULT outer_fn(1)); CREATE INDEX u_idx ON u (outer_fn(a)); RESET check_function_bodies;
      CREATE TYPE positive AS RANGE (subtype = integer); CREATE FUNCTION unused(p positive) RETURNS integer LANGUAGE sql AS 'SELECT lower(p)';`,
    );
    await writeFile(
      join(cwd, 'schema.yaml'),
      `tables:\n  u:\n    columns:\n      a: integer\n      b: { type: integer, default: { sql: outer_fn(1) } }\n      c: text\n    indexes:\n      u_idx: { columns: [{ expression: outer_fn(a) }] }\n`,
    );
    const p = await planned();
    expect(p.plan.steps.map((st) => `${st.op} ${st.object}`)).toEqual(['drop_table public.legacy', 'add_column public.u.c']);
    // The three are copied, so they are part of the proof; a function nothing needs that cannot be made there (its range type is not, nor the range type's multirange constructor, read as a function of the user's) is no failure.
    const v = await verifyPlan(s.target, p.plan, p.current.model, p.desired, p.current);
    expect(v).toEqual({ ok: true, where: expect.stringMatching(/^a temporary database on /), problems: [], unproven: { 'range type': 1, function: 2 } });
    // (Not on PGlite: from PostgreSQL 17 on, CREATE INDEX reads function bodies on a safe search_path, so helper is not found there.)
    const r = schema(['plan', '--verify']);
    expect(r.stdout, r.stderr).toContain('Verified up and down on a temporary database on');
    expect(r.status).toBe(0);
  });
  it('names the functions it could not copy when the rebuild then fails', async () => {
    await runBefore(
      s.db,
      `CREATE TYPE positive AS RANGE (subtype = integer);
      CREATE FUNCTION helper(x positive) RETURNS integer LANGUAGE sql IMMUTABLE AS 'SELECT lower(x) * 2';
      CREATE FUNCTION outer_fn(x integer) RETURNS integer LANGUAGE sql IMMUTABLE AS 'SELECT helper(positive(x, x + 1)) + 1';
      CREATE TABLE u (a integer); CREATE INDEX u_idx ON u (outer_fn(a));`,
    );
    await writeFile(join(cwd, 'schema.yaml'), `tables:\n  u:\n    columns:\n      a: integer\n      c: text\n    indexes:\n      u_idx: { columns: [{ expression: outer_fn(a) }] }\n`);
    const p = await planned();
    const v = await verifyPlan(s.target, p.plan, p.current.model, p.desired, p.current);
    // The range type's multirange constructor is read as a function of the user's too.
    expect(v).toMatchObject({ ok: false, unproven: { 'range type': 1, function: 2 } });
    expect(v.problems).toEqual([
      'the schema of today could not be rebuilt there: step 1 of 1 failed (create_index public.u.u_idx): function helper(positive) does not exist; not copied there: the function public.positive_multirange(VARIADIC public.positive[]) (type public.positive[] does not exist), the function public.helper(x public.positive) (SQL function cannot accept shell type public.positive)',
    ]);
  });
  it('rebuilds an index with an operator class of an extension, and shows the proof of an empty plan', async () => {
    await runBefore(
      s.db,
      `DROP TABLE legacy; CREATE SCHEMA ext; CREATE EXTENSION pg_trgm SCHEMA ext;
      CREATE TABLE n (id integer PRIMARY KEY, name text); CREATE INDEX n_trgm ON n USING gin (name ext.gin_trgm_ops);
      CREATE TABLE m (n_id integer REFERENCES n (id));`,
    );
    const yaml = `tables:\n  n:\n    columns:\n      id: { type: integer, primary_key: true }\n      name: text\n    indexes:\n      n_trgm: { columns: [{ column: name, opclass: ext.gin_trgm_ops }], method: gin }\n  m:\n    columns:\n      n_id: integer\n    foreign_keys:\n      m_n_id_fkey: { columns: [n_id], references: n(id) }\n`;
    await writeFile(join(cwd, 'schema.yaml'), yaml);
    const p = await planned();
    expect(p.plan.steps).toEqual([]);
    const v = await verifyPlan(s.target, p.plan, p.current.model, p.desired, p.current);
    expect(v).toEqual({ ok: true, where: expect.stringMatching(/^a temporary database on /), problems: [] });
    expect(renderMarkdown({ ...p.plan, verification: v })).toContain(`The database matches the schema.\n\n✅ Verified up and down on ${v.where}`);
    const r = schema(['plan', '--verify']);
    expect(r.stdout, r.stderr).toMatch(/^No changes\. The database matches the schema\.\nVerified up and down on a temporary database on /);
    expect(r.status).toBe(0);
    // Without the extension there, neither its statement nor the Model's can make it: both are said.
    const embedded: Target = { kind: 'embedded', dir: join(cwd, '.schema'), display: '.schema/' };
    expect((await verifyPlan(embedded, p.plan, p.current.model, p.desired, { ...p.current, extensions: [] })).problems).toEqual([
      'the schema of today could not be rebuilt there: step 1 of 2 failed (create_index public.n.n_trgm): operator class "ext.gin_trgm_ops" does not exist for access method "gin"',
    ]);
  });
});
