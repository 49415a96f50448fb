// Embedded PGlite databases for tests: one template data directory is initialised per test
// file (PGlite's initdb takes seconds) and copied for every database a test asks for.
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type Db } from '../../src/db/db.js';
import type { Target } from '../../src/db/target.js';

export interface EmbeddedTemplate {
  readonly dir: string;
  /** A fresh embedded database (a copy of the template) for `fn`, removed afterwards. */
  with<T>(label: string, fn: (s: { db: Db; target: Target; dir: string }) => Promise<T>): Promise<T>;
  remove(): Promise<void>;
}

const embedded = (dir: string): Target => ({ kind: 'embedded', dir, display: `${dir}/` });

export async function embeddedTemplate(): Promise<EmbeddedTemplate> {
  const dir = await mkdtemp(join(tmpdir(), 'schema-pglite-template-'));
  const db = await connect(embedded(join(dir, '.schema')));
  await db.close();
  return {
    dir,
    async with(label, fn) {
      const work = await mkdtemp(join(tmpdir(), `schema-pglite-${label.replace(/[^a-z0-9]/gi, '').slice(0, 16)}-`));
      await cp(join(dir, '.schema'), join(work, '.schema'), { recursive: true });
      await rm(join(work, '.schema', 'lock'), { recursive: true, force: true });
      const target = embedded(join(work, '.schema'));
      const opened = await connect(target);
      try {
        return await fn({ db: opened, target, dir: work });
      } finally {
        await opened.close();
        await rm(work, { recursive: true, force: true });
      }
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
