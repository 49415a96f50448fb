// Revision files: one per applied plan, in plans/, named to sort by time. A header (format,
// revision id, the revisions it revises, created, message, checksum) and both directions in
// full SQL with each step's hazards beside it. Written once, never edited: the checksum covers
// the header's fields (all but the checksum itself) and both directions. A hand-written
// revision (`schema revision`, format 2, `kind: hand-written`) has no checksum in its header:
// it may be edited until a database applies it, and the checksum of its text as it then is
// is what that database records (and holds it to from then on).
import { randomBytes } from 'node:crypto';
import { sha256 } from '../model/fingerprint.js';
import '../model/identifiers.js'; // loads the parser module
import { HAZARD_CODES, type Plan, type Step } from '../plan/types.js';
import { stepsAsSql } from '../render/sql.js';
import { commentText } from '../render/words.js';
import { RevisionError } from './error.js';
import { NOTHING_TO_UNDO, parseBody, splitStatements, type RevisionSteps } from './body.js';
export { RevisionError } from './error.js';
export { concurrentTarget, NOTHING_TO_UNDO, parseBody, splitStatements, type RevisionSteps } from './body.js';

/** The newest format this version reads. Generated files are written in format 1, so older versions still read them. */
export const REVISION_FORMAT = 2;
/** The format a hand-written revision is written in: the first with `kind: hand-written`, which an older version refuses as too new rather than misread. */
export const HAND_WRITTEN_FORMAT = 2;
const GENERATED_FORMAT = 1;
const MAGIC = '-- schema revision';
const formatLine = (format: number): string => `${MAGIC} (format ${format})`;
const FORMAT_LINE = formatLine(GENERATED_FORMAT);
/** The `kind:` of a hand-written revision. */
const HAND_WRITTEN = 'hand-written';

/** The header fields the checksum covers: everything in the header but the checksum. */
export interface RevisionIdentity {
  readonly format: number;
  readonly revision: string;
  /** The revisions this one follows: none for the first, two for a merge. */
  readonly parents: readonly string[];
  readonly created: string;
  /** As written in the file (one line; line breaks spelled \\n). */
  readonly message: string;
  /** Written by hand (`schema revision`): editable until a database applies it. */
  readonly handWritten?: boolean;
}

export interface RevisionHeader extends RevisionIdentity {
  readonly checksum: string;
}

export interface RevisionFile extends RevisionHeader {
  readonly handWritten: boolean;
  readonly fileName: string;
  readonly body: string;
  /** The line of the file the body starts on (1-based), for messages. */
  readonly bodyLine: number;
}

export const newRevisionId = (): string => randomBytes(6).toString('hex');

