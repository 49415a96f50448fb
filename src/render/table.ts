// Rows of a statement the user ran (`schema sql`) as a table, the way psql prints them: a header,
// a rule, one line per row, and the count. Pure.
import { visible } from './words.js';

/** One value as text: NULL as nothing (as psql shows it), bytes in hex, anything else as the server or JSON writes it. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? String(value) : value.toISOString();
  if (value instanceof Uint8Array) return `\\x${Buffer.from(value).toString('hex')}`;
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** A cell on one line: a line break or tab shown as its escape, control characters as their code. */
const oneLine = (text: string): string => visible(text.replace(/\r?\n/g, '\\n').replace(/\t/g, '\\t'));

const width = (text: string): number => [...text].length;
const pad = (text: string, n: number): string => text + ' '.repeat(Math.max(0, n - width(text)));

/** The table of `rows` under `columns`, ending with "(N rows)"; lines without a trailing newline. */
export function renderTable(columns: readonly string[], rows: readonly (readonly unknown[])[]): string[] {
  const header = columns.map(oneLine);
  const body = rows.map((r) => columns.map((_, i) => oneLine(cellText(r[i]))));
  const widths = header.map((h, i) => Math.max(width(h), ...body.map((r) => width(r[i]!))));
  const line = (cells: readonly string[]): string => ` ${cells.map((c, i) => pad(c, widths[i]!)).join(' | ')}`.trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w + 2)).join('+'), ...body.map(line), `(${rows.length} row${rows.length === 1 ? '' : 's'})`];
}

/** What a statement without rows did: its command and count ("INSERT 2", "CREATE TABLE"). */
export function commandLine(command: string | null, rowCount: number | null): string {
  const name = command ?? 'OK';
  return rowCount !== null && /^(INSERT|UPDATE|DELETE|MERGE|COPY|MOVE|FETCH)$/i.test(name) ? `${name} ${rowCount}` : name;
}
