// A trigger (`triggers:` in schema.yaml): the Model type and its path. Pure.
import { objectPath } from './identifiers.js';

/**
 * A trigger on a plain table, keyed in the Model by `schema.table.name` (trigger names are per
 * table). `definition` is the whole CREATE TRIGGER statement as pg_get_triggerdef prints it
 * with an empty search_path, so two texts of one meaning compare equal once the server spelled them.
 */
export interface Trigger {
  readonly kind: 'trigger';
  /** The schema of its table. */
  readonly schema: string;
  readonly table: string;
  readonly name: string;
  readonly definition: string;
  /**
   * Set on a desired trigger the server could not spell before the plan (its table or function
   * is made by it): the schema its step reads the statement's names in. Never compared.
   */
  readonly searchPath?: string;
}

export const triggerPath = (t: { readonly schema: string; readonly table: string; readonly name: string }): string => objectPath(t.schema, t.table, t.name);
