// Revision files: one per applied plan, in plans/, named to sort by time. A header (format,
// revision id, the revisions it revises, created, message, checksum) and both directions in
// full SQL with each step's hazards beside it. Written once, never edited: the checksum covers
// the header's fields (all but the checksum itself) and both directions.
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { access, readdir, readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parseSync, scanSync } from 'libpg-query';
import { sha256 } from '../model/fingerprint.js';
import '../model/identifiers.js'; // loads the parser module
import { HAZARD_CODES, type Hazard, type HazardCode, type Op, type Plan, type Step } from '../plan/types.js';
import { stepsAsSql } from '../render/sql.js';
import { commentText } from '../render/words.js';

export const REVISION_FORMAT = 1;
const MAGIC = '-- schema revision';
const FORMAT_LINE = `${MAGIC} (format ${REVISION_FORMAT})`;

/** The header fields the checksum covers: everything in the header but the checksum. */
export interface RevisionIdentity {
  readonly format: number;
  readonly revision: string;
  /** The revisions this one follows: none for the first, two for a merge. */
  readonly parents: readonly string[];
  readonly created: string;
  /** As written in the file (one line; line breaks spelled \\n). */
  readonly message: string;
}

export interface RevisionHeader extends RevisionIdentity {
  readonly checksum: string;
}

export interface RevisionFile extends RevisionHeader {
  readonly fileName: string;
  readonly body: string;
  /** The line of the file the body starts on (1-based), for messages. */
  readonly bodyLine: number;
}

