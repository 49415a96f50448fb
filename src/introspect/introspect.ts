// Introspection: read the target's catalog (one round trip) and build its Model.
import type { Db } from '../db/db.js';
import { readWithin, READ_LOCK_TIMEOUT_MS } from '../db/locks.js';
import { buildIntrospection, type Introspection } from './build.js';
import { catalogSql, type CatalogRows } from './catalog.js';

export async function serverVersion(db: Db): Promise<number> {
  const rows = await db.query<{ v: number }>(`SELECT current_setting('server_version_num')::int AS v`);
  return rows[0]?.v ?? 0;
}

export interface IntrospectOptions {
  /**
   * How long to wait for a table lock someone else holds (the catalog functions take ACCESS
   * SHARE locks); then fail naming the table and its holder. Default 10 s.
   */
  readonly lockTimeoutMs?: number;
  /** Called inside a transaction that must stay usable when the read gives up. */
  readonly inTransaction?: boolean;
}

/** The managed objects of the target, what it leaves unmanaged, and its type names. Reads only. */
export async function introspect(db: Db, options: IntrospectOptions = {}): Promise<Introspection> {
  const v = await serverVersion(db);
  const rows = await readWithin(db, 'reading the database', options.lockTimeoutMs ?? READ_LOCK_TIMEOUT_MS, () => db.query<{ catalog: CatalogRows }>(catalogSql(v)), options.inTransaction ?? false);
  const catalog = rows[0]?.catalog;
  if (!catalog) throw new Error('the catalog query returned nothing');
  return buildIntrospection(catalog);
}

export type { Introspection, UsedFunction } from './build.js';
