// Functions and procedures without a server: what the diff decides (in place, drop and make
// again, a new signature is a new object), the order of their steps around tables and enums,
// and the statement check of the loader.
import { describe, expect, it } from 'vitest';
import { checkRoutine } from '../../src/desired/sql-routine.js';
import { diff } from '../../src/diff/diff.js';
import { noHints } from '../../src/model/hints.js';
import type { Model } from '../../src/model/model.js';
import { routinePath, signatureNames, type Routine } from '../../src/model/routine.js';
import { stepsFor } from '../../src/plan/plan.js';

const fn = (body: string, over: Partial<Routine> = {}): Routine => {
  const r = { kind: 'function' as const, schema: 'public', name: 'add', procedure: false, identity: 'a integer, b integer', arguments: 'a integer, b integer', result: 'integer', ...over };
  return { ...r, definition: `CREATE OR REPLACE FUNCTION public.${r.name}(${r.arguments})\n RETURNS ${r.result ?? ''}\n LANGUAGE sql\nAS $function$ ${body} $function$` };
};
const model = (functions: Routine[] | undefined, extra: Partial<Model> = {}): Model => ({
  schemas: ['public'],
  enums: {},
  tables: {},
  ...(functions ? { functions: Object.fromEntries(functions.map((f) => [routinePath(f), f])) } : {}),
  ...extra,
});
const steps = (from: Model, to: Model): string[] => stepsFor(diff(from, to, noHints).changes, to).map((s) => `${s.op} ${s.object}`);

describe('the diff of functions', () => {
  it('a new body is replaced in place, a new result is dropped and made again in one step', () => {
    const [inPlace] = diff(model([fn('SELECT a + b')]), model([fn('SELECT b + a')]), noHints).changes;
    expect(inPlace).toMatchObject({ kind: 'replace_function', recreate: false });
    const [recreate] = diff(model([fn('SELECT a + b')]), model([fn('SELECT a + b', { result: 'bigint' })]), noHints).changes;
    expect(recreate).toMatchObject({ kind: 'replace_function', recreate: true });
    const drafts = stepsFor([recreate!], model([]));
    expect(drafts[0]!.sql[0]).toBe('DROP FUNCTION public.add(a integer, b integer)');
  });

  it('a new signature is a new function and the old one is dropped; a Model without functions leaves them alone', () => {
    expect(steps(model([fn('SELECT a + b')]), model([fn('SELECT a + b', { identity: 'a bigint, b bigint', arguments: 'a bigint, b bigint' })]))).toEqual([
      'create_function public.add(a bigint, b bigint)',
      'drop_function public.add(a integer, b integer)',
    ]);
    expect(steps(model([fn('SELECT a + b')]), model(undefined))).toEqual([]);
  });

  it('made before the tables, after the enums; dropped after the tables, before the enums', () => {
    const enumMood = { 'public.mood': { kind: 'enum' as const, schema: 'public', name: 'mood', values: ['a'] } };
    const table = { kind: 'table', schema: 'public', name: 't', columns: [], primaryKey: null, uniques: {}, checks: {}, indexes: {}, foreignKeys: {}, comment: null } as unknown as Model['tables'][string];
    const full = model([fn('SELECT 1')], { enums: enumMood, tables: { 'public.t': table } });
    expect(steps(model(undefined), full)).toEqual(['create_enum public.mood', 'create_function public.add(a integer, b integer)', 'create_table public.t']);
    expect(steps(full, model([]))).toEqual(['drop_table public.t', 'drop_function public.add(a integer, b integer)', 'drop_enum public.mood']);
  });
});

describe('the statement of a function', () => {
  it('is one CREATE FUNCTION or PROCEDURE; its name can be replaced where it is written', () => {
    const checked = checkRoutine('create or replace function "My"."f" (x int) returns int language sql return x;\n');
    expect(checked.ok && checked.value.name).toEqual(['My', 'f']);
    expect(checked.ok && checked.value.named('pg_temp.stand_in')).toBe('create or replace function pg_temp.stand_in (x int) returns int language sql return x');
    const body = checkRoutine('CREATE PROCEDURE p() LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END;');
    expect(body.ok && body.value.procedure).toBe(true);
    expect(checkRoutine('CREATE VIEW v AS SELECT 1')).toMatchObject({ ok: false, error: { message: 'this is VIEW, not a CREATE FUNCTION, CREATE PROCEDURE or CREATE AGGREGATE' } });
  });
});

describe('signatureNames: the tables a signature takes or returns', () => {
  const cases: [string, string, string | null, string[]][] = [
    ['none', 'a integer, b integer', 'integer', []],
    ['SETOF a table', '', 'SETOF public.t', ['public.t']],
    ['a row argument and a quoted schema', 'r "my ""odd"" schema"."T", n integer', 'void', ['my "odd" schema.T']],
    ['a procedure, no result', 'IN r billing.invoice', null, ['billing.invoice']],
  ];
  it.each(cases)('%s', (_name, args, result, names) => {
    expect(signatureNames({ arguments: args, result }).map((n) => `${n.schema}.${n.name}`)).toEqual(names);
  });
});
