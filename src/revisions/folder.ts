// The plans folder: checked before it is used, and read entry by entry. Every name ending in
// .sql is a revision file; an entry of that name that is not a readable file is named in the
// error, never read blindly (a named pipe or a device could block the read or never end).
import { constants } from 'node:fs';
import { access, lstat, readdir, readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parseRevision, RevisionError, type RevisionFile } from './file.js';

const PLANS_DIR_HINT = 'pass --plans-dir with the folder of revision files (default ./plans)';

/** A failure to read or write in the plans folder, naming the path, for a person to fix. */
export function plansDirError(dir: string, error: unknown): RevisionError {
  return new RevisionError(`cannot use the plans folder ${dir}: ${fileSystemReason(error)}`, PLANS_DIR_HINT);
}

/** Why the file system refused, in words (the system's own message for the rarer causes). */
export function fileSystemReason(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  const why: Record<string, string> = {
    EACCES: 'permission denied',
    EPERM: 'permission denied',
    EROFS: 'the file system is read-only',
    ENOSPC: 'no space left on the device',
    EDQUOT: 'the disk quota is used up',
    EFBIG: 'the file is larger than this process may write (see `ulimit -f`)',
    ENOTDIR: 'a part of the path is a file',
    ENOENT: 'a part of the path does not exist',
    EISDIR: 'a folder is in the way',
    EEXIST: 'something is already there',
  };
  return why[e.code ?? ''] ?? e.message;
}

/**
 * Throws a RevisionError naming `dir` when it cannot be the folder of revision files: a file,
 * a path through a file, or one this process may not read (or, to write, write in). A folder
 * that does not exist yet is fine: the first revision written creates it.
 */
export async function checkPlansDir(dir: string, mode: 'read' | 'write'): Promise<void> {
  let probe = dir;
  for (;;) {
    try {
      if (!(await stat(probe)).isDirectory()) {
        throw new RevisionError(probe === dir ? `the plans folder ${dir} is a file, not a folder` : `the plans folder ${dir} is inside ${probe}, which is a file`, PLANS_DIR_HINT);
      }
      break;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw error instanceof RevisionError ? error : plansDirError(dir, error);
      if (dirname(probe) === probe) return;
      probe = dirname(probe);
    }
  }
  const wanted = mode === 'write' ? constants.W_OK | constants.X_OK : constants.R_OK | constants.X_OK;
  if (mode === 'read' && probe !== dir) return; // nothing there yet: nothing to read
  try {
    await access(probe, wanted);
  } catch {
    throw new RevisionError(`cannot ${mode} in the plans folder ${dir}: ${probe === dir ? 'permission denied' : `${probe} is not writable`}`, PLANS_DIR_HINT);
  }
}

/** Every revision file in `dir` (none when the folder does not exist), in name order. */
export async function readRevisions(dir: string): Promise<RevisionFile[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.sql') && !n.startsWith('.')).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    await checkPlansDir(dir, 'read');
    throw plansDirError(dir, error);
  }
  const files: RevisionFile[] = [];
  for (const name of names) files.push(parseRevision(name, await readEntry(dir, name)));
  return files;
}

/**
 * The text of the entry `name` of the plans folder, or a RevisionError naming it when it is
 * not a file that can be read: a folder, a link to nothing, a named pipe or a device (which
 * could block the read forever or never end), one this process may not read. A link to a file
 * is read as the file.
 */
async function readEntry(dir: string, name: string): Promise<string> {
  const path = join(dir, name);
  const refuse = (what: string, hint: string): never => {
    throw new RevisionError(`${path} ${what}, so it cannot be read as a revision file`, hint);
  };
  const MOVE = 'every name ending in .sql in the plans folder is read as a revision: move or rename it';
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const link = await lstat(path).then(
      (l) => l.isSymbolicLink(),
      () => false,
    );
    if (link && code === 'ENOENT') return refuse('is a symbolic link to a file that does not exist', `restore the file it points to, or remove the link; ${MOVE}`);
    if (code === 'ELOOP') return refuse('is a symbolic link that leads back to itself', MOVE);
    return refuse(`cannot be looked at (${describeErrno(error)})`, MOVE);
  }
  if (info.isDirectory()) return refuse('is a folder', MOVE);
  if (!info.isFile()) return refuse('is not a regular file (a named pipe, socket or device)', MOVE);
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    return refuse(`cannot be read (${describeErrno(error)})`, (error as NodeJS.ErrnoException).code === 'EACCES' ? `let this user read it (chmod a+r ${path}); ${MOVE}` : MOVE);
  }
}

function describeErrno(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  const words: Record<string, string> = { EACCES: 'permission denied', EPERM: 'permission denied', EIO: 'an input/output error', ENOTDIR: 'a part of the path is a file' };
  return words[e.code ?? ''] ?? e.code ?? String(e.message);
}
