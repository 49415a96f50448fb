// A composite type (`types:` in schema.yaml): the Model type and its path. Pure.
import { objectPath, quoteIdent } from './identifiers.js';

/** One attribute of a composite type, its type as format_type prints it with an empty search_path. */
export interface Attribute {
  readonly name: string;
  readonly type: string;
}

/** A standalone composite type (CREATE TYPE ... AS (...)), keyed in the Model by its object path; not a table's row type. */
export interface CompositeType {
  readonly kind: 'composite_type';
  readonly schema: string;
  readonly name: string;
  /** In attribute order. */
  readonly attributes: readonly Attribute[];
  readonly comment: string | null;
}

export const compositePath = (t: { readonly schema: string; readonly name: string }): string => objectPath(t.schema, t.name);

/** `(x integer, y integer)`: the attribute list of CREATE TYPE ... AS. */
export const attributeList = (t: CompositeType): string => `(${t.attributes.map((a) => `${quoteIdent(a.name)} ${a.type}`).join(', ')})`;
