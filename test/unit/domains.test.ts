// Domains and composite types without a server: what the diff decides (in place, or dropped and
// made again), the type a column's text names, and a domain's check read over a column.
import { describe, expect, it } from 'vitest';
import { diffDomains } from '../../src/diff/kinds/domain.js';
import { diffCompositeTypes } from '../../src/diff/kinds/composite.js';
import { qualifiedTypeOf, type Domain } from '../../src/model/domain.js';
import type { CompositeType } from '../../src/model/composite.js';
import type { Model } from '../../src/model/model.js';
import { valueAs } from '../../src/plan/kinds/domain.js';

const year = (over: Partial<Domain> = {}): Domain => ({
  kind: 'domain',
  schema: 'public',
  name: 'year',
  type: 'integer',
  nullable: true,
  default: null,
  collation: null,
  checks: { year_check: { name: 'year_check', definition: 'CHECK ((VALUE >= 1901))' } },
  comment: null,
  ...over,
});
const withDomains = (...d: Domain[]): Model => ({ schemas: ['public'], enums: {}, tables: {}, domains: Object.fromEntries(d.map((x) => [`public.${x.name}`, x])) });

const point = (attributes: [string, string][]): CompositeType => ({ kind: 'composite_type', schema: 'public', name: 'point2', attributes: attributes.map(([name, type]) => ({ name, type })), comment: null });
const withTypes = (...t: CompositeType[]): Model => ({ schemas: ['public'], enums: {}, tables: {}, types: Object.fromEntries(t.map((x) => [`public.${x.name}`, x])) });

describe('domains', () => {
  it('a changed default, NOT NULL and check are altered in place; a new base type drops and makes it again', () => {
    const altered = diffDomains(withDomains(year()), withDomains(year({ default: '2000', nullable: false, checks: { year_check: { name: 'year_check', definition: 'CHECK ((VALUE >= 1888))' } } })));
    expect(altered).toMatchObject([{ kind: 'alter_domain', default: true, nullable: true, comment: false, dropChecks: [{ name: 'year_check' }], addChecks: [{ name: 'year_check' }] }]);
    expect(diffDomains(withDomains(year()), withDomains(year({ type: 'bigint' }))).map((c) => c.kind)).toEqual(['drop_domain', 'create_domain']);
    expect(diffDomains(withDomains(year()), withDomains(year()))).toEqual([]);
  });

  it('a file without domains: leaves them alone', () => {
    expect(diffDomains(withDomains(year()), { schemas: ['public'], enums: {}, tables: {} })).toEqual([]);
  });

  it('names the type of a column only when it is schema-qualified', () => {
    expect(qualifiedTypeOf('public.year')).toEqual({ schema: 'public', name: 'year' });
    expect(qualifiedTypeOf('public."Odd Year"[]')).toEqual({ schema: 'public', name: 'Odd Year' });
    expect(qualifiedTypeOf('character varying(20)')).toBeNull();
    expect(qualifiedTypeOf('timestamp with time zone')).toBeNull();
  });

  it('reads a check over a column: VALUE replaced outside quoted text and names', () => {
    expect(valueAs("(VALUE >= 1901) AND (VALUE <> 'VALUE')", 'release year')).toBe(`("release year" >= 1901) AND ("release year" <> 'VALUE')`);
  });
});

describe('composite types', () => {
  it('attributes added at the end, dropped and retyped in place; the kept ones reordered: dropped and made again', () => {
    const from = point([
      ['x', 'integer'],
      ['y', 'integer'],
      ['label', 'text'],
    ]);
    const [change] = diffCompositeTypes(
      withTypes(from),
      withTypes(
        point([
          ['x', 'bigint'],
          ['label', 'text'],
          ['z', 'integer'],
        ]),
      ),
    );
    expect(change).toMatchObject({ kind: 'alter_composite_type', add: [{ name: 'z' }], drop: [{ name: 'y' }], retype: [{ name: 'x', type: 'bigint' }] });
    expect(
      diffCompositeTypes(
        withTypes(from),
        withTypes(
          point([
            ['label', 'text'],
            ['x', 'integer'],
          ]),
        ),
      ).map((c) => c.kind),
    ).toEqual(['drop_composite_type', 'create_composite_type']);
    expect(
      diffCompositeTypes(
        withTypes(from),
        withTypes(
          point([
            ['x', 'integer'],
            ['z', 'integer'],
            ['y', 'integer'],
          ]),
        ),
      ).map((c) => c.kind),
    ).toEqual(['drop_composite_type', 'create_composite_type']);
  });
});
