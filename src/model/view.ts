// A view (`views:` in schema.yaml): the Model type and the statements that make it. Pure.
import { objectPath, qualify } from './identifiers.js';

/** A relation a view reads: a table or another view, and the column when the catalog names one. */
export interface ViewUse {
  readonly schema: string;
  readonly name: string;
  /** Null: the relation as a whole (the file's side, read from the parsed SELECT, never names columns). */
  readonly column: string | null;
}

export interface ViewColumn {
  readonly name: string;
  /** As format_type prints it. */
  readonly type: string;
}

/**
 * A view, keyed in the Model by its object path. `definition` is the SELECT as
 * pg_get_viewdef(oid, true) prints it (trimmed, without the final `;`), so two texts of one
 * meaning compare equal once the server spelled them.
 */
export interface View {
  readonly kind: 'view';
  readonly schema: string;
  readonly name: string;
  readonly definition: string;
  /** The view's columns in order; empty when the server could not spell the file's text (see `unspelled`). */
  readonly columns: readonly ViewColumn[];
  readonly comment: string | null;
  /** What it reads (tables and views): orders its steps. Not compared, not in fingerprints. */
  readonly uses: readonly ViewUse[];
  /**
   * Only on the desired side: the file's text as written (names qualified), because the server
   * could not spell it before the plan runs (it reads a table or column the plan makes).
   */
  readonly unspelled?: true;
}

export const viewPath = (v: { readonly schema: string; readonly name: string }): string => objectPath(v.schema, v.name);

/** pg_get_viewdef's text as the Model keeps it: without surrounding blanks and the final `;`. */
export const normalViewDefinition = (text: string): string => text.trim().replace(/;\s*$/, '').trimEnd();

/** `CREATE [OR REPLACE] VIEW ... AS <select>`: the SELECT is the server's spelling, or the file's text checked to be one SELECT. */
export function createViewSql(v: View, replace = false): string {
  return `CREATE ${replace ? 'OR REPLACE ' : ''}VIEW ${qualify(v.schema, v.name)} AS ${v.definition}`;
}
