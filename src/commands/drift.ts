// `schema drift`: what changed in the database outside this tool since its last revision.
import { Flags } from '@oclif/core';
import { existsSync } from 'node:fs';
import { driftOf, readStatus } from '../operations/status.js';
import { excludePatterns, readSchemaFile } from '../operations/schema-file.js';
import { withReadOnlyDb } from '../db/db.js';
import { UserError } from '../errors.js';
import { driftUnfinished, driftUnknown } from '../render/outcomes.js';
import { renderDrift } from '../render/revisions.js';
import { BaseCommand } from './base.js';

export default class Drift extends BaseCommand<typeof Drift> {
  static override summary = 'Show what changed in the database outside schema since its last applied revision.';
  static override description = `Compares the database with the state the ledger recorded when its last revision was applied, and lists the differences as the steps that made them. Objects the schema file's \`exclude:\` (or --exclude) names belong to someone else: what happened to them is not drift. Reads only.`;
  static override examples = ['<%= config.bin %> drift --url "$DATABASE_URL"', '<%= config.bin %> drift --detailed-exitcode   # 2 when it drifted'];
  static override flags = {
    exclude: Flags.string({ summary: "Leave out objects whose schema.name matches (repeatable), beside the schema file's exclude: patterns.", multiple: true }),
    'detailed-exitcode': Flags.boolean({ summary: 'Exit 2 when the database drifted, 0 when it did not, 1 when it cannot tell (no revision applied, or none with a recorded state).' }),
  };

  async run(): Promise<void> {
    const target = this.target();
    this.announce(target, { readOnly: true });
    const c = this.colour();
    const drifted = await withReadOnlyDb(target, async (db): Promise<boolean | 'unknown' | 'base'> => {
      const status = await readStatus(db, this.plansDir());
      // Its finished steps are in the database but in no recorded state: below, they count as drift.
      if (status.unfinished) this.say(driftUnfinished(status.unfinished, c));
      const drift = await driftOf(db, status, [...(await this.fileExcludes()), ...(this.flags.exclude ?? [])]);
      if (drift.unknown || !drift.since) {
        this.say(driftUnknown(drift.since?.revision ?? null));
        return drift.since ? 'unknown' : 'base';
      }
      this.say(renderDrift(drift.since, drift.changes, c));
      return drift.changes.length > 0;
    });
    if (!this.flags['detailed-exitcode']) return;
    // A gate must not pass what it could not check.
    if (drifted === 'unknown') throw new UserError('cannot tell whether the database drifted: its last revision has no recorded state', 'the next revision schema applies or upgrades records one');
    if (drifted === 'base') throw new UserError('cannot tell whether the database drifted: no revision is applied to it', 'run `schema upgrade` (or `schema apply`) first; drift is measured from the last revision');
    if (drifted) this.exit(2);
  }

  /** The schema file's `exclude:` patterns; none when there is no schema file. */
  private async fileExcludes(): Promise<string[]> {
    if (!existsSync(this.schemaPath())) return [];
    return excludePatterns(await readSchemaFile(this.schemaPath()));
  }
}
