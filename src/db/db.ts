// Connections behind one small interface: a PostgreSQL server through `pg`, or the embedded
// PGlite kept in `.schema/`. Everything above this module speaks only `Db`.
import { mkdir, writeFile, access } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { lock } from 'proper-lockfile';
import { connectionStrings, type Target } from './target.js';

export type Row = Record<string, unknown>;

export interface Db {
  readonly target: Target;
  /** One statement, with parameters. */
  query<T extends object = Row>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** A script of one or more statements, without parameters; the rows of the last one. */
  exec<T extends object = Row>(script: string): Promise<T[]>;
  close(): Promise<void>;
}

/** A failure the user should read: what happened, in words, with the server's own detail. */
export class DbError extends Error {
  constructor(
    message: string,
    readonly code: string | null = null,
    readonly detail: string | null = null,
  ) {
    super(message);
    this.name = 'DbError';
  }
}

/** The server's error, with its SQLSTATE and detail kept. */
export function serverError(error: unknown): DbError {
  if (error instanceof DbError) return error;
  const e = error as { message?: string; code?: string; detail?: string; hint?: string };
  const detail = [e.detail, e.hint ? `hint: ${e.hint}` : undefined].filter(Boolean).join('; ') || null;
  return new DbError(e.message ?? String(error), typeof e.code === 'string' ? e.code : null, detail);
}

/** Session settings every connection gets: quiet, and nothing resolved through search_path. */
const SESSION_SETUP = "SET client_min_messages = warning; SET search_path = ''";

class ServerDb implements Db {
  constructor(
    readonly target: Target,
    private readonly client: pg.Client,
  ) {}

  async query<T extends object>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    try {
      return (await this.client.query<T>(sql, params as unknown[])).rows;
    } catch (error) {
      throw serverError(error);
    }
  }

  async exec<T extends object>(script: string): Promise<T[]> {
    try {
      const result = (await this.client.query(script)) as unknown as pg.QueryResult<T> | pg.QueryResult<T>[];
      const last = Array.isArray(result) ? result[result.length - 1] : result;
      return last?.rows ?? [];
    } catch (error) {
      throw serverError(error);
    }
  }

  async close(): Promise<void> {
    await this.client.end().catch(() => undefined);
  }
}

interface PGliteLike {
  query<T>(sql: string, params?: unknown[]): Promise<{ rows: T[] }>;
  exec(sql: string): Promise<{ rows: Row[] }[]>;
  close(): Promise<void>;
}

class EmbeddedDb implements Db {
  constructor(
    readonly target: Target,
    private readonly db: PGliteLike,
    private readonly release: () => Promise<void>,
  ) {}

  async query<T extends object>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    try {
      return (await this.db.query<T>(sql, [...params])).rows;
    } catch (error) {
      throw serverError(error);
    }
  }

  async exec<T extends object>(script: string): Promise<T[]> {
    try {
      const results = await this.db.exec(script);
      return (results[results.length - 1]?.rows ?? []) as T[];
    } catch (error) {
      throw serverError(error);
    }
  }

  async close(): Promise<void> {
    try {
      await this.db.close();
    } finally {
      await this.release().catch(() => undefined);
    }
  }
}

async function connectServer(target: Extract<Target, { kind: 'server' }>): Promise<Db> {
  const [first, ...fallbacks] = connectionStrings(target.url);
  let failure: unknown;
  for (const connectionString of [first!, ...fallbacks]) {
    let client: pg.Client | null = null;
    try {
      // Inside the try: reading the URL can fail too (an sslrootcert file that is not there).
      client = new pg.Client({ connectionString, application_name: 'schema' });
      client.on('error', () => undefined); // a dropped connection surfaces on the next query
      await client.connect();
      await client.query(SESSION_SETUP);
      return new ServerDb(target, client);
    } catch (error) {
      await client?.end().catch(() => undefined);
      failure = error;
      // sslmode=prefer: only a server without SSL is tried again, without it.
      if (!/does not support SSL/i.test((error as Error).message)) break;
    }
  }
  const e = serverError(failure);
  throw new DbError(`cannot connect to ${target.display}: ${e.message}`, e.code, 'check --url or DATABASE_URL, and that the server is running');
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

async function connectEmbedded(target: Extract<Target, { kind: 'embedded' }>): Promise<Db> {
  await mkdir(target.dir, { recursive: true });
  const ignore = join(target.dir, '.gitignore');
  if (!(await exists(ignore))) await writeFile(ignore, '# the embedded database of `schema`; never commit it\n*\n');
  let release: () => Promise<void>;
  try {
    release = await lock(target.dir, {
      lockfilePath: join(target.dir, 'lock'),
      stale: 15_000,
      retries: { retries: 60, minTimeout: 250, maxTimeout: 500 },
    });
  } catch {
    throw new DbError(
      `the embedded database in ${target.display} is in use by another schema process`,
      null,
      'wait for it to finish, or point --url at a PostgreSQL server',
    );
  }
  try {
    const { PGlite } = await import('@electric-sql/pglite');
    const db = new PGlite(join(target.dir, 'pgdata'));
    await db.waitReady;
    await db.exec(SESSION_SETUP);
    return new EmbeddedDb(target, db as unknown as PGliteLike, release);
  } catch (error) {
    await release().catch(() => undefined);
    throw new DbError(`cannot open the embedded database in ${target.display}: ${serverError(error).message}`);
  }
}

/**
 * A throwaway in-memory PGlite (no files, no lock): for scratch work only. `extensions` are
 * PGlite extension modules (its contrib set) made available to CREATE EXTENSION.
 */
export async function connectMemory(extensions: Record<string, unknown> = {}): Promise<Db> {
  const { PGlite } = await import('@electric-sql/pglite');
  const db = new PGlite({ extensions: extensions as never });
  await db.waitReady;
  await db.exec(SESSION_SETUP);
  return new EmbeddedDb({ kind: 'embedded', dir: ':memory:', display: 'an in-memory PGlite' }, db as unknown as PGliteLike, async () => undefined);
}

/** Open the target. The caller owns the connection and closes it. */
export function connect(target: Target): Promise<Db> {
  return target.kind === 'server' ? connectServer(target) : connectEmbedded(target);
}

/** Run `fn` with a connection that is always closed afterwards. */
export async function withDb<T>(target: Target, fn: (db: Db) => Promise<T>): Promise<T> {
  const db = await connect(target);
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}
