// `schema merge`: join two heads of plans/ with a merge revision.
import { Flags } from '@oclif/core';
import { checkSchema, mergeHeads, readSchemaFile, readStatus } from '../api.js';
import { withDb } from '../db/db.js';
import { checkPlansDir } from '../revisions/file.js';
import { BaseCommand } from './base.js';

export default class Merge extends BaseCommand<typeof Merge> {
  static override summary = 'Join the heads of plans/ (two branches that each added a revision) with a merge revision.';
  static override description = `Writes a revision that revises every head. It has no SQL when the branches change different objects. When both change the same objects, the chain is replayed without data into scratch databases (temporary databases on the server if the role may create them, else the embedded PostgreSQL) in every order a database can have applied the branches, and the merge revision carries steps that bring each of those states to schema.yaml. When no one list of steps does, or an order cannot be applied at all, nothing is written and the objects and what each order leaves are named. With a database (--url, DATABASE_URL, or an existing .schema/), the files are first checked against what it applied, as every other command does. Apply it with \`schema upgrade\`.`;
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
      target: this.target(),
      schema: async () => checkSchema(this.schemaPath(), await readSchemaFile(this.schemaPath())),
    });
    this.say(`${c.green('Wrote')} merge revision ${merged.revision} (revises ${merged.parents.join(', ')}) to ${merged.file}`);
    const steps = `${merged.steps} planned step${merged.steps === 1 ? '' : 's'}`;
    if (merged.divergent.length > 0) {
      this.say(
        c.yellow(
          `Both branches change ${merged.conflicts.join(', ')}, and a database ends with ${merged.divergent.join(', ')} different depending on the order it applied them (${merged.orders} orders replayed); the merge carries ${steps}, which ${merged.steps === 1 ? 'brings' : 'bring'} every order to ${this.schemaPath()}. Review it.`,
        ),
      );
    } else if (merged.conflicts.length > 0) {
      this.say(c.yellow(`Both branches change ${merged.conflicts.join(', ')}; every order of applying them ends the same (${merged.orders} replayed), and the merge carries ${steps}. Review it.`));
    } else {
      this.say('The branches change different objects: the merge has no SQL.');
    }
    if (merged.sampled) this.note(c.yellow('There were too many orders of the branches to replay them all: only whole branches were put in each order.'));
  }

  /** With a database to read, the files are checked against what it applied first, as every command that reads plans/ does: nothing is written when they differ. */
  private async verifyLedger(): Promise<void> {
    const target = this.existingTarget();
    if (!target) return;
    this.announce(target);
    await withDb(target, (db) => readStatus(db, this.plansDir()));
  }
}
