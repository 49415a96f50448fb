// `schema upgrade [head|+N|REV]`: replay revision files, each in its own transaction.
import { Args, Flags } from '@oclif/core';
import { readStatus } from '../api.js';
import { interruptedRun, replayScript, resumeRun, runRevision } from '../apply/replay.js';
import { withDb } from '../db/db.js';
import { UserError } from '../errors.js';
import { revisionLine } from '../render/revisions.js';
import { revisionsToUpgrade } from '../revisions/chain.js';
import { BaseCommand, consentFlags, runFlags } from './base.js';

export default class Upgrade extends BaseCommand<typeof Upgrade> {
  static override summary = 'Run the revisions in plans/ that the database has not applied, up to a target.';
  static override description = `Replays the revision files' own SQL, exactly as reviewed: each revision in its own transaction under the advisory lock, recorded in the ledger with its checksum. Hazards that need consent (data_loss, lossy_type_change) are asked for, or named with --allow-hazards. With --sql, prints the script instead (for psql), changing nothing.`;
  static override examples = ['<%= config.bin %> upgrade', '<%= config.bin %> upgrade +1', '<%= config.bin %> upgrade ae12', '<%= config.bin %> upgrade head --sql > upgrade.sql'];
  static override args = {
    target: Args.string({ description: 'head (default), +N for the next N revisions, or a revision id (a unique prefix is enough)', default: 'head' }),
  };
  static override flags = {
    sql: Flags.boolean({ summary: 'Print the SQL script instead of running it.' }),
    ...consentFlags,
    ...runFlags,
  };

  async run(): Promise<void> {
    const target = this.target();
    this.announce(target);
    const c = this.colour();
    await withDb(target, async (db) => {
      const options = { lockWaitMs: this.flags['lock-wait'] * 1000, settings: this.runSettings() };
      const interrupted = this.flags.sql ? null : await interruptedRun(db);
      if (interrupted) {
        const revision = (await readStatus(db, this.plansDir())).chain.get(interrupted.revision);
        if (!revision) throw new UserError(`an interrupted ${interrupted.direction} of revision ${interrupted.revision} is waiting, but its file is not in ${this.plansDir()}`);
        this.say(c.yellow(`An earlier ${interrupted.direction} of ${revision.revision} (${revision.fileName}) stopped after step ${interrupted.done} of ${interrupted.steps.length}; it is finished first.`));
        await this.consent(interrupted.steps.slice(interrupted.done), 'finish it', 'what is left', this.flags);
        const ms = await resumeRun(db, revision, options);
        this.say(`${c.green('Finished')} ${revision.revision} in ${ms} ms.`);
      }
      const status = await readStatus(db, this.plansDir());
      const revisions = revisionsToUpgrade(status.chain, status.appliedIds, this.args.target);
      if (this.flags.sql) {
        this.say(replayScript(revisions, 'upgrade'));
        return;
      }
      if (revisions.length === 0) {
        this.say(c.green('Nothing to upgrade: the database is at ') + (status.current.map((r) => r.revision).join(', ') || 'base') + '.');
        return;
      }
      this.say(`Revisions to apply, in order:\n${revisions.map((r) => `  ${revisionLine(r, c)}`).join('\n')}\n`);
      await this.consent(revisions.flatMap((r) => r.upgrade), `upgrade ${revisions.length === 1 ? 'this revision' : `these ${revisions.length} revisions`}`, revisions.length === 1 ? 'this revision' : 'these revisions', this.flags);
      for (const r of revisions) {
        const ms = await runRevision(db, r, 'upgrade', { ...options, onStep: (i, step) => this.note(c.dim(`  [${i + 1}/${r.upgrade.length}] ${step.op} ${step.object}`)) });
        this.say(`${c.green('Upgraded')} to ${r.revision} (${r.fileName}) in ${ms} ms.`);
      }
    });
  }
}
