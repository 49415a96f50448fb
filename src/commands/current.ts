// `schema current`: the revision the database stands on.
import { readStatus } from '../api.js';
import { withDb } from '../db/db.js';
import { revisionLine } from '../render/revisions.js';
import { BaseCommand } from './base.js';

export default class Current extends BaseCommand<typeof Current> {
  static override summary = "Show the database's revision, marked (head) when it is up to date.";
  static override examples = ['<%= config.bin %> current', '<%= config.bin %> current --url postgres://localhost/app'];

  async run(): Promise<void> {
    const target = this.target();
    this.announce(target);
    const c = this.colour();
    await withDb(target, async (db) => {
      const status = await readStatus(db, this.plansDir());
      const heads = new Set(status.heads.map((h) => h.revision));
      if (status.current.length === 0) this.say(`base ${c.dim('(no revision applied)')}`);
      for (const r of status.current) this.say(revisionLine(r, c, heads.has(r.revision) ? ['head'] : []));
      if (status.pending.length > 0) {
        this.say(c.yellow(`${status.pending.length} revision${status.pending.length === 1 ? '' : 's'} not applied: run \`schema upgrade\``));
      }
    });
  }
}
