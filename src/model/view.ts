// A view (`views:` in schema.yaml): the Model type and the statements that make it. Pure.
import { objectPath, qualify } from './identifiers.js';
import type { Index, Model } from './model.js';

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
  /** A materialized view (relkind 'm', `materialized_views:`); absent for a plain view. */
  readonly materialized?: Materialized;
}

/** What a materialized view has beyond a view's text: whether it is made with its rows, and its indexes. */
export interface Materialized {
  /**
   * Made WITH DATA (its rows computed at once) or WITH NO DATA (empty until REFRESH). Only how it
   * is made: not compared (a REFRESH by the application changes it), not in fingerprints.
   */
  readonly withData: boolean;
  /** Its indexes by name, as table indexes are read and compared. */
  readonly indexes: Readonly<Record<string, Index>>;
}

/** Which views of the desired Model the file declares: plain views (`views:`), materialized views (`materialized_views:`). */
export interface ManagedViews {
  readonly plain: boolean;
  readonly materialized: boolean;
}

/** What `model` (a desired Model) manages of the views: without `managedViews`, plain views when it has `views`. */
export const managedViews = (model: Model): ManagedViews => model.managedViews ?? { plain: model.views !== undefined, materialized: false };

/** `kind` views are left as the database has them when the file does not declare them. */
const declares = (m: ManagedViews, v: View): boolean => (v.materialized ? m.materialized : m.plain);

/**
 * The desired views with the database's views of the kinds the file does not declare kept as
 * they are (a file without `views:` or `materialized_views:`), and their schemas. `managedViews`
 * stays, so the diff leaves kept materialized views alone (see diff/kinds/view.ts).
 */
export function keepUndeclaredViews(desired: Model, current: Model): Model {
  const m = managedViews(desired);
  const kept = Object.entries(current.views ?? {}).filter(([, v]) => !declares(m, v));
  if (kept.length === 0) return desired;
  return {
    ...desired,
    schemas: [...new Set([...desired.schemas, ...kept.map(([, v]) => v.schema)])].sort(),
    views: { ...(desired.views ?? {}), ...Object.fromEntries(kept) },
    managedViews: m,
  };
}

export const viewPath = (v: { readonly schema: string; readonly name: string }): string => objectPath(v.schema, v.name);

/** pg_get_viewdef's text as the Model keeps it: without surrounding blanks and the final `;`. */
export const normalViewDefinition = (text: string): string => text.trim().replace(/;\s*$/, '').trimEnd();

/**
 * `CREATE [OR REPLACE] VIEW ... AS <select>`, or `CREATE MATERIALIZED VIEW ... AS <select> WITH
 * [NO] DATA`: the SELECT is the server's spelling, or the file's text checked to be one SELECT.
 */
export function createViewSql(v: View, replace = false): string {
  // On a line of its own: the file's text may end with a -- comment.
  if (v.materialized) return `CREATE MATERIALIZED VIEW ${qualify(v.schema, v.name)} AS ${v.definition}\nWITH ${v.materialized.withData ? '' : 'NO '}DATA`;
  return `CREATE ${replace ? 'OR REPLACE ' : ''}VIEW ${qualify(v.schema, v.name)} AS ${v.definition}`;
}

/** `view` or `materialized view`, for messages and SQL keywords. */
export const viewWord = (v: View): string => (v.materialized ? 'materialized view' : 'view');
