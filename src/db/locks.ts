// Reading under a lock timeout: a command that only reads waits a bounded time for a table
// lock someone else holds, and then says whose lock it was (pg_locks, pg_stat_activity).
import { DbError, type Db } from './db.js';

/** SQLSTATE of a statement cancelled by lock_timeout. */
export const LOCK_NOT_AVAILABLE = '55P03';

/** How long reading the database waits for a table lock, unless told otherwise. */
export const READ_LOCK_TIMEOUT_MS = 10_000;

/** The advisory lock every schema writer takes (two-key form: "sche", 1). */
export const WRITER_LOCK_KEYS = [1936286565, 1] as const;

/**
 * Run `fn` with the session's lock_timeout set to `ms` (at least 1 ms: 0 would mean no limit),
 * then put back what it was. Inside a transaction that `fn` aborts, the rollback restores it.
 */
export async function withLockTimeout<T>(db: Db, ms: number, fn: () => Promise<T>): Promise<T> {
  const before = (await db.query<{ v: string }>(`SELECT pg_catalog.current_setting('lock_timeout') AS v`))[0]?.v ?? '0';
  await db.query(`SELECT pg_catalog.set_config('lock_timeout', $1, false)`, [`${Math.max(1, Math.round(ms))}ms`]);
  try {
    return await fn();
  } finally {
    await db.query(`SELECT pg_catalog.set_config('lock_timeout', $1, false)`, [before]).catch(() => undefined);
  }
}

export interface LockHolder {
  readonly pid: number;
  /** The relation it holds ACCESS EXCLUSIVE, qualified. */
  readonly relation: string;
  /** The role it runs as. */
  readonly user: string | null;
  readonly application: string | null;
  readonly state: string | null;
  /** How long its transaction has been open, in seconds. */
  readonly seconds: number | null;
  /** It holds the schema writers' advisory lock: another schema command. */
  readonly schema: boolean;
}

/**
 * Other sessions of this database holding a relation (any, or one of `relations`, qualified) in
 * ACCESS EXCLUSIVE mode: the only mode that blocks a read, of a table or of the catalog
 * functions (pg_get_indexdef, pg_get_constraintdef).
 */
export async function exclusiveHolders(db: Db, relations: readonly string[] | null = null): Promise<LockHolder[]> {
  return db.query<LockHolder>(
    `SELECT l.pid, l.relation::pg_catalog.regclass::text AS relation, a.usename::text AS "user", a.application_name AS application, a.state,
        (extract(epoch FROM pg_catalog.now() - a.xact_start))::int AS seconds,
        EXISTS (SELECT 1 FROM pg_catalog.pg_locks x WHERE x.pid = l.pid AND x.locktype = 'advisory' AND x.granted
          AND x.classid = $1 AND x.objid = $2 AND x.objsubid = 2 AND x.database = l.database) AS schema
      FROM pg_catalog.pg_locks l
      LEFT JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid
      WHERE l.locktype = 'relation' AND l.mode = 'AccessExclusiveLock' AND l.granted AND l.pid <> pg_catalog.pg_backend_pid()
        AND l.database = (SELECT d.oid FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database())
        AND ($3::text[] IS NULL OR l.relation = ANY (SELECT pg_catalog.to_regclass(r)::oid FROM pg_catalog.unnest($3::text[]) r))
      ORDER BY a.xact_start NULLS LAST, 2
      LIMIT 5`,
    [...WRITER_LOCK_KEYS, relations],
  );
}

function who(h: LockHolder): string {
  const parts = [h.user ? `role ${h.user}` : null, h.application ? h.application : null, h.state, h.seconds !== null ? `its transaction open for ${h.seconds} s` : null].filter(Boolean);
  return `server process ${h.pid}${parts.length > 0 ? ` (${parts.join(', ')})` : ''}`;
}

/** A read that gave up waiting for a table lock; the message names the table and its holder. */
export class LockWaitError extends DbError {}

