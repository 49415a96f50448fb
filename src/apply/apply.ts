// Run a plan: one transaction under an advisory lock; the database re-read inside it and
// compared with the Model the plan was made from; every step in order; the ledger row; and
// the revision file, which appears in plans/ only once the transaction has committed.
import { mkdir, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Db } from '../db/db.js';
import { introspect } from '../introspect/introspect.js';
import { fingerprint } from '../model/fingerprint.js';
import type { Plan, Step } from '../plan/types.js';
import { formatRevision, heads, newRevisionId, readRevisions, slug, timestampName } from '../revisions/file.js';
import { ensureLedger, recordRevision } from '../revisions/ledger.js';

/** The advisory lock every apply takes (two-key form: "sche", 1). */
const LOCK_KEYS = [1936286565, 1] as const;

export class ApplyError extends Error {
  constructor(
    message: string,
    /** 0-based index of the failed step, when a step failed. */
    readonly failedStep: number | null = null,
    readonly hint: string | null = null,
  ) {
    super(message);
    this.name = 'ApplyError';
  }
}

export interface ApplyOptions {
  readonly db: Db;
  readonly plan: Plan;
  readonly plansDir: string;
  readonly message: string;
  readonly now?: Date;
  /** How long to wait for another apply's lock before giving up (default 60 s). */
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

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function takeLock(db: Db, waitMs: number): Promise<void> {
  const started = Date.now();
  for (;;) {
    const rows = await db.query<{ ok: boolean }>('SELECT pg_catalog.pg_try_advisory_xact_lock($1, $2) AS ok', [...LOCK_KEYS]);
    if (rows[0]?.ok) return;
    if (Date.now() - started >= waitMs) {
      const holder = await db.query<{ pid: number }>(
        "SELECT pid FROM pg_catalog.pg_locks WHERE locktype = 'advisory' AND classid = $1 AND objid = $2 AND objsubid = 2 AND granted",
        [...LOCK_KEYS],
      );
      const who = holder[0] ? ` (server process ${holder[0].pid})` : '';
      throw new ApplyError(`another schema apply is running on this database${who}; waited ${Math.round(waitMs / 1000)} s`, null, 'try again when it has finished');
    }
    await sleep(200);
  }
}

/** The revision the new one revises: the single head of plans/. */
async function parentRevision(plansDir: string): Promise<string | null> {
  const found = heads(await readRevisions(plansDir));
  if (found.length > 1) {
    throw new ApplyError(
      `${plansDir} has ${found.length} heads (${found.map((f) => `${f.revision} in ${f.fileName}`).join(', ')}): two branches each added a revision`,
      null,
      'merge them before applying',
    );
  }
  return found[0]?.revision ?? null;
}

/**
 * Apply `plan` and write its revision file. Either everything happens (every step, the ledger
 * row, the file) or nothing does. Never call with an empty plan.
 */
export async function applyPlan(options: ApplyOptions): Promise<ApplyResult> {
  const { db, plan, plansDir } = options;
  const created = options.now ?? new Date();
  const revises = await parentRevision(plansDir);
  const id = newRevisionId();
  const { text, checksum } = formatRevision(plan, { id, revises, created, message: options.message });
  await mkdir(plansDir, { recursive: true });
  let fileName = `${timestampName(created)}_${slug(options.message)}.sql`;
  const existing = new Set((await readRevisions(plansDir)).map((f) => f.fileName));
  for (let n = 2; existing.has(fileName); n++) fileName = `${timestampName(created)}_${slug(options.message)}_${n}.sql`;
  const finalPath = join(plansDir, fileName);
  const tempPath = join(plansDir, `.${fileName}.tmp`);

  const started = Date.now();
  let committed = false;
  await db.exec('BEGIN');
  try {
    await takeLock(db, options.lockWaitMs ?? 60_000);
    const before = await introspect(db);
    if (fingerprint(before.model) !== plan.fingerprint.from) {
      throw new ApplyError('the database changed since this plan was made', null, 'run `schema plan` again and review the new plan');
    }
    await ensureLedger(db);
    for (const [i, step] of plan.steps.entries()) {
      options.onStep?.(i, step);
      for (const statement of step.sql) {
        try {
          await db.exec(statement);
        } catch (error) {
          const reason = error instanceof Error ? error.message : String(error);
          const notRun = plan.steps.length - i - 1;
          throw new ApplyError(
            `step ${i + 1} of ${plan.steps.length} failed (${step.op} ${step.object}): ${reason}\n` +
              `  statement: ${statement.split('\n')[0]}${statement.includes('\n') ? ' ...' : ''}\n` +
              `  ${i} step${i === 1 ? '' : 's'} before it rolled back, ${notRun} not run: the database is as it was, and no revision file was written`,
            i,
          );
        }
      }
    }
    const after = await introspect(db, before.serverVersion);
    await writeFile(tempPath, text, { flag: 'wx' });
    await recordRevision(db, {
      revision: id,
      revises,
      file: fileName,
      checksum,
      message: options.message,
      durationMs: Date.now() - started,
      fingerprint: fingerprint(after.model),
      snapshot: after.model,
    });
    await db.exec('COMMIT');
    committed = true;
  } catch (error) {
    if (!committed) await db.exec('ROLLBACK').catch(() => undefined);
    await unlink(tempPath).catch(() => undefined);
    throw error;
  }
  await rename(tempPath, finalPath);
  return { revision: id, file: finalPath, durationMs: Date.now() - started };
}
