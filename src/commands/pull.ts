// `schema pull`: the database's managed objects written as schema.yaml, so that an existing
// database can be adopted: after pull, `schema plan` on the same database has nothing to do.
import { existsSync, statSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Flags } from '@oclif/core';
import { UserError } from '../errors.js';
import type { Selection } from '../model/select.js';
import { pullSchema } from '../operations/pull.js';
import { BaseCommand } from './base.js';

export default class Pull extends BaseCommand<typeof Pull> {
  static override summary = 'Write the database as schema.yaml: the way to adopt an existing database.';
  static override description = `Reads the target's schemas, extensions, enums, domains, composite types, sequences, tables (partitioned ones and their partitions too; columns, keys, checks, indexes, foreign keys, comments), views, materialized views (with their indexes) functions (procedures and aggregates), triggers, and row-level security and policies and writes them as the schema file (--schema, default ./schema.yaml), so that \`schema plan\` on the same database then has nothing to do. Reads only: nothing in the database changes.

--include and --exclude take patterns of schema.name, where * matches any run of characters and ? one character; a pattern without a dot matches the name in any schema. They can be given more than once: an object is pulled when it matches an --include (or none is given) and no --exclude.

What schema does not manage yet (window functions, rules...) is counted on stderr, not written. What the file cannot say exactly (a NOT VALID check) is listed as a note under the object's name.

A view, function or trigger whose SQL is longer than 10 lines or 400 characters is written to a .sql file in a folder of its kind beside the schema file (views/public.film_list.sql, functions/..., triggers/..., materialized_views/...) and named with \`file:\`; --inline keeps every body in the schema file. In a file name, any character but letters, digits, _ and - is written as % and its UTF-8 bytes in hex.

When --schema names a folder (one that exists, or a path ending in /), pull writes the schema as files of that folder, one per top-level key: schemas.yaml, extensions.yaml, enums.yaml, sequences.yaml, tables.yaml, views.yaml, materialized_views.yaml, functions.yaml, triggers.yaml (those it needs), with the .sql files in subfolders of it.

An existing file (the schema file, a file of the folder or any .sql file pull would write) is never overwritten without --force. --schema - prints the file instead, every body inline.`;
  static override examples = ['<%= config.bin %> pull --url "$DATABASE_URL"', '<%= config.bin %> pull --url "$DATABASE_URL" --exclude "audit.*" --schema db/schema.yaml', '<%= config.bin %> pull --schema -   # print it'];
  static override flags = {
    include: Flags.string({ summary: 'Pull only objects whose schema.name matches (repeatable).', multiple: true }),
    exclude: Flags.string({ summary: 'Leave out objects whose schema.name matches (repeatable).', multiple: true }),
    force: Flags.boolean({ summary: 'Overwrite the schema file (and the .sql files pull writes) when they exist.' }),
    inline: Flags.boolean({ summary: 'Write every SQL body inline in the schema file, however long (no .sql files).' }),
  };

  async run(): Promise<void> {
    const file = this.schemaPath();
    const toStdout = this.flags.schema === '-';
    // A folder (one that exists, or a path ending in /): one file per top-level key in it.
    const folder = !toStdout && (/[\\/]$/.test(this.flags.schema) || (existsSync(file) && statSync(file).isDirectory()));
    if (!toStdout && !folder && existsSync(file) && !this.flags.force) {
      throw new UserError(`${file} exists already; nothing was written`, 'pass --force to overwrite it, or --schema to write another file (--schema - prints it)');
    }
    const selection: Selection = { include: this.flags.include ?? [], exclude: this.flags.exclude ?? [] };
    const target = this.target();
    this.announce(target, { readOnly: true });
    const { text, files, parts, notes, skipped, summary } = await pullSchema(target, toStdout ? 'schema.yaml' : file, selection, new Date(), { inline: toStdout || this.flags.inline === true, folder });
    // The .sql files, beside the schema file (in the folder): none is overwritten without --force either.
    const base = folder ? file : dirname(file);
    const yamlFiles = folder ? [...parts].map(([name, partText]) => [join(file, name), partText] as const) : [];
    const sqlFiles = [...yamlFiles, ...[...files].map(([rel, sql]) => [join(base, rel), sql] as const)];
    const existing = sqlFiles.filter(([path]) => existsSync(path)).map(([path]) => path);
    if (existing.length > 0 && !this.flags.force) {
      throw new UserError(
        `${existing[0]}${existing.length > 1 ? ` (and ${existing.length - 1} more file${existing.length > 2 ? 's' : ''})` : ''} exists already; nothing was written`,
        'pass --force to overwrite them, --inline to keep every body in the schema file, or --schema to write somewhere else',
      );
    }
    const c = this.colour(process.stderr);
    for (const n of notes) this.note(c.yellow(`note: ${n.object}: ${n.message}`));
    if (skipped.length > 0) this.note(c.dim(`Not pulled (schema does not manage them yet): ${skipped.join(', ')}.`));
    if (toStdout) {
      process.stdout.write(text);
      return;
    }
    // Written whole or not at all: every file to a temporary name first, then each moved into place.
    const all = folder ? sqlFiles : [...sqlFiles, [file, text] as const];
    const written: string[] = [];
    try {
      for (const [path, content] of all) {
        await mkdir(dirname(path), { recursive: true });
        const tmp = `${path}.${process.pid}.tmp`;
        await writeFile(tmp, content, { flag: 'wx' });
        written.push(tmp);
      }
    } catch (error) {
      for (const tmp of written) await rm(tmp, { force: true });
      throw new UserError(`cannot write the pulled files: ${(error as Error).message}; nothing was written`, 'check the folder of the schema file is writable');
    }
    for (const [path] of all) await rename(`${path}.${process.pid}.tmp`, path);
    const sqlCount = files.size;
    const extra = sqlCount > 0 ? ` and ${sqlCount} .sql file${sqlCount === 1 ? '' : 's'} beside it` : '';
    const what = folder ? `${yamlFiles.map(([path]) => path).join(', ')}` : file;
    this.say(`Wrote ${what} (${summary})${extra}. Next: \`schema plan\` on the same database should say "No changes".`);
  }
}
