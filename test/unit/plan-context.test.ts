// Where a plan was made, as the pull-request comment says it, and the key of its marker: the
// server's user, host, port and database and never its password, whatever form the URL takes.
import { describe, expect, it } from 'vitest';
import { resolveTarget } from '../../src/db/target.js';
import { planContext } from '../../src/github/context.js';
import { markerKey, markerLine, markerOf, renderMarkdown } from '../../src/render/markdown.js';
import { buildPlan } from '../../src/plan/plan.js';
import { noHints } from '../../src/model/hints.js';

const at = new Date('2026-12-06T12:34:56Z');
const on = (url: string) => planContext(resolveTarget({ url, env: {}, cwd: '/work/app' }), 'db/schema.yaml', 'plans', ['20261206_1200_ab12cd'], at);

describe('the context of a plan', () => {
  it.each([
    ['postgres://ci:s3cret@db.internal:5432/app', 'ci@db.internal:5432/app', 'db.internal:5432/app:db/schema.yaml'],
    ['postgresql://ci@db.internal/app?password=s3cret&sslmode=require', 'ci@db.internal/app', 'db.internal/app:db/schema.yaml'],
    ['host=10.0.0.5 port=6432 dbname=shop user=ci password=s3cret', 'ci@10.0.0.5:6432/shop', '10.0.0.5:6432/shop:db/schema.yaml'],
    ['postgresql://ci:s3cret@/app?host=/var/run/postgresql', 'ci@/var/run/postgresql/app', '/var/run/postgresql/app:db/schema.yaml'],
  ])('%s: %s', (url, where, key) => {
    const context = on(url);
    expect(context.where).toBe(where);
    expect(context.marker).toBe(key);
    expect(JSON.stringify(context)).not.toContain('s3cret');
  });

  it('the embedded database says so', () => {
    const context = planContext(resolveTarget({ env: {}, cwd: '/work/app' }), 'schema.yaml', 'plans/', [], at);
    expect(context).toMatchObject({ where: '.schema/ (the embedded PostgreSQL)', marker: 'embedded:schema.yaml', plansDir: 'plans/' });
  });

  it('is the head of the comment: marker first, then where, when (UTC) and the heads', () => {
    const plan = buildPlan({ current: { schemas: ['public'], enums: {}, tables: {} }, desired: { schemas: ['public'], enums: {}, tables: {} }, hints: noHints });
    const md = renderMarkdown(plan, undefined, { context: { ...on('postgres://ci:s3cret@db.internal:5432/app'), heads: ['a1', 'b2'] } });
    expect(md.split('\n').slice(0, 4)).toEqual([
      '<!-- schema-plan: db.internal:5432/app:db/schema.yaml -->',
      '### schema plan: no changes',
      '',
      '<sub>Planned on `ci@db.internal:5432/app` at 2026-12-06 12:34 UTC; `plans/` is at heads `a1`, `b2` (two branches: `schema merge`).</sub>',
    ]);
  });

  it('a marker key cannot end the HTML comment or break its line', () => {
    const key = 'evil --> <img src=x> \n-->';
    expect(markerKey(key)).not.toMatch(/--|\s|>|</);
    expect(markerLine(key)).toMatch(/^<!-- schema-plan: \S+ -->$/);
    expect(markerOf(`${markerLine(key)}\nbody`)).toBe(markerKey(key));
    expect(markerOf(`text\n${markerLine(key)}\nbody`)).toBeNull();
  });
});
