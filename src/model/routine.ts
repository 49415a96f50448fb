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
  /** pg_get_function_identity_arguments: `a integer, b integer`. */
  readonly identity: string;
  /** pg_get_function_arguments (with defaults and OUT parameters): CREATE OR REPLACE cannot change them. */
  readonly arguments: string;
  /** pg_get_function_result; null for a procedure. CREATE OR REPLACE cannot change it. */
  readonly result: string | null;
  readonly definition: string;
}

export const routinePath = (r: { readonly schema: string; readonly name: string; readonly identity: string }): string => `${objectPath(r.schema, r.name)}(${r.identity})`;

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
