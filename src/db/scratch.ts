// Scratch databases: somewhere to replay revisions without data. A temporary database on the
// target's own server when the role may create one (same version, same extensions), else an
// in-memory PGlite. Always dropped afterwards.
import { randomBytes } from 'node:crypto';
import { quoteIdent } from '../model/identifiers.js';
import { connect, connectMemory, withDb, type Db } from './db.js';
import { redactUrl, type Target } from './target.js';

export interface ScratchInfo {
  /** Where the replay ran, for messages. */
  readonly where: string;
}

export async function withScratchDatabase<T>(target: Target, fn: (db: Db, info: ScratchInfo) => Promise<T>): Promise<T> {
  if (target.kind === 'server') {
    const name = `schema_scratch_${randomBytes(5).toString('hex')}`;
    const created = await withDb(target, async (admin) => {
      try {
        await admin.exec(`CREATE DATABASE ${quoteIdent(name)}`);
        return true;
      } catch {
        return false; // no CREATEDB: fall back to the embedded PostgreSQL
      }
    });
    if (created) {
      const url = new URL(target.url);
      url.pathname = `/${name}`;
      const scratchTarget: Target = { kind: 'server', url: url.toString(), source: target.source, display: redactUrl(url.toString()) };
      try {
        const db = await connect(scratchTarget);
        try {
          return await fn(db, { where: `a temporary database on ${target.display}` });
        } finally {
          await db.close();
        }
      } finally {
        await withDb(target, (admin) => admin.exec(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`)).catch(() => undefined);
      }
    }
  }
  const db = await connectMemory();
  try {
    return await fn(db, { where: 'an in-memory embedded PostgreSQL' });
  } finally {
    await db.close();
  }
}