/** A wait, in words: "500 ms", "2 s". */
export const waitWords = (ms: number): string => (ms >= 1000 ? `${Math.round(ms / 1000)} s` : `${ms} ms`);

/**
 * Who holds the tables, in words: "public.t is held in ACCESS EXCLUSIVE mode by server process
 * 42 (role app, ...)", or another schema command; null when no holder is known.
 */
export function heldBy(holders: readonly LockHolder[] | null): string | null {
  if (holders === null || holders.length === 0) return null;
  const first = holders[0]!;
  const tables = [...new Set(holders.filter((h) => h.pid === first.pid).map((h) => h.relation))].join(', ');
  if (first.schema) return `another schema command (server process ${first.pid}) is changing this database and holds ${tables}`;
  const others = holders.filter((h) => h.pid !== first.pid).map((h) => `${h.relation} by server process ${h.pid}`);
  return `${tables} ${tables.includes(',') ? 'are' : 'is'} held in ACCESS EXCLUSIVE mode by ${who(first)}${others.length > 0 ? `; also ${others.join(', ')}` : ''}`;
}

/** The message for a read that gave up waiting for a lock, naming the table and its holder. */
export function lockTimeoutError(what: string, ms: number, holders: readonly LockHolder[] | null): LockWaitError {
  const waited = `${what} waited ${waitWords(ms)} for a table lock`;
  const by = heldBy(holders);
  if (by === null) {
    return new LockWaitError(`${waited} and gave up (the lock was released meanwhile, or its holder could not be read)`, LOCK_NOT_AVAILABLE, 'try again');
  }
  return new LockWaitError(`${waited}: ${by}`, LOCK_NOT_AVAILABLE, holders![0]!.schema ? 'try again when it has finished' : 'wait for that transaction to end, then try again');
}

/**
 * Run the read `fn` under a lock timeout of `ms`. When it gives up, the error names the table and
 * the process holding it. `inTransaction`: the caller's transaction is kept usable (a savepoint).
 */
export async function readWithin<T>(db: Db, what: string, ms: number, fn: () => Promise<T>, inTransaction = false): Promise<T> {
  if (inTransaction) await db.exec('SAVEPOINT schema_read');
  try {
    const result = await withLockTimeout(db, ms, fn);
    if (inTransaction) await db.exec('RELEASE SAVEPOINT schema_read');
    return result;
  } catch (error) {
    if (inTransaction) await db.exec('ROLLBACK TO SAVEPOINT schema_read').catch(() => undefined);
    if (error instanceof LockWaitError || (error as { code?: string | null }).code !== LOCK_NOT_AVAILABLE) throw error;
    throw lockTimeoutError(what, ms, await exclusiveHolders(db).catch(() => null));
  }
}

/**
 * How many locks one transaction may take: half the server's shared lock table
 * (max_locks_per_transaction x (max_connections + max_prepared_transactions)), which every
 * session of the server shares. Applying and spelling stay within it, so another session
 * never finds the table full ("out of shared memory").
 */
export async function lockBudget(db: Db): Promise<{ budget: number; table: number }> {
  const rows = await db.query<{ n: number }>(`SELECT (current_setting('max_locks_per_transaction')::int * (current_setting('max_connections')::int + current_setting('max_prepared_transactions')::int))::int AS n`);
  const table = Number(rows[0]?.n ?? 6400);
  return { budget: Math.max(16, Math.floor(table / 2)), table };
}

/**
 * The locks a batch's reading query takes besides the batch's own objects (the catalogs and
 * their indexes it reads, until the batch is rolled back): kept out of the room a batch has.
 */
export const READING_RESERVE = 8;

/** How many locks this session holds now. */
export async function locksHeld(db: Db): Promise<number> {
  const [row] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_catalog.pg_locks WHERE pid = pg_catalog.pg_backend_pid()');
  return Number(row?.n ?? 0);
}
