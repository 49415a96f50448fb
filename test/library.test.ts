// The library enforces what the CLI does: a program that imports applyPlan (src/index.ts) is
// refused a plan whose hazards need consent unless it gives it, and a hazard that touches no
// rows needs none (issue 10 "Operations, not commands"; issue 12 defect 1).
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { measurePlan } from '../src/checks/checks.js';
import { interruptedApply } from '../src/apply/apply.js';
import { PATIENT } from '../src/plan/run-settings.js';
import { abandonUnfinishedApply, ApplyError, applyPlan, checkSchema, finishApply, planAgainst, UserError, type Plan } from '../src/index.js';
import { modelOf, runBefore } from './support/cases.js';
import { scratch, type Scratch } from './support/scratch.js';

let s: Scratch;
let plansDir: string;
beforeEach(async () => {
  s = await scratch('library');
  plansDir = await mkdtemp(join(tmpdir(), 'schema-library-plans-'));
});
afterEach(async () => {
  await s.drop();
  await rm(plansDir, { recursive: true, force: true });
});

const USERS = `
tables:
  users:
    columns:
      id: { type: integer, primary_key: true }
      email: text
`;

async function planned(): Promise<Plan> {
  return (await planAgainst(s.db, checkSchema('schema.yaml', USERS))).plan;
}

const columns = async (): Promise<string[]> =>
  (await s.db.query<{ c: string }>("SELECT attname AS c FROM pg_attribute WHERE attrelid = 'public.users'::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum")).map((r) => r.c);

describe('applyPlan from the library', () => {
  it('refuses a data_loss plan without consent, changing nothing, and applies it with consent', async () => {
    await runBefore(s.db, `CREATE TABLE users (id integer PRIMARY KEY, email text, legacy text); INSERT INTO users VALUES (1, 'a', 'old value');`);
    const plan = await planned();
    expect(plan.steps.map((st) => `${st.op} ${st.object}`)).toEqual(['drop_column public.users.legacy']);
    const before = await modelOf(s.db);
    const refused = applyPlan({ db: s.db, plan, plansDir, message: 'drop legacy' });
    await expect(refused).rejects.toThrow(UserError);
    await expect(refused).rejects.toThrow('refusing to apply this step: this plan has hazards that need consent: data_loss (1 step); nothing was changed');
    expect(await modelOf(s.db)).toEqual(before);
    expect(await readdir(plansDir)).toEqual([]);

    const notes: string[] = [];
    const result = await applyPlan({ db: s.db, plan, plansDir, message: 'drop legacy', consent: { allowHazards: ['data_loss'] }, ui: { note: (l) => notes.push(l) } });
    expect(result.revision).not.toBeNull();
    expect(await columns()).toEqual(['id', 'email']);
    expect(await readdir(plansDir)).toHaveLength(1);
    expect(notes).toEqual([]);
  });

  it('a person who says no at the prompt is refused; one who says yes is not', async () => {
    await runBefore(s.db, `CREATE TABLE users (id integer PRIMARY KEY, email text, legacy text); INSERT INTO users VALUES (1, 'a', 'old value');`);
    const plan = await planned();
    const asked: string[] = [];
    const no = { confirm: async (q: string) => (asked.push(q), false) };
    await expect(applyPlan({ db: s.db, plan, plansDir, message: 'drop legacy', ui: no })).rejects.toThrow('apply cancelled; nothing was changed');
    expect(asked).toEqual(["This plan has hazards that need consent: data_loss (1 step).\nType 'yes' to accept them and apply this step: "]);
    expect(await columns()).toEqual(['id', 'email', 'legacy']);
    await applyPlan({ db: s.db, plan, plansDir, message: 'drop legacy', ui: { confirm: async () => true } });
    expect(await columns()).toEqual(['id', 'email']);
  });

  it('a column that holds no value is dropped without consent, and the note says why', async () => {
    await runBefore(s.db, `CREATE TABLE users (id integer PRIMARY KEY, email text, legacy text); INSERT INTO users VALUES (1, 'a', NULL);`);
    const notes: string[] = [];
    await applyPlan({ db: s.db, plan: await planned(), plansDir, message: 'drop legacy', consent: { autoApprove: true }, ui: { note: (l) => notes.push(l) } });
    expect(notes).toEqual(['data_loss: 0 rows here, no consent needed (drop_column public.users.legacy)']);
    expect(await columns()).toEqual(['id', 'email']);
  });

  it('a value written after the figures were counted is caught inside the transaction, which changes nothing', async () => {
    await runBefore(s.db, `CREATE TABLE users (id integer PRIMARY KEY, email text, legacy text); INSERT INTO users VALUES (1, 'a', NULL);`);
    const measured = await measurePlan(s.db, await planned());
    expect(measured.steps[0]!.hazards.filter((h) => h.code === 'data_loss').map((h) => h.rows)).toEqual([0]);
    await s.db.exec(`UPDATE public.users SET legacy = 'written meanwhile'`);
    const run = applyPlan({ db: s.db, plan: measured, plansDir, message: 'drop legacy', consent: { autoApprove: true }, dataChecks: false });
    await expect(run).rejects.toThrow(ApplyError);
    await expect(run).rejects.toThrow(/refusing to apply this step: this plan has hazards that need consent: data_loss \(1 step\); nothing was changed/);
    expect(await columns()).toEqual(['id', 'email', 'legacy']);
    expect(await readdir(plansDir)).toEqual([]);
  });
});

