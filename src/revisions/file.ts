// Revision files: one per applied plan, in plans/, named to sort by time. A header (format,
// revision id, the revisions it revises, created, message, checksum) and both directions in
// full SQL with each step's hazards beside it. Written once, never edited: the checksum covers
// the revision's identity (id and parents) and both directions.
import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseSync, scanSync } from 'libpg-query';
import { sha256 } from '../model/fingerprint.js';
import '../model/identifiers.js'; // loads the parser module
import { HAZARD_CODES, type Hazard, type HazardCode, type Op, type Plan, type Step } from '../plan/types.js';
import { stepsAsSql } from '../render/sql.js';
import { commentText } from '../render/words.js';

export const REVISION_FORMAT = 1;
const MAGIC = '-- schema revision';

export interface RevisionHeader {
  readonly format: number;
  readonly revision: string;
  /** The revisions this one follows: none for the first, two for a merge. */
  readonly parents: readonly string[];
  readonly created: string;
  readonly message: string;
  readonly checksum: string;
}

export interface RevisionFile extends RevisionHeader {
  readonly fileName: string;
  readonly body: string;
}

export class RevisionError extends Error {
  constructor(
    message: string,
    readonly hint: string | null = null,
  ) {
    super(message);
    this.name = 'RevisionError';
  }
}

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

/** The body: both directions. */
export function revisionBody(upgrade: readonly Step[], downgrade: readonly Step[]): string {
  return `${section('upgrade', upgrade)}\n${section('downgrade', downgrade)}`;
}

const parentsText = (parents: readonly string[]): string => (parents.length === 0 ? 'none' : parents.join(', '));

/** What the checksum covers: the revision's identity and both directions. */
export function checksumOf(revision: string, parents: readonly string[], body: string): string {
  return `sha256:${sha256(`revision: ${revision}\nrevises: ${parentsText(parents)}\n\n${body}`)}`;
}

export interface NewRevision {
  readonly id: string;
  readonly parents: readonly string[];
  readonly created: Date;
  readonly message: string;
}

/** The whole text of a new revision file. */
export function formatRevision(steps: Pick<Plan, 'steps' | 'downgrade'>, r: NewRevision): { text: string; checksum: string } {
  const body = revisionBody(steps.steps, steps.downgrade);
  const checksum = checksumOf(r.id, r.parents, body);
  const header = [
    `${MAGIC} (format ${REVISION_FORMAT})`,
    `-- revision: ${r.id}`,
    `-- revises: ${parentsText(r.parents)}`,
    `-- created: ${r.created.toISOString().replace(/\.\d+Z$/, 'Z')}`,
    `-- message: ${commentText(r.message)}`,
    `-- checksum: ${checksum}`,
    '--',
    '-- Written by `schema`. Never edit a revision: its checksum is recorded in the database',
    '-- that applied it, and every command that reads this folder refuses a changed file.',
  ].join('\n');
  // The header ends at the first blank line; everything after it is the body.
  return { text: `${header}\n\n${body}`, checksum };
}

/** Read a revision file's header and body. Throws RevisionError naming the file when malformed. */
export function parseRevision(fileName: string, text: string): RevisionFile {
  const split = text.indexOf('\n\n');
  if (!text.startsWith(MAGIC) || split < 0) throw new RevisionError(`${fileName} is not a schema revision file (it has no header)`);
  const header = text.slice(0, split);
  const body = text.slice(split + 2);
  const fields = new Map<string, string>();
  for (const line of header.split('\n')) {
    const m = /^-- ([a-z]+): (.*)$/.exec(line);
    if (m && !fields.has(m[1]!)) fields.set(m[1]!, m[2]!);
  }
  const format = Number(/\(format (\d+)\)/.exec(header)?.[1] ?? NaN);
  if (!Number.isInteger(format) || format > REVISION_FORMAT) {
    throw new RevisionError(`${fileName}: revision format ${Number.isNaN(format) ? '?' : format} is newer than this version of schema reads (${REVISION_FORMAT})`, 'upgrade schema');
  }
  const need = (key: string): string => {
    const v = fields.get(key);
    if (v === undefined || v.trim() === '') throw new RevisionError(`${fileName}: the header has no "${key}"`);
    return v.trim();
  };
  const revises = need('revises');
  return {
    fileName,
    body,
    format,
    revision: need('revision'),
    parents: revises === 'none' ? [] : revises.split(',').map((p) => p.trim()).filter(Boolean),
    created: need('created'),
    message: fields.get('message') ?? '',
    checksum: need('checksum'),
  };
}

