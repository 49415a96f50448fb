// `schema history`: the chain in plans/, newest first, and where the database stands on it.
import { Flags } from '@oclif/core';
import { loadChain, readStatus } from '../operations/status.js';
import { withDb } from '../db/db.js';
import { unfinishedLine } from '../render/pending.js';
import { renderHistory } from '../render/revisions.js';
import { selectRange } from '../revisions/chain.js';
import { BaseCommand } from './base.js';

export default class History extends BaseCommand<typeof History> {
  static override summary = 'List the revisions in plans/, newest first, and which ones the database has applied.';
  static override description = `One line a revision: its id, when it was written, its message and the hazard codes of its upgrade. With a database (--url, DATABASE_URL, or an existing .schema/), each revision is marked applied (●) or not (○), and the database's place is tagged (current). Every file's checksum is verified, and compared with what the database recorded.

-r START:END picks a range, oldest end first, as Alembic writes it: base, head, current, a revision id or prefix, -N (N revisions back) or +N (N forward). -N and +N count from the database's current revision when there is a database, and from the head of plans/ when there is none. An empty side is base (start) or head (end).`;
  static override examples = ['<%= config.bin %> history', '<%= config.bin %> history -r -3:current', '<%= config.bin %> history -r ae12:head --url postgres://localhost/app'];
  static override flags = {
    rev: Flags.string({
      char: 'r',
      summary: 'A range START:END (oldest first) of base, head, current, revision prefixes, or -N/+N counted from current (from head without a database).',
    }),
  };

  async run(): Promise<void> {
    const target = this.existingTarget();
    const c = this.colour();
    const range = this.flags.rev;
    if (!target) {
      const chain = await loadChain(this.plansDir());
      const revisions = selectRange(chain, range, null);
      this.say(renderHistory({ revisions, heads: new Set(chain.heads().map((h) => h.revision)), applied: null, current: new Set(), chainSize: chain.size, range }, c));
      return;
    }
    this.announce(target);
    await withDb(target, async (db) => {
      const status = await readStatus(db, this.plansDir());
      const revisions = selectRange(status.chain, range, status.current);
      this.say(
        renderHistory(
          {
            revisions,
            heads: new Set(status.heads.map((h) => h.revision)),
            applied: new Map(status.applied.map((a) => [a.revision, a])),
            current: new Set(status.current.map((r) => r.revision)),
            chainSize: status.chain.size,
            range,
          },
          c,
        ),
      );
      if (status.unfinished) this.say(c.yellow(unfinishedLine(status.unfinished)));
    });
  }
}
