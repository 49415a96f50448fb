// The team workflow's CI recipe (docs/revisions.md, "Working as a team") on an empty CI
// database, with a chain where one revision drops a column: consent is about data, so the
// revisions whose hazards touch no rows run, and only one that would really lose data waits
// for --allow-hazards (issue 12 defect 1).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Db } from '../src/db/db.js';
import { appliedRevisions } from '../src/revisions/ledger.js';
import { useProject, V1 } from './support/project.js';

const p = useProject('cirecipe');

const WITH_NICK = V1.replace('      email: text\n', '      email: text\n      nick: text\n');
const NOTES = `${V1}  notes:\n    columns:\n      id: { type: integer, primary_key: true }\n`;

/** users; users.nick added; users.nick dropped (data_loss); notes added. schema.yaml is the last. */
async function chain(): Promise<string[]> {
  const ids = [await p.applyYaml(p.dev.db, V1, 'users'), await p.applyYaml(p.dev.db, WITH_NICK, 'nick'), await p.applyYaml(p.dev.db, V1, 'drop nick'), await p.applyYaml(p.dev.db, NOTES, 'notes')];
  await writeFile(join(p.dir, 'schema.yaml'), NOTES);
  return ids;
}

const columns = async (db: Db): Promise<string[]> =>
  (await db.query<{ c: string }>("SELECT attname AS c FROM pg_attribute WHERE attrelid = 'public.users'::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum")).map((r) => r.c);

describe('the CI recipe on an empty database', () => {
  it('upgrade --auto-approve runs the whole chain, the column drop included, and check passes', async () => {
    const ids = await chain();
    const ci = await p.another('ci');
    const up = p.cli(ci.url, 'upgrade', '--auto-approve');
    expect(up.stderr).not.toContain('refusing');
    expect(up.status, up.stderr).toBe(0);
    expect(up.stderr).toContain('data_loss: 0 rows here, no consent needed (drop_column public.users.nick)');
    expect((await appliedRevisions(ci.db)).map((a) => a.revision)).toEqual(ids);
    expect(await columns(ci.db)).toEqual(['id', 'email']);
    const check = p.cli(ci.url, 'check');
    expect(check.status, check.stderr).toBe(0);
  });

  it('only the revision that would lose data waits for consent; those before it run', async () => {
    const ids = await chain();
    const prod = await p.another('prod');
    expect(p.cli(prod.url, 'upgrade', '+2', '--auto-approve').status).toBe(0);
    await prod.db.exec(`INSERT INTO public.users VALUES (1, 'a@example.com', 'ann')`);
    const refused = p.cli(prod.url, 'upgrade', '--auto-approve');
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain(`error: refusing to upgrade revision ${ids[2]} (`);
    expect(refused.stderr).toContain('it has hazards that need consent: data_loss (1 step); it was rolled back');
    expect(refused.stderr).toContain(`the database is still at revision ${ids[1]} (`);
    expect(refused.stderr).toContain('hint: review them above, then pass --allow-hazards data_loss');
    expect(refused.stdout).toContain('(here now: 1 row)');
    expect((await appliedRevisions(prod.db)).map((a) => a.revision)).toEqual(ids.slice(0, 2));
    expect(await columns(prod.db)).toEqual(['id', 'email', 'nick']);
    const allowed = p.cli(prod.url, 'upgrade', '--auto-approve', '--allow-hazards', 'data_loss');
    expect(allowed.status, allowed.stderr).toBe(0);
    expect((await appliedRevisions(prod.db)).map((a) => a.revision)).toEqual(ids);
    expect(await columns(prod.db)).toEqual(['id', 'email']);
  });
});
