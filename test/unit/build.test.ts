// Catalog rows -> Model, without a server: the rows as the catalog queries return them.
import { describe, expect, it } from 'vitest';
import { buildColumn, buildUnmanaged } from '../../src/introspect/build.js';
import type { ColumnRow, DependentRow, TypeDependentRow } from '../../src/introspect/catalog.js';

const column = (extra: Partial<ColumnRow>): ColumnRow => ({
  schema: 'public',
  table: 't',
  name: 'c',
  type: 'integer',
  nullable: true,
  default: null,
  generated: null,
  identity: '',
  comment: null,
  enum_schema: null,
  enum_name: null,
  is_array: false,
  owned_sequences: null,
  ...extra,
});

const dependent = (extra: Partial<DependentRow>): DependentRow => ({
  schema: 'public',
  table: 't',
  column: 'a',
  kind: 'view',
  dependent_schema: 'public',
  dependent_name: 'v',
  on_table: null,
  own: false,
  sequence: null,
  ...extra,
});

describe('buildColumn', () => {
  it('a plain column has no generated key at all, so Models of plain tables read as before', () => {
    expect(buildColumn(column({}))).not.toHaveProperty('generated');
  });

  it('a generated column carries its expression', () => {
    expect(buildColumn(column({ generated: '(a * 2)' })).generated).toBe('(a * 2)');
  });
});

describe('buildUnmanaged', () => {
  it('names what stands on a managed table, quoted as SQL would write it', () => {
    const { dependents } = buildUnmanaged(
      [],
      [],
      [
        dependent({ kind: 'view', dependent_schema: 'Odd Schema', dependent_name: 'my view' }),
        dependent({ kind: 'policy', dependent_name: 'p', on_table: 'T', own: true }),
        dependent({ kind: 'foreign key', dependent_name: 'kid_fkey', on_table: 'kid', column: null }),
      ],
    );
    expect(dependents).toEqual([
      { schema: 'public', table: 't', column: 'a', what: 'view "Odd Schema"."my view"', own: false, blocksRetype: true },
      { schema: 'public', table: 't', column: 'a', what: 'policy p on public."T"', own: true, blocksRetype: true },
      { schema: 'public', table: 't', column: null, what: 'foreign key kid_fkey on public.kid', own: false, blocksRetype: false },
    ]);
  });

  it('keeps the tables it leaves alone by name, and their schemas are occupied', () => {
    const u = buildUnmanaged([{ kind: 'partition', schema: 'parts', count: 1 }], [{ schema: 'parts', name: 'm2024', kind: 'partition' }]);
    expect(u).toMatchObject({ counts: { partition: 1 }, occupiedSchemas: ['parts'], tables: [{ schema: 'parts', name: 'm2024', kind: 'partition' }] });
  });

  it('users of an enum are its type dependents; users of a row type stand on the whole table', () => {
    const row = (extra: Partial<TypeDependentRow>): TypeDependentRow => ({
      schema: 'public',
      name: 'mood',
      type_kind: 'enum',
      kind: 'function',
      dependent_schema: 'public',
      dependent_name: 'f',
      on_schema: null,
      on_table: null,
      identity: 'public.f(public.mood)',
      ...extra,
    });
    const u = buildUnmanaged([], [], [], {
      typeDependents: [
        row({}),
        row({ kind: 'policy', dependent_name: 'p', on_schema: 'public', on_table: 'T' }),
        row({ kind: 'operator', dependent_schema: null, dependent_name: null, identity: 'public.===(public.mood,public.mood)' }),
        row({ type_kind: 'table', name: 't', kind: 'function', dependent_name: 'all_t' }),
      ],
      occupied: [{ schema: 'ext' }],
    });
    expect(u.typeDependents).toEqual([
      { schema: 'public', name: 'mood', what: 'function public.f', on: null },
      { schema: 'public', name: 'mood', what: 'policy p on public."T"', on: { schema: 'public', table: 'T' } },
      { schema: 'public', name: 'mood', what: 'operator public.===(public.mood,public.mood)', on: null },
    ]);
    expect(u.dependents).toEqual([{ schema: 'public', table: 't', column: null, what: 'function public.all_t', own: false, blocksRetype: false }]);
    expect(u.occupiedSchemas).toEqual(['ext']);
  });
});
