// `schema current`: the revision the database stands on.
import { loadChain, readStatus } from '../operations/status.js';
import { withDb } from '../db/db.js';
import { notAppliedLine } from '../render/outcomes.js';
import { unfinishedLine } from '../render/pending.js';
import { revisionLine } from '../render/revisions.js';
import { BaseCommand } from './base.js';

export default class Current extends BaseCommand<typeof Current> {
  static override summary = "Show the database's revision, marked (head) when it is up to date.";
  static override examples = ['<%= config.bin %> current', '<%= config.bin %> current --url postgres://localhost/app'];

  async run(): Promise<void> {
    const c = this.colour();
    // No server named and no .schema/ yet: the embedded database would be empty, so say so
    // without making one.
    const target = this.existingTarget();
    if (!target) {
      const chain = await loadChain(this.plansDir());
      this.say(`base ${c.dim('(no revision applied; no database yet: .schema/ does not exist)')}`);
      if (chain.size > 0) this.say(c.yellow(notAppliedLine(chain.size)));
      return;
    }
    this.announce(target);
    await withDb(target, async (db) => {
      const status = await readStatus(db, this.plansDir());
      const heads = new Set(status.heads.map((h) => h.revision));
      if (status.current.length === 0) this.say(`base ${c.dim('(no revision applied)')}`);
      for (const r of status.current) this.say(revisionLine(r, c, heads.has(r.revision) ? ['head'] : []));
      if (status.unfinished) this.say(c.yellow(unfinishedLine(status.unfinished)));
      if (status.pending.length > 0) {
        this.say(c.yellow(notAppliedLine(status.pending.length)));
      }
    });
  }
}
