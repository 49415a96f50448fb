// Order from dependencies: steps declare what they provide, require, remove and release; the
// order keeps every such edge, lets the SPEC's phases decide among independent steps, keeps
// the input order otherwise, and names the steps of a cycle.
import { describe, expect, it } from 'vitest';
import { order } from '../../src/plan/order.js';
import type { Draft } from '../../src/plan/steps.js';

type Tokens = Partial<Pick<Draft, 'provides' | 'requires' | 'removes' | 'releases'>>;

/** A step known by its object name; only phase and tokens matter to the order. */
function step(object: string, phase: number, tokens: Tokens = {}, op: Draft['op'] = 'alter_column'): Draft {
  return { op, object, phase, sql: [], hazards: [], provides: [], requires: [], removes: [], releases: [], ...tokens };
}

const names = (drafts: readonly Draft[]) => order(drafts).map((d) => d.object);

describe('order', () => {
  it('puts a provider before the steps that require what it provides, whatever their phases', () => {
    const index = step('index', 2, { requires: ['table:t'] });
    const create = step('create t', 4, { provides: ['table:t'] });
    expect(names([index, create])).toEqual(['create t', 'index']);
  });

  it('puts every releaser before the remover', () => {
    const dropTable = step('drop users', 3, { removes: ['table:users'] });
    const dropFk1 = step('drop fk 1', 5, { releases: ['table:users'] });
    const dropFk2 = step('drop fk 2', 5, { releases: ['table:users'] });
    expect(names([dropTable, dropFk1, dropFk2])).toEqual(['drop fk 1', 'drop fk 2', 'drop users']);
  });

  it('puts a remover before the step that provides the same thing again', () => {
    const create = step('create index i', 2, { provides: ['relation:i'] });
    const drop = step('drop index i', 5, { removes: ['relation:i'] });
    expect(names([create, drop])).toEqual(['drop index i', 'create index i']);
  });

  it('does not order a step against itself when it removes and provides one thing (a rename in place)', () => {
    const rename = step('rename', 3, { removes: ['x'], provides: ['x'] });
    const user = step('user', 1, { requires: ['x'] });
    expect(names([user, rename])).toEqual(['rename', 'user']);
  });

  it('chains the three rules: release, remove, provide again, require', () => {
    const addFk = step('add fk', 6, { requires: ['key:users(id)'] });
    const addPk = step('add pk', 5, { provides: ['key:users(id)'] });
    const dropPk = step('drop pk', 2, { removes: ['key:users(id)'] });
    const dropFk = step('drop fk', 1, { releases: ['key:users(id)'] });
    expect(names([addFk, addPk, dropPk, dropFk])).toEqual(['drop fk', 'drop pk', 'add pk', 'add fk']);
    // The same answer from any input order.
    expect(names([dropPk, addFk, dropFk, addPk])).toEqual(['drop fk', 'drop pk', 'add pk', 'add fk']);
  });

  it('lets the phase decide among independent steps', () => {
    const drafts = [step('fk', 6), step('column', 5), step('enum', 4), step('drop', 3), step('check', 2), step('drop fk', 1)];
    expect(names(drafts)).toEqual(['drop fk', 'check', 'drop', 'enum', 'column', 'fk']);
  });

  it('follows the SPEC order for a realistic mix', () => {
    const drafts = [
      step('public.orders.orders_user_fk', 6, { requires: ['table:users', 'table:orders', 'key:users(id)'] }, 'add_foreign_key'),
      step('public.orders', 4, { provides: ['table:orders'] }, 'create_table'),
      step('public.old', 3, { removes: ['table:old'] }, 'drop_table'),
      step('public.users', 4, { provides: ['table:users', 'key:users(id)'] }, 'create_table'),
      step('public.old.old_fk', 1, { releases: ['table:old'] }, 'drop_foreign_key'),
      step('public.orders_idx', 5, { requires: ['table:orders'] }, 'create_index'),
    ];
    expect(order(drafts).map((d) => d.op)).toEqual(['drop_foreign_key', 'drop_table', 'create_table', 'create_table', 'create_index', 'add_foreign_key']);
    // the two tables keep their written order
    expect(
      order(drafts)
        .filter((d) => d.op === 'create_table')
        .map((d) => d.object),
    ).toEqual(['public.orders', 'public.users']);
  });

  it('keeps the input order among steps of one phase, and among steps the edges leave free', () => {
    const drafts = ['e', 'b', 'd', 'a', 'c'].map((n) => step(n, 5));
    expect(names(drafts)).toEqual(['e', 'b', 'd', 'a', 'c']);
    // a step freed late by its provider still goes by phase, then input order
    const late = step('late', 5, { requires: ['p'] });
    const p = step('p', 4, { provides: ['p'] });
    const early = step('early', 5);
    expect(names([late, p, early])).toEqual(['p', 'late', 'early']);
  });

  it('keeps every step exactly once', () => {
    const drafts = Array.from({ length: 50 }, (_, i) => step(`s${i}`, ((i * 7) % 6) + 1, i > 0 ? { requires: [`t${i - 1}`], provides: [`t${i}`] } : { provides: ['t0'] }));
    const out = names(drafts);
    expect(out).toEqual(drafts.map((d) => d.object)); // a chain: input order is the only order
    expect(new Set(out).size).toBe(50);
    expect(order([])).toEqual([]);
  });

  it('names the steps of a cycle, and not the ones that could run', () => {
    const a = step('public.a', 4, { provides: ['a'], requires: ['b'] }, 'create_table');
    const b = step('public.b', 4, { provides: ['b'], requires: ['a'] }, 'create_table');
    const free = step('public.free', 4, {}, 'create_table');
    let message = '';
    try {
      order([free, a, b]);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/cycle/);
    expect(message).toContain('create_table public.a');
    expect(message).toContain('create_table public.b');
    expect(message).not.toContain('public.free');
  });

  it('leaves out of the message the steps that only wait for the cycle', () => {
    const a = step('a', 4, { provides: ['a'], requires: ['b'] });
    const b = step('b', 4, { provides: ['b'], requires: ['a'] });
    const c = step('c', 4, { requires: ['a'] });
    expect(() => order([a, b, c])).toThrow(/cycle: alter_column a, alter_column b$/);
  });

  it('finds a cycle made by removal edges too', () => {
    // y removes what x provides (y before x), and x provides what y requires (x before y)
    const x = step('x', 3, { provides: ['k', 'j'] });
    const y = step('y', 3, { removes: ['k'], requires: ['j'] });
    expect(() => order([x, y])).toThrow(/cycle: alter_column x, alter_column y/);
  });
});
