// Revision files written by hand, as a stranger's pull request could hold them: a valid header
// and a checksum that matches (it is unkeyed: anyone can compute it), around any SQL.
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { checksumOf, REVISION_FORMAT } from '../../src/revisions/file.js';

export interface ForgedStep {
  /** "op object", as the step's heading says it. */
  readonly heading: string;
  readonly sql: readonly string[];
  /** Lines between the heading and the statements (`-- hazard ...`). */
  readonly comments?: readonly string[];
}

/** The body of a revision: these upgrade steps, no downgrade. */
export function bodyOf(steps: readonly ForgedStep[]): string {
  const upgrade = steps.map((s, i) => [`-- step ${i + 1}/${steps.length}: ${s.heading}`, ...(s.comments ?? []), ...s.sql.map((q) => `${q};`)].join('\n')).join('\n\n');
  return `-- +upgrade\n${upgrade}\n\n-- +downgrade\n-- (no steps)\n`;
}

export interface Forged {
  readonly id: string;
  readonly path: string;
  readonly text: string;
}

/** Write into `plansDir` a revision that revises `parent` with `body`, its checksum recomputed. */
export async function forgeRevision(plansDir: string, parent: string, message: string, body: string, created = '2099-01-01T00:00:00Z'): Promise<Forged> {
  const id = randomBytes(6).toString('hex');
  const identity = { format: REVISION_FORMAT, revision: id, parents: [parent], created, message };
  const header = [`-- schema revision (format ${REVISION_FORMAT})`, `-- revision: ${id}`, `-- revises: ${parent}`, `-- created: ${created}`, `-- message: ${message}`, `-- checksum: ${checksumOf(identity, body)}`].join(
    '\n',
  );
  const text = `${header}\n\n${body}`;
  const path = join(plansDir, `${created.replace(/[-:]/g, '')}_${message.replace(/\W+/g, '_')}.sql`);
  await writeFile(path, text);
  return { id, path, text };
}
