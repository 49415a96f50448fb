// Catalog rows -> Model, without a server: the rows as the catalog queries return them.
import { describe, expect, it } from 'vitest';
import { buildColumn, buildUnmanaged } from '../../src/introspect/build.js';
import type { ColumnRow, DependentRow } from '../../src/introspect/catalog.js';

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
    const { dependents } = buildUnmanaged([], [], [
      dependent({ kind: 'view', dependent_schema: 'Odd Schema', dependent_name: 'my view' }),
      dependent({ kind: 'policy', dependent_name: 'p', on_table: 'T', own: true }),
      dependent({ kind: 'foreign key', dependent_name: 'kid_fkey', on_table: 'kid', column: null }),
    ]);
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
});
