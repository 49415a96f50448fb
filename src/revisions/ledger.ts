// The ledger: one row per applied revision, in the tool's own schema, which introspection
// never reads and plans never touch. Created on first use, inside the applying transaction.
import { DbError, type Db } from '../db/db.js';
import { dollarQuote, qualify, quoteIdent, quoteLiteral } from '../model/identifiers.js';
import { canonicalJson, fingerprint, sha256 } from '../model/fingerprint.js';
import { LEDGER_SCHEMA, type Model } from '../model/model.js';
import type { Step } from '../plan/types.js';
import type { Applied } from './chain.js';

const TABLE = qualify(LEDGER_SCHEMA, 'revisions');

export const LEDGER_DDL = [
  `CREATE SCHEMA IF NOT EXISTS ${quoteIdent(LEDGER_SCHEMA)}`,
  `CREATE TABLE IF NOT EXISTS ${TABLE} (
    revision text PRIMARY KEY,
    parents text[] NOT NULL DEFAULT '{}',
    file text NOT NULL,
    checksum text NOT NULL,
    message text NOT NULL DEFAULT '',
    seq bigint GENERATED ALWAYS AS IDENTITY,
    applied_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    applied_by text NOT NULL DEFAULT current_user,
    duration_ms integer,
    fingerprint text,
    snapshot jsonb
  )`,
];

export interface LedgerRow {
  readonly revision: string;
  readonly parents: readonly string[];
  readonly file: string;
  readonly checksum: string;
  readonly message: string;
  readonly durationMs: number | null;
  /** Of the Model after the revision; null when a hand-run script recorded it. */
  readonly fingerprint: string | null;
  readonly snapshot: Model | null;
}

export async function ensureLedger(db: Db): Promise<void> {
  await db.exec(LEDGER_DDL.join(';\n'));
}

const INSERT = `INSERT INTO ${TABLE} (revision, parents, file, checksum, message, duration_ms, fingerprint, snapshot)`;

export async function recordRevision(db: Db, row: LedgerRow): Promise<void> {
  await db.query(`${INSERT} VALUES ($1, $2::text[], $3, $4, $5, $6, $7, $8::jsonb)`, [
    row.revision,
    row.parents,
    row.file,
    row.checksum,
    row.message,
    row.durationMs,
    row.fingerprint,
    row.snapshot === null ? null : JSON.stringify(row.snapshot),
  ]);
}

/** The state recorded with `revision`, worked out after it was applied (see apply/chain-state.ts); only where none is recorded yet. */
export async function recordStateOf(db: Db, revision: string, model: Model): Promise<void> {
  await db.query(`UPDATE ${TABLE} SET fingerprint = $2, snapshot = $3::jsonb WHERE revision = $1 AND fingerprint IS NULL`, [revision, fingerprint(model), JSON.stringify(model)]);
}

export async function removeRevision(db: Db, revision: string): Promise<void> {
  await db.query(`DELETE FROM ${TABLE} WHERE revision = $1`, [revision]);
}

/**
 * The INSERT a hand-run script makes. The fingerprint and snapshot are those the tool computed
 * for the script (by replaying it without data); null when it could not.
 */
export function recordRevisionSql(row: Pick<LedgerRow, 'revision' | 'parents' | 'file' | 'checksum' | 'message' | 'fingerprint' | 'snapshot'>, literal: (s: string) => string): string {
  const parents = `ARRAY[${row.parents.map(literal).join(', ')}]::text[]`;
  const fingerprint = row.fingerprint === null ? 'NULL' : literal(row.fingerprint);
  const snapshot = row.snapshot === null ? 'NULL' : `${literal(JSON.stringify(row.snapshot))}::jsonb`;
  return `${INSERT} VALUES (${[literal(row.revision), parents, literal(row.file), literal(row.checksum), literal(row.message)].join(', ')}, NULL, ${fingerprint},\n  ${snapshot})`;
}

export const removeRevisionSql = (revision: string, literal: (s: string) => string): string => `DELETE FROM ${TABLE} WHERE revision = ${literal(revision)}`;

/** The revision a script block runs, as its guard names it. */
export interface Guarded {
  readonly revision: string;
  readonly parents: readonly string[];
  readonly file: string;
}

const GUARD_HINT = {
  upgrade:
    'this script was written for a database at another revision, and nothing of this revision ran: see where the database stands with `schema current`, and write the script again against it with `schema upgrade --sql`',
  downgrade:
    'this script was written for a database at another revision, and nothing of this revision ran: see where the database stands with `schema current`, and write the script again against it with `schema downgrade --sql`',
} as const;

