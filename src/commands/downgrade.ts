// `schema downgrade [-1|-N|base|REV]`: undo applied revisions with their own downgrade SQL.
import { Args } from '@oclif/core';
import { revisionsToDowngrade } from '../revisions/chain.js';
import { ReplayCommand, replayFlags } from './replay-base.js';

export default class Downgrade extends ReplayCommand<typeof Downgrade> {
  static override summary = 'Undo applied revisions, newest first, with the downgrade SQL in their files.';
  static override description = `Each revision is undone in its own transaction under the advisory lock and removed from the ledger. A downgrade that drops data needs consent like any other step: confirm it, or name it with --allow-hazards. With --sql, prints the script instead (for psql), changing nothing.`;
  static override examples = ['<%= config.bin %> downgrade', '<%= config.bin %> downgrade -2', '<%= config.bin %> downgrade base --allow-hazards data_loss --auto-approve', '<%= config.bin %> downgrade ae12 --sql'];
  static override args = {
    target: Args.string({ description: '-1 (default) for the last revision, -N for the last N, base for all, or the revision to go back to', default: '-1' }),
  };
  static override flags = replayFlags;

  async run(): Promise<void> {
    await this.replay('downgrade', this.args.target, (status, target) => revisionsToDowngrade(status.chain, status.appliedIds, target), {
      done: 'Undid',
      nothing: () => 'Nothing to downgrade.',
      subject: (n) => (n === 1 ? 'this downgrade' : 'these downgrades'),
    });
  }
}
