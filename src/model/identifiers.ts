// Identifiers: the one quoting function, qualification, object paths and the 63-byte limit.
import { loadModule, scanSync } from 'libpg-query';

// The wasm parser must be loaded before the first quote; ESM top-level await makes every
// importer wait for it, so callers stay synchronous.
await loadModule();

/** PostgreSQL's NAMEDATALEN - 1: longer identifiers are silently truncated by the server. */
export const MAX_IDENTIFIER_BYTES = 63;

export function identifierBytes(name: string): number {
  return Buffer.byteLength(name, 'utf8');
}

const PLAIN = /^[a-z_][a-z0-9_]*$/; // quote_identifier's safe characters: no "$"
const UNRESERVED_KEYWORD = 1;
const quoted = new Map<string, string>();

/**
 * Quote an identifier exactly when PostgreSQL's own quote_ident would: anything that is not
 * a plain lower-case identifier, or is a keyword other than an unreserved one. Keyword kinds
 * come from the real PostgreSQL scanner, never from a hand-kept list.
 */
export function quoteIdent(name: string): string {
  const cached = quoted.get(name);
  if (cached !== undefined) return cached;
  let out: string;
  if (PLAIN.test(name)) {
    const token = scanSync(name).tokens[0];
    const keyword = token?.keywordKind ?? 0;
    out = keyword === 0 || keyword === UNRESERVED_KEYWORD ? name : `"${name}"`;
  } else {
    out = '"' + name.replaceAll('"', '""') + '"';
  }
  quoted.set(name, out);
  return out;
}

/** `schema.name`, each part quoted as needed. */
export function qualify(schema: string, name: string): string {
  return `${quoteIdent(schema)}.${quoteIdent(name)}`;
}

/**
 * The stable, unambiguous path of an object as shown in plans and used as a Model key:
 * quoted parts joined by dots (`public.orders.orders_user_id_fkey`).
 */
export function objectPath(...parts: readonly string[]): string {
  return parts.map(quoteIdent).join('.');
}

/** Whether two object paths name the same object or one inside the other (`public.users`, `public.users.name`). */
export function pathsOverlap(a: string, b: string): boolean {
  return a === b || a.startsWith(`${b}.`) || b.startsWith(`${a}.`);
}

/** A string literal for SQL text (standard_conforming_strings is always on since 9.1). */
export function quoteLiteral(value: string): string {
  return "'" + value.replaceAll("'", "''") + "'";
}

/**
 * Characters a terminal or a page would act on rather than show: C0 and C1 controls, DEL,
 * line and paragraph separators, and the marks that reorder text (bidirectional controls).
 */
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028-\u202e\u2066-\u2069]/;

/**
 * A value shown to a person (an example in a hazard), as an SQL literal that reads back as
 * the value and holds nothing a terminal or a renderer acts on: `'it''s'`; with a line break,
 * an escape or another control character, an escape string (`E'a\nb'`, `E'\x1b[31m'`).
 * Never more than one line.
 */
export function displayLiteral(value: string): string {
  if (!UNPRINTABLE.test(value)) return quoteLiteral(value);
  const named: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f' };
  const body = [...value]
    .map((ch) => {
      if (ch === '\\') return '\\\\';
      if (ch === "'") return "''";
      if (named[ch] !== undefined) return named[ch];
      if (!UNPRINTABLE.test(ch)) return ch;
      const code = ch.codePointAt(0)!;
      return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
    })
    .join('');
  return `E'${body}'`;
}

/** A literal displayLiteral writes, found in text (an escape string, or a standard one). */
export const DISPLAY_LITERAL = String.raw`(?:E'(?:[^'\\]|''|\\.)*'|'(?:[^']|'')*')`;

/**
 * A dollar-quoted string for SQL text (the body of a DO block), its tag chosen so that it
 * does not occur in the text: nothing inside can end the quote.
 */
export function dollarQuote(text: string): string {
  let tag = '$schema$';
  for (let n = 1; text.includes(tag); n++) tag = `$schema${n}$`;
  return `${tag}\n${text}\n${tag}`;
}

/** Cut a name to at most `bytes` UTF-8 bytes without splitting a character (pg_mbcliplen). */
function clipBytes(name: string, bytes: number): string {
  let out = '';
  let used = 0;
  for (const ch of name) {
    const size = Buffer.byteLength(ch, 'utf8');
    if (used + size > bytes) break;
    out += ch;
    used += size;
  }
  return out;
}

/**
 * The name PostgreSQL itself gives an implicit object (makeObjectName in indexcmds.c):
 * `name1_name2_label`, shortening the longer of the two parts until it fits in 63 bytes.
 */
export function implicitName(name1: string, name2: string | null, label: string): string {
  const overhead = label.length + 1 + (name2 === null ? 0 : 1);
  const available = MAX_IDENTIFIER_BYTES - overhead;
  let chars1 = identifierBytes(name1);
  let chars2 = name2 === null ? 0 : identifierBytes(name2);
  while (chars1 + chars2 > available) {
    if (chars1 > chars2) chars1--;
    else chars2--;
  }
  const part1 = clipBytes(name1, chars1);
  const part2 = name2 === null ? null : clipBytes(name2, chars2);
  return part2 === null ? `${part1}_${label}` : `${part1}_${part2}_${label}`;
}

/** A qualified name as written in schema.yaml: `table`, `schema.table`, `"odd.name"`. */
export interface QualifiedName {
  readonly schema: string;
  readonly name: string;
}

/**
 * Split `a.b`, `"a.b"`, `"My Schema"."T"` into schema and name; unqualified names live in
 * `public`. Returns null when the text is not one or two (optionally quoted) parts.
 */
export function parseQualifiedName(text: string, defaultSchema = 'public'): QualifiedName | null {
  const parts: string[] = [];
  let i = 0;
  while (i <= text.length) {
    let part = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (i >= text.length) return null;
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            part += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        part += text[i++];
      }
    } else {
      while (i < text.length && text[i] !== '.') {
        if (text[i] === '"') return null;
        part += text[i++];
      }
    }
    if (part === '') return null;
    parts.push(part);
    if (i === text.length) break;
    if (text[i] !== '.') return null;
    i++;
    if (i === text.length) return null;
  }
  if (parts.length === 1) return { schema: defaultSchema, name: parts[0]! };
  if (parts.length === 2) return { schema: parts[0]!, name: parts[1]! };
  return null;
}
