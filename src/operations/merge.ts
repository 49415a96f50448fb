// The merge use case: join the heads of plans/ with a merge revision.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { branchesOf } from '../revisions/branches.js';
import { formatRevision, newRevisionId, slug, timestampName } from '../revisions/file.js';
import { planMerge, type MergeSteps } from '../verify/merge.js';
import type { MergedView } from '../render/outcomes.js';
import { planAgainst } from './plan.js';
import { loadChain } from './status.js';
import type { CheckedSchema } from './schema-file.js';

/** What `merge` wrote: the shape its sentences are rendered from (render/outcomes.ts). */
export type Merged = MergedView;

/**
 * Join the heads of `plansDir` with a merge revision. Without conflicts it has no SQL; when
 * branches change the same objects, the chain is replayed (without data) on in-memory embedded
 * PostgreSQL databases, never on a server, in every order a database can have applied the
 * branches, and the merge revision carries steps that bring each of those states to
 * schema.yaml (see `planMerge`), or none is written.
 */
export async function mergeHeads(options: { readonly plansDir: string; readonly message: string; readonly now?: Date; readonly schema: () => Promise<CheckedSchema> }): Promise<Merged> {
  const chain = await loadChain(options.plansDir);
  const heads = chain.heads();
  if (heads.length < 2) throw new UserError(`${options.plansDir} has ${heads.length === 0 ? 'no revisions' : 'one head'}: there is nothing to merge`);
  const branches = branchesOf(chain);

  let merge: MergeSteps = { steps: [], downgrade: [], divergent: [], orders: 0, sampled: false };
  if (branches.conflicts.length > 0) {
    const schema = await options.schema();
    merge = await planMerge(chain, branches, schema.file, async (db) => {
      const { plan, desired } = await planAgainst(db, schema);
      return { plan, desired };
    });
  }
  const created = options.now ?? new Date();
  const id = newRevisionId();
  const parents = heads.map((h) => h.revision);
  const { text } = formatRevision(merge, { id, parents, created, message: options.message });
  await mkdir(options.plansDir, { recursive: true });
  const file = join(options.plansDir, `${timestampName(created)}_${slug(options.message)}.sql`);
  await writeFile(file, text, { flag: 'wx' });
  return { revision: id, file, parents, conflicts: branches.conflicts, divergent: merge.divergent, orders: merge.orders, sampled: merge.sampled, steps: merge.steps.length };
}
