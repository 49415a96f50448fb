// `schema merge`: join two heads of plans/ with a merge revision.
import { Flags } from '@oclif/core';
import { checkSchema, readSchemaFile } from '../operations/schema-file.js';
import { mergeHeads } from '../operations/merge.js';
import { readStatus } from '../operations/status.js';
import { withDb } from '../db/db.js';
import { mergedLines } from '../render/outcomes.js';
import { checkPlansDir } from '../revisions/folder.js';
import { BaseCommand } from './base.js';

export default class Merge extends BaseCommand<typeof Merge> {
  static override summary = 'Join the heads of plans/ (two branches that each added a revision) with a merge revision.';
  static override description = `Writes a revision that revises every head. It has no SQL when the branches change different objects. When both change the same objects, the chain is replayed without data on the embedded PostgreSQL, in memory in this process (the files' SQL never runs on a server), in every order a database can have applied the branches, and the merge revision carries steps that bring each of those states to schema.yaml. When no one list of steps does, or an order cannot be applied at all, nothing is written and the objects and what each order leaves are named. With a database (--url, DATABASE_URL, or an existing .schema/), the files are first checked against what it applied, as every other command does. Apply it with \`schema upgrade\`.`;
  static override examples = ['<%= config.bin %> merge -m "merge main into feature"'];
  static override flags = {
    message: Flags.string({ char: 'm', summary: 'What the merge revision says.', default: 'merge heads' }),
  };

  async run(): Promise<void> {
    const c = this.colour();
    await checkPlansDir(this.plansDir(), 'write');
    await this.verifyLedger();
    const merged = await mergeHeads({
      plansDir: this.plansDir(),
      message: this.flags.message,
      schema: async () => checkSchema(this.schemaPath(), await readSchemaFile(this.schemaPath())),
    });
    const { lines, note } = mergedLines(merged, this.schemaPath(), c);
    for (const line of lines) this.say(line);
    if (note) this.note(note);
  }

  /** With a database to read, the files are checked against what it applied first, as every command that reads plans/ does: nothing is written when they differ. */
  private async verifyLedger(): Promise<void> {
    const target = this.existingTarget();
    if (!target) return;
    this.announce(target);
    await withDb(target, (db) => readStatus(db, this.plansDir()));
  }
}
