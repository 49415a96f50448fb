// `schema stamp`: a database built some other way is recorded at a revision, nothing of the
// chain runs on it, and upgrade then runs only what follows. Refused, recording nothing, when the
// database is not that state, already has revisions, or plans/ is empty.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { prefixOf, useProject, V1, V2, V3 } from './support/project.js';

/** V2 built by hand, as a team would before adopting schema. */
const V2_BY_HAND = 'CREATE TABLE public.users (id integer PRIMARY KEY, email text); CREATE TABLE public.notes (id integer PRIMARY KEY, body text)';

const ledger = 'SELECT revision FROM schema_tool.revisions ORDER BY seq';

describe('schema stamp', () => {
  const p = useProject('stamp');

  it('records the revision and those before it, runs none of them, and upgrade runs only what follows', async () => {
    const ids = [await p.applyYaml(p.dev.db, V1, 'users'), await p.applyYaml(p.dev.db, V2, 'notes'), await p.applyYaml(p.dev.db, V3, 'tags')];
    await writeFile(join(p.dir, 'schema.yaml'), V3);
    const prod = await p.another('prod');
    await prod.db.exec(V2_BY_HAND);
    await prod.db.exec('INSERT INTO public.notes VALUES (1, $$kept$$)');

    // At head it would need the tags table: refused, nothing recorded.
    const refused = p.cli(prod.url, 'stamp');
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain(`error: this database is not the schema at revision ${ids[2]}`);
    expect(refused.stderr).toContain('1 difference (it would take create_table public.tags); nothing was stamped');
    expect(await prod.db.query("SELECT to_regclass('schema_tool.revisions')::text AS t")).toEqual([{ t: null }]);

    // At the second revision (by a prefix of its id): recorded with the first.
    const stamped = p.cli(prod.url, 'stamp', prefixOf(ids[1]!, 6));
    expect(stamped.status, stamped.stderr).toBe(0);
    expect(stamped.stdout).toContain(`Stamped revision ${ids[1]} (`);
    expect(stamped.stdout).toContain('and the 1 revision before it: recorded as applied, nothing was run.');
    expect((await prod.db.query<{ revision: string }>(ledger)).map((r) => r.revision)).toEqual(ids.slice(0, 2));
    expect(await prod.db.query('SELECT body FROM public.notes')).toEqual([{ body: 'kept' }]);
    expect(p.cli(prod.url, 'current').stdout).toContain(ids[1]);

    // Upgrade runs the third only; then the database is at head and check passes.
    const upgraded = p.cli(prod.url, 'upgrade', '--auto-approve');
    expect(upgraded.status, upgraded.stderr).toBe(0);
    expect((await prod.db.query<{ revision: string }>(ledger)).map((r) => r.revision)).toEqual(ids);
    expect(await prod.db.query("SELECT to_regclass('public.tags')::text AS t")).toEqual([{ t: 'public.tags' }]);
    const check = p.cli(prod.url, 'check');
    expect(check.status, check.stdout + check.stderr).toBe(0);

    // Stamping again is refused: upgrade and downgrade move a database that has revisions.
    const again = p.cli(prod.url, 'stamp');
    expect(again.status).toBe(1);
    expect(again.stderr).toContain(`error: this database is at revision ${ids[2]} already (3 applied)`);
  });

  it('is refused when plans/ holds no revision, and on an unknown revision', async () => {
    await writeFile(join(p.dir, 'schema.yaml'), V1);
    const none = p.cli(p.dev.url, 'stamp');
    expect(none.status).toBe(1);
    expect(none.stderr).toContain('holds no revision to stamp; nothing was stamped');
    await p.applyYaml(p.dev.db, V1, 'users');
    const other = await p.another('other');
    const unknown = p.cli(other.url, 'stamp', 'ffffffff');
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toMatch(/error: .*ffffffff/);
    expect(unknown.stderr).not.toMatch(/internal error|at .*\.js:\d+/);
  });
});