/** `20261124T101500Z` for a time. */
export function timestampName(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
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

/** How apply names a revision file: `<time>_<slug>.sql`, `_2`... when taken (see `slug`): a plain name, never a path. */
const REVISION_FILE_NAME = /^\d{8}T\d{6}Z_[a-z0-9]+(?:_[a-z0-9]+)*\.sql$/;

export const isRevisionFileName = (name: string): boolean => REVISION_FILE_NAME.test(name);

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
  const covered = [`format: ${header.format}`, `revision: ${header.revision}`, `revises: ${parentsText(header.parents)}`, `created: ${header.created}`, `message: ${header.message}`];
  if (header.handWritten) covered.push(`kind: ${HAND_WRITTEN}`);
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
    format: GENERATED_FORMAT,
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

/**
 * The whole text of a new hand-written revision (`schema revision`): a format 2 header with
 * `kind: hand-written` and no checksum, and the two sections, empty but for comments saying
 * where the SQL goes and how a hazard is written.
 */
export function formatHandWritten(r: NewRevision): string {
  const header = [
    formatLine(HAND_WRITTEN_FORMAT),
    `-- revision: ${r.id}`,
    `-- revises: ${parentsText(r.parents)}`,
    `-- created: ${r.created.toISOString().replace(/\.\d+Z$/, 'Z')}`,
    `-- message: ${commentText(r.message)}`,
    `-- kind: ${HAND_WRITTEN}`,
    ...HAND_WRITTEN_PROSE,
  ].join('\n');
  const upgrade = [
    '-- +upgrade',
    '-- The SQL `schema upgrade` runs, statements ending in ";". They run in one transaction',
    '-- (a CREATE INDEX CONCURRENTLY on its own); BEGIN, COMMIT and SET without LOCAL are refused.',
    '-- Declare what a statement risks on a comment line just above it, for instance:',
    '--   -- hazard data_loss: overwrites the email of every user without one',
    `-- The codes: ${HAZARD_CODES.join(', ')}.`,
    '-- Hazards are also read from the SQL (an UPDATE or DELETE is data_loss), and consent is',
    '-- asked for those that need it, as for any revision.',
    '',
  ];
  const downgrade = [
    '-- +downgrade',
    '-- The SQL `schema downgrade` runs to undo the upgrade. Left without SQL, the revision cannot',
    '-- be undone: `schema downgrade` stops before it. When undoing it needs no SQL (a backfill),',
    `-- write "${NOTHING_TO_UNDO}" on a line of its own here.`,
    '',
  ];
  return `${header}\n\n${upgrade.join('\n')}\n${downgrade.join('\n')}`;
}

/** The statements a step runs, as a replay reads them from its file. */
const statementsOf = (steps: readonly Step[]): string[][] => steps.map((s) => s.sql.flatMap((sql) => splitStatements(sql)));

function assertReadsBack(text: string, planned: Pick<Plan, 'steps' | 'downgrade'>): void {
  const refuse = (what: string): never => {
    throw new RevisionError(`the revision file for this plan would not replay as planned: ${what}; nothing was run`, 'this is a bug in schema: please report it with the plan (`schema plan --format json`)');
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
  if (!text.startsWith(MAGIC) || split < 0)
    throw new RevisionError(`${fileName} is not a schema revision file (it has no header)`, `a revision file starts with "${FORMAT_LINE}"; move other files out of the plans folder`);
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
  const handWritten = kindOf(fileName, fields, lines);
  const identity: RevisionIdentity = {
    format,
    revision: need('revision'),
    parents:
      revises === 'none'
        ? []
        : revises
            .split(',')
            .map((p) => p.trim())
            .filter(Boolean),
    created: need('created'),
    message: fields.get('message') ?? '',
    ...(handWritten ? { handWritten } : {}),
  };
  const body = text.slice(split + 2);
  return {
    ...identity,
    handWritten,
    fileName,
    body,
    bodyLine: lines.length + 2,
    // A hand-written file is held to the checksum of its text as it is: the one a database records when it applies it.
    checksum: handWritten ? checksumOf(identity, body) : need('checksum'),
  };
}

/**
 * Whether the header says the file is hand-written (`kind: hand-written`, format 2 on). Such a
 * file has no checksum line: its checksum is taken when a database applies it. Throws
 * RevisionError at the line of another kind, or of a checksum in a hand-written header.
 */
function kindOf(fileName: string, fields: ReadonlyMap<string, string>, lines: readonly string[]): boolean {
  const kind = fields.get('kind')?.trim();
  if (kind === undefined) return false;
  const lineOf = (key: string): number => lines.findIndex((l) => l.startsWith(`-- ${key}:`)) + 1;
  if (kind !== HAND_WRITTEN) throw new RevisionError(`${fileName}:${lineOf('kind')}: unknown revision kind "${kind}": the only kind is "${HAND_WRITTEN}"`, 'restore the file from version control');
  if (fields.has('checksum')) {
    throw new RevisionError(
      `${fileName}:${lineOf('checksum')}: a hand-written revision has no checksum line: the database that applies it records the checksum of its text`,
      'remove the line (a file written by `schema apply` is never hand-written: restore it from version control)',
    );
  }
  return true;
}

/** The fields of the header of each format and the lines of prose it may hold, word for word. */
const FIELDS_1 = ['revision', 'revises', 'created', 'message', 'checksum'];
const HEADER_FIELDS: Readonly<Record<number, readonly string[]>> = { 1: FIELDS_1, 2: [...FIELDS_1, 'kind'] };
/** What `schema revision` writes under the fields of a hand-written file. */
const HAND_WRITTEN_PROSE = [
  '--',
  '-- Hand-written (`schema revision`): edit it until a database applies it. That database',
  '-- records its checksum, and from then on a changed file is refused like any applied revision.',
];
const PROSE_1 = [
  '--',
  '-- Written by `schema`. Never edit a revision: its checksum is recorded in the database',
  '-- that applied it, and every command that reads this folder refuses a changed file.',
  // As the first versions wrote it.
  '-- Written by `schema apply`. Never edit an applied revision: its checksum is recorded in',
  '-- the database, and every command that reads this folder refuses a changed file.',
];
const HEADER_PROSE: Readonly<Record<number, readonly string[]>> = { 1: PROSE_1, 2: [...PROSE_1, ...HAND_WRITTEN_PROSE] };

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
    // A hand-written file is meant to be edited: say where the author's own lines go.
    const hint = format >= HAND_WRITTEN_FORMAT ? 'write your own comments below the blank line that ends the header, or restore the file from version control' : 'restore the file from version control';
    throw new RevisionError(`${fileName}:${line}: ${what}: the header holds only the lines schema wrote, and its checksum does not cover others`, hint);
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
    throw new RevisionError(`${fileName}:1: malformed format line "${line}": it should read "${FORMAT_LINE}"`, 'restore the file from version control');
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
