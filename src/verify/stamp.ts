// `schema stamp`: record a database made some other way as standing at a revision of the chain,
// running none of its SQL on it (Alembic's stamp). Only when the database is exactly the state the
// chain defines there: the states are worked out by replaying the revisions without data in a
// temporary database on the same server (as its role), so nothing of plans/ runs on the database.
import { inLockedTransaction } from '../apply/transaction.js';
import type { Db } from '../db/db.js';
import { UserError } from '../errors.js';
import { fingerprint } from '../model/fingerprint.js';
import type { Model } from '../model/model.js';
import { introspect } from '../introspect/introspect.js';
import { Chain, revisionsToUpgrade, type Revision } from '../revisions/chain.js';
import { readRevisions } from '../revisions/folder.js';
import { appliedRevisions, ensureLedger, readPending, recordRevision } from '../revisions/ledger.js';
import { statesAfter, stepsToward } from './scratch-replay.js';

export interface Stamped {
  /** What was recorded, in order: the revision and every one it descends from. */
  readonly revisions: readonly Revision[];
}

/**
 * Records `target` (`head`, or a revision id or prefix) and every revision it descends from
 * as applied to `db`, with the state each leads to, after checking that the database is the
 * state at `target`. Throws UserError, recording nothing, when the database already has a
 * revision, when plans/ has none, or when the database is not that state.
 */
export async function stampDatabase(db: Db, plansDir: string, target: string, lockWaitMs = 60_000): Promise<Stamped> {
  return inLockedTransaction(db, lockWaitMs, async () => {
    const [applied, unfinished] = [await appliedRevisions(db), await readPending(db)];
    if (unfinished) throw new UserError(`an ${unfinished.direction} of revision ${unfinished.revision} is unfinished on this database; nothing was stamped`, 'finish it first (see `schema current`)');
    const last = applied[applied.length - 1];
    if (last) {
      throw new UserError(
        `this database is at revision ${last.revision} already (${applied.length} applied): stamp records the chain on a database that has none of it; nothing was stamped`,
        '`schema upgrade` and `schema downgrade` move a database along the chain',
      );
    }
    const revisions = revisionsToUpgrade(Chain.of(await readRevisions(plansDir)), new Set(), target);
    if (revisions.length === 0)
      throw new UserError(`${plansDir} holds no revision to stamp; nothing was stamped`, 'write the first revision with `schema apply` (on a database that is already the schema: `schema apply --baseline`)');
    const live = await introspect(db, { inTransaction: true });
    const empty: Model = { schemas: ['public'], enums: {}, tables: {} };
    // Spelled by the database's own PostgreSQL: a temporary database on its server (the
    // revisions' SQL runs there, as upgrade would run it here), or the embedded one for the embedded.
    const states = await statesAfter({ ...live, model: empty }, revisions, db.target.kind === 'server' ? db.target : null);
    const at = revisions[revisions.length - 1]!;
    const reached = states.after[states.after.length - 1];
    if (states.note || !reached) throw new UserError(`cannot work out the state at revision ${at.revision}, so nothing was stamped: ${states.note ?? 'no state'}`);
    const left = stepsToward(live.model, reached, live.unmanaged.occupiedSchemas).map((s) => `${s.op} ${s.object}`);
    if (left.length > 0) {
      throw new UserError(
        `this database is not the schema at revision ${at.revision} (${at.fileName}): ${left.length} difference${left.length === 1 ? '' : 's'} (it would take ${left.slice(0, 5).join(', ')}${left.length > 5 ? ', ...' : ''}); nothing was stamped`,
        `stamp only records a database that is already that state; \`schema upgrade\` builds one, or stamp an earlier revision`,
      );
    }
    await ensureLedger(db);
    for (const [i, r] of revisions.entries()) {
      const state = states.after[i]!;
      await recordRevision(db, { revision: r.revision, parents: r.parents, file: r.fileName, checksum: r.checksum, message: r.message, durationMs: null, fingerprint: fingerprint(state), snapshot: state });
    }
    return { revisions };
  });
}
