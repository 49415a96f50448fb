// Triggers: the catalog query, its rows and the Model they build. The whole statement is read
// with pg_get_triggerdef. Only triggers of the user (not internal: a foreign key's are its own),
// not constraint triggers, on plain tables; the others are counted by unmanagedSql.
import { triggerPath, type Trigger } from '../../model/trigger.js';
import { notExtensionMember, plainTable, schemaFilter, type Scope } from '../scope.js';

export interface TriggerRow {
  readonly schema: string;
  readonly table: string;
  readonly name: string;
  readonly definition: string;
}

/** The condition a trigger `tg` on table `c` must meet to be managed. */
export const managedTrigger = (tg = 'tg', c = 'c'): string => `NOT ${tg}.tgisinternal AND ${tg}.tgconstraint = 0 AND ${plainTable(c)}`;

/** The user's managed triggers, in the order they were made. */
export function triggersSql(scope: Scope): string {
  const where = scope === 'temp' ? 'c.relnamespace = pg_catalog.pg_my_temp_schema()' : `${schemaFilter('n')} AND ${notExtensionMember('pg_catalog.pg_class', 'c.oid')}`;
  return `SELECT n.nspname AS schema, c.relname AS table, tg.tgname AS name, pg_catalog.pg_get_triggerdef(tg.oid) AS definition
    FROM pg_catalog.pg_trigger tg JOIN pg_catalog.pg_class c ON c.oid = tg.tgrelid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE ${managedTrigger()} AND ${where}
      -- A partition's copy of a trigger of its parent is the parent's.
      AND tg.tgparentid = 0
    ORDER BY tg.oid`;
}

/** The definition of the trigger named $2 on the table whose oid is $1: how the spelling transaction reads one back. */
export const triggerDefinitionSql = (): string => 'SELECT pg_catalog.pg_get_triggerdef(tg.oid) AS definition FROM pg_catalog.pg_trigger tg WHERE tg.tgrelid = $1::regclass AND tg.tgname = $2';

export function buildTriggers(rows: readonly TriggerRow[]): Record<string, Trigger> {
  return Object.fromEntries(rows.map((r) => [triggerPath(r), { kind: 'trigger', schema: r.schema, table: r.table, name: r.name, definition: r.definition.trim() }]));
}
