// `schema stamp`: record a database made some other way as standing at a revision, running nothing.
import { Args } from '@oclif/core';
import { withDb } from '../db/db.js';
import { stampedLine } from '../render/outcomes.js';
import { stampDatabase } from '../verify/stamp.js';
import { BaseCommand } from './base.js';

export default class Stamp extends BaseCommand<typeof Stamp> {
  static override summary = 'Record that the database is at a revision of plans/, without running any of it.';
  static override description = `For a database that already has the schema a revision leads to (made by hand, restored from a dump, or built before the project used schema), as Alembic's stamp: records REVISION, and every revision it descends from, in the database's ledger, so that \`schema upgrade\` runs only what comes after it.

Runs none of the revisions' SQL on the database. It first works out the state the chain defines at REVISION, by replaying the revisions without data in a temporary database on the same server (the role needs CREATEDB; on the embedded database, in memory), and refuses (recording nothing) unless the database is exactly that state, naming what differs. It also refuses on a database that has applied a revision already: \`schema upgrade\` and \`schema downgrade\` move such a database.

To adopt a database with no revisions at all yet, see \`schema pull\` and \`schema apply --baseline\` in docs/adoption.md.`;
  static override examples = ['<%= config.bin %> stamp head --url "$DATABASE_URL"', '<%= config.bin %> stamp 3f2a9c1b   # a revision id, or a prefix of one'];
  static override args = {
    revision: Args.string({ description: 'The revision the database is at: head (the default), or a revision id or its prefix.', default: 'head' }),
  };

  async run(): Promise<void> {
    const target = this.target();
    this.announce(target);
    const stamped = await withDb(target, (db) => stampDatabase(db, this.plansDir(), this.args.revision));
    this.say(stampedLine(stamped.revisions));
  }
}
