// `schema revision -m MESSAGE`: a new hand-written revision in plans/, after the head.
import { Flags } from '@oclif/core';
import { withDb } from '../db/db.js';
import { writeHandWritten } from '../operations/revision.js';
import { readStatus } from '../operations/status.js';
import { checkPlansDir } from '../revisions/folder.js';
import { BaseCommand } from './base.js';

export default class Revision extends BaseCommand<typeof Revision> {
  static override summary = 'Write a hand-written revision after the head of plans/, for SQL that schema.yaml cannot say (a backfill, a conversion).';
  static override description = `As Alembic's \`revision -m\`: writes plans/<time>_<message>.sql revising the head, with a "-- +upgrade" and a "-- +downgrade" section to write the SQL in, and prints its path. Refused when plans/ has two heads (run \`schema merge\` first).

The file can be edited until a database applies it: that database records its checksum, and from then on a changed file is refused like any applied revision. \`schema upgrade\` runs it like any revision: its statements are read with PostgreSQL's parser (BEGIN, COMMIT and SET without LOCAL are refused at their line), its hazards are those written as "-- hazard CODE: words" comments and those its SQL carries, and consent is asked the same way. A downgrade section left without SQL makes it irreversible: \`schema downgrade\` stops before it, unless the section says "-- +nothing-to-undo". With a database (--url, DATABASE_URL, or an existing .schema/), the files are first checked against what it applied.`;
  static override examples = ['<%= config.bin %> revision -m "backfill emails"'];
  static override flags = {
    message: Flags.string({ char: 'm', summary: 'What the revision does (also its file name).', required: true }),
  };

  async run(): Promise<void> {
    const c = this.colour();
    await checkPlansDir(this.plansDir(), 'write');
    const target = this.existingTarget();
    if (target) {
      this.announce(target);
      await withDb(target, (db) => readStatus(db, this.plansDir()));
    }
    const written = await writeHandWritten({ plansDir: this.plansDir(), message: this.flags.message });
    this.say(written.file);
    this.note(
      c.dim(
        `Hand-written revision ${written.revision}, revising ${written.revises ?? 'none (the first revision)'}. Write its SQL under "-- +upgrade" and "-- +downgrade", then run \`schema upgrade\`. It can be edited until a database applies it.`,
      ),
    );
  }
}
