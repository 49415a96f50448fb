// Introspection: read the target's catalog (one round trip) and build its Model.
import type { Db } from '../db/db.js';
import { buildIntrospection, type Introspection } from './build.js';
import { catalogSql, type CatalogRows } from './catalog.js';

export async function serverVersion(db: Db): Promise<number> {
  const rows = await db.query<{ v: number }>(`SELECT current_setting('server_version_num')::int AS v`);
  return rows[0]?.v ?? 0;
}

/** The managed objects of the target, what it leaves unmanaged, and its type names. Reads only. */
export async function introspect(db: Db, version?: number): Promise<Introspection> {
  const v = version ?? (await serverVersion(db));
  const rows = await db.query<{ catalog: CatalogRows }>(catalogSql(v));
  const catalog = rows[0]?.catalog;
  if (!catalog) throw new Error('the catalog query returned nothing');
  return buildIntrospection(catalog);
}

export type { Introspection } from './build.js';
