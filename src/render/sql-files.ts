// Where `schema pull` writes a long SQL body (a view's SELECT, a function's or a trigger's
// CREATE): a `.sql` file in a folder of the kind beside schema.yaml, named after the object so
// that a person finds it, and safe whatever the name is. The name is spelled with letters,
// digits, `_` and `-` as they are; every other character (a dot, a slash, a space, a quote, a
// letter outside ASCII) as `%` and its UTF-8 bytes in hex, so no name leads out of its folder
// (`../../x` is `%2E%2E%2F%2E%2E%2Fx`), two names never share a file, and the file can be made
// on any file system.
import { createHash } from 'node:crypto';

/** A body longer than this many lines or characters is written as a file. */
export const INLINE_MAX_LINES = 10;
export const INLINE_MAX_CHARS = 400;

/** True when `body` is too long to read well inline in schema.yaml. */
export function isLongBody(body: string): boolean {
  return body.trimEnd().split('\n').length > INLINE_MAX_LINES || body.trimEnd().length > INLINE_MAX_CHARS;
}

/** Names Windows keeps for devices, whatever follows them. */
const DEVICE = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])$/i;

/** One part of a name as a file name can hold it. */
export function escapePart(part: string): string {
  let out = '';
  for (const ch of part) {
    if (/^[A-Za-z0-9_-]$/.test(ch)) out += ch;
    else for (const byte of Buffer.from(ch, 'utf8')) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  // `con` would be a device on Windows: its first letter is spelled out.
  if (DEVICE.test(out)) out = `%${out.charCodeAt(0).toString(16).toUpperCase()}${out.slice(1)}`;
  return out === '' ? '%00' : out;
}

/** File names stay well under the 255 bytes most file systems allow. */
const MAX_NAME_BYTES = 200;

/**
 * Chooses the files of one pull: `folder/schema.name.sql`, unique even on a file system that
 * does not tell `A` from `a` (the second gets `~2`), and cut with a hash when too long.
 */
export class SqlFileNames {
  private readonly taken = new Set<string>();

  name(folder: string, schema: string, name: string): string {
    let base = `${escapePart(schema)}.${escapePart(name)}`;
    if (base.length > MAX_NAME_BYTES) {
      const hash = createHash('sha256').update(`${schema}\0${name}`).digest('hex').slice(0, 12);
      // Cut between escapes, never inside one.
      base = `${base.slice(0, MAX_NAME_BYTES - 20).replace(/%[0-9A-F]?$/, '')}~${hash}`;
    }
    let path = `${folder}/${base}.sql`;
    for (let n = 2; this.taken.has(path.toLowerCase()); n++) path = `${folder}/${base}~${n}.sql`;
    this.taken.add(path.toLowerCase());
    return path;
  }
}
