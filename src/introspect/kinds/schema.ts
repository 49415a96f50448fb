// Schemas: the catalog query and its rows.
import { notExtensionMember, schemaFilter } from '../scope.js';

export interface SchemaRow {
  readonly name: string;
}

export function schemasSql(): string {
  return `SELECT n.nspname AS name FROM pg_catalog.pg_namespace n
    WHERE ${schemaFilter('n')} AND ${notExtensionMember('pg_catalog.pg_namespace', 'n.oid')}
    ORDER BY 1`;
}
