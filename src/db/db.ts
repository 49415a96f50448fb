// Connections behind one small interface: a PostgreSQL server through `pg`, or the embedded
// PGlite kept in `.schema/`. Everything above this module speaks only `Db`.
import { existsSync } from 'node:fs';
import { mkdir, writeFile, access } from 'node:fs/promises';
import { join } from 'node:path';
import type pg from 'pg';
import { lock } from 'proper-lockfile';
import { connectionStrings, type Target } from './target.js';

export type Row = Record<string, unknown>;

export interface Db {
  readonly target: Target;
  /** One statement, with parameters. */
  query<T extends object = Row>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /**
   * A script of one or more statements, without parameters; the rows of the last one. Only for
   * the tool's own fixed text and for revision files a person approved: never for text from
   * schema.yaml, which goes through `query` (one statement, extended protocol).
   */
  exec<T extends object = Row>(script: string): Promise<T[]>;
  /**
   * One statement of the user's own (`schema sql`), extended protocol: its columns and rows as
   * the server gave them, or what it did. Never for text from schema.yaml.
   */
  run(sql: string): Promise<Outcome>;
  close(): Promise<void>;
}

/** What one statement gave: columns and rows (values as text on a server), the command, the rows it counted. */
export interface Outcome {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly unknown[])[];
  readonly command: string | null;
  readonly rowCount: number | null;
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

/**
 * Session settings every connection gets, whatever the database or role sets: quiet, nothing
 * resolved through search_path, and text read one way only. `standard_conforming_strings` off
 * would let a backslash end a string literal the parser here read as whole; the others change
 * how dates, intervals, bytes and characters are read and printed. Set and read back in one
 * statement: a server that would not take one of them is refused before anything else runs.
 */
export const PINNED_SETTINGS: Readonly<Record<string, string>> = {
  standard_conforming_strings: 'on',
  search_path: '',
  client_encoding: 'UTF8',
  DateStyle: 'ISO, MDY',
  IntervalStyle: 'postgres',
  TimeZone: 'UTC',
  bytea_output: 'hex',
  xmloption: 'content',
  backslash_quote: 'safe_encoding',
  client_min_messages: 'warning',
};

/** One statement setting every pinned setting for the session and reading each back. */
const PIN_SQL = `SELECT ${Object.keys(PINNED_SETTINGS)
  .map((name, i) => `pg_catalog.set_config('${name}', $${i + 1}, false) AS "${name}"`)
  .join(', ')}`;

/** Pin the session's settings; throws when the server keeps another value for one. */
async function pinSettings(query: (sql: string, params: readonly unknown[]) => Promise<Row[]>): Promise<void> {
  const [row] = await query(PIN_SQL, Object.values(PINNED_SETTINGS));
  for (const [name, value] of Object.entries(PINNED_SETTINGS)) {
    const got = String(row?.[name] ?? '');
    const same = name === 'search_path' ? got === '' || got === '""' : got.toLowerCase().replace(/\s/g, '') === value.toLowerCase().replace(/\s/g, '');
    if (!same) throw new DbError(`the session setting ${name} stays "${got}" where schema needs "${value}"`, null, 'schema pins the settings that change how SQL text is read; check the server');
  }
}

class ServerDb implements Db {
  constructor(
    readonly target: Target,
    private readonly client: pg.Client,
  ) {}

