// Scratch databases: each test makes its own, with a unique name, and drops it after, so
// tests run in parallel and twice in a row.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { connect, type Db } from '../../src/db/db.js';
import type { Target } from '../../src/db/target.js';

export interface Scratch {
  readonly name: string;
  readonly url: string;
  readonly target: Target;
  readonly db: Db;
  /** Close the connection, so that the database can be the template of others (`scratch(label, name)`). */
  closeForCopies(): Promise<void>;
  drop(): Promise<void>;
}

export function adminUrl(): string {
  return inject('adminUrl');
}

/**
 * One connection to the admin database per test file, for CREATE and DROP DATABASE: a new
 * backend costs about 25 ms of the server's CPU here, two per scratch database otherwise.
 * Closed when the file ends (test/support/drop-scratch.ts).
 */
let shared: Promise<pg.Client> | undefined;

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  shared ??= (async () => {
    const client = new pg.Client({ connectionString: adminUrl() });
    // A connection the server ends is made again on the next use.
    client.on('error', () => (shared = undefined));
    await client.connect();
    return client;
  })().catch((error: unknown) => {
    shared = undefined;
    throw error;
  });
  return fn(await shared);
}

export function urlFor(database: string): string {
  const u = new URL(adminUrl());
  u.pathname = `/${database}`;
  return u.toString();
}

/** A new database, empty or a copy of database `template`, and an open connection to it. */
export async function scratch(label = 'db', template?: string): Promise<Scratch> {
  const name = `schema_test_${inject('runId')}_${label
    .replace(/[^a-z0-9]/gi, '')
    .slice(0, 20)
    .toLowerCase()}_${randomBytes(4).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE "${name}"${template ? ` TEMPLATE "${template}"` : ''}`));
  const url = urlFor(name);
  const target: Target = { kind: 'server', url, source: '--url', display: url };
  const db = await connect(target);
  let open = true;
  return {
    name,
    url,
    target,
    db,
    async closeForCopies() {
      if (open) await db.close();
      open = false;
    },
    async drop() {
      if (open) await db.close();
      open = false;
      dropLater.push(name);
      if (dropLater.length >= DROP_BATCH) await dropFinished();
    },
  };
}

/**
 * Databases a test is done with, dropped when its file ends (test/support/drop-scratch.ts). Each
 * DROP DATABASE makes PostgreSQL write a checkpoint; one after each test had the checkpointer
 * flushing the buffers of every other running test hundreds of times a run. Dropped together,
 * only the first of them has much to write.
 */
const dropLater: string[] = [];
/** A long file (the fuzz run) drops its databases this many at a time, not all at its end. */
const DROP_BATCH = 20;

export async function dropFinished(): Promise<void> {
  if (dropLater.length === 0) return;
  await admin(async (c) => {
    for (const name of dropLater.splice(0)) await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  });
}

/** Drop what is left and close the admin connection: the end of a test file. */
export async function closeScratch(): Promise<void> {
  await dropFinished();
  const client = shared;
  shared = undefined;
  if (client) await (await client).end();
}

/** Run `fn` with a scratch database that is always dropped afterwards. */
export async function withScratch<T>(label: string, fn: (s: Scratch) => Promise<T>, template?: string): Promise<T> {
  const s = await scratch(label, template);
  try {
    return await fn(s);
  } finally {
    await s.drop();
  }
}
