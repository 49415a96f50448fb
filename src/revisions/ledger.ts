// The ledger: one row per applied revision, in the tool's own schema, which introspection
// never reads and plans never touch. Created on first use, inside the applying transaction.
import type { Db } from '../db/db.js';
import { qualify, quoteIdent } from '../model/identifiers.js';
import { LEDGER_SCHEMA } from '../model/model.js';

const TABLE = qualify(LEDGER_SCHEMA, 'revisions');

export const LEDGER_DDL = [
  `CREATE SCHEMA IF NOT EXISTS ${quoteIdent(LEDGER_SCHEMA)}`,
  `CREATE TABLE IF NOT EXISTS ${TABLE} (
    revision text PRIMARY KEY,
    revises text,
    file text NOT NULL,
    checksum text NOT NULL,
    message text NOT NULL DEFAULT '',
    applied_at timestamptz NOT NULL DEFAULT now(),
    applied_by text NOT NULL DEFAULT current_user,
    duration_ms integer NOT NULL,
    fingerprint text NOT NULL,
    snapshot jsonb NOT NULL
  )`,
];

export interface LedgerRow {
  readonly revision: string;
  readonly revises: string | null;
  readonly file: string;
  readonly checksum: string;
  readonly message: string;
  readonly durationMs: number;
  /** Of the Model after the revision. */
  readonly fingerprint: string;
  readonly snapshot: unknown;
}

export async function ensureLedger(db: Db): Promise<void> {
  await db.exec(LEDGER_DDL.join(';\n'));
}

export async function recordRevision(db: Db, row: LedgerRow): Promise<void> {
  await db.query(
    `INSERT INTO ${TABLE} (revision, revises, file, checksum, message, duration_ms, fingerprint, snapshot) VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb)`,
    [row.revision, row.revises, row.file, row.checksum, row.message, row.durationMs, row.fingerprint, JSON.stringify(row.snapshot)],
  );
}

export interface AppliedRevision {
  readonly revision: string;
  readonly revises: string | null;
  readonly file: string;
  readonly checksum: string;
  readonly applied_at: string;
}

/** The applied revisions, oldest first; none when the ledger does not exist yet. */
export async function appliedRevisions(db: Db): Promise<AppliedRevision[]> {
  const exists = await db.query<{ t: string | null }>(`SELECT pg_catalog.to_regclass($1)::text AS t`, [TABLE]);
  if (!exists[0]?.t) return [];
  return db.query<AppliedRevision>(`SELECT revision, revises, file, checksum, applied_at::text AS applied_at FROM ${TABLE} ORDER BY applied_at, revision`);
}
