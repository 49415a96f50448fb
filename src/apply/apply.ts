// Run a plan: under the advisory lock, check the revision history, read the database again
// and compare it with the Model the plan was made from, run every step, record the ledger
// row, and write the revision file, which appears in plans/ only once the transaction has
// committed.
import { mkdir, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Db } from '../db/db.js';
import { introspect } from '../introspect/introspect.js';
import { fingerprint } from '../model/fingerprint.js';
import type { Plan, Step } from '../plan/types.js';
import { Chain, verifyApplied } from '../revisions/chain.js';
import { formatRevision, newRevisionId, readRevisions, slug, timestampName } from '../revisions/file.js';
import { appliedRevisions, ensureLedger, recordRevision } from '../revisions/ledger.js';
import { ApplyError, inLockedTransaction, runSteps } from './transaction.js';

export { ApplyError } from './transaction.js';

export interface ApplyOptions {
  readonly db: Db;
  readonly plan: Plan;
  readonly plansDir: string;
  readonly message: string;
  readonly now?: Date;
  /** How long to wait for another writer's lock before giving up (default 60 s). */
  readonly lockWaitMs?: number;
  /** Called before each step runs. */
  readonly onStep?: (index: number, step: Step) => void;
}

export interface ApplyResult {
  readonly revision: string;
  /** Path of the revision file written. */
  readonly file: string;
  readonly durationMs: number;
}

function uniqueFileName(chain: Chain, created: Date, message: string): string {
  const taken = new Set([...chain.byId.values()].map((r) => r.fileName));
  const base = `${timestampName(created)}_${slug(message)}`;
  let name = `${base}.sql`;
  for (let n = 2; taken.has(name); n++) name = `${base}_${n}.sql`;
  return name;
}

/**
 * Apply `plan` and write its revision file. Either everything happens (every step, the ledger
 * row, the file) or nothing does. Never call with an empty plan.
 */
export async function applyPlan(options: ApplyOptions): Promise<ApplyResult> {
  const { db, plan, plansDir } = options;
  const chain = Chain.of(await readRevisions(plansDir));
  const head = chain.head();
  const created = options.now ?? new Date();
  const id = newRevisionId();
  const parents = head ? [head.revision] : [];
  const { text, checksum } = formatRevision(plan, { id, parents, created, message: options.message });
  const fileName = uniqueFileName(chain, created, options.message);
  await mkdir(plansDir, { recursive: true });
  const tempPath = join(plansDir, `.${fileName}.tmp`);

  const started = Date.now();
  try {
    await inLockedTransaction(db, options.lockWaitMs ?? 60_000, async () => {
      // First: another apply may have committed while this one waited for the lock (its
      // revision file may not even be in the folder yet).
      const before = await introspect(db);
      if (fingerprint(before.model) !== plan.fingerprint.from) {
        throw new ApplyError('the database changed since this plan was made', null, 'run `schema plan` again and review the new plan');
      }
      const applied = await appliedRevisions(db);
      verifyApplied(chain, applied);
      if (head && !applied.some((a) => a.revision === head.revision)) {
        const waiting = chain.ordered.filter((r) => !applied.some((a) => a.revision === r.revision));
        throw new ApplyError(
          `this database is behind the revisions in ${plansDir}: ${waiting.length} revision${waiting.length === 1 ? '' : 's'} (up to ${head.revision}, ${head.fileName}) not applied here`,
          null,
          'run `schema upgrade` first, then plan again',
        );
      }
      await ensureLedger(db);
      try {
        await runSteps(db, plan.steps, 'the plan', options.onStep);
      } catch (error) {
        if (error instanceof ApplyError) throw new ApplyError(`${error.message}, and no revision file was written`, error.failedStep);
        throw error;
      }
      const after = await introspect(db, before.serverVersion);
      await writeFile(tempPath, text, { flag: 'wx' });
      await recordRevision(db, {
        revision: id,
        parents,
        file: fileName,
        checksum,
        message: options.message,
        durationMs: Date.now() - started,
        fingerprint: fingerprint(after.model),
        snapshot: after.model,
      });
    });
  } catch (error) {
    await unlink(tempPath).catch(() => undefined);
    throw error;
  }
  const finalPath = join(plansDir, fileName);
  await rename(tempPath, finalPath);
  return { revision: id, file: finalPath, durationMs: Date.now() - started };
}
