// Revision files: one per applied plan, in plans/, named to sort by time. A header (format,
// revision id, the revision it revises, created, message, checksum of the body) and both
// directions in full SQL with each step's hazards beside it. Written once, never edited.
import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256 } from '../model/fingerprint.js';
import type { Plan, Step } from '../plan/types.js';
import { stepsAsSql } from '../render/sql.js';
import { commentText } from '../render/words.js';

export const REVISION_FORMAT = 1;
const MAGIC = '-- schema revision';

export interface RevisionHeader {
  readonly format: number;
  readonly revision: string;
  /** The parent revision; null for the first. */
  readonly revises: string | null;
  readonly created: string;
  readonly message: string;
  readonly checksum: string;
}

export interface RevisionFile extends RevisionHeader {
  readonly fileName: string;
  readonly text: string;
  readonly body: string;
}

export class RevisionError extends Error {}

export const newRevisionId = (): string => randomBytes(6).toString('hex');

/** `20261124T101500Z` for a time. */
export function timestampName(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

/** `add_users_email` from a message; `revision` when it has no letters or digits. */
export function slug(message: string): string {
  const s = message
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 48)
    .replace(/_+$/, '');
  return s === '' ? 'revision' : s;
}

function section(title: string, steps: readonly Step[]): string {
  const text = steps.length === 0 ? '-- (no steps)' : stepsAsSql(steps);
  return `-- +${title}\n${text}\n`;
}

/** The body: both directions. Its sha256 is the checksum in the header. */
export function revisionBody(plan: Plan): string {
  return `${section('upgrade', plan.steps)}\n${section('downgrade', plan.downgrade)}`;
}

export interface NewRevision {
  readonly id: string;
  readonly revises: string | null;
  readonly created: Date;
  readonly message: string;
}

/** The whole text of a new revision file. */
export function formatRevision(plan: Plan, r: NewRevision): { text: string; checksum: string } {
  const body = revisionBody(plan);
  const checksum = `sha256:${sha256(body)}`;
  const header = [
    `${MAGIC} (format ${REVISION_FORMAT})`,
    `-- revision: ${r.id}`,
    `-- revises: ${r.revises ?? 'none'}`,
    `-- created: ${r.created.toISOString().replace(/\.\d+Z$/, 'Z')}`,
    `-- message: ${commentText(r.message)}`,
    `-- checksum: ${checksum}`,
    '--',
    '-- Written by `schema apply`. Never edit an applied revision: its checksum is recorded in',
    '-- the database, and every command that reads this folder refuses a changed file.',
  ].join('\n');
  // The header ends at the first blank line; everything after it is the checksummed body.
  return { text: `${header}\n\n${body}`, checksum };
}

/** Read a revision file's header and body. Throws RevisionError naming the file when malformed. */
export function parseRevision(fileName: string, text: string): RevisionFile {
  const split = text.indexOf('\n\n');
  if (!text.startsWith(MAGIC) || split < 0) throw new RevisionError(`${fileName} is not a schema revision file (no header)`);
  const header = text.slice(0, split);
  const body = text.slice(split + 2);
  const fields = new Map<string, string>();
  for (const line of header.split('\n')) {
    const m = /^-- ([a-z]+): (.*)$/.exec(line);
    if (m) fields.set(m[1]!, m[2]!);
  }
  const format = Number(/\(format (\d+)\)/.exec(header)?.[1] ?? NaN);
  const need = (key: string): string => {
    const v = fields.get(key);
    if (v === undefined) throw new RevisionError(`${fileName}: the header has no "${key}"`);
    return v;
  };
  if (!Number.isInteger(format) || format > REVISION_FORMAT) {
    throw new RevisionError(`${fileName}: revision format ${Number.isNaN(format) ? '?' : format} is newer than this version of schema reads (${REVISION_FORMAT}); upgrade schema`);
  }
  const revises = need('revises');
  return {
    fileName,
    text,
    body,
    format,
    revision: need('revision'),
    revises: revises === 'none' ? null : revises,
    created: need('created'),
    message: fields.get('message') ?? '',
    checksum: need('checksum'),
  };
}

/** Whether the body still matches the checksum in the header. */
export function verifyChecksum(file: RevisionFile): boolean {
  return `sha256:${sha256(file.body)}` === file.checksum;
}

/** Every revision file in `dir` (none when the folder does not exist), in name order. */
export async function readRevisions(dir: string): Promise<RevisionFile[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.sql') && !n.startsWith('.')).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const files: RevisionFile[] = [];
  for (const name of names) files.push(parseRevision(name, await readFile(join(dir, name), 'utf8')));
  return files;
}

/**
 * The heads of the chain: revisions no other revision revises. Checks each file's checksum
 * first: a changed file stops everything, naming it.
 */
export function heads(files: readonly RevisionFile[]): RevisionFile[] {
  for (const f of files) {
    if (!verifyChecksum(f)) {
      throw new RevisionError(`${f.fileName} (revision ${f.revision}) was changed after it was written: its body no longer matches its checksum; restore it from version control`);
    }
  }
  const revised = new Set(files.map((f) => f.revises).filter((r): r is string => r !== null));
  return files.filter((f) => !revised.has(f.revision));
}
