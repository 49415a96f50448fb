// A function's, procedure's or aggregate's whole statement as schema.yaml gives it, checked with
// the real PostgreSQL parser: exactly one CREATE [OR REPLACE] FUNCTION, PROCEDURE or AGGREGATE, and where its name
// is written, so the name can be made the file's key (and a stand-in name while the server
// spells it). Never executes anything.
import { qualify } from '../model/identifiers.js';
import { charOffset, parseOneStatement, type Checked } from './sql-text.js';

export interface CheckedRoutine {
  readonly procedure: boolean;
  /** CREATE AGGREGATE. */
  readonly aggregate: boolean;
  /** The name as written: [name] or [schema, name]. */
  readonly name: readonly string[];
  /** Character offset where the name starts in the text. */
  readonly nameAt: number;
  /** The statement (without a final `;`) with its name replaced by `name`, already quoted. */
  readonly named: (name: string) => string;
}

const WHAT = 'CREATE FUNCTION, CREATE PROCEDURE or CREATE AGGREGATE';

/** The text of a function, procedure or aggregate: exactly one CREATE FUNCTION, CREATE PROCEDURE or CREATE AGGREGATE statement. */
export function checkRoutine(text: string): Checked<CheckedRoutine> {
  const aggregate = parseOneStatement<{ kind?: string; defnames?: readonly { String?: { sval?: string } }[] }>(text, 'DefineStmt', WHAT, `write one ${WHAT}`);
  if (aggregate.ok && aggregate.value.stmt.kind === 'OBJECT_AGGREGATE') return named(aggregate.value, /^aggregate$/i, aggregate.value.stmt.defnames, false, true);
  const one = parseOneStatement<{ is_procedure?: boolean; funcname?: readonly { String?: { sval?: string } }[] }>(text, 'CreateFunctionStmt', WHAT, `write one ${WHAT}`);
  if (!one.ok) return one;
  return named(one.value, /^(function|procedure)$/i, one.value.stmt.funcname, one.value.stmt.is_procedure === true, false);
}

/** The name is every token between FUNCTION (PROCEDURE, AGGREGATE) and the first `(`. */
function named(
  one: { readonly tokens: readonly { readonly text: string; readonly start: number; readonly end: number }[]; readonly body: string },
  word: RegExp,
  names: readonly { String?: { sval?: string } }[] | undefined,
  procedure: boolean,
  aggregate: boolean,
): Checked<CheckedRoutine> {
  const { tokens, body } = one;
  const keyword = tokens.findIndex((t) => word.test(t.text));
  const open = tokens.findIndex((t, i) => i > keyword && t.text === '(');
  if (keyword < 0 || open <= keyword + 1) return { ok: false, error: { message: `cannot find the name of the ${aggregate ? 'aggregate' : 'function'}`, offset: 0 } };
  const from = charOffset(body, tokens[keyword + 1]!.start);
  const to = charOffset(body, tokens[open - 1]!.end);
  const name = (names ?? []).map((n) => n.String?.sval ?? '');
  const trimmed = body.trimEnd();
  return { ok: true, value: { procedure, aggregate, name, nameAt: from, named: (quoted) => `${trimmed.slice(0, from)}${quoted}${trimmed.slice(to)}`.trim() } };
}

/** The name the statement gives, checked against the file's key: null when they agree, else the complaint. */
export function nameDisagrees(checked: CheckedRoutine, schema: string, name: string): string | null {
  const n = checked.name;
  if (n.length === 1 && n[0] === name) return null;
  if (n.length === 2 && n[0] === schema && n[1] === name) return null;
  return `the statement makes "${n.join('.')}", not ${qualify(schema, name)}: write the key's name in the statement (or leave its schema out)`;
}
