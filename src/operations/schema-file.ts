// Reading schema.yaml: the file as UTF-8 text, checked offline before anything connects.
import { isUtf8 } from 'node:buffer';
import { readFileSync, realpathSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { dirname, join, relative, isAbsolute } from 'node:path';
import { SpecError, UserError } from '../errors.js';
import { isError, sortDiagnostics, type Diagnostic } from '../desired/diagnostics.js';
import { loadSpec, parsePart, type SchemaPart, type SchemaText } from '../desired/load.js';
import type { Spec } from '../desired/spec.js';
import type { ReadSqlFile } from '../desired/views.js';

/**
 * The `.sql` files views name (`file:`), read relative to the folder of schema file `file`;
 * one that leads out of that folder (through a link too) is refused.
 */
export function sqlFileReader(file: string): ReadSqlFile {
  return (rel, from) => {
    // In a schema folder, `from` is the file of the folder that names it; else it is `file`.
    const folder = dirname(from === '' ? file : from);
    const shown = join(folder, rel);
    try {
      const real = realpathSync(shown);
      const inside = relative(realpathSync(folder), real);
      if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) return { error: 'it leads out of the folder of the schema file' };
      const bytes = readFileSync(real);
      if (!isUtf8(bytes)) return { error: 'it is not UTF-8' };
      return { text: new TextDecoder().decode(bytes), file: shown };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      return { error: code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : (error as Error).message };
    }
  };
}

/**
 * The text of schema.yaml, or a UserError saying how to make one. A folder is a schema made of
 * several files: its `.yaml` and `.yml` files, in its subfolders too, sorted by path.
 */
export async function readSchemaFile(path: string): Promise<SchemaText> {
  let bytes: Buffer;
  try {
    if ((await stat(path)).isDirectory()) return await readSchemaFolder(path);
    bytes = await readFile(path);
  } catch (error) {
    if (error instanceof UserError || error instanceof SpecError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UserError(`no schema file at ${path}`, 'create one (see the README), or pass --schema path/to/schema.yaml');
    throw new UserError(`cannot read ${path}: ${(error as Error).message}`);
  }
  return decodeUtf8(path, bytes);
}

/** The YAML files of a schema folder, sorted by their path in it; names starting with `.` are left out, links to folders are not followed. */
async function readSchemaFolder(folder: string): Promise<SchemaPart[]> {
  const found: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (/\.ya?ml$/i.test(entry.name) && (entry.isFile() || (entry.isSymbolicLink() && (await stat(path)).isFile()))) found.push(path);
    }
  };
  await walk(folder);
  const key = (p: string): string => relative(folder, p).split(/[\\/]/).join('/');
  found.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  return Promise.all(found.map(async (file) => ({ file, text: decodeUtf8(file, await readFile(file)) })));
}

/**
 * The file as text, or a SpecError at the first line that is not UTF-8 (read as U+FFFD, it
 * would change a name or a value unseen).
 */
function decodeUtf8(file: string, bytes: Buffer): string {
  if (isUtf8(bytes)) return new TextDecoder().decode(bytes); // drops a byte-order mark
  // A newline byte is never inside a multi-byte character, so lines can be checked one by one.
  let start = 0;
  for (let line = 1; ; line++) {
    const end = bytes.indexOf(0x0a, start);
    const text = bytes.subarray(start, end < 0 ? bytes.length : end);
    if (!isUtf8(text)) {
      const col = [...text.toString('utf8')].indexOf('\uFFFD') + 1;
      throw new SpecError([{ file, line, col: Math.max(col, 1), code: 'bad_character', message: 'the file is not UTF-8 here (a byte that is no character)', hint: 'save the file as UTF-8' }]);
    }
    start = end + 1;
  }
}

/** A schema file checked as far as it can be without a database. */
export interface CheckedSchema {
  readonly file: string;
  /** The text of the schema file, or the files of a schema folder. */
  readonly text: SchemaText;
  /** Types that only the target can confirm (from an extension, or created by hand). */
  readonly typesPending: boolean;
  /** What the file says that is allowed but looks wrong (a name with a character that cannot be seen), for the user to see. */
  readonly warnings: readonly Diagnostic[];
  /**
   * The Spec read offline, when no type waits for the target (`typesPending` false): loading
   * again with the target's types would give the same one, so `planAgainst` reuses it.
   */
  readonly spec?: Spec | null;
}

/**
 * Check schema.yaml offline, before anything connects. Throws SpecError unless the only
 * problems are types the target may know; those are checked again against the target by
 * `planAgainst`. A file with any other error cannot be planned, whatever the target holds.
 */
export function checkSchema(file: string, text: SchemaText): CheckedSchema {
  const { spec, diagnostics } = loadSpec(file, text, { readSqlFile: sqlFileReader(file) });
  // The target confirms or refuses the types itself.
  const warnings = diagnostics.filter((d) => !isError(d) && d.code !== 'unverified_type');
  const errors = diagnostics.filter(isError);
  if (errors.some((d) => d.code !== 'unknown_type')) throw new SpecError(sortDiagnostics([...errors, ...warnings]));
  const typesPending = diagnostics.some((d) => d.code === 'unknown_type' || d.code === 'unverified_type');
  return { file, text, typesPending, warnings, spec: typesPending ? null : spec };
}

/**
 * Every problem in schema.yaml, without touching any database: errors, and warnings for types
 * only the database can confirm (`unverified_type`).
 */
export function validateSchema(file: string, text: SchemaText, readSqlFile: ReadSqlFile = sqlFileReader(file)): readonly Diagnostic[] {
  return loadSpec(file, text, { readSqlFile }).diagnostics;
}

/** The patterns under `exclude:` of the schema file (or folder), read without checking the rest: what drift leaves out. */
export function excludePatterns(text: SchemaText): string[] {
  const parts = typeof text === 'string' ? [{ file: 'schema.yaml', text }] : text;
  return parts.flatMap((p) => {
    const read = parsePart(p.file, p.text);
    const raw = 'data' in read && typeof read.data === 'object' && read.data !== null ? (read.data as Record<string, unknown>)['exclude'] : undefined;
    return Array.isArray(raw) ? raw.filter((x): x is string => typeof x === 'string' && x !== '') : [];
  });
}
