// Diagnostics: errors as values with file:line:col, a stable code, a message and a hint.
import { showHidden } from './names.js';

export interface Position {
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly col: number;
}

export type DiagnosticCode =
  | 'yaml_syntax'
  | 'schema_violation'
  | 'unknown_key'
  | 'unknown_table'
  | 'unknown_column'
  | 'unknown_type'
  | 'unverified_type'
  | 'unsupported_type'
  | 'bad_type'
  | 'bad_expression'
  | 'bad_name'
  | 'bad_character'
  | 'hidden_character'
  | 'limit_exceeded'
  | 'reserved_name'
  | 'duplicate_name'
  | 'identifier_too_long'
  | 'bad_reference'
  | 'conflict';

export interface Diagnostic extends Position {
  readonly code: DiagnosticCode;
  readonly message: string;
  readonly hint?: string;
  /** A warning does not make the file invalid; absent means an error. */
  readonly severity?: 'warning';
}

export const isError = (d: Diagnostic): boolean => d.severity !== 'warning';

/**
 * `file:line:col: message` and, on the next line, the hint. A character of a name that cannot
 * be seen or that reorders the line is shown as `<U+202E>`.
 */
export function formatDiagnostic(d: Diagnostic): string {
  const head = `${d.file}:${d.line}:${d.col}: ${d.severity === 'warning' ? 'warning: ' : ''}${showHidden(d.message)}`;
  return d.hint ? `${head}\n  hint: ${showHidden(d.hint)}` : head;
}

/**
 * Diagnostics in file order, so a reader can fix them top to bottom, each once: a problem in
 * text shared by several tables (a YAML merge key) is found for each, at one place.
 */
export function sortDiagnostics(list: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  const once = list.filter((d) => {
    const key = JSON.stringify([d.file, d.line, d.col, d.code, d.message, d.hint ?? null, d.severity ?? null]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return once.sort((a, b) => a.line - b.line || a.col - b.col);
}
