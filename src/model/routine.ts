// A function or procedure (`functions:` in schema.yaml): the Model type and its path. Pure.
import { objectPath } from './identifiers.js';

/**
 * A function or procedure, keyed in the Model by its object path with its identity arguments
 * (`public.add(a integer, b integer)`), so overloads are distinct objects. `definition` is the
 * whole CREATE OR REPLACE statement as pg_get_functiondef prints it (trimmed), so two texts of
 * one meaning compare equal once the server spelled them.
 */
export interface Routine {
  readonly kind: 'function';
  readonly schema: string;
  readonly name: string;
  readonly procedure: boolean;
  /**
   * An aggregate (CREATE AGGREGATE): its `definition` is not pg_get_functiondef's (which refuses
   * aggregates) but the statement introspect/kinds/function.ts builds from pg_aggregate. Absent
   * for a function or procedure, so their Models do not change.
   */
  readonly aggregate?: true;
  /** pg_get_function_identity_arguments: `a integer, b integer`. */
  readonly identity: string;
  /** pg_get_function_arguments (with defaults and OUT parameters): CREATE OR REPLACE cannot change them. */
  readonly arguments: string;
  /** pg_get_function_result; null for a procedure. CREATE OR REPLACE cannot change it. */
  readonly result: string | null;
  readonly definition: string;
}

export const routinePath = (r: { readonly schema: string; readonly name: string; readonly identity: string }): string => `${objectPath(r.schema, r.name)}(${r.identity})`;

/** `function`, `procedure` or `aggregate`: the word of its CREATE and DROP statements, for people too. */
export const routineWord = (r: Pick<Routine, 'procedure' | 'aggregate'>): 'function' | 'procedure' | 'aggregate' => (r.aggregate ? 'aggregate' : r.procedure ? 'procedure' : 'function');

/** pg_get_functiondef's text as the Model keeps it: without surrounding blanks and a final `;`. */
export const normalRoutineDefinition = (text: string): string => text.trim().replace(/;\s*$/, '').trimEnd();

/** Run before making one: bodies are checked when called, not when made (as pg_dump makes them), so a body may read what is made after it. */
export const BODIES_UNCHECKED = 'SET LOCAL check_function_bodies = off';

/** A name as the server prints it in a signature: quoted ("" for a quote) or plain. */
const IDENT = String.raw`"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*`;
const QUALIFIED = new RegExp(`(${IDENT})\\.(${IDENT})`, 'g');
const unquote = (name: string): string => (name.startsWith('"') ? name.slice(1, -1).replaceAll('""', '"') : name);

/**
 * The qualified names in a function's signature (its arguments and result, printed under an
 * empty search_path): the tables whose row types it takes or returns (`SETOF public.t`), which
 * must exist before it is made and outlive it. Other names it finds (a type, a function called
 * by a parameter's default) only order it more strictly.
 */
export function signatureNames(r: Pick<Routine, 'arguments' | 'result'>): { readonly schema: string; readonly name: string }[] {
  return [...`${r.arguments} ${r.result ?? ''}`.matchAll(QUALIFIED)].map((m) => ({ schema: unquote(m[1]!), name: unquote(m[2]!) }));
}

/**
 * The other functions an aggregate's statement names (its SFUNC, FINALFUNC, COMBINEFUNC...; the
 * statement names them qualified, as read under an empty search_path): made before it, dropped
 * after it. Types it names are found too: they only order it more strictly. None for a function.
 */
export function aggregateSupport(r: Routine): { readonly schema: string; readonly name: string }[] {
  if (!r.aggregate) return [];
  return [...r.definition.matchAll(QUALIFIED)].map((m) => ({ schema: unquote(m[1]!), name: unquote(m[2]!) })).filter((n) => n.schema !== 'pg_catalog' && !(n.schema === r.schema && n.name === r.name));
}
