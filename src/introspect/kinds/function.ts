// Functions and procedures: the catalog query, its rows and the Model they build. The whole
// statement is read with pg_get_functiondef, the signature with pg_get_function_identity_arguments.
// Aggregates and window functions are left alone (counted by unmanagedSql).
import { normalRoutineDefinition, routinePath, type Routine } from '../../model/routine.js';
import { notExtensionMember, schemaFilter, type Scope } from '../scope.js';

/** A row: the Model's fields, with pg_get_functiondef's text as printed (buildRoutine trims it). */
export type RoutineRow = Omit<Routine, 'kind'>;

const columns = `n.nspname AS schema, p.proname AS name, p.prokind = 'p' AS procedure,
      pg_catalog.pg_get_function_identity_arguments(p.oid) AS identity, pg_catalog.pg_get_function_arguments(p.oid) AS arguments,
      CASE WHEN p.prokind = 'p' THEN NULL ELSE pg_catalog.pg_get_function_result(p.oid) END AS result,
      pg_catalog.pg_get_functiondef(p.oid) AS definition`;

/** The user's functions and procedures (prokind 'f' or 'p', not an extension's), in the order they were made. */
export function routinesSql(scope: Scope): string {
  const where = scope === 'temp' ? 'p.pronamespace = pg_catalog.pg_my_temp_schema()' : `${schemaFilter('n')} AND ${notExtensionMember('pg_catalog.pg_proc', 'p.oid')}`;
  return `SELECT ${columns}
    FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
    WHERE p.prokind IN ('f', 'p') AND ${where}
    ORDER BY p.oid`;
}

/** The functions of the temporary schema named $1: how the spelling transaction reads one back. */
export function routineByNameSql(): string {
  return `SELECT ${columns}
    FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
    WHERE p.pronamespace = pg_catalog.pg_my_temp_schema() AND p.proname = $1
    ORDER BY p.oid`;
}

export function buildRoutine(r: RoutineRow): Routine {
  return { kind: 'function', schema: r.schema, name: r.name, procedure: r.procedure, identity: r.identity, arguments: r.arguments, result: r.result, definition: normalRoutineDefinition(r.definition) };
}

export function buildRoutines(rows: readonly RoutineRow[]): Record<string, Routine> {
  return Object.fromEntries(rows.map((r) => [routinePath(r), buildRoutine(r)]));
}