describe('an apply cut short, finished or abandoned from the library', () => {
  const typeOfN = async (): Promise<string> => (await s.db.query<{ t: string }>("SELECT format_type(atttypid, atttypmod) AS t FROM pg_attribute WHERE attrelid = 'public.users'::regclass AND attname = 'n'"))[0]!.t;

  /**
   * An online apply that makes email NOT NULL and narrows n to integer (lossy_type_change,
   * consented to): it stops at the step that validates email (a NULL is in the way), before
   * the narrowing, then the row is fixed.
   */
  async function cutShort(): Promise<void> {
    await runBefore(s.db, `CREATE TABLE users (id integer PRIMARY KEY, email text, n bigint); INSERT INTO users VALUES (1, 'a', 1), (2, NULL, 2);`);
    const desired = USERS.replace('email: text', 'email: { type: text, nullable: false }\n      n: integer');
    const { plan } = await planAgainst(s.db, checkSchema('schema.yaml', desired), { online: true });
    const run = applyPlan({ db: s.db, plan, plansDir, message: 'email required', online: PATIENT, dataChecks: false, consent: { allowHazards: ['lossy_type_change'] } });
    await expect(run).rejects.toThrow(ApplyError);
    await s.db.exec(`UPDATE public.users SET email = 'b' WHERE id = 2`);
  }

  it('finishing asks consent for the hazards of what is left, and is refused without it', async () => {
    await cutShort();
    const pending = (await interruptedApply(s.db))!;
    const left = pending.steps.slice(pending.done).map((st) => `${st.op} ${st.object}`);
    expect(left).toContain('alter_column public.users.n');
    const request = { plansDir, settings: PATIENT };
    const refused = finishApply(s.db, pending, request);
    await expect(refused).rejects.toThrow(UserError);
    await expect(refused).rejects.toThrow('refusing to finish it: what is left has hazards that need consent: lossy_type_change (1 step); nothing was changed');
    const asked: string[] = [];
    await expect(finishApply(s.db, pending, { ...request, ui: { confirm: async (q) => (asked.push(q), false) } })).rejects.toThrow('finish cancelled; nothing was changed');
    expect(asked).toEqual(["What is left has hazards that need consent: lossy_type_change (1 step).\nType 'yes' to accept them and finish it: "]);
    expect((await interruptedApply(s.db))?.done).toBe(pending.done);
    expect(await typeOfN()).toBe('bigint');

    const done = await finishApply(s.db, pending, { ...request, consent: { allowHazards: ['lossy_type_change'] } });
    expect(done.revision).toBe(pending.revision);
    expect(await interruptedApply(s.db)).toBeNull();
    expect(await typeOfN()).toBe('integer');
    expect(await readdir(plansDir)).toHaveLength(1);
  });

  it('abandoning is asked at the prompt when there is one: no keeps the record, yes drops it', async () => {
    await cutShort();
    const pending = (await interruptedApply(s.db))!;
    const asked: string[] = [];
    await expect(abandonUnfinishedApply(s.db, pending, { plansDir, ui: { confirm: async (q) => (asked.push(q), false) } })).rejects.toThrow('abandon cancelled; nothing was changed');
    expect(asked).toEqual(["Abandon it? Only 'yes' will be accepted: "]);
    expect((await interruptedApply(s.db))?.revision).toBe(pending.revision);
    await abandonUnfinishedApply(s.db, pending, { plansDir, ui: { confirm: async () => true } });
    expect(await interruptedApply(s.db)).toBeNull();
    // The steps it finished stay done; the rest never ran.
    expect(await typeOfN()).toBe('bigint');
  });
});