/** Whether the file still matches the checksum in its header. */
export function verifyChecksum(file: RevisionFile): boolean {
  return checksumOf(file.revision, file.parents, file.body) === file.checksum;
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

/** Statements of an SQL text, split at the `;` tokens PostgreSQL's scanner sees (not those in strings or comments). */
export function splitStatements(sql: string): string[] {
  const bytes = Buffer.from(sql, 'utf8');
  const out: string[] = [];
  let start = 0;
  for (const token of scanSync(sql).tokens) {
    if (token.text !== ';') continue;
    const statement = stripComments(bytes.subarray(start, token.start).toString('utf8'));
    if (statement !== '') out.push(statement);
    start = token.end;
  }
  const rest = stripComments(bytes.subarray(start).toString('utf8'));
  if (rest !== '') out.push(rest);
  return out;
}

/** Leading comment lines and blank lines off a statement (its own text is left alone). */
function stripComments(text: string): string {
  const lines = text.split('\n');
  while (lines.length > 0 && (lines[0]!.trim() === '' || lines[0]!.trimStart().startsWith('--'))) lines.shift();
  return lines.join('\n').trim();
}

type Node = Record<string, unknown>;

/**
 * The index a `CREATE/DROP INDEX CONCURRENTLY` statement builds or drops, read with the
 * PostgreSQL parser; undefined for any other statement (which runs in a transaction).
 */
export function concurrentTarget(statement: string): Step['concurrently'] | undefined {
  let stmt: Node | undefined;
  try {
    stmt = (parseSync(statement) as { stmts?: { stmt?: Node }[] }).stmts?.[0]?.stmt;
  } catch {
    return undefined;
  }
  const create = stmt?.['IndexStmt'] as { concurrent?: boolean; idxname?: string; relation?: { schemaname?: string } } | undefined;
  if (create?.concurrent && create.idxname) return { schema: create.relation?.schemaname ?? 'public', index: create.idxname, creates: true };
  const drop = stmt?.['DropStmt'] as { concurrent?: boolean; removeType?: string; objects?: { List?: { items?: { String?: { sval?: string } }[] } }[] } | undefined;
  if (drop?.concurrent && drop.removeType === 'OBJECT_INDEX') {
    const parts = (drop.objects?.[0]?.List?.items ?? []).map((i) => i.String?.sval ?? '');
    const index = parts[parts.length - 1];
    if (index) return { schema: parts.length > 1 ? parts[0]! : 'public', index, creates: false };
  }
  return undefined;
}

/** The steps of one direction of a revision body, as written: op, object, hazards and statements. */
export function parseSteps(fileName: string, body: string, direction: 'upgrade' | 'downgrade'): Step[] {
  const marker = `-- +${direction}\n`;
  const at = body.indexOf(marker);
  if (at < 0) throw new RevisionError(`${fileName} has no "-- +${direction}" section`);
  const end = direction === 'upgrade' ? body.indexOf('\n-- +downgrade\n', at) : body.length;
  const text = body.slice(at + marker.length, end < 0 ? body.length : end);
  const steps: Step[] = [];
  const headings = [...text.matchAll(/^-- step \d+\/\d+: (\S+) (.*)$/gm)];
  headings.forEach((h, i) => {
    const from = h.index! + h[0].length;
    const to = headings[i + 1]?.index ?? text.length;
    const chunk = text.slice(from, to);
    const hazards: Hazard[] = [...chunk.matchAll(/^-- hazard (\w+): (.*)$/gm)]
      .filter((m) => (HAZARD_CODES as readonly string[]).includes(m[1]!))
      .map((m) => ({ code: m[1] as HazardCode, message: m[2]! }));
    const sql = splitStatements(chunk);
    const concurrently = sql.length === 1 ? concurrentTarget(sql[0]!) : undefined;
    steps.push({ op: h[1] as Op, object: h[2]!, sql, hazards, ...(concurrently ? { concurrently } : {}) });
  });
  return steps;
}
