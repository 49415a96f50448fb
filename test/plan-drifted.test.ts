// `plan` on a database changed by hand, when schema.yaml now has the same change (defect 2):
// nothing runs here, but `apply` writes a revision. The plan must say so, in every format, and
// --detailed-exitcode must count it as a change, not print "No changes" and exit 0.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useProject, V1 } from './support/project.js';

const p = useProject('plandrift');
const withNick = V1.replace('      email: text\n', '      email: text\n      nick: text\n');

describe('plan on a database that already has, by hand, the change schema.yaml now asks for', () => {
  it('shows the revision apply will write, in text, JSON and markdown, and --detailed-exitcode says there are changes', async () => {
    const first = await p.applyYaml(p.dev.db, V1, 'users');
    await p.dev.db.exec('ALTER TABLE public.users ADD COLUMN nick text');
    await writeFile(join(p.dir, 'schema.yaml'), withNick);

    const text = p.cli(p.dev.url, 'plan', '--detailed-exitcode');
    expect(text.status, text.stderr).toBe(2);
    expect(text.stdout).not.toContain('No changes');
    expect(text.stdout).toContain(`The database changed outside schema since revision ${first} (`);
    expect(text.stdout).toMatch(
      new RegExp(
        `The revision records the change from the state at revision ${first} to schema\\.yaml, which is what \`schema upgrade\` runs on every other database:\\n\\n {2}\\+ {2}1\\. add_column public\\.users\\.nick {2}\\(lock: ACCESS EXCLUSIVE\\)\\n {8}ALTER TABLE public\\.users ADD COLUMN nick text;\\n`,
      ),
    );
    expect(text.stdout).toContain('Nothing runs here: this database already has this change; `schema apply` only records the revision.');

    const json = p.cli(p.dev.url, 'plan', '--format', 'json');
    expect(json.status, json.stderr).toBe(0);
    const doc = JSON.parse(json.stdout) as { steps: unknown[]; revision: { since: string; drift: { op: string; object: string }[]; records: { summary: object; steps: { op: string; object: string; sql: string[] }[] } } };
    expect(doc.steps).toEqual([]);
    expect(doc.revision.since).toBe(first);
    expect(doc.revision.drift.map((s) => `${s.op} ${s.object}`)).toEqual(['add_column public.users.nick']);
    expect(doc.revision.records.summary).toEqual({ add: 1, change: 0, destroy: 0 });
    expect(doc.revision.records.steps.map((s) => [s.op, s.object, s.sql])).toEqual([['add_column', 'public.users.nick', ['ALTER TABLE public.users ADD COLUMN nick text']]]);

    const markdown = p.cli(p.dev.url, 'plan', '--format', 'markdown');
    expect(markdown.status, markdown.stderr).toBe(0);
    // After the comment's hidden marker line (see docs/pull-requests.md), first of all.
    expect(markdown.stdout).toMatch(/^<!-- schema-plan: [^\n]* -->\n### schema apply records a revision: 1 to add, 0 to change, 0 to destroy\.\n/);
    expect(markdown.stdout).toContain('- add\\_column public.users.nick\n');

    // Plan changed nothing; apply then writes exactly that revision, and plan has nothing more to say.
    expect(await readdir(p.plansDir)).toHaveLength(1);
    const applied = p.cli(p.dev.url, 'apply', '--auto-approve', '-m', 'nick');
    expect(applied.status, applied.stderr).toBe(0);
    expect(await readFile(await p.fileOf('nick'), 'utf8')).toContain('ALTER TABLE public.users ADD COLUMN nick text;');
    const after = p.cli(p.dev.url, 'plan', '--detailed-exitcode');
    expect(after.status, after.stderr).toBe(0);
    expect(after.stdout).toContain('No changes.');
    expect(JSON.parse(p.cli(p.dev.url, 'plan', '--format', 'json').stdout)).not.toHaveProperty('revision');
  });

  it('a database changed by hand in a way schema.yaml undoes records no revision: the plan is the one that runs here, without a revision section', async () => {
    await p.applyYaml(p.dev.db, V1, 'users');
    await p.dev.db.exec('ALTER TABLE public.users ADD COLUMN junk integer');
    await writeFile(join(p.dir, 'schema.yaml'), V1);
    const text = p.cli(p.dev.url, 'plan');
    expect(text.status, text.stderr).toBe(0);
    expect(text.stdout).not.toContain('The revision records');
    expect(text.stdout).toMatch(/ {2}- {2}1\. drop_column public\.users\.junk/);
    expect(JSON.parse(p.cli(p.dev.url, 'plan', '--format', 'json').stdout)).not.toHaveProperty('revision');
  });
});
