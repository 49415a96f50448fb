// An apply cut short is finished from its record in the ledger, which anyone who can write
// the database can change: nothing in it is believed. Before a step runs again the record must
// match its checksum, name its revision file plainly (it is only ever written in plans/), carry
// a revision text that reads back as its own, and follow the revisions the database is at; the
// hazards of the steps left are read again from their SQL, for consent.
import type { Db } from '../db/db.js';
import { canonicalJson } from '../model/fingerprint.js';
import type { Hazard, Step } from '../plan/types.js';
import { concurrentTarget, isRevisionFileName, parseRevision, RevisionError, verifyChecksum } from '../revisions/file.js';
import { appliedRevisions, RECORD_CHECKSUM, recordIntact, type Pending } from '../revisions/ledger.js';
import type { Group } from './groups.js';
import { hazardsInSql } from '../revisions/statements.js';
import { ApplyError } from './transaction.js';

/** What finishing an apply needs, kept with its pending record (sealed by its checksum, see ledger.ts). */
export interface ApplyPayload {
  readonly [key: string]: unknown;
  /** A plain revision file name, written in the plans/ of the command that finishes it. */
  readonly fileName: string;
  readonly text: string;
  readonly checksum: string;
  readonly parents: readonly string[];
  readonly message: string;
  /** The plan's fingerprint: the state it was made from and the one it leads to. */
  readonly fingerprint: { readonly from: string; readonly to: string };
  /** For a saved plan: the fingerprint the database must have once every step is done. */
  readonly expectTo?: string;
  /** The groups announced when it started. */
  readonly groups: readonly Group[];
  /** Nothing to record: the steps only undo changes made outside schema (see `ApplyOptions.records`). */
  readonly unrecorded?: true;
}

/** The way on when a record cannot be finished. */
const GIVE_UP = 'give it up with `schema apply --abandon` (the steps it finished stay done), then run `schema plan` to see what is left to do';

function refuse(pending: Pending, why: string): never {
  throw new ApplyError(`the record of the unfinished apply of revision ${pending.revision} ${why}; nothing was run`, null, GIVE_UP);
}

const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

/** Groups that cover the steps in order, each concurrent step alone and outside a transaction. */
function groupsFit(groups: unknown, steps: readonly Step[]): boolean {
  if (!Array.isArray(groups)) return false;
  let at = 0;
  for (const g of groups as Group[]) {
    if (g?.from !== at || !Number.isInteger(g.to) || g.to <= g.from || g.to > steps.length) return false;
    const concurrent = steps.slice(g.from, g.to).some((s) => s.concurrently);
    if (concurrent && (g.to - g.from !== 1 || g.transactional !== false)) return false;
    if (!concurrent && g.transactional !== true) return false;
    at = g.to;
  }
  return at === steps.length;
}

/** The revisions the database is at: applied, and followed by none applied. */
async function heads(db: Db): Promise<string[]> {
  const applied = await appliedRevisions(db);
  const followed = new Set(applied.flatMap((a) => a.parents));
  return applied.map((a) => a.revision).filter((r) => !followed.has(r));
}

const sameSet = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((x) => b.includes(x));

/**
 * The payload of an apply's record, once the record is checked (see the module comment).
 * Throws ApplyError saying what is wrong, and that nothing was run.
 */
export async function checkedRecord(db: Db, pending: Pending): Promise<ApplyPayload> {
  if (!recordIntact(pending)) {
    refuse(pending, pending.payload[RECORD_CHECKSUM] === undefined ? 'has no checksum (it was changed, or written by an older version of schema)' : 'does not match its checksum: it was changed after schema wrote it');
  }
  const p = pending.payload as Partial<ApplyPayload>;
  if (!Number.isInteger(pending.done) || pending.done < 0 || pending.done > pending.steps.length) refuse(pending, `counts ${String(pending.done)} steps done of ${pending.steps.length}`);
  if (typeof p.fileName !== 'string' || !isRevisionFileName(p.fileName)) refuse(pending, `names its revision file ${JSON.stringify(p.fileName)}, which is not the name of a revision file (<time>_<message>.sql)`);
  if (typeof p.text !== 'string' || typeof p.checksum !== 'string' || !isStrings(p.parents)) refuse(pending, 'has no revision text, checksum or parents');
  if (!groupsFit(p.groups, pending.steps)) refuse(pending, 'runs its steps in groups that do not fit them');
  for (const [i, step] of pending.steps.entries()) {
    const target = step.sql.length === 1 ? concurrentTarget(step.sql[0]!) : undefined;
    if (canonicalJson(step.concurrently) !== canonicalJson(target)) refuse(pending, `marks step ${i + 1} as run outside a transaction, unlike its SQL`);
  }
  let file;
  try {
    file = parseRevision(p.fileName, p.text);
  } catch (error) {
    refuse(pending, `holds a revision text that does not read (${error instanceof RevisionError ? error.message : String(error)})`);
  }
  if (file.revision !== pending.revision || file.checksum !== p.checksum || !verifyChecksum(file) || !sameSet(file.parents, p.parents)) {
    refuse(pending, 'holds a revision text that is not its own (another revision, or not matching its checksum)');
  }
  const at = await heads(db);
  if (!sameSet(at, p.parents)) {
    refuse(pending, `follows ${p.parents.join(', ') || 'no revision'}, but the database is at ${at.join(', ') || 'base'} (revisions were recorded since it started)`);
  }
  return pending.payload as ApplyPayload;
}

/**
 * The steps an apply cut short has left, each with its hazards read again from its SQL (see
 * revisions/statements.ts) added to those its record states: what consent is asked for.
 */
export function stepsLeft(pending: Pending): Step[] {
  return pending.steps.slice(pending.done).map((step) => {
    const stated = new Set(step.hazards.map((h) => h.code));
    const found: Hazard[] = hazardsInSql(step.sql).filter((h) => !stated.has(h.code) && (stated.add(h.code), true));
    return found.length === 0 ? step : { ...step, hazards: [...step.hazards, ...found] };
  });
}
