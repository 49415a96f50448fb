// A domain (`domains:` in schema.yaml): the Model type, its path, and how a column or a
// signature names one. Pure.
import { objectPath, parseQualifiedName, quoteIdent } from './identifiers.js';

/** A named CHECK of a domain, as pg_get_constraintdef prints it without any NOT VALID: `CHECK ((VALUE >= 1901))`. */
export interface DomainCheck {
  readonly name: string;
  readonly definition: string;
  /** Added NOT VALID and not validated since: the values of columns of the domain are unchecked. */
  readonly notValid?: true;
}

/**
 * A domain over a base type, keyed in the Model by its object path. Every text is PostgreSQL's
 * own spelling, read with an empty search_path: the base type as format_type prints it
 * (`integer`, `character varying(20)`), the default as pg_get_expr prints it, the collation
 * (only when not the base type's) as a quoted, qualified name.
 */
export interface Domain {
  readonly kind: 'domain';
  readonly schema: string;
  readonly name: string;
  readonly type: string;
  readonly nullable: boolean;
  readonly default: string | null;
  readonly collation: string | null;
  readonly checks: Readonly<Record<string, DomainCheck>>;
  readonly comment: string | null;
}

export const domainPath = (d: { readonly schema: string; readonly name: string }): string => objectPath(d.schema, d.name);

/**
 * The schema-qualified type a type text names (`public.year`, `public."Year"[]`, as
 * format_type prints a type outside pg_catalog), or null for a built-in one (`integer`,
 * `character varying(20)`) or any other form. Arrays name their element type.
 */
export function qualifiedTypeOf(type: string): { readonly schema: string; readonly name: string } | null {
  const bare = type.replace(/(\[\])+$/, '');
  if (!bare.includes('.') || bare.includes('(') || /\s/.test(bare.replace(/"(?:[^"]|"")*"/g, '""'))) return null;
  const q = parseQualifiedName(bare, '');
  return q === null || q.schema === '' ? null : q;
}

/** What follows `CREATE DOMAIN name`: `AS integer DEFAULT 1901 NOT NULL CONSTRAINT year_check CHECK (...)`, every part as the server spells it. */
export function domainBody(d: Domain): string {
  const parts = [`AS ${d.type}`];
  if (d.collation !== null) parts.push(`COLLATE ${d.collation}`);
  if (d.default !== null) parts.push(`DEFAULT ${d.default}`);
  if (!d.nullable) parts.push('NOT NULL');
  for (const c of Object.values(d.checks)) parts.push(`CONSTRAINT ${quoteIdent(c.name)} ${c.definition}${c.notValid ? ' NOT VALID' : ''}`);
  return parts.join(' ');
}
