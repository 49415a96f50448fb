// What every catalog query shares: which schemas and relations are the user's, and how a query
// is read back as JSON.
import { quoteLiteral } from '../model/identifiers.js';
import { LEDGER_SCHEMA } from '../model/model.js';

export type Scope = 'database' | 'temp';

export const SYSTEM_SCHEMAS = ['pg_catalog', 'information_schema', LEDGER_SCHEMA].map(quoteLiteral).join(', ');

/** Schemas whose objects are user objects. */
export function schemaFilter(n: string): string {
  return `${n}.nspname NOT IN (${SYSTEM_SCHEMAS}) AND ${n}.nspname !~ '^pg_(toast|temp_)'`;
}

/** Objects created by an extension belong to the extension, not to the user. */
export function notExtensionMember(catalog: string, oid: string): string {
  return `NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend dep WHERE dep.classid = '${catalog}'::regclass AND dep.objid = ${oid} AND dep.deptype = 'e')`;
}

export function relationScope(scope: Scope, c = 'c', n = 'n'): string {
  if (scope === 'temp') return `${c}.relnamespace = pg_catalog.pg_my_temp_schema()`;
  return `${schemaFilter(n)} AND ${notExtensionMember('pg_catalog.pg_class', `${c}.oid`)}`;
}

/**
 * A managed table: a plain table, a partitioned table or a partition (of a partitioned table),
 * in no inheritance tree made by INHERITS. Those are counted and left alone (their DDL is more
 * than a column list).
 */
export function plainTable(c = 'c'): string {
  return `${c}.relkind IN ('r', 'p')
    AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_inherits inh WHERE (inh.inhrelid = ${c}.oid AND NOT ${c}.relispartition) OR (inh.inhparent = ${c}.oid AND ${c}.relkind = 'r'))`;
}

/** What an unmanaged table is, for people: `partitioned table`, `partition`, ... */
export function tableKind(c = 'c'): string {
  return `CASE WHEN ${c}.relispartition THEN 'partition' WHEN ${c}.relkind = 'p' THEN 'partitioned table'
      WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_inherits inh WHERE inh.inhrelid = ${c}.oid) THEN 'inheriting table'
      ELSE 'inheritance parent' END`;
}

export const cls = (name: string): string => `'pg_catalog.${name}'::regclass`;

export const asJsonArray = (select: string): string => `(SELECT coalesce(json_agg(row_to_json(x)), '[]'::json) FROM (${select}) x)`;

/** A sequence that belongs to a column (serial, identity): it goes with its table. */
export function ownedSequence(c = 'c'): string {
  return `${c}.relkind = 'S' AND EXISTS (SELECT 1 FROM pg_catalog.pg_depend o
    WHERE o.classid = ${cls('pg_class')} AND o.objid = ${c}.oid AND o.deptype IN ('a', 'i'))`;
}
