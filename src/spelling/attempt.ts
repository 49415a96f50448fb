// One piece of the file (a view, a function, a trigger, an enum) tried in the spelling
// transaction under a savepoint. The server's refusal is the file's to fix and comes back as a
// message; an error of the connection, the server or its resources is not, and is thrown.
import { DbError, type Db } from '../db/db.js';

/** SQLSTATE classes of the connection, the server or its resources, and of the transaction's state: not the file's doing. */
const NOT_THE_FILE = ['08', '53', '57', '58', 'XX', '25'];

export type Attempt<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly message: string };

/**
 * Run `work` under savepoint `name`. Rolled back afterwards, which gives its locks back, unless
 * `keep` (what it made is then there for the rest of the transaction). `alsoNotTheFile`: more
 * SQLSTATEs (or classes) to throw rather than blame on the file.
 */
export async function attempt<T>(db: Db, name: string, work: () => Promise<T>, options: { readonly keep?: boolean; readonly alsoNotTheFile?: readonly string[] } = {}): Promise<Attempt<T>> {
  await db.exec(`SAVEPOINT ${name}`);
  try {
    const value = await work();
    await db.exec(options.keep ? `RELEASE SAVEPOINT ${name}` : `ROLLBACK TO SAVEPOINT ${name}; RELEASE SAVEPOINT ${name}`);
    return { ok: true, value };
  } catch (error) {
    const code = error instanceof DbError ? (error.code ?? '') : '';
    if ([...NOT_THE_FILE, ...(options.alsoNotTheFile ?? [])].some((c) => code.startsWith(c))) throw error;
    await db.exec(`ROLLBACK TO SAVEPOINT ${name}; RELEASE SAVEPOINT ${name}`);
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}