/**
 * A DO block for a hand-run script, run inside the revision's transaction before anything
 * else: it raises an exception (so psql stops and the transaction rolls back) unless the
 * ledger is where running `r` this way needs it: no run left unfinished, and for an upgrade,
 * its parents applied and itself not; for a downgrade, itself applied and nothing applied
 * that follows it. The message says where the database stands instead.
 */
export function guardSql(r: Guarded, direction: 'upgrade' | 'downgrade'): string {
  const label = quoteLiteral(`revision ${r.revision} (${r.file})`);
  const id = quoteLiteral(r.revision);
  const hint = quoteLiteral(GUARD_HINT[direction]);
  const fail = (condition: string, message: string) => [`  IF ${condition} THEN`, `    RAISE EXCEPTION USING MESSAGE = ${label} || ${message}, HINT = ${hint};`, '  END IF;'];
  const lines = [
    'DECLARE',
    "  applied text[] := '{}';",
    "  at text := 'base';",
    '  others text;',
    '  unfinished record;',
    'BEGIN',
    // Work another run left unfinished comes first, as it does for schema itself.
    `  IF pg_catalog.to_regclass(${quoteLiteral(PENDING)}) IS NOT NULL THEN`,
    `    SELECT p.direction, p.revision, p.done, pg_catalog.jsonb_array_length(p.steps) AS steps INTO unfinished FROM ${PENDING} p ORDER BY p.started_at LIMIT 1;`,
    '    IF FOUND THEN',
    `      RAISE EXCEPTION USING MESSAGE = ${label} || ' cannot run: ' || CASE unfinished.direction WHEN 'apply' THEN 'an apply' ELSE 'an ' || unfinished.direction END`,
    `        || ' of revision ' || unfinished.revision || ' is unfinished (it stopped after step ' || unfinished.done || ' of ' || unfinished.steps || ')',`,
    `        HINT = 'run ' || CASE unfinished.direction WHEN 'apply' THEN '\`schema apply\`' ELSE '\`schema ' || unfinished.direction || '\` (without --sql)' END || ' to finish it first';`,
    '    END IF;',
    '  END IF;',
    `  IF pg_catalog.to_regclass(${quoteLiteral(TABLE)}) IS NOT NULL THEN`,
    `    SELECT coalesce(pg_catalog.array_agg(revision ORDER BY seq), '{}') INTO applied FROM ${TABLE};`,
    `    SELECT coalesce(pg_catalog.string_agg(r.revision, ', ' ORDER BY r.seq), 'base') INTO at FROM ${TABLE} r`,
    `      WHERE NOT EXISTS (SELECT 1 FROM ${TABLE} c WHERE r.revision = ANY (c.parents));`,
    direction === 'downgrade' ? `    SELECT pg_catalog.string_agg(c.revision, ', ' ORDER BY c.seq) INTO others FROM ${TABLE} c WHERE ${id} = ANY (c.parents);` : null,
    '  END IF;',
  ].filter((l): l is string => l !== null);
  if (direction === 'upgrade') {
    lines.push(...fail(`${id} = ANY (applied)`, `' is already applied to this database (it is at ' || at || ')'`));
    if (r.parents.length > 0) {
      lines.push(`  SELECT pg_catalog.string_agg(p, ', ') INTO others FROM pg_catalog.unnest(ARRAY[${r.parents.map(quoteLiteral).join(', ')}]::text[]) p WHERE p <> ALL (applied);`);
      lines.push(...fail('others IS NOT NULL', `' follows ' || others || ', which this database has not applied (it is at ' || at || ')'`));
    }
  } else {
    lines.push(...fail(`${id} <> ALL (applied)`, `' is not applied to this database (it is at ' || at || ')'`));
    lines.push(...fail('others IS NOT NULL', `' cannot be undone before ' || others || ', which follows it (the database is at ' || at || ')'`));
  }
  lines.push('END');
  return `DO ${dollarQuote(lines.join('\n'))}`;
}

export interface AppliedRevision extends Applied {
  readonly message: string;
  readonly applied_at: string;
  readonly applied_by: string;
  readonly duration_ms: number | null;
  readonly fingerprint: string | null;
}

const INSUFFICIENT_PRIVILEGE = '42501';

/** A read of the ledger; a role without the rights to read it is told which to ask for. */
async function readLedger<T>(db: Db, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof DbError && error.code === INSUFFICIENT_PRIVILEGE) {
      const schema = quoteIdent(LEDGER_SCHEMA);
      // Inside a failed transaction the role cannot be asked for: a placeholder stands for it.
      const role = await db.query<{ role: string }>('SELECT current_user AS role').then(
        (rows) => quoteIdent(rows[0]!.role),
        () => 'this_role',
      );
      throw new DbError(
        error.message,
        error.code,
        `this role may not read the ledger of applied revisions (schema ${LEDGER_SCHEMA}); an owner can grant it: GRANT USAGE ON SCHEMA ${schema} TO ${role}; GRANT SELECT ON ALL TABLES IN SCHEMA ${schema} TO ${role};`,
      );
    }
    throw error;
  }
}

