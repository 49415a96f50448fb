// `schema downgrade [-1|-N|base|REV]`: undo applied revisions with their own downgrade SQL.
import { Args, Flags } from '@oclif/core';
import { readStatus } from '../api.js';
import { interruptedRun, replayScript, resumeRun, runRevision } from '../apply/replay.js';
import { withDb } from '../db/db.js';
import { UserError } from '../errors.js';
import { revisionLine } from '../render/revisions.js';
import { revisionsToDowngrade } from '../revisions/chain.js';
import { BaseCommand, consentFlags, runFlags } from './base.js';

export default class Downgrade extends BaseCommand<typeof Downgrade> {
  static override summary = 'Undo applied revisions, newest first, with the downgrade SQL in their files.';
  static override description = `Each revision is undone in its own transaction under the advisory lock and removed from the ledger. A downgrade that drops data needs consent like any other step: confirm it, or name it with --allow-hazards. With --sql, prints the script instead (for psql), changing nothing.`;
  static override examples = ['<%= config.bin %> downgrade', '<%= config.bin %> downgrade -2', '<%= config.bin %> downgrade base --allow-hazards data_loss --auto-approve', '<%= config.bin %> downgrade ae12 --sql'];
  static override args = {
    target: Args.string({ description: '-1 (default) for the last revision, -N for the last N, base for all, or the revision to go back to', default: '-1' }),
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
      const revisions = revisionsToDowngrade(status.chain, status.appliedIds, this.args.target);
      if (this.flags.sql) {
        this.say(replayScript(revisions, 'downgrade'));
        return;
      }
      if (revisions.length === 0) {
        this.say(c.green('Nothing to downgrade.'));
        return;
      }
      this.say(`Revisions to undo, newest first:\n${revisions.map((r) => `  ${revisionLine(r, c)}`).join('\n')}\n`);
      await this.consent(revisions.flatMap((r) => r.downgrade), `downgrade ${revisions.length === 1 ? 'this revision' : `these ${revisions.length} revisions`}`, revisions.length === 1 ? 'this downgrade' : 'these downgrades', this.flags);
      for (const r of revisions) {
        const ms = await runRevision(db, r, 'downgrade', { ...options, onStep: (i, step) => this.note(c.dim(`  [${i + 1}/${r.downgrade.length}] ${step.op} ${step.object}`)) });
        this.say(`${c.green('Undid')} ${r.revision} (${r.fileName}) in ${ms} ms.`);
      }
      const after = await readStatus(db, this.plansDir());
      this.say(`The database is now at ${after.current.map((r) => r.revision).join(', ') || 'base'}.`);
    });
  }
}
