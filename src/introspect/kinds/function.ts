// Functions and procedures: the catalog query, its rows and the Model they build. The whole
// statement is read with pg_get_functiondef, the signature with pg_get_function_identity_arguments.
// An aggregate, which pg_get_functiondef refuses, is read as the CREATE OR REPLACE AGGREGATE
// statement built from pg_aggregate (every option that differs from CREATE AGGREGATE's default),
// by the same query for the database and for the spelling, so both sides are the same text.
// Window functions are left alone (counted by unmanagedSql).
import { normalRoutineDefinition, routinePath, type Routine } from '../../model/routine.js';
import { notExtensionMember, schemaFilter, type Scope } from '../scope.js';

/** A row: the Model's fields, with pg_get_functiondef's text as printed (buildRoutine trims it). */
export type RoutineRow = Omit<Routine, 'kind' | 'aggregate'> & { readonly aggregate: boolean };

/** A finalfunc_modify value when it is not the default (READ_ONLY for a plain aggregate, READ_WRITE for an ordered-set one). */
const modify = (column: string, option: string): string =>
  `CASE WHEN ${column} <> CASE a.aggkind WHEN 'n' THEN 'r' ELSE 'w' END THEN '${option} = ' || CASE ${column} WHEN 'r' THEN 'READ_ONLY' WHEN 's' THEN 'SHAREABLE' ELSE 'READ_WRITE' END END`;
const fn = (column: string, option: string): string => `CASE WHEN ${column} <> 0 THEN '${option} = ' || ${column}::pg_catalog.regproc END`;

/** The CREATE OR REPLACE AGGREGATE statement of aggregate p (its options in the order of the manual's synopsis). */
const aggregateDefinition = `(SELECT 'CREATE OR REPLACE AGGREGATE ' || pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(p.proname)
        || '(' || CASE WHEN p.pronargs = 0 THEN '*' ELSE pg_catalog.pg_get_function_arguments(p.oid) END || ') ('
        || pg_catalog.concat_ws(', ', 'SFUNC = ' || a.aggtransfn::pg_catalog.regproc, 'STYPE = ' || pg_catalog.format_type(a.aggtranstype, NULL),
          CASE WHEN a.aggtransspace <> 0 THEN 'SSPACE = ' || a.aggtransspace END,
          ${fn('a.aggfinalfn', 'FINALFUNC')}, CASE WHEN a.aggfinalextra THEN 'FINALFUNC_EXTRA' END, ${modify('a.aggfinalmodify', 'FINALFUNC_MODIFY')},
          ${fn('a.aggcombinefn', 'COMBINEFUNC')}, ${fn('a.aggserialfn', 'SERIALFUNC')}, ${fn('a.aggdeserialfn', 'DESERIALFUNC')},
          'INITCOND = ' || pg_catalog.quote_literal(a.agginitval),
          ${fn('a.aggmtransfn', 'MSFUNC')}, ${fn('a.aggminvtransfn', 'MINVFUNC')},
          CASE WHEN a.aggmtranstype <> 0 THEN 'MSTYPE = ' || pg_catalog.format_type(a.aggmtranstype, NULL) END,
          CASE WHEN a.aggmtransspace <> 0 THEN 'MSSPACE = ' || a.aggmtransspace END,
          ${fn('a.aggmfinalfn', 'MFINALFUNC')}, CASE WHEN a.aggmfinalextra THEN 'MFINALFUNC_EXTRA' END,
          CASE WHEN a.aggmtransfn <> 0 THEN ${modify('a.aggmfinalmodify', 'MFINALFUNC_MODIFY')} END,
          'MINITCOND = ' || pg_catalog.quote_literal(a.aggminitval),
          CASE WHEN a.aggsortop <> 0 THEN 'SORTOP = OPERATOR(' || a.aggsortop::pg_catalog.regoper || ')' END,
          CASE WHEN a.aggkind = 'h' THEN 'HYPOTHETICAL' END,
          CASE p.proparallel WHEN 's' THEN 'PARALLEL = SAFE' WHEN 'r' THEN 'PARALLEL = RESTRICTED' END) || ')'
      FROM pg_catalog.pg_aggregate a WHERE a.aggfnoid = p.oid)`;

const columns = `n.nspname AS schema, p.proname AS name, p.prokind = 'p' AS procedure, p.prokind = 'a' AS aggregate,
      pg_catalog.pg_get_function_identity_arguments(p.oid) AS identity, pg_catalog.pg_get_function_arguments(p.oid) AS arguments,
      CASE WHEN p.prokind = 'p' THEN NULL ELSE pg_catalog.pg_get_function_result(p.oid) END AS result,
      CASE WHEN p.prokind = 'a' THEN ${aggregateDefinition} ELSE pg_catalog.pg_get_functiondef(p.oid) END AS definition`;

/** The user's functions, procedures and aggregates (prokind 'f', 'p' or 'a', not an extension's), in the order they were made. */
export function routinesSql(scope: Scope): string {
  const where = scope === 'temp' ? 'p.pronamespace = pg_catalog.pg_my_temp_schema()' : `${schemaFilter('n')} AND ${notExtensionMember('pg_catalog.pg_proc', 'p.oid')}`;
  return `SELECT ${columns}
    FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
    WHERE p.prokind IN ('f', 'p', 'a') AND ${where}
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
  return {
    kind: 'function',
    schema: r.schema,
    name: r.name,
    procedure: r.procedure,
    ...(r.aggregate ? { aggregate: true as const } : {}),
    identity: r.identity,
    arguments: r.arguments,
    result: r.result,
    definition: normalRoutineDefinition(r.definition),
  };
}

export function buildRoutines(rows: readonly RoutineRow[]): Record<string, Routine> {
  return Object.fromEntries(rows.map((r) => [routinePath(r), buildRoutine(r)]));
}
