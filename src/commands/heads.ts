// `schema heads`: the head(s) of plans/.
import { loadChain, readStatus } from '../operations/status.js';
import { withDb } from '../db/db.js';
import { NO_REVISIONS_YET, severalHeadsLine } from '../render/outcomes.js';
import { revisionLine } from '../render/revisions.js';
import type { Chain } from '../revisions/chain.js';
import { BaseCommand } from './base.js';

export default class Heads extends BaseCommand<typeof Heads> {
  static override summary = 'Show the head(s) of plans/: two heads mean two branches to merge.';
  static override description = `With a database (--url, DATABASE_URL, or an existing .schema/), the files are also checked against what it applied, as every other command does.`;
  static override examples = ['<%= config.bin %> heads', '<%= config.bin %> heads --url postgres://localhost/app'];

  async run(): Promise<void> {
    this.show(await this.chain());
  }

  /** The chain, checked against the database's ledger when there is a database to read. */
  private async chain(): Promise<Chain> {
    const target = this.existingTarget();
    if (!target) return loadChain(this.plansDir());
    this.announce(target);
    return withDb(target, async (db) => (await readStatus(db, this.plansDir())).chain);
  }

  private show(chain: Chain): void {
    const c = this.colour();
    const heads = chain.heads();
    if (heads.length === 0) {
      this.say(NO_REVISIONS_YET);
      return;
    }
    for (const h of heads) this.say(`${revisionLine(h, c, ['head'])}  ${c.dim(h.fileName)}`);
    if (heads.length > 1) this.say(c.yellow(severalHeadsLine(this.plansDir(), heads.length)));
  }
}
