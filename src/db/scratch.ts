// Scratch databases: somewhere to replay without data. A temporary database on the target's own
// server when the role may create one (same version, same extensions), else an in-memory PGlite;
// only the PGlite for SQL from revision files that no one approved to run on the target. Always
// dropped afterwards. The target's extensions are created first, in their own schemas, so the
// types they bring (citext, hstore...) exist there too.
import { randomBytes } from 'node:crypto';
import { quoteIdent } from '../model/identifiers.js';
import { connect, connectMemory, withDb, type Db } from './db.js';
import { redactUrl, withDatabase, type Target } from './target.js';

/** An extension of the target: what a copy of its schema needs first. */
export interface Extension {
  readonly name: string;
  readonly schema: string;
}

export interface ScratchInfo {
  /** Where the replay ran, for messages. */
  readonly where: string;
  /** On the in-memory PGlite (the role may not create a database on the server). */
  readonly embedded: boolean;
  /** Extensions of the target that could not be created there, and why. */
  readonly missing: readonly { readonly extension: Extension; readonly reason: string }[];
}

export interface ScratchOptions {
  /** Created in the scratch database, in this order, before `fn` runs (as far as it can). */
  readonly extensions?: readonly Extension[];
}

/** Create the extensions the scratch database lacks; those it cannot have are returned, not thrown: the schema may not need them. */
async function createExtensions(db: Db, extensions: readonly Extension[]): Promise<ScratchInfo['missing']> {
  const present = new Set((await db.query<{ name: string }>('SELECT extname AS name FROM pg_catalog.pg_extension')).map((r) => r.name));
  const missing: { extension: Extension; reason: string }[] = [];
  for (const e of extensions) {
    if (present.has(e.name)) continue;
    try {
      await db.exec(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(e.schema)}; CREATE EXTENSION IF NOT EXISTS ${quoteIdent(e.name)} WITH SCHEMA ${quoteIdent(e.schema)}`);
    } catch (error) {
      missing.push({ extension: e, reason: (error as Error).message });
    }
  }
  return missing;
}

/** A PGlite module for an extension, where PGlite ships one (its contrib set). */
async function embeddedExtension(name: string): Promise<[string, unknown] | null> {
  if (!/^[a-z0-9_-]+$/.test(name)) return null;
  const module = name.replaceAll('-', '_');
  try {
    const loaded = (await import(`@electric-sql/pglite/contrib/${module}`)) as Record<string, unknown>;
    return loaded[module] ? [module, loaded[module]] : null;
  } catch {
    return null;
  }
}

export async function withScratchDatabase<T>(target: Target, fn: (db: Db, info: ScratchInfo) => Promise<T>, options: ScratchOptions = {}): Promise<T> {
  const extensions = options.extensions ?? [];
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
      const url = withDatabase(target.url, name);
      const scratchTarget: Target = { kind: 'server', url, source: target.source, display: redactUrl(url) };
      const where = `a temporary database on ${target.display}`;
      try {
        const db = await connect(scratchTarget);
        try {
          return await fn(db, { where, embedded: false, missing: await createExtensions(db, extensions) });
        } finally {
          await db.close();
        }
      } finally {
        await withDb(target, (admin) => admin.exec(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`)).catch(() => undefined);
      }
    }
  }
  return withEmbeddedScratch(fn, options);
}

/**
 * Run `fn` on a new in-memory PGlite, in this process: no network, no files, nothing of the
 * target's server. Where SQL from files runs that no person approved to run on the target
 * (revisions replayed by `merge`, or to work out the states an upgrade script records).
 */
export async function withEmbeddedScratch<T>(fn: (db: Db, info: ScratchInfo) => Promise<T>, options: ScratchOptions = {}): Promise<T> {
  const extensions = options.extensions ?? [];
  const modules = (await Promise.all(extensions.map((e) => embeddedExtension(e.name)))).filter((m) => m !== null);
  const db = await connectMemory(Object.fromEntries(modules));
  const where = 'an in-memory embedded PostgreSQL';
  try {
    return await fn(db, { where, embedded: true, missing: await createExtensions(db, extensions) });
  } finally {
    await db.close();
  }
}
