// A trigger's whole statement as schema.yaml gives it, checked with the real PostgreSQL parser:
// exactly one CREATE [OR REPLACE] TRIGGER (not a constraint trigger), where its name and its
// table are written, so both can be replaced (by a stand-in name and the qualified table while
// the server spells it). Never executes anything.
import { parseSync, scanSync } from 'libpg-query';
import { parserErrorAt, type Checked } from './sql-text.js';

export interface CheckedTrigger {
  readonly name: string;
  /** Character offset where the name starts in the text. */
  readonly nameAt: number;
  /** The table's schema as written, or null. */
  readonly tableSchema: string | null;
  readonly table: string;
  /** Character offset where the table's name starts in the text. */
  readonly tableAt: number;
  /** The statement (without a final `;`) with its name and table replaced (both already quoted). */
  readonly named: (name: string, table: string) => string;
}

/** Parser offsets are in UTF-8 bytes; user positions are in characters. */
const charOffset = (text: string, byteOffset: number): number => Buffer.from(text, 'utf8').subarray(0, Math.max(0, byteOffset)).toString('utf8').length;

const HINT_ONE = 'write exactly one CREATE TRIGGER';

interface TrigStmt {
  readonly trigname?: string;
  readonly isconstraint?: boolean;
  readonly relation?: { readonly schemaname?: string; readonly relname?: string; readonly location?: number };
}

/** The text of a trigger: exactly one CREATE TRIGGER statement. */
export function checkTrigger(text: string): Checked<CheckedTrigger> {
  let tokens: readonly { start: number; end: number; text: string }[];
  try {
    tokens = scanSync(text).tokens;
  } catch {
    return { ok: false, error: parserErrorAt(text) };
  }
  if (tokens.length === 0) return { ok: false, error: { message: `the SQL is empty: ${HINT_ONE}`, offset: 0 } };
  const last = tokens.at(-1)!;
  const body = last.text === ';' ? text.slice(0, charOffset(text, last.start)) : text;
  let parsed: { stmts?: readonly { stmt?: Record<string, unknown>; stmt_location?: number }[] };
  try {
    parsed = parseSync(body) as typeof parsed;
  } catch {
    return { ok: false, error: parserErrorAt(body) };
  }
  const stmts = parsed.stmts ?? [];
  if (stmts.length !== 1) return { ok: false, error: { message: `this is ${stmts.length} statements: ${HINT_ONE}`, offset: charOffset(body, stmts[1]?.stmt_location ?? 0) } };
  const stmt = stmts[0]!.stmt?.['CreateTrigStmt'] as TrigStmt | undefined;
  if (!stmt) {
    const kind = Object.keys(stmts[0]!.stmt ?? {})[0] ?? 'statement';
    const said =
      kind === 'CreateStmt'
        ? 'CREATE TABLE'
        : kind
            .replace(/Stmt$/, '')
            .replace(/([a-z])([A-Z])/g, '$1 $2')
            .toUpperCase();
    return { ok: false, error: { message: `this is ${said}, not a CREATE TRIGGER`, offset: charOffset(body, stmts[0]!.stmt_location ?? 0) } };
  }
  if (stmt.isconstraint === true) return { ok: false, error: { message: 'this is a CREATE CONSTRAINT TRIGGER, which schema does not manage: write a plain CREATE TRIGGER', offset: 0 } };
  const keyword = tokens.findIndex((t) => /^trigger$/i.test(t.text));
  const location = stmt.relation?.location ?? -1;
  const first = tokens.findIndex((t) => t.start === location);
  if (keyword < 0 || keyword + 1 >= tokens.length || first < 0) return { ok: false, error: { message: 'cannot find the name and table of the trigger', offset: 0 } };
  let lastOfTable = first;
  while (tokens[lastOfTable + 1]?.text === '.' && tokens[lastOfTable + 2]) lastOfTable += 2;
  const nameFrom = charOffset(body, tokens[keyword + 1]!.start);
  const nameTo = charOffset(body, tokens[keyword + 1]!.end);
  const tableFrom = charOffset(body, tokens[first]!.start);
  const tableTo = charOffset(body, tokens[lastOfTable]!.end);
  const trimmed = body.trimEnd();
  return {
    ok: true,
    value: {
      name: stmt.trigname ?? '',
      nameAt: nameFrom,
      tableSchema: stmt.relation?.schemaname ?? null,
      table: stmt.relation?.relname ?? '',
      tableAt: tableFrom,
      named: (name, table) => `${trimmed.slice(0, nameFrom)}${name}${trimmed.slice(nameTo, tableFrom)}${table}${trimmed.slice(tableTo)}`.trim(),
    },
  };
}