async function ledgerExists(db: Db): Promise<boolean> {
  const rows = await db.query<{ t: string | null }>(`SELECT pg_catalog.to_regclass($1)::text AS t`, [TABLE]);
  return Boolean(rows[0]?.t);
}

/** The applied revisions, in the order they were applied; none when the ledger does not exist yet. */
export async function appliedRevisions(db: Db): Promise<AppliedRevision[]> {
  return readLedger(db, async () => {
    if (!(await ledgerExists(db))) return [];
    return db.query<AppliedRevision>(`SELECT revision, parents, file, checksum, message, applied_at::text AS applied_at, applied_by, duration_ms, fingerprint FROM ${TABLE} ORDER BY seq`);
  });
}

/** The Model recorded after `revision` was applied (null when none was recorded). */
export async function snapshotOf(db: Db, revision: string): Promise<Model | null> {
  return readLedger(db, async () => {
    if (!(await ledgerExists(db))) return null;
    const rows = await db.query<{ snapshot: Model | null }>(`SELECT snapshot FROM ${TABLE} WHERE revision = $1`, [revision]);
    return rows[0]?.snapshot ?? null;
  });
}

// ---- pending work: a change that runs in several transactions, and how far it got ----

const PENDING = qualify(LEDGER_SCHEMA, 'pending');

export const PENDING_DDL = `CREATE TABLE IF NOT EXISTS ${PENDING} (
    revision text PRIMARY KEY,
    direction text NOT NULL,
    steps jsonb NOT NULL,
    done integer NOT NULL DEFAULT 0,
    payload jsonb NOT NULL,
    started_at timestamptz NOT NULL DEFAULT clock_timestamp()
  )`;

/** Work started and not finished: resumed by the next apply, upgrade or downgrade. */
export interface Pending {
  readonly revision: string;
  readonly direction: 'apply' | 'upgrade' | 'downgrade';
  readonly steps: readonly Step[];
  /** Steps done (and committed) so far. */
  readonly done: number;
  /** What finishing needs (for an apply: the revision file to write). */
  readonly payload: Record<string, unknown>;
  readonly started_at: string;
}

export async function ensurePending(db: Db): Promise<void> {
  await ensureLedger(db);
  await db.exec(PENDING_DDL);
}

/** Where a record keeps its checksum, in its payload. */
export const RECORD_CHECKSUM = 'record_checksum';

/**
 * The checksum of a pending record: everything it holds but its progress (`done`) and the
 * checksum itself, as canonical JSON (the order jsonb gives keys does not count).
 */
export function recordChecksum(p: Pick<Pending, 'revision' | 'direction' | 'steps' | 'payload'>): string {
  const { [RECORD_CHECKSUM]: _own, ...payload } = p.payload;
  return `sha256:${sha256(canonicalJson({ revision: p.revision, direction: p.direction, steps: p.steps, payload }))}`;
}

/** True when the record holds what was written (its checksum matches); false when changed since, or written without one. */
export const recordIntact = (p: Pending): boolean => p.payload[RECORD_CHECKSUM] === recordChecksum(p);

/** Start a record of work in several transactions, sealed with its checksum (see `recordChecksum`). */
export async function startPending(db: Db, p: Omit<Pending, 'done' | 'started_at'>): Promise<void> {
  const payload = { ...p.payload, [RECORD_CHECKSUM]: recordChecksum(p) };
  await db.query(`INSERT INTO ${PENDING} (revision, direction, steps, payload) VALUES ($1, $2, $3::jsonb, $4::jsonb)`, [p.revision, p.direction, JSON.stringify(p.steps), JSON.stringify(payload)]);
}

export async function markDone(db: Db, revision: string, done: number): Promise<void> {
  await db.query(`UPDATE ${PENDING} SET done = $2 WHERE revision = $1`, [revision, done]);
}

export async function finishPending(db: Db, revision: string): Promise<void> {
  await db.query(`DELETE FROM ${PENDING} WHERE revision = $1`, [revision]);
}

/** The unfinished work, if any (there is at most one: every writer holds the advisory lock). */
export async function readPending(db: Db): Promise<Pending | null> {
  return readLedger(db, async () => {
    const exists = await db.query<{ t: string | null }>(`SELECT pg_catalog.to_regclass($1)::text AS t`, [PENDING]);
    if (!exists[0]?.t) return null;
    const rows = await db.query<Pending>(`SELECT revision, direction, steps, done, payload, started_at::text AS started_at FROM ${PENDING} ORDER BY started_at LIMIT 1`);
    return rows[0] ?? null;
  });
}