export class RevisionError extends Error {
  constructor(
    message: string,
    readonly hint: string | null = null,
    /** The revision whose file is not in the folder, when that is what is wrong. */
    readonly missing: string | null = null,
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

/** What the checksum covers: the header's fields, as written, and both directions. */
export function checksumOf(header: RevisionIdentity, body: string): string {
  const covered = [
    `format: ${header.format}`,
    `revision: ${header.revision}`,
    `revises: ${parentsText(header.parents)}`,
    `created: ${header.created}`,
    `message: ${header.message}`,
  ];
  return `sha256:${sha256(`${covered.join('\n')}\n\n${body}`)}`;
}

export interface NewRevision {
  readonly id: string;
  readonly parents: readonly string[];
  readonly created: Date;
  readonly message: string;
}

/**
 * The whole text of a new revision file. Throws RevisionError when the text would not read
 * back as the same steps (so apply never writes a file that cannot be replayed as planned).
 */
export function formatRevision(steps: Pick<Plan, 'steps' | 'downgrade'>, r: NewRevision): { text: string; checksum: string } {
  const body = revisionBody(steps.steps, steps.downgrade);
  const identity: RevisionIdentity = {
    format: REVISION_FORMAT,
    revision: r.id,
    parents: r.parents,
    created: r.created.toISOString().replace(/\.\d+Z$/, 'Z'),
    message: commentText(r.message),
  };
  const checksum = checksumOf(identity, body);
  const header = [
    FORMAT_LINE,
    `-- revision: ${identity.revision}`,
    `-- revises: ${parentsText(identity.parents)}`,
    `-- created: ${identity.created}`,
    `-- message: ${identity.message}`,
    `-- checksum: ${checksum}`,
    '--',
    '-- Written by `schema`. Never edit a revision: its checksum is recorded in the database',
    '-- that applied it, and every command that reads this folder refuses a changed file.',
  ].join('\n');
  // The header ends at the first blank line; everything after it is the body.
  const text = `${header}\n\n${body}`;
  assertReadsBack(text, steps);
  return { text, checksum };
}

/** The statements a step runs, as a replay reads them from its file. */
const statementsOf = (steps: readonly Step[]): string[][] => steps.map((s) => s.sql.flatMap((sql) => splitStatements(sql)));

function assertReadsBack(text: string, planned: Pick<Plan, 'steps' | 'downgrade'>): void {
  const refuse = (what: string): never => {
    throw new RevisionError(
      `the revision file for this plan would not replay as planned: ${what}; nothing was run`,
      'this is a bug in schema: please report it with the plan (`schema plan --format json`)',
    );
  };
  let read: RevisionSteps;
  try {
    const file = parseRevision('the new revision file', text);
    read = parseBody(file.fileName, file.body, file.bodyLine);
  } catch (error) {
    return refuse(error instanceof RevisionError ? error.message : String(error));
  }
  for (const [direction, want, got] of [
    ['upgrade', planned.steps, read.upgrade],
    ['downgrade', planned.downgrade, read.downgrade],
  ] as const) {
    const a = statementsOf(want);
    const b = statementsOf(got);
    const at = a.findIndex((sql, i) => got[i]?.op !== want[i]!.op || JSON.stringify(sql) !== JSON.stringify(b[i]));
    if (at >= 0) refuse(`step ${at + 1} of the ${direction} reads back differently`);
    if (b.length !== a.length) refuse(`the ${direction} reads back as ${b.length} steps, not ${a.length}`);
  }
}

/** Line breaks as written on Windows (\\r\\n) read as \\n, and a byte-order mark is dropped. */
const normalizeText = (text: string): string => text.replace(/^\uFEFF/, '').replace(/\r\n/g, '\n');

/**
 * Read a revision file's header and body. Line endings are normalised first, so a copy with
 * CRLF line endings is the same revision. Throws RevisionError naming the file when malformed.
 */
export function parseRevision(fileName: string, raw: string): RevisionFile {
  const text = normalizeText(raw);
  const split = text.indexOf('\n\n');
  if (!text.startsWith(MAGIC) || split < 0) throw new RevisionError(`${fileName} is not a schema revision file (it has no header)`, `a revision file starts with "${FORMAT_LINE}"; move other files out of the plans folder`);
  const header = text.slice(0, split);
  const lines = header.split('\n');
  const format = formatOf(fileName, lines[0]!);
  const fields = readHeaderLines(fileName, format, lines);
  const need = (key: string): string => {
    const v = fields.get(key);
    if (v === undefined || v.trim() === '') throw new RevisionError(`${fileName}: the header has no "${key}"`, 'restore the file from version control');
    return v.trim();
  };
  const revises = need('revises');
  return {
    fileName,
    body: text.slice(split + 2),
    bodyLine: lines.length + 2,
    format,
    revision: need('revision'),
    parents: revises === 'none' ? [] : revises.split(',').map((p) => p.trim()).filter(Boolean),
    created: need('created'),
    message: fields.get('message') ?? '',
    checksum: need('checksum'),
  };
}

/** The fields of the header (format 1 and, so far, every format) and the lines of prose it may hold, word for word. */
const HEADER_FIELDS: Readonly<Record<number, readonly string[]>> = { 1: ['revision', 'revises', 'created', 'message', 'checksum'] };
const HEADER_PROSE: Readonly<Record<number, readonly string[]>> = {
  1: [
    '--',
    '-- Written by `schema`. Never edit a revision: its checksum is recorded in the database',
    '-- that applied it, and every command that reads this folder refuses a changed file.',
    // As the first versions wrote it.
    '-- Written by `schema apply`. Never edit an applied revision: its checksum is recorded in',
    '-- the database, and every command that reads this folder refuses a changed file.',
  ],
};

/**
 * The header's fields by name. Every line after the format line is a field of the file's
 * format, once, or a line of prose the tool writes: the checksum covers the fields, so any
 * other line (an added field, a statement, a second `revision:`) would pass unchecked and is
 * refused at its line. A later format adds its own lists and still reads the older ones.
 */
function readHeaderLines(fileName: string, format: number, lines: readonly string[]): Map<string, string> {
  const known = HEADER_FIELDS[format] ?? HEADER_FIELDS[REVISION_FORMAT]!;
  const prose = HEADER_PROSE[format] ?? HEADER_PROSE[REVISION_FORMAT]!;
  const fields = new Map<string, { value: string; line: number }>();
  const refuse = (line: number, what: string): never => {
    throw new RevisionError(`${fileName}:${line}: ${what}: the header holds only the lines schema wrote, and its checksum does not cover others`, 'restore the file from version control');
  };
  lines.forEach((text, i) => {
    const line = i + 1;
    if (i === 0) return;
    // An empty message may have lost its trailing space to an editor.
    const m = /^-- ([a-z_-]+):(?: (.*))?$/.exec(text);
    if (!m) {
      if (!prose.includes(text.trimEnd())) refuse(line, `an unexpected line in the header ("${text}")`);
      return;
    }
    const key = m[1]!;
    if (!known.includes(key)) refuse(line, `an unknown header field "${key}" (a revision file of format ${format} has ${known.join(', ')})`);
    const first = fields.get(key);
    if (first) refuse(line, `a second "${key}" line in the header (the first is on line ${first.line})`);
    fields.set(key, { value: m[2] ?? '', line });
  });
  return new Map([...fields].map(([key, f]) => [key, f.value]));
}

/** The format of a file's first line, or a RevisionError saying what is wrong with it. */
function formatOf(fileName: string, line: string): number {
  const m = /^-- schema revision \(format (\d+)\)$/.exec(line.trimEnd());
  if (!m) {
    throw new RevisionError(
      `${fileName}:1: malformed format line "${line}": it should read "${FORMAT_LINE}"`,
      'restore the file from version control',
    );
  }
  const format = Number(m[1]);
  if (format > REVISION_FORMAT) {
    throw new RevisionError(
      `${fileName} is in revision format ${format}, newer than this version of the schema tool reads (format ${REVISION_FORMAT} and older)`,
      'install a newer version of the schema tool (the one that wrote this file, or later)',
    );
  }
  if (format < 1) throw new RevisionError(`${fileName}:1: unknown revision format ${format}: formats start at 1`, 'restore the file from version control');
  return format;
}

/** Whether the file still matches the checksum in its header. */
export function verifyChecksum(file: RevisionFile): boolean {
  return checksumOf(file, file.body) === file.checksum;
}

const PLANS_DIR_HINT = 'pass --plans-dir with the folder of revision files (default ./plans)';

/** A failure to read or write in the plans folder, naming the path, for a person to fix. */
export function plansDirError(dir: string, error: unknown): RevisionError {
  const e = error as NodeJS.ErrnoException;
  const why: Record<string, string> = { EACCES: 'permission denied', EPERM: 'permission denied', EROFS: 'the file system is read-only', ENOSPC: 'no space left on the device', ENOTDIR: 'a part of the path is a file', ENOENT: 'a part of the path does not exist' };
  return new RevisionError(`cannot use the plans folder ${dir}: ${why[e.code ?? ''] ?? e.message}`, PLANS_DIR_HINT);
}

/**
 * Throws a RevisionError naming `dir` when it cannot be the folder of revision files: a file,
 * a path through a file, or one this process may not read (or, to write, write in). A folder
 * that does not exist yet is fine: the first revision written creates it.
 */
export async function checkPlansDir(dir: string, mode: 'read' | 'write'): Promise<void> {
  let probe = dir;
  for (;;) {
    try {
      if (!(await stat(probe)).isDirectory()) {
        throw new RevisionError(probe === dir ? `the plans folder ${dir} is a file, not a folder` : `the plans folder ${dir} is inside ${probe}, which is a file`, PLANS_DIR_HINT);
      }
      break;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw error instanceof RevisionError ? error : plansDirError(dir, error);
      if (dirname(probe) === probe) return;
      probe = dirname(probe);
    }
  }
  const wanted = mode === 'write' ? constants.W_OK | constants.X_OK : constants.R_OK | constants.X_OK;
  if (mode === 'read' && probe !== dir) return; // nothing there yet: nothing to read
  try {
    await access(probe, wanted);
  } catch {
    throw new RevisionError(`cannot ${mode} in the plans folder ${dir}: ${probe === dir ? 'permission denied' : `${probe} is not writable`}`, PLANS_DIR_HINT);
  }
}

/** Every revision file in `dir` (none when the folder does not exist), in name order. */
export async function readRevisions(dir: string): Promise<RevisionFile[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.sql') && !n.startsWith('.')).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    await checkPlansDir(dir, 'read');
    throw plansDirError(dir, error);
  }
  const files: RevisionFile[] = [];
  for (const name of names) files.push(parseRevision(name, await readFile(join(dir, name), 'utf8')));
  return files;
}

interface Token {
  readonly start: number;
  readonly end: number;
  readonly text: string;
  readonly tokenName: string;
}

/** A scanned SQL text in order: `--` comments between statements, and statements (without their `;`). */
type Piece = { readonly kind: 'comment' | 'statement'; readonly text: string; readonly offset: number };

/**
 * Cut `sql` where PostgreSQL's scanner sees statement ends (`;` tokens, never those in strings,
 * quoted names or comments). A `--` comment counts as a piece only between statements; inside
 * a statement it is part of the statement. Null when the scanner cannot read the text (a
 * string, quoted name or comment that is never closed). Offsets are in UTF-8 bytes.
 */
function scanPieces(sql: string): Piece[] | null {
  let tokens: readonly Token[];
  try {
    tokens = scanSync(sql).tokens as readonly Token[];
  } catch {
    // libpg-query reports the scanner's error as unparseable JSON: only "it cannot be read" is known.
    return null;
  }
  const bytes = Buffer.from(sql, 'utf8');
  const out: Piece[] = [];
  let first: Token | null = null;
  const close = (end: number): void => {
    if (first) out.push({ kind: 'statement', text: bytes.subarray(first.start, end).toString('utf8').trim(), offset: first.start });
    first = null;
  };
  for (const t of tokens) {
    if (t.text === ';') close(t.start);
    else if (first !== null) continue;
    else if (t.tokenName === 'SQL_COMMENT') out.push({ kind: 'comment', text: t.text.trimEnd(), offset: t.start });
    else if (t.tokenName !== 'C_COMMENT') first = t;
  }
  close(bytes.length);
  return out;
}

const UNREADABLE = 'a quoted string, quoted name or /* comment that is never closed';

/** Statements of an SQL text, split at the `;` tokens PostgreSQL's scanner sees (not those in strings or comments). */
export function splitStatements(sql: string): string[] {
  const pieces = scanPieces(sql);
  if (!pieces) throw new RevisionError(`the SQL has ${UNREADABLE}`);
  return pieces.filter((p) => p.kind === 'statement').map((p) => p.text);
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

export interface RevisionSteps {
  readonly upgrade: Step[];
  readonly downgrade: Step[];
}

interface StepDraft {
  readonly op: Op;
  readonly object: string;
  readonly sql: string[];
  readonly hazards: Hazard[];
}

const isHazardCode = (code: string): code is HazardCode => (HAZARD_CODES as readonly string[]).includes(code);

/**
 * Both directions of a revision body, as written: each step's op, object, hazards and
 * statements. Read with PostgreSQL's scanner, so only comments between statements count as
 * section markers (`-- +upgrade`), step headings and hazards; the same words inside a string,
 * a `$$` body or a comment within a statement are SQL. Throws RevisionError naming the file
 * (and line) when the body cannot be read.
 */
export function parseBody(fileName: string, body: string, bodyLine = 1): RevisionSteps {
  const pieces = scanPieces(body);
  if (!pieces) throw new RevisionError(`${fileName}: its SQL has ${UNREADABLE}, so it cannot be split into statements`, 'restore the file from version control');
  const bytes = Buffer.from(body, 'utf8');
  const where = (offset: number): string => {
    let line = bodyLine;
    for (let i = 0; i < offset; i++) if (bytes[i] === 0x0a) line++;
    return `${fileName}:${line}`;
  };
  const sections = new Map<'upgrade' | 'downgrade', StepDraft[]>();
  let section: StepDraft[] | null = null;
  let step: StepDraft | null = null;
  for (const piece of pieces) {
    if (piece.kind === 'statement') {
      if (!step) {
        throw new RevisionError(
          `${where(piece.offset)}: a statement outside any step (${piece.text.split('\n')[0]})`,
          'every statement follows a "-- step N/M: op object" line in the "-- +upgrade" or "-- +downgrade" section; restore the file from version control',
        );
      }
      step.sql.push(piece.text);
      continue;
    }
    const marker = /^-- \+(upgrade|downgrade)$/.exec(piece.text);
    if (marker) {
      const direction = marker[1] as 'upgrade' | 'downgrade';
      if (sections.has(direction)) throw new RevisionError(`${where(piece.offset)}: a second "-- +${direction}" section`, 'restore the file from version control');
      section = [];
      sections.set(direction, section);
      step = null;
      continue;
    }
    const heading = /^-- step \d+\/\d+: (\S+) (.*)$/.exec(piece.text);
    if (heading) {
      if (!section) throw new RevisionError(`${where(piece.offset)}: a step before the "-- +upgrade" line`, 'restore the file from version control');
      step = { op: heading[1] as Op, object: heading[2]!, sql: [], hazards: [] };
      section.push(step);
      continue;
    }
    const hazard = /^-- hazard (\w+): (.*)$/.exec(piece.text);
    if (hazard && step && isHazardCode(hazard[1]!)) step.hazards.push({ code: hazard[1], message: hazard[2]! });
  }
  const steps = (direction: 'upgrade' | 'downgrade'): Step[] => {
    const drafts = sections.get(direction);
    if (!drafts) throw new RevisionError(`${fileName} has no "-- +${direction}" section`, 'restore the file from version control');
    return drafts.map((d) => {
      const concurrently = d.sql.length === 1 ? concurrentTarget(d.sql[0]!) : undefined;
      return { ...d, ...(concurrently ? { concurrently } : {}) };
    });
  };
  return { upgrade: steps('upgrade'), downgrade: steps('downgrade') };
}
