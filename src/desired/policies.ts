// A table's row-level security and policies in schema.yaml -> the Spec: `row_level_security:`
// and `force_row_level_security:` (true or false; absent: left as the database has it), and
// `policies:` keyed by policy name (absent: the table's policies are left as they are; present,
// even `{}`: exactly these). Expressions are checked with PostgreSQL's parser to be one SQL
// expression each (the server spells them later, in the spelling transaction). Never touches a
// database.
import type { PolicyCommand } from '../model/policy.js';
import type { DiagnosticCode, Position } from './diagnostics.js';
import type { JsonMap } from './load-names.js';
import { isMap, isString } from './load-names.js';
import { entriesAsWritten } from './names.js';
import type { Path, SourceMap } from './source-map.js';
import type { Located } from './spec.js';
import { blankComments, checkExpression } from './sql-text.js';

export interface SpecPolicy {
  readonly name: string;
  readonly pos: Position;
  readonly command: PolicyCommand;
  readonly permissive: boolean;
  /** As written; empty: PUBLIC. */
  readonly roles: readonly Located<string>[];
  readonly using: Located<string> | null;
  readonly withCheck: Located<string> | null;
  readonly comment: string | null;
}

/** What the file says of a table's row-level security switches: a switch not written is left as it is. */
export interface SpecRowSecurity {
  readonly enabled?: boolean;
  readonly forced?: boolean;
}

export interface PolicyReader {
  readonly map: SourceMap;
  readonly error: (pos: Position, code: DiagnosticCode, message: string, hint?: string) => void;
  readonly checkName: (name: string, pos: Position, what: string) => boolean;
}

const COMMANDS: readonly PolicyCommand[] = ['all', 'select', 'insert', 'update', 'delete'];

/** One SQL expression of a policy, or null (and a diagnostic). */
function expression(r: PolicyReader, path: Path, text: string, what: string): Located<string> | null {
  const checked = checkExpression(text);
  if (!checked.ok) {
    r.error(r.map.inValue(path, checked.error.offset), 'bad_expression', `${what}: ${checked.error.message}`, 'write one SQL boolean expression, such as owner = current_user');
    return null;
  }
  return { value: blankComments(text).trim(), pos: r.map.value(path) };
}

/** The row-level security and policies of the table at `path` (its map `raw`). */
export function readTablePolicies(r: PolicyReader, table: string, path: Path, raw: JsonMap): { rowSecurity?: SpecRowSecurity; policies?: SpecPolicy[] } {
  const enabled = raw['row_level_security'];
  const forced = raw['force_row_level_security'];
  const rowSecurity: SpecRowSecurity = { ...(typeof enabled === 'boolean' ? { enabled } : {}), ...(typeof forced === 'boolean' ? { forced } : {}) };
  const out: { rowSecurity?: SpecRowSecurity; policies?: SpecPolicy[] } = Object.keys(rowSecurity).length > 0 ? { rowSecurity } : {};
  if (!isMap(raw['policies'])) return out;
  const policies: SpecPolicy[] = [];
  for (const [name, praw] of entriesAsWritten(raw['policies'])) {
    const ppath = [...path, 'policies', name];
    const pos = r.map.key(ppath);
    if (!r.checkName(name, pos, 'policy') || !isMap(praw)) continue;
    const what = `policy "${name}" on table "${table}"`;
    const command = isString(praw['command']) ? praw['command'] : 'all';
    const as = isString(praw['as']) ? praw['as'] : 'permissive';
    // Any other command or kind is reported by the JSON Schema (schemas/schema.json), at its value.
    if (!COMMANDS.includes(command as PolicyCommand) || (as !== 'permissive' && as !== 'restrictive')) continue;
    const roles: Located<string>[] = [];
    if (Array.isArray(praw['roles'])) {
      praw['roles'].forEach((role, i) => {
        const rpos = r.map.value([...ppath, 'roles', i]);
        if (isString(role) && r.checkName(role, rpos, 'role')) roles.push({ value: role, pos: rpos });
      });
    }
    const using = isString(praw['using']) ? expression(r, [...ppath, 'using'], praw['using'], `${what}: using`) : null;
    const withCheck = isString(praw['with_check']) ? expression(r, [...ppath, 'with_check'], praw['with_check'], `${what}: with_check`) : null;
    if ((isString(praw['using']) && using === null) || (isString(praw['with_check']) && withCheck === null)) continue;
    if (command === 'insert' && using !== null) {
      r.error(r.map.key([...ppath, 'using']), 'bad_expression', `${what}: a policy for insert has no using (there is no existing row to read)`, 'write the condition new rows must meet as `with_check:`');
      continue;
    }
    if ((command === 'select' || command === 'delete') && withCheck !== null) {
      r.error(r.map.key([...ppath, 'with_check']), 'bad_expression', `${what}: a policy for ${command} has no with_check (it writes no row)`, 'write the condition on the rows it reads as `using:`');
      continue;
    }
    if (using === null && withCheck === null) {
      r.error(
        pos,
        'bad_expression',
        `${what}: it has neither using nor with_check`,
        `write \`using:\` (the rows it lets ${command === 'insert' ? 'be added' : 'be read'}), \`with_check:\`, or both: \`using: "true"\` grants every row`,
      );
      continue;
    }
    policies.push({ name, pos, command: command as PolicyCommand, permissive: as === 'permissive', roles, using, withCheck, comment: isString(praw['comment']) ? praw['comment'] : null });
  }
  return { ...out, policies };
}
