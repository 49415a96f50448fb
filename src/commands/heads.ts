// `schema heads`: the head(s) of plans/.
import { loadChain } from '../api.js';
import { revisionLine } from '../render/revisions.js';
import { BaseCommand } from './base.js';

export default class Heads extends BaseCommand<typeof Heads> {
  static override summary = 'Show the head(s) of plans/: two heads mean two branches to merge.';
  static override examples = ['<%= config.bin %> heads'];

  async run(): Promise<void> {
    const chain = await loadChain(this.plansDir());
    const c = this.colour();
    const heads = chain.heads();
    if (heads.length === 0) {
      this.say('No revisions yet: `schema apply` writes the first one.');
      return;
    }
    for (const h of heads) this.say(`${revisionLine(h, c, ['head'])}  ${c.dim(h.fileName)}`);
    if (heads.length > 1) {
      this.say(
        c.yellow(
          `\n${this.plansDir()} has ${heads.length} heads: two branches each added a revision after the same one.\n` +
            'Join them with `schema merge -m "merge"`, review the merge revision, then `schema upgrade`.',
        ),
      );
    }
  }
}