  async query<T extends object>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    try {
      // Always the extended protocol: one statement, whatever the text holds.
      // (`queryMode` is pg's own option; its type definitions do not list it yet.)
      const config = { text: sql, values: params as unknown[], queryMode: 'extended' } as pg.QueryConfig;
      return (await this.client.query<T>(config)).rows;
    } catch (error) {
      throw serverError(error);
    }
  }

  async run(sql: string): Promise<Outcome> {
    try {
      // Every value as the server's text: no type read into a JavaScript value and printed back differently.
      const config = { text: sql, rowMode: 'array', queryMode: 'extended', types: { getTypeParser: () => (text: string) => text } } as unknown as pg.QueryArrayConfig;
      const r = await this.client.query(config);
      return { columns: (r.fields ?? []).map((f) => f.name), rows: r.rows, command: r.command ?? null, rowCount: r.rowCount ?? null };
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
  query<T>(
    sql: string,
    params?: unknown[],
    options?: { rowMode: 'array'; parsers: Record<number, (text: string) => unknown> },
  ): Promise<{ rows: T[]; fields?: { name: string }[]; command?: string; rowCount?: number; affectedRows?: number }>;
  exec(sql: string): Promise<{ rows: Row[] }[]>;
  close(): Promise<void>;
}

/**
 * The types PGlite reads into JavaScript values (booleans, numbers, JSON, bytes, dates and their
 * arrays), kept as the server's text instead, as `run` gives them on a server.
 */
const AS_TEXT: Record<number, (text: string) => string> = Object.fromEntries(
  [16, 17, 20, 21, 23, 26, 114, 199, 700, 701, 1000, 1001, 1005, 1007, 1016, 1021, 1022, 1082, 1114, 1115, 1182, 1184, 1185, 1231, 1700, 3802, 3807].map((oid) => [oid, (text: string) => text]),
);

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

  async run(sql: string): Promise<Outcome> {
    try {
      const r = await this.db.query<unknown[]>(sql, [], { rowMode: 'array', parsers: AS_TEXT });
      return { columns: (r.fields ?? []).map((f) => f.name), rows: r.rows, command: r.command ?? null, rowCount: r.rowCount ?? r.affectedRows ?? null };
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
      // Loaded here, not at start-up: the commands that need no server never pay for it.
      const { default: pgModule } = await import('pg');
      // Inside the try: reading the URL can fail too (an sslrootcert file that is not there).
      client = new pgModule.Client({ connectionString, application_name: 'schema' });
      client.on('error', () => undefined); // a dropped connection surfaces on the next query
      await client.connect();
      const db = new ServerDb(target, client);
      await pinSettings((sql, params) => db.query(sql, params));
      return db;
    } catch (error) {
      await client?.end().catch(() => undefined);
      failure = error;
      // sslmode=prefer: only a server without SSL is tried again, without it.
      if (!/does not support SSL/i.test((error as Error).message)) break;
    }
  }
  const e = serverError(failure);
  throw new DbError(`cannot connect to ${target.display}: ${e.message}`, e.code, 'check --url, DATABASE_URL or the PG* variables, and that the server is running');
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
    throw new DbError(`the embedded database in ${target.display} is in use by another schema process`, null, 'wait for it to finish, or point --url at a PostgreSQL server');
  }
  try {
    const { PGlite } = await import('@electric-sql/pglite');
    const db = new PGlite(join(target.dir, 'pgdata'));
    await db.waitReady;
    const embedded = new EmbeddedDb(target, db as unknown as PGliteLike, release);
    await pinSettings((sql, params) => embedded.query(sql, params));
    return embedded;
  } catch (error) {
    await release().catch(() => undefined);
    throw new DbError(`cannot open the embedded database in ${target.display}: ${serverError(error).message}`);
  }
}

/** The files of a new PGlite database, before anything ran on it (see connectMemory). */
let freshFiles: Promise<Blob | File> | undefined;

/**
 * A throwaway in-memory PGlite (no files, no lock): for scratch work only. `extensions` are
 * PGlite extension modules (its contrib set) made available to CREATE EXTENSION.
 */
export async function connectMemory(extensions: Record<string, unknown> = {}): Promise<Db> {
  const { PGlite } = await import('@electric-sql/pglite');
  // A new PGlite runs initdb (about 2.5 s here); loading the files of one already made takes a
  // third of that. The first in-memory database of the process is dumped before any use, and
  // the later ones (merge and the revision chain make several) start from that dump.
  const made = freshFiles;
  const db = new PGlite({ extensions: extensions as never, ...(made ? { loadDataDir: await made } : {}) });
  await db.waitReady;
  if (!made) {
    freshFiles = db.dumpDataDir('none');
    await freshFiles.catch(() => (freshFiles = undefined));
  }
  const memory = new EmbeddedDb({ kind: 'embedded', dir: ':memory:', display: 'an in-memory PGlite' }, db as unknown as PGliteLike, async () => undefined);
  await pinSettings((sql, params) => memory.query(sql, params));
  return memory;
}

/** Open the target. The caller owns the connection and closes it. */
export function connect(target: Target): Promise<Db> {
  return target.kind === 'server' ? connectServer(target) : connectEmbedded(target);
}

/** Whether `target` is the embedded database and it is not made yet (its folder is not there). */
export function notMadeYet(target: Target): boolean {
  return target.kind === 'embedded' && target.dir !== ':memory:' && !existsSync(target.dir);
}

/**
 * `withDb` for commands that only read: an embedded database not made yet is read as what it
 * would be, an empty database, held in memory, so reading creates nothing on disk.
 */
export async function withReadOnlyDb<T>(target: Target, fn: (db: Db) => Promise<T>): Promise<T> {
  if (!notMadeYet(target)) return withDb(target, fn);
  const db = await connectMemory();
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
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
