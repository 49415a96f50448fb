// `schema init`: a new project's schema.yaml (a short commented example) and its plans/ folder.
// It changes no database (--from-url reads one). An existing schema file is never overwritten.
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, normalize } from 'node:path';
import { Flags } from '@oclif/core';
import { resolveTarget } from '../db/target.js';
import { UserError } from '../errors.js';
import { pullSchema } from '../operations/pull.js';
import { FileCommand } from './base.js';

/** The file `init` writes: valid as it is, and small enough to read before editing. */
export const STARTER = `# yaml-language-server: $schema=./node_modules/pg-schema-plan/schemas/schema.json
# The desired state of the database. \`schema plan\` shows what it takes to get there;
# \`schema apply -m "message"\` runs it and writes a revision file into plans/.
# Objects in the database but absent from this file are dropped: list them all.
# Reference: docs/schema-yaml.md.

tables:
  users:
    comment: People who can sign in
    columns:
      id:         { type: bigint, identity: always, primary_key: true }
      email:      { type: text, nullable: false, unique: true }
      created_at: { type: timestamptz, nullable: false, default: { sql: now() } }  # an SQL expression
    # indexes:
    #   users_created_at_idx: { columns: [created_at] }

  # orders:
  #   columns:
  #     id:      { type: bigint, identity: by_default, primary_key: true }
  #     user_id: { type: bigint, nullable: false }
  #     total:   { type: numeric(12,2), nullable: false, default: 0 }   # a literal value
  #   foreign_keys:
  #     orders_user_id_fkey: { columns: [user_id], references: users(id), on_delete: cascade }
`;

export default class Init extends FileCommand<typeof Init> {
  static override summary = 'Start a project: write a commented example schema.yaml and make the plans/ folder.';
  static override description = `Writes the schema file (--schema, ./schema.yaml by default) with a short commented example to edit, and makes the folder of revision files (--plans-dir, ./plans). It changes no database. An existing schema file is never overwritten: init stops with exit status 1 and writes nothing.

With --from-url, the file is the database at that URL instead of the example (what \`schema pull\` writes): the way to start from an existing database. Then \`schema apply --baseline\` records it as the first revision (see docs/adoption.md).`;
  static override examples = [
    '<%= config.bin %> init',
    '<%= config.bin %> init --schema db/schema.yaml --plans-dir db/plans',
    '<%= config.bin %> init --from-url "$DATABASE_URL"   # schema.yaml from an existing database',
  ];
  static override flags = {
    'plans-dir': Flags.string({ summary: 'The folder of revision files to make.', default: './plans' }),
    'from-url': Flags.string({ summary: 'Write schema.yaml from the database at this URL (as `schema pull` does), not the example. Reads only.' }),
  };

  async run(): Promise<void> {
    const file = this.schemaPath();
    const plans = normalize(this.flags['plans-dir']);
    const from = this.flags['from-url'];
    if (from && existsSync(file)) throw new UserError(`${file} already exists; init never overwrites it, and nothing was written`, `to write it again from the database, run \`schema pull --force --url ...\``);
    const pulled = from ? await pullSchema(resolveTarget({ url: from, env: process.env, cwd: process.cwd() }), file, undefined, new Date(), { inline: true }) : null;
    if (pulled) {
      const c = this.colour(process.stderr);
      for (const n of pulled.notes) this.note(c.yellow(`note: ${n.object}: ${n.message}`));
    }
    await mkdir(dirname(file), { recursive: true });
    try {
      // 'wx': fails when the file exists, so a file made meanwhile is not overwritten either.
      await writeFile(file, pulled?.text ?? STARTER, { flag: 'wx' });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') throw new UserError(`${file} already exists; init never overwrites it, and nothing was written`, `edit ${file} as it is, or choose another file with --schema`);
      throw new UserError(`cannot write ${file}: ${(error as Error).message}`, 'check the folder exists and is writable');
    }
    await mkdir(plans, { recursive: true });
    const c = this.colour();
    this.say(
      [
        `${c.green('Wrote')} ${file} (${pulled ? `from the database: ${pulled.summary}` : 'an example: edit it'}) and made ${plans}/.`,
        'Next:',
        ...(pulled ? ['  schema apply --baseline -m "baseline" --url ...   # record that database as the first revision, running nothing'] : []),
        `  schema validate            # check ${file} without any database`,
        '  schema plan                # what it takes (the embedded database in .schema/, or --url)',
        '  schema apply -m "initial"  # run it and write the first revision into plans/',
      ].join('\n'),
    );
  }
}
