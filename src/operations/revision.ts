// The revision use case: a new hand-written revision file after the head of plans/, for the
// changes schema.yaml cannot say (a backfill, a conversion with an expression). It runs nothing:
// `schema upgrade` runs it like any revision.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { uniqueFileName } from '../revisions/chain.js';
import { fileSystemReason } from '../revisions/folder.js';
import { formatHandWritten, newRevisionId } from '../revisions/file.js';
import { loadChain } from './status.js';

export interface HandWritten {
  readonly revision: string;
  /** The path of the file written. */
  readonly file: string;
  /** The revision it revises; null for the first revision. */
  readonly revises: string | null;
}

/**
 * Write a hand-written revision revising the head of `plansDir` (every file checked first).
 * Refused, writing nothing, when plans/ has several heads: which one it follows would be a
 * guess, so they are merged first.
 */
export async function writeHandWritten(options: { readonly plansDir: string; readonly message: string; readonly now?: Date }): Promise<HandWritten> {
  const chain = await loadChain(options.plansDir);
  const heads = chain.heads();
  if (heads.length > 1) {
    throw new UserError(
      `${options.plansDir} has ${heads.length} heads (${heads.map((h) => `${h.revision}, ${h.fileName}`).join('; ')}): a new revision would follow only one of them; nothing was written`,
      'join them first with `schema merge -m "merge"`, then write the revision',
    );
  }
  const created = options.now ?? new Date();
  const id = newRevisionId();
  const revises = heads[0]?.revision ?? null;
  const text = formatHandWritten({ id, parents: revises ? [revises] : [], created, message: options.message });
  const file = join(options.plansDir, uniqueFileName(chain, created, options.message));
  try {
    await mkdir(options.plansDir, { recursive: true });
    await writeFile(file, text, { flag: 'wx' });
  } catch (error) {
    throw new UserError(`cannot write ${file}: ${fileSystemReason(error)}; nothing was written`, 'check the plans folder (--plans-dir), then run it again');
  }
  return { revision: id, file, revises };
}
