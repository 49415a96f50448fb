// The domains of the file, spelled by the server in the spelling transaction: each is made
// under its own name (one of the database by that name is renamed out of the way first, all of
// it rolled back) before the temporary tables, so a column of the file may have it as its type,
// and read back with the catalog query of domains. Both sides of the comparison are then the
// same server's text.
import { buildDomains, domainsNamedSql, type DomainRow } from '../introspect/kinds/domain.js';
import { buildCompositeTypes, compositeTypesNamedSql, type CompositeTypeRow } from '../introspect/kinds/composite.js';
import type { CompositeType } from '../model/composite.js';
import { objectPath, qualify, quoteIdent } from '../model/identifiers.js';
import type { Domain } from '../model/domain.js';
import type { Model } from '../model/model.js';
import type { Position } from '../desired/diagnostics.js';
import type { Spec } from '../desired/spec.js';
import type { SpecDomain } from '../desired/domains.js';
import type { Db } from '../db/db.js';

/** `CREATE DOMAIN` of a domain of the file, its texts as written (each checked to be one type or expression). */
export function createDomainSql(d: SpecDomain): string {
  const parts = [`CREATE DOMAIN ${qualify(d.schema, d.name)} AS ${d.type.value}`];
  if (d.collation !== null) parts.push(`COLLATE ${d.collation.value}`);
  if (d.default !== null) parts.push(`DEFAULT (${d.default.sql})`);
  if (!d.nullable) parts.push('NOT NULL');
  for (const c of d.checks) parts.push(`CONSTRAINT ${quoteIdent(c.name)} CHECK (${c.expression})`);
  return parts.join(' ');
}

/** What the spelling transaction makes first: every domain of the file, then every composite type, under its own name. */
export function domainSpellingSetup(spec: Spec, current: Model): Array<{ readonly sql: string[]; readonly pos: Position; readonly what: string }> {
  const types = (spec.types ?? []).map((t) => {
    const sql: string[] = [];
    if (!current.schemas.includes(t.schema)) sql.push(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(t.schema)}`);
    if (current.types?.[objectPath(t.schema, t.name)]) sql.push(`ALTER TYPE ${qualify(t.schema, t.name)} RENAME TO ${quoteIdent(`${t.name.slice(0, 40)}$spelling`)}`);
    sql.push(`CREATE TYPE ${qualify(t.schema, t.name)} AS (${t.attributes.map((a) => `${quoteIdent(a.name)} ${a.type.value}`).join(', ')})`);
    return { sql, pos: t.pos, what: `type "${objectPath(t.schema, t.name)}"` };
  });
  const domains = (spec.domains ?? []).map((d) => {
    const sql: string[] = [];
    if (!current.schemas.includes(d.schema)) sql.push(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(d.schema)}`);
    if (current.domains?.[objectPath(d.schema, d.name)]) sql.push(`ALTER DOMAIN ${qualify(d.schema, d.name)} RENAME TO ${quoteIdent(`${d.name.slice(0, 40)}$spelling`)}`);
    sql.push(createDomainSql(d));
    return { sql, pos: d.pos, what: `domain "${objectPath(d.schema, d.name)}"` };
  });
  return [...domains, ...types];
}

/** The file's composite types as the server spelled them (made by the setup), by object path, with their comments. */
export async function spelledCompositeTypes(db: Db, spec: Spec, restore: <T>(rows: T) => T): Promise<Record<string, CompositeType>> {
  const types = spec.types ?? [];
  const rows = restore(await db.query<CompositeTypeRow>(compositeTypesNamedSql(), [types.map((t) => t.schema), types.map((t) => t.name)]));
  const built = buildCompositeTypes(rows);
  for (const t of types) {
    const key = objectPath(t.schema, t.name);
    const b = built[key];
    if (b) built[key] = { ...b, comment: t.comment };
  }
  return built;
}

/** The file's domains as the server spelled them (made by the setup, in this transaction), by object path, with their comments. */
export async function spelledDomains(db: Db, spec: Spec, restore: <T>(rows: T) => T): Promise<Record<string, Domain>> {
  const domains = spec.domains ?? [];
  const rows = restore(await db.query<DomainRow>(domainsNamedSql(), [domains.map((d) => d.schema), domains.map((d) => d.name)]));
  const built = buildDomains(rows);
  for (const d of domains) {
    const key = objectPath(d.schema, d.name);
    const b = built[key];
    if (b) built[key] = { ...b, comment: d.comment };
  }
  return built;
}
