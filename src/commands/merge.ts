// `schema merge`: join two heads of plans/ with a merge revision.
import { Flags } from '@oclif/core';
import { checkSchema, mergeHeads, readSchemaFile } from '../api.js';
import { checkPlansDir } from '../revisions/file.js';
import { BaseCommand } from './base.js';

export default class Merge extends BaseCommand<typeof Merge> {
  static override summary = 'Join the heads of plans/ (two branches that each added a revision) with a merge revision.';
  static override description = `Writes a revision that revises every head. It has no SQL when the branches change different objects. When both change the same objects, the whole chain is replayed without data into a scratch database (a temporary database on the server if the role may create one, else the embedded PostgreSQL) and the merge revision carries the planned steps from there to schema.yaml. Apply it with \`schema upgrade\`.`;
  static override examples = ['<%= config.bin %> merge -m "merge main into feature"'];
  static override flags = {
    message: Flags.string({ char: 'm', summary: 'What the merge revision says.', default: 'merge heads' }),
  };

  async run(): Promise<void> {
    const c = this.colour();
    await checkPlansDir(this.plansDir(), 'write');
    const merged = await mergeHeads({
      plansDir: this.plansDir(),
      message: this.flags.message,
      target: this.target(),
      schema: async () => checkSchema(this.schemaPath(), await readSchemaFile(this.schemaPath())),
    });
    this.say(`${c.green('Wrote')} merge revision ${merged.revision} (revises ${merged.parents.join(', ')}) to ${merged.file}`);
    if (merged.conflicts.length > 0) {
      this.say(c.yellow(`Both branches change ${merged.conflicts.join(', ')}; the merge carries ${merged.steps} planned step${merged.steps === 1 ? '' : 's'}. Review it.`));
    } else {
      this.say('The branches change different objects: the merge has no SQL.');
    }
  }
}
