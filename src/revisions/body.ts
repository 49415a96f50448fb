// Revision bodies as PostgreSQL's scanner reads them: `--` comments between statements and the
// statements themselves, split at the semicolons the scanner sees; the steps of both directions
// of a generated body (headings, hazards, statements) and of a hand-written one (each statement
// a step of its own); the statements of a step checked by the statement reader.
import { parseSync, scanSync } from 'libpg-query';
import '../model/identifiers.js'; // loads the parser module
import { CONSENT_HAZARDS, HAZARD_CODES, isOp, OPS, type Hazard, type HazardCode, type Op, type Step } from '../plan/types.js';
import { RevisionError } from './error.js';
import { StatementReader } from './statements.js';

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

export const UNREADABLE = 'a quoted string, quoted name or /* comment that is never closed';

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
  /** A hand-written revision whose downgrade section has no SQL and does not say `-- +nothing-to-undo`: it cannot be undone. */
  readonly irreversible?: boolean;
}

/** Where a byte offset of a body is: `file:line`, and `file:line:col` of a statement (the column in characters). */
function locator(fileName: string, body: string, bodyLine: number): { where: (offset: number) => string; at: (offset: number) => string } {
  const bytes = Buffer.from(body, 'utf8');
  const where = (offset: number): string => {
    let line = bodyLine;
    for (let i = 0; i < offset; i++) if (bytes[i] === 0x0a) line++;
    return `${fileName}:${line}`;
  };
  const at = (offset: number): string => {
    const lineStart = bytes.lastIndexOf(0x0a, offset - 1) + 1;
    return `${where(offset)}:${bytes.subarray(lineStart, offset).toString('utf8').length + 1}`;
  };
  return { where, at };
}

/** The line of a hand-written downgrade section that says an empty downgrade is meant: undoing the revision needs no SQL. */
export const NOTHING_TO_UNDO = '-- +nothing-to-undo';

/**
 * Both directions of a hand-written body: each statement is a step of its own (op
 * `execute_sql`, its object the file and line it starts on), read by the same statement reader
 * as a generated file's, so a statement that controls the transaction is refused at its line
 * and the hazards its SQL carries are added to those declared. A `-- hazard CODE: words` line
 * belongs to the statement after it (to the last one when none follows). Other comments are the
 * author's. Pure.
 */
function handWrittenSteps(fileName: string, pieces: readonly Piece[], where: (offset: number) => string, at: (offset: number) => string): RevisionSteps {
  interface Section {
    readonly steps: StepDraft[];
    /** Hazards declared for the next statement. */
    readonly waiting: Hazard[];
    nothingToUndo: boolean;
    lastHazardAt: number;
  }
  const sections = new Map<'upgrade' | 'downgrade', Section>();
  let section: Section | null = null;
  let reader = new StatementReader();
  const close = (): void => {
    if (!section || section.waiting.length === 0) return;
    const last = section.steps[section.steps.length - 1];
    if (!last) throw new RevisionError(`${where(section.lastHazardAt)}: a hazard with no statement in its section to belong to`, 'write the statement it belongs to after it, or remove the line');
    last.hazards.push(...section.waiting.splice(0));
  };
  for (const piece of pieces) {
    if (piece.kind === 'statement') {
      if (!section) throw new RevisionError(`${where(piece.offset)}: a statement before the "-- +upgrade" line (${piece.text.split('\n')[0]})`, 'the SQL goes in the "-- +upgrade" and "-- +downgrade" sections');
      const read = reader.read(piece.text);
      if (!read.ok) throw new RevisionError(`${at(piece.offset)}: ${read.problem}`, read.hint);
      section.steps.push({ op: 'execute_sql', object: where(piece.offset), sql: [piece.text], hazards: section.waiting.splice(0), derived: [...read.hazards] });
      continue;
    }
    const marker = /^-- \+(upgrade|downgrade)$/.exec(piece.text);
    if (marker) {
      const direction = marker[1] as 'upgrade' | 'downgrade';
      if (sections.has(direction)) throw new RevisionError(`${where(piece.offset)}: a second "-- +${direction}" section`, 'keep one "-- +upgrade" and one "-- +downgrade" section');
      close();
      section = { steps: [], waiting: [], nothingToUndo: false, lastHazardAt: 0 };
      sections.set(direction, section);
      reader = new StatementReader();
      continue;
    }
    if (piece.text === NOTHING_TO_UNDO && section && section === sections.get('downgrade')) {
      section.nothingToUndo = true;
      continue;
    }
    if (/^-- \+/.test(piece.text)) {
      throw new RevisionError(`${where(piece.offset)}: unknown marker "${piece.text}"`, `a hand-written revision has "-- +upgrade", "-- +downgrade" and, in the downgrade, "${NOTHING_TO_UNDO}"`);
    }
    const hazard = /^-- hazard ([\w-]*):(?: (.*))?$/.exec(piece.text);
    if (!hazard) continue;
    if (!isHazardCode(hazard[1]!)) throw new RevisionError(`${where(piece.offset)}: unknown hazard code "${hazard[1]}"`, `a hazard is one of ${HAZARD_CODES.join(', ')}: -- hazard data_loss: what is lost`);
    if (!section) throw new RevisionError(`${where(piece.offset)}: a hazard before the "-- +upgrade" line`, 'write it just above the statement it belongs to');
    section.waiting.push({ code: hazard[1], message: hazard[2]?.trim() || `declared in ${where(piece.offset)}` });
    section.lastHazardAt = piece.offset;
  }
  close();
  const steps = (direction: 'upgrade' | 'downgrade'): Step[] => {
    const drafts = sections.get(direction);
    if (!drafts) throw new RevisionError(`${fileName} has no "-- +${direction}" section`, `a hand-written revision has a "-- +upgrade" and a "-- +downgrade" line, each before its SQL`);
    return drafts.steps.map(finishStep);
  };
  const upgrade = steps('upgrade');
  const downgrade = steps('downgrade');
  return { upgrade, downgrade, ...(downgrade.length === 0 && !sections.get('downgrade')!.nothingToUndo ? { irreversible: true } : {}) };
}

