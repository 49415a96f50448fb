// A function's or procedure's whole statement as schema.yaml gives it, checked with the real
// PostgreSQL parser: exactly one CREATE [OR REPLACE] FUNCTION or PROCEDURE, and where its name
// is written, so the name can be made the file's key (and a stand-in name while the server
// spells it). Never executes anything.
import { qualify } from '../model/identifiers.js';
import { charOffset, parseOneStatement, type Checked } from './sql-text.js';

export interface CheckedRoutine {
  readonly procedure: boolean;
  /** The name as written: [name] or [schema, name]. */
  readonly name: readonly string[];
  /** Character offset where the name starts in the text. */
  readonly nameAt: number;
  /** The statement (without a final `;`) with its name replaced by `name`, already quoted. */
  readonly named: (name: string) => string;
}

/** The text of a function or procedure: exactly one CREATE FUNCTION or CREATE PROCEDURE statement. */
export function checkRoutine(text: string): Checked<CheckedRoutine> {
  const one = parseOneStatement<{ is_procedure?: boolean; funcname?: readonly { String?: { sval?: string } }[] }>(
    text,
    'CreateFunctionStmt',
    'CREATE FUNCTION or CREATE PROCEDURE',
    'write one CREATE FUNCTION or CREATE PROCEDURE',
  );
  if (!one.ok) return one;
  const { tokens, body, stmt } = one.value;
  // The name is every token between FUNCTION (or PROCEDURE) and the first `(`.
  const keyword = tokens.findIndex((t) => /^(function|procedure)$/i.test(t.text));
  const open = tokens.findIndex((t, i) => i > keyword && t.text === '(');
  if (keyword < 0 || open <= keyword + 1) return { ok: false, error: { message: 'cannot find the name of the function', offset: 0 } };
  const from = charOffset(body, tokens[keyword + 1]!.start);
  const to = charOffset(body, tokens[open - 1]!.end);
  const name = (stmt.funcname ?? []).map((n) => n.String?.sval ?? '');
  const trimmed = body.trimEnd();
  return { ok: true, value: { procedure: stmt.is_procedure === true, name, nameAt: from, named: (quoted) => `${trimmed.slice(0, from)}${quoted}${trimmed.slice(to)}`.trim() } };
}

/** The name the statement gives, checked against the file's key: null when they agree, else the complaint. */
export function nameDisagrees(checked: CheckedRoutine, schema: string, name: string): string | null {
  const n = checked.name;
  if (n.length === 1 && n[0] === name) return null;
  if (n.length === 2 && n[0] === schema && n[1] === name) return null;
  return `the statement makes "${n.join('.')}", not ${qualify(schema, name)}: write the key's name in the statement (or leave its schema out)`;
}
