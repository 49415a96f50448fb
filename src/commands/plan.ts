// `schema plan`: introspect the target, diff it against schema.yaml, print the ordered plan.
import { Flags } from '@oclif/core';
import { checkSchema, readSchemaFile } from '../operations/schema-file.js';
import { previewPlan } from '../operations/preview.js';
import { withReadOnlyDb } from '../db/db.js';
import { planContext } from '../github/context.js';
import { renderTextWithRevision, revisionJson, revisionMarkdown } from '../render/drifted.js';
import { renderJson } from '../render/json.js';
import { COMMENT_LIMIT, renderMarkdown } from '../render/markdown.js';
import { renderSql } from '../render/sql.js';
import { renderText, terminalWidth } from '../render/text.js';
import { BaseCommand, dataCheckFlags, onlineFlag, verifyFlag } from './base.js';

export default class Plan extends BaseCommand<typeof Plan> {
  static override summary = 'Show what it takes to bring the database to schema.yaml.';
  static override description = `Reads the target database (it changes nothing), compares it with the schema file and prints the steps in the order they would run, with their hazards. The same plan prints as text, JSON, a pull-request comment (markdown) or an SQL script.`;
  static override examples = [
    '<%= config.bin %> plan',
    '<%= config.bin %> plan --url postgres://postgres@localhost:5432/app',
    '<%= config.bin %> plan --format markdown > plan.md',
    '<%= config.bin %> plan --format json > plan.json && <%= config.bin %> apply --plan plan.json',
    '<%= config.bin %> plan --detailed-exitcode   # 0: no changes, 2: changes, 1: error (or a failed --verify)',
    '<%= config.bin %> plan --verify --format markdown   # a PR comment that says the plan was proven up and down',
    '<%= config.bin %> plan --online   # for a busy production database: each step marked with the lock it takes',
  ];
  static override flags = {
    exclude: Flags.string({ summary: "Leave alone objects whose schema.name matches, as the file's exclude: does (repeatable).", multiple: true }),
    format: Flags.string({
      char: 'f',
      summary: 'How to print the plan.',
      options: ['text', 'json', 'markdown', 'sql'],
      default: 'text',
    }),
    'detailed-exitcode': Flags.boolean({ summary: 'Exit 2 when the plan has changes, 0 when it has none (1 on errors), as Terraform does.' }),
    examples: Flags.boolean({
      summary: 'Markdown: show example values from the rows in hazards (off by default: a pull-request comment may be public; counts are always shown). Text and JSON always show them.',
    }),
    'max-chars': Flags.integer({
      summary: "Markdown: the most characters to print (GitHub's limit on a comment by default). What does not fit is left out, the SQL first, then steps of the table, each with a count; the hazards stay.",
      default: COMMENT_LIMIT,
      min: 2000,
    }),
    ...dataCheckFlags,
    ...verifyFlag,
    ...onlineFlag,
  };

  async run(): Promise<void> {
    const file = this.schemaPath();
    const schema = checkSchema(file, await readSchemaFile(file));
    if (schema.warnings.length > 0) this.note(this.formatDiagnostics(schema.warnings));
    const target = this.target();
    this.announce(target, { readOnly: true });
    const { plan, groups, revision, heads, session } = await withReadOnlyDb(target, (db) =>
      previewPlan(db, target, schema, {
        plansDir: this.plansDir(),
        ...(this.flags.online !== undefined ? { online: this.flags.online } : {}),
        exclude: this.flags.exclude ?? [],
        dataChecks: this.flags['data-checks'] && { timeoutMs: this.flags['check-timeout'] },
        verify: this.flags.verify,
        ui: this.ui(),
      }),
    );
    switch (this.flags.format) {
      case 'json':
        this.say(renderJson(plan, revision ? revisionJson(revision) : undefined));
        break;
      case 'markdown':
        // What apply's revision records (a drifted database) comes first, after the hidden marker line, within the cap.
        this.say(
          renderMarkdown(plan, groups, {
            examples: this.flags.examples,
            maxChars: this.flags['max-chars'],
            context: planContext(target, file, this.plansDir(), heads),
            ...(revision ? { preface: revisionMarkdown(revision) } : {}),
          }),
        );
        break;
      case 'sql':
        this.say(renderSql(plan, session, groups));
        break;
      default:
        this.say(revision ? renderTextWithRevision(revision, plan, this.colour(), terminalWidth(process.stdout)) : renderText(plan, this.colour(), { width: terminalWidth(process.stdout) }));
    }
    // A plan that failed its proof is an error for CI, whatever --detailed-exitcode says.
    if (plan.verification && !plan.verification.ok) {
      process.stderr.write(this.colour(process.stderr).red('error: the plan failed verification (see above)') + '\n');
      this.exit(1);
    }
    // A revision apply would write is a change too, even when nothing runs here.
    if (this.flags['detailed-exitcode'] && (plan.steps.length > 0 || revision)) this.exit(2);
  }
}
