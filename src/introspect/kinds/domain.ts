// Domains: the catalog query, its rows and the Model they build. The spelling transaction reads
// the file's domains back with the same query, limited to their names (`domainsNamedSql`).
import { objectPath } from '../../model/identifiers.js';
import type { Domain, DomainCheck } from '../../model/domain.js';
import { notExtensionMember, schemaFilter } from '../scope.js';

export interface DomainRow {
  readonly schema: string;
  readonly name: string;
  readonly type: string;
  readonly nullable: boolean;
  readonly default: string | null;
  readonly collation: string | null;
  readonly comment: string | null;
  /** In the order they were made; null when none. */
  readonly checks: { readonly name: string; readonly definition: string; readonly validated: boolean }[] | null;
}

const select = (where: string): string => `SELECT n.nspname AS schema, t.typname AS name,
      pg_catalog.format_type(t.typbasetype, t.typtypmod) AS type,
      NOT t.typnotnull AS nullable,
      pg_catalog.pg_get_expr(t.typdefaultbin, 0) AS default,
      CASE WHEN t.typcollation <> 0 AND t.typcollation IS DISTINCT FROM bt.typcollation THEN
        CASE WHEN cn.nspname = 'pg_catalog' THEN pg_catalog.quote_ident(co.collname)
          ELSE pg_catalog.quote_ident(cn.nspname) || '.' || pg_catalog.quote_ident(co.collname) END END AS collation,
      pg_catalog.obj_description(t.oid, 'pg_type') AS comment,
      (SELECT json_agg(json_build_object('name', con.conname, 'definition', pg_catalog.pg_get_constraintdef(con.oid), 'validated', con.convalidated) ORDER BY con.oid)
        FROM pg_catalog.pg_constraint con WHERE con.contypid = t.oid AND con.contype = 'c') AS checks
    FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
    JOIN pg_catalog.pg_type bt ON bt.oid = t.typbasetype
    LEFT JOIN pg_catalog.pg_collation co ON co.oid = t.typcollation
    LEFT JOIN pg_catalog.pg_namespace cn ON cn.oid = co.collnamespace
    WHERE t.typtype = 'd' AND ${where}
    ORDER BY 1, 2`;

/** The user's domains: not in a system schema, not an extension's. */
export function domainsSql(): string {
  return select(`${schemaFilter('n')} AND ${notExtensionMember('pg_catalog.pg_type', 't.oid')}`);
}

/** The domains named by the text arrays $1 (schemas) and $2 (names), pairwise: how the spelling transaction reads the file's back. */
export const domainsNamedSql = (): string => select(`(n.nspname, t.typname) IN (SELECT * FROM unnest($1::text[], $2::text[]))`);

const NOT_VALID = / NOT VALID$/;

export function buildDomains(rows: readonly DomainRow[]): Record<string, Domain> {
  const out: Record<string, Domain> = {};
  for (const r of rows) {
    const checks: Record<string, DomainCheck> = {};
    for (const c of r.checks ?? []) checks[c.name] = { name: c.name, definition: c.definition.replace(NOT_VALID, ''), ...(c.validated ? {} : { notValid: true as const }) };
    out[objectPath(r.schema, r.name)] = { kind: 'domain', schema: r.schema, name: r.name, type: r.type, nullable: r.nullable, default: r.default, collation: r.collation, checks, comment: r.comment };
  }
  return out;
}
