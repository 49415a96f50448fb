// Replay revision files: each revision's own SQL, in its own transaction under the advisory
// lock, with the ledger row added (upgrade) or removed (downgrade) in the same transaction.
import type { Db } from '../db/db.js';
import { introspect } from '../introspect/introspect.js';
import { fingerprint } from '../model/fingerprint.js';
import { quoteLiteral } from '../model/identifiers.js';
import type { Step } from '../plan/types.js';
import { stepsAsSql } from '../render/sql.js';
import type { Revision } from '../revisions/chain.js';
import { appliedRevisions, ensureLedger, LEDGER_DDL, recordRevision, recordRevisionSql, removeRevision, removeRevisionSql } from '../revisions/ledger.js';
import { ApplyError, inLockedTransaction, LOCK_SQL, runSteps } from './transaction.js';

export type Direction = 'upgrade' | 'downgrade';

export interface ReplayOptions {
  readonly lockWaitMs?: number;
  readonly onStep?: (index: number, step: Step) => void;
}

const label = (r: Revision): string => `revision ${r.revision} (${r.fileName})`;

/** Run one revision one way. All or nothing: the steps and the ledger change commit together. */
export async function runRevision(db: Db, revision: Revision, direction: Direction, options: ReplayOptions = {}): Promise<number> {
  const started = Date.now();
  await inLockedTransaction(db, options.lockWaitMs ?? 60_000, async () => {
    // Checked again under the lock: another process may have moved the database meanwhile.
    const applied = await appliedRevisions(db);
    const ids = new Set(applied.map((a) => a.revision));
    if (direction === 'upgrade') {
      if (ids.has(revision.revision)) throw new ApplyError(`${label(revision)} is already applied (did another upgrade run?)`);
      const missing = revision.parents.filter((p) => !ids.has(p));
      if (missing.length > 0) throw new ApplyError(`${label(revision)} follows ${missing.join(', ')}, which this database has not applied`);
      await ensureLedger(db);
      await runSteps(db, revision.upgrade, label(revision), options.onStep);
      const after = await introspect(db);
      await recordRevision(db, {
        revision: revision.revision,
        parents: revision.parents,
        file: revision.fileName,
        checksum: revision.checksum,
        message: revision.message,
        durationMs: Date.now() - started,
        fingerprint: fingerprint(after.model),
        snapshot: after.model,
      });
    } else {
      if (!ids.has(revision.revision)) throw new ApplyError(`${label(revision)} is not applied to this database`);
      const child = applied.find((a) => a.parents.includes(revision.revision));
      if (child) throw new ApplyError(`${label(revision)} cannot be undone before ${child.revision} (${child.file}), which follows it`);
      await runSteps(db, revision.downgrade, label(revision), options.onStep);
      await removeRevision(db, revision.revision);
    }
  });
  return Date.now() - started;
}

/**
 * The script that does what `runRevision` does, for a person to run with psql: each revision
 * in its own transaction under the same lock, with its ledger row. Runs nothing.
 */
export function replayScript(revisions: readonly Revision[], direction: Direction): string {
  const out = [
    `-- schema ${direction}: ${revisions.length} revision${revisions.length === 1 ? '' : 's'}, for psql (it stops at the first error)`,
    '\\set ON_ERROR_STOP on',
    '',
  ];
  if (direction === 'upgrade') out.push(...LEDGER_DDL.map((s) => `${s};`), '');
  for (const r of revisions) {
    const steps = direction === 'upgrade' ? r.upgrade : r.downgrade;
    out.push(`-- ${label(r)}: ${r.message}`, 'BEGIN;', `${LOCK_SQL};`);
    if (steps.length > 0) out.push(stepsAsSql(steps));
    out.push(direction === 'upgrade' ? `${recordRevisionSql({ ...r, file: r.fileName, revision: r.revision }, quoteLiteral)};` : `${removeRevisionSql(r.revision, quoteLiteral)};`);
    out.push('COMMIT;', '');
  }
  return out.join('\n');
}
