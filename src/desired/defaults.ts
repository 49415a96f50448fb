// A `default:` of schema.yaml, as a column or a domain writes it: a scalar is a literal (quoted
// here; a number as written), `{ sql: ... }` one expression that reads no value. Never touches a
// database.
import { quoteLiteral } from '../model/identifiers.js';
import type { DiagnosticCode, Position } from './diagnostics.js';
import { isMap, isString, type Json } from './load-names.js';
import type { Path, SourceMap } from './source-map.js';
import type { SpecDefault } from './spec.js';
import { blankComments, checkExpression } from './sql-text.js';

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/**
 * The default at `path` of `what` (`column "n"`, `domain "year"`); null when there is none or it
 * is reported. `readsNothing` ends the message for an expression naming a value.
 */
export function readDefault(map: SourceMap, error: (pos: Position, code: DiagnosticCode, message: string, hint?: string) => void, what: string, path: Path, raw: Json, readsNothing: string): SpecDefault | null {
  const pos = map.value(path);
  if (raw === undefined || raw === null) return null;
  if (typeof raw === 'boolean') return { kind: 'literal', sql: raw ? 'true' : 'false', pos };
  if (typeof raw === 'number') {
    const source = map.source(path);
    if (source !== null && NUMBER.test(source)) return { kind: 'literal', sql: source.startsWith('+') ? source.slice(1) : source, pos };
    if (Number.isFinite(raw)) return { kind: 'literal', sql: String(raw), pos };
    return { kind: 'literal', sql: quoteLiteral(Number.isNaN(raw) ? 'NaN' : raw > 0 ? 'Infinity' : '-Infinity'), pos };
  }
  if (isString(raw)) return { kind: 'literal', sql: quoteLiteral(raw), pos };
  if (isMap(raw) && isString(raw['sql'])) {
    const sqlPath = [...path, 'sql'];
    const checked = checkExpression(raw['sql']);
    if (!checked.ok) {
      error(map.inValue(sqlPath, checked.error.offset), 'bad_expression', `default of ${what}: ${checked.error.message}`);
      return null;
    }
    const ref = checked.value[0];
    if (ref) {
      error(map.inValue(sqlPath, ref.offset), 'bad_expression', `default of ${what} refers to "${ref.parts.join('.')}"; ${readsNothing}`, 'to quote a text value, write it without `sql:`');
      return null;
    }
    return { kind: 'expression', sql: blankComments(raw['sql']), pos: map.value(sqlPath) };
  }
  return null;
}