/** A step read from a file, with its hazards (see `hazardsOf`) and what it builds or drops concurrently. */
function finishStep(d: StepDraft): Step {
  const concurrently = d.sql.length === 1 ? concurrentTarget(d.sql[0]!) : undefined;
  return { op: d.op, object: d.object, sql: d.sql, hazards: hazardsOf(d), ...(concurrently ? { concurrently } : {}) };
}

interface StepDraft {
  readonly op: Op;
  readonly object: string;
  readonly sql: string[];
  /** As the file's comments declare them. */
  readonly hazards: Hazard[];
  /** As read from its statements (see statements.ts). */
  readonly derived: Hazard[];
}

/**
 * A step's hazards: those its comments declare and those its statements carry. A derived hazard
 * that needs consent is always kept, beside any the file declares, so the reason shown is what
 * the SQL does; another is kept unless the file declares one of its code for the step.
 */
function hazardsOf(d: StepDraft): Hazard[] {
  const declared = new Set(d.hazards.map((h) => h.code));
  const same = (a: Hazard, b: Hazard) => a.code === b.code && a.message === b.message;
  const kept = d.derived.filter((h) => (CONSENT_HAZARDS.includes(h.code) || !declared.has(h.code)) && !d.hazards.some((o) => same(o, h)));
  return [...d.hazards, ...kept];
}

const isHazardCode = (code: string): code is HazardCode => (HAZARD_CODES as readonly string[]).includes(code);

/**
 * Both directions of a revision body: each step's op, object and statements as written, and its
 * hazards as declared and as its statements carry them (see `hazardsOf`). Read with PostgreSQL's
 * scanner, so only comments between statements count as section markers (`-- +upgrade`), step
 * headings and hazards; the same words inside a string, a `$$` body or a comment within a
 * statement are SQL. Each statement is then parsed: one that PostgreSQL cannot parse, or that
 * controls the transaction (see statements.ts), is refused. Throws RevisionError naming the file
 * (and line, and column for a statement) when the body cannot be read or is refused.
 */
export function parseBody(fileName: string, body: string, bodyLine = 1, handWritten = false): RevisionSteps {
  const pieces = scanPieces(body);
  if (!pieces) throw new RevisionError(`${fileName}: its SQL has ${UNREADABLE}, so it cannot be split into statements`, 'restore the file from version control');
  const { where, at } = locator(fileName, body, bodyLine);
  if (handWritten) return handWrittenSteps(fileName, pieces, where, at);
  const sections = new Map<'upgrade' | 'downgrade', StepDraft[]>();
  let section: StepDraft[] | null = null;
  let step: StepDraft | null = null;
  let reader = new StatementReader();
  for (const piece of pieces) {
    if (piece.kind === 'statement') {
      if (!step) {
        throw new RevisionError(
          `${where(piece.offset)}: a statement outside any step (${piece.text.split('\n')[0]})`,
          'every statement follows a "-- step N/M: op object" line in the "-- +upgrade" or "-- +downgrade" section; restore the file from version control',
        );
      }
      const read = reader.read(piece.text);
      if (!read.ok) throw new RevisionError(`${at(piece.offset)}: ${read.problem}`, read.hint);
      step.sql.push(piece.text);
      step.derived.push(...read.hazards);
      continue;
    }
    const marker = /^-- \+(upgrade|downgrade)$/.exec(piece.text);
    if (marker) {
      const direction = marker[1] as 'upgrade' | 'downgrade';
      if (sections.has(direction)) throw new RevisionError(`${where(piece.offset)}: a second "-- +${direction}" section`, 'restore the file from version control');
      section = [];
      sections.set(direction, section);
      step = null;
      reader = new StatementReader();
      continue;
    }
    const heading = /^-- step \d+\/\d+: (\S+) (.*)$/.exec(piece.text);
    if (heading) {
      if (!section) throw new RevisionError(`${where(piece.offset)}: a step before the "-- +upgrade" line`, 'restore the file from version control');
      const op = heading[1]!;
      if (!isOp(op)) {
        throw new RevisionError(`${where(piece.offset)}: step "${op} ${heading[2]!}" has an unknown op "${op}"`, `a step's op is one of ${Object.keys(OPS).join(', ')}; restore the file from version control`);
      }
      step = { op, object: heading[2]!, sql: [], hazards: [], derived: [] };
      section.push(step);
      continue;
    }
    const hazard = /^-- hazard (\w+): (.*)$/.exec(piece.text);
    if (hazard && step && isHazardCode(hazard[1]!)) step.hazards.push({ code: hazard[1], message: hazard[2]! });
  }
  const steps = (direction: 'upgrade' | 'downgrade'): Step[] => {
    const drafts = sections.get(direction);
    if (!drafts) throw new RevisionError(`${fileName} has no "-- +${direction}" section`, 'restore the file from version control');
    return drafts.map(finishStep);
  };
  return { upgrade: steps('upgrade'), downgrade: steps('downgrade') };
}
