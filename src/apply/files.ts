// The revision file of an apply, on disk: written under a temporary name (`.<name>.tmp`) inside
// the transaction that records the revision, and put in place once that transaction committed.
// What a writer cut off between the two left behind is put in place by the next writer command,
// only when the ledger vouches for it; anything else is left alone and reported.
import { lstat, readdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { Db } from '../db/db.js';
import { isRevisionFileName, parseRevision, RevisionError, verifyChecksum, type RevisionFile } from '../revisions/file.js';
import { fileSystemReason } from '../revisions/folder.js';
import { appliedRevisions, readPending, type AppliedRevision } from '../revisions/ledger.js';
import { ApplyError } from './transaction.js';

/**
 * Where the revision file `fileName` (or, with `temp`, its temporary `.<name>.tmp`) goes in
 * `dir`: checked to be a revision file name, and the path resolved and compared to be directly
 * inside `dir`. Throws RevisionError otherwise, so nothing is ever written outside plans/.
 */
export function revisionPath(dir: string, fileName: string, temp = false): string {
  const base = resolve(dir);
  const path = resolve(base, temp ? `.${fileName}.tmp` : fileName);
  if (!isRevisionFileName(fileName) || dirname(path) !== base) {
    throw new RevisionError(`${JSON.stringify(fileName)} is not the name of a revision file (<time>_<message>.sql, in ${dir} itself); nothing is written under that name`);
  }
  return join(dir, basename(path));
}

/** The temporary file could not be written: thrown before anything is committed. */
export class TempWriteError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`cannot write the revision file ${path}: ${reason}`);
    this.name = 'TempWriteError';
  }
}

/**
 * Write `text` as the temporary file of `fileName` in `plansDir`, created anew (whatever was at
 * that name goes first, and is never written through). On failure (a full disk, a file size
 * limit) the part written is removed and TempWriteError thrown. Returns the path.
 */
export async function writeTemp(plansDir: string, fileName: string, text: string): Promise<string> {
  const path = revisionPath(plansDir, fileName, true);
  await unlink(path).catch(() => undefined);
  try {
    await writeFile(path, text, { flag: 'wx' });
  } catch (error) {
    const there = await occupant(path);
    if (there === 'a file') await unlink(path).catch(() => undefined);
    throw new TempWriteError(path, there !== null && there !== 'a file' ? `${there} is in the way` : fileSystemReason(error));
  }
  return path;
}

const WRITERS = 'the next `schema apply`, `schema upgrade` or `schema downgrade`';

/** What is at `path` (not following a link), in words, or null when nothing is. */
const occupant = (path: string): Promise<'a file' | 'a folder' | 'something other than a file' | null> =>
  lstat(path).then(
    (st) => (st.isFile() ? 'a file' : st.isDirectory() ? 'a folder' : 'something other than a file'),
    () => null,
  );

/**
 * Put the temporary file of `revision`, whose transaction has committed, in place as
 * `fileName`; never over something already there. Throws ApplyError saying the revision is
 * applied and where its file waits, when it cannot.
 */
export async function publish(tempPath: string, plansDir: string, fileName: string, revision: string): Promise<string> {
  const finalPath = revisionPath(plansDir, fileName);
  const there = await occupant(finalPath);
  try {
    if (there === null) await rename(tempPath, finalPath);
  } catch (error) {
    throw committedWithoutFile(revision, tempPath, finalPath, fileSystemReason(error), null);
  }
  if (there !== null) throw committedWithoutFile(revision, tempPath, finalPath, `${there} is already there`, `move ${finalPath} aside, then `);
  return finalPath;
}

function committedWithoutFile(revision: string, tempPath: string, finalPath: string, why: string, first: string | null): ApplyError {
  return new ApplyError(
    `revision ${revision} is applied (its transaction committed, and the database records it), but its file could not be put in place: cannot rename ${tempPath} to ${finalPath}: ${why}`,
    null,
    `the file is kept as ${tempPath}; ${first ?? 'once the cause is fixed, '}${WRITERS} puts it in place`,
  );
}

/** Why `file` (null: unreadable) is not the file the ledger recorded for its revision, or null when it is. */
function mismatch(file: RevisionFile | null, row: AppliedRevision, name: string): string | null {
  if (!file) return 'it is not a complete revision file';
  if (!verifyChecksum(file)) return 'its text does not match the checksum in its header';
  if (file.checksum !== row.checksum) return 'its checksum differs from the one the database recorded';
  if (row.file !== name) return `the database recorded the revision's file as ${row.file}`;
  return null;
}

async function readOrNull(path: string, name: string): Promise<RevisionFile | null> {
  try {
    return parseRevision(name, await readFile(path, 'utf8'));
  } catch {
    return null;
  }
}

/**
 * Temporary revision files in `plansDir`, settled against this database's ledger:
 * - one of a revision applied here, matching the checksum and file name the ledger recorded,
 *   is put in place (its rename was cut off after the commit), or removed when the same file
 *   is already in place;
 * - one of the apply this database has unfinished is kept (finishing it writes it again);
 * - one of no revision applied here is removed: what an apply that never committed left;
 * - anything else (a stray copy, a changed file, something in the way) is left alone, and so
 *   is the file in place: returned as warnings, one sentence each, naming the files.
 */
export async function recoverRevisionFiles(db: Db, plansDir: string): Promise<string[]> {
  let names: string[];
  try {
    names = (await readdir(plansDir)).filter((n) => n.startsWith('.') && n.endsWith('.sql.tmp')).sort();
  } catch {
    return [];
  }
  if (names.length === 0) return [];
  const applied = await appliedRevisions(db);
  const pending = await readPending(db);
  const found: string[] = [];
  for (const name of names) {
    const path = join(plansDir, name);
    const finalName = name.slice(1, -'.tmp'.length);
    const finalPath = join(plansDir, finalName);
    const kind = await occupant(path);
    if (kind !== 'a file') {
      // A folder or a link is nothing schema writes: never read (a link may lead anywhere), never removed.
      if (kind !== null) found.push(`${path} is ${kind}, not a revision file schema left: it was left alone; remove it`);
      continue;
    }
    const file = await readOrNull(path, finalName);
    const row = applied.find((a) => (file ? a.revision === file.revision : a.file === finalName));
    if (!row) {
      if (!file || pending?.revision !== file.revision) await unlink(path).catch(() => undefined);
      continue;
    }
    const wrong = mismatch(file, row, finalName);
    if (wrong) {
      found.push(`${path} is not the file of revision ${row.revision} that this database recorded (${wrong}): it was left alone, and so was ${join(plansDir, row.file)}; remove ${path} once you have looked at it`);
      continue;
    }
    const there = await occupant(finalPath);
    if (there === null) {
      try {
        await rename(path, finalPath);
      } catch (error) {
        found.push(`${path} holds revision ${row.revision}, applied to this database, but it could not be put in place as ${finalPath}: ${fileSystemReason(error)}`);
      }
      continue;
    }
    const inPlace = there === 'a file' ? await readOrNull(finalPath, finalName) : null;
    if (inPlace && !mismatch(inPlace, row, finalName)) {
      await unlink(path).catch(() => undefined);
      continue;
    }
    found.push(
      `${path} holds revision ${row.revision}, applied to this database, but ${finalPath} is in the way (${there === 'a file' ? 'a file that is not that revision' : there}): both were left alone; move ${finalPath} aside, and ${WRITERS} puts the revision's file in place`,
    );
  }
  return found;
}
