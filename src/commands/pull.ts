// `schema pull`: the database's managed objects written as schema.yaml, so that an existing
// database can be adopted: after pull, `schema plan` on the same database has nothing to do.
import { existsSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { Flags } from '@oclif/core';
import { UserError } from '../errors.js';
import type { Selection } from '../model/select.js';
import { pullSchema } from '../operations/pull.js';
import { BaseCommand } from './base.js';

export default class Pull extends BaseCommand<typeof Pull> {
  static override summary = 'Write the database as schema.yaml: the way to adopt an existing database.';
  static override description = `Reads the target's schemas, extensions, enums, domains, composite types, sequences, tables (columns, keys, checks, indexes, foreign keys, comments), views, materialized views (with their indexes) functions (procedures and aggregates), triggers, and row-level security and policies and writes them as the schema file (--schema, default ./schema.yaml), so that \`schema plan\` on the same database then has nothing to do. Reads only: nothing in the database changes.

--include and --exclude take patterns of schema.name, where * matches any run of characters and ? one character; a pattern without a dot matches the name in any schema. They can be given more than once: an object is pulled when it matches an --include (or none is given) and no --exclude.

What schema does not manage yet (window functions, exclusion constraints...) is counted on stderr, not written. What the file cannot say exactly (a NOT VALID check) is listed as a note under the object's name.

An existing file is never overwritten without --force. --schema - prints the file instead.`;
  static override examples = ['<%= config.bin %> pull --url "$DATABASE_URL"', '<%= config.bin %> pull --url "$DATABASE_URL" --exclude "audit.*" --schema db/schema.yaml', '<%= config.bin %> pull --schema -   # print it'];
  static override flags = {
    include: Flags.string({ summary: 'Pull only objects whose schema.name matches (repeatable).', multiple: true }),
    exclude: Flags.string({ summary: 'Leave out objects whose schema.name matches (repeatable).', multiple: true }),
    force: Flags.boolean({ summary: 'Overwrite the schema file when it exists.' }),
  };

  async run(): Promise<void> {
    const file = this.schemaPath();
    const toStdout = this.flags.schema === '-';
    if (!toStdout && existsSync(file) && !this.flags.force) {
      throw new UserError(`${file} exists already; nothing was written`, 'pass --force to overwrite it, or --schema to write another file (--schema - prints it)');
    }
    const selection: Selection = { include: this.flags.include ?? [], exclude: this.flags.exclude ?? [] };
    const target = this.target();
    this.announce(target, { readOnly: true });
    const { text, notes, skipped, summary } = await pullSchema(target, toStdout ? 'schema.yaml' : file, selection);
    const c = this.colour(process.stderr);
    for (const n of notes) this.note(c.yellow(`note: ${n.object}: ${n.message}`));
    if (skipped.length > 0) this.note(c.dim(`Not pulled (schema does not manage them yet): ${skipped.join(', ')}.`));
    if (toStdout) {
      process.stdout.write(text);
      return;
    }
    // Written whole or not at all.
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, text, { flag: 'wx' });
    await rename(tmp, file);
    this.say(`Wrote ${file} (${summary}). Next: \`schema plan\` on the same database should say "No changes".`);
  }
}
