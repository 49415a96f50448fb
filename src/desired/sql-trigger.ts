// A trigger's whole statement as schema.yaml gives it, checked with the real PostgreSQL parser:
// exactly one CREATE [OR REPLACE] TRIGGER (not a constraint trigger), where its name and its
// table are written, so both can be replaced (by a stand-in name and the qualified table while
// the server spells it). Never executes anything.
import { charOffset, parseOneStatement, type Checked } from './sql-text.js';

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

interface TrigStmt {
  readonly trigname?: string;
  readonly isconstraint?: boolean;
  readonly relation?: { readonly schemaname?: string; readonly relname?: string; readonly location?: number };
}

/** The text of a trigger: exactly one CREATE TRIGGER statement. */
export function checkTrigger(text: string): Checked<CheckedTrigger> {
  const one = parseOneStatement<TrigStmt>(text, 'CreateTrigStmt', 'CREATE TRIGGER');
  if (!one.ok) return one;
  const { tokens, body, stmt } = one.value;
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
