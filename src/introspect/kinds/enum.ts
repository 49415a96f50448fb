// Enums: the catalog query, its rows and the Model they build.
import { objectPath } from '../../model/identifiers.js';
import type { EnumType } from '../../model/model.js';
import { notExtensionMember, schemaFilter } from '../scope.js';

export interface EnumRow {
  readonly schema: string;
  readonly name: string;
  readonly values: string[];
}

export function enumsSql(): string {
  return `SELECT n.nspname AS schema, t.typname AS name,
      (SELECT json_agg(e.enumlabel ORDER BY e.enumsortorder) FROM pg_catalog.pg_enum e WHERE e.enumtypid = t.oid) AS values
    FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
    WHERE t.typtype = 'e' AND ${schemaFilter('n')} AND ${notExtensionMember('pg_catalog.pg_type', 't.oid')}
    ORDER BY 1, 2`;
}

export function buildEnums(rows: readonly EnumRow[]): Record<string, EnumType> {
  const out: Record<string, EnumType> = {};
  for (const row of rows) {
    out[objectPath(row.schema, row.name)] = { kind: 'enum', schema: row.schema, name: row.name, values: row.values ?? [] };
  }
  return out;
}
