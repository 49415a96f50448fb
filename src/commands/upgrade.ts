// `schema upgrade [head|+N|REV]`: replay revision files, each in its own transaction.
import { Args } from '@oclif/core';
import { revisionsToUpgrade } from '../revisions/chain.js';
import { ReplayCommand, replayFlags, replayOnServerFlag } from './replay-base.js';

export default class Upgrade extends ReplayCommand<typeof Upgrade> {
  static override summary = 'Run the revisions in plans/ that the database has not applied, up to a target.';
  static override description = `Replays the revision files' own SQL, exactly as reviewed: each revision in its own transaction under the advisory lock, recorded in the ledger with its checksum. Hazards that need consent (data_loss, lossy_type_change) are asked for, or named with --allow-hazards. With --sql, prints the script instead (for psql), changing nothing; the state each revision leaves, which the script records, is worked out by replaying the revisions on the embedded PostgreSQL in this process (see --replay-on-server). Every statement of every revision is parsed first: transaction control inside a step is refused, and the hazards are those the SQL carries as well as those the file declares.`;
  static override examples = ['<%= config.bin %> upgrade', '<%= config.bin %> upgrade +1', '<%= config.bin %> upgrade ae12', '<%= config.bin %> upgrade head --sql > upgrade.sql'];
  static override args = {
    target: Args.string({ description: 'head (default), +N for the next N revisions, or a revision id (a unique prefix is enough)', default: 'head' }),
  };
  static override flags = { ...replayFlags, ...replayOnServerFlag };

  async run(): Promise<void> {
    await this.replay('upgrade', this.args.target, (status, target) => revisionsToUpgrade(status.chain, status.appliedIds, target), {
      done: 'Upgraded to',
      nothing: (status) => `Nothing to upgrade: the database is at ${status.current.map((r) => r.revision).join(', ') || 'base'}.`,
      subject: (n) => (n === 1 ? 'this revision' : 'these revisions'),
    });
  }
}
