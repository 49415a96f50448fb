// `schema plan`: introspect the target, diff it against schema.yaml, print the ordered plan.
import { Flags } from '@oclif/core';
import { checkSchema, planAgainst, readSchemaFile, readStatus, revisionPlanFor } from '../api.js';
import { interruptedApply, scheduleOn } from '../apply/apply.js';
import { measurePlan } from '../checks/checks.js';
import { withDb } from '../db/db.js';
import { renderJson } from '../render/json.js';
import { renderMarkdown } from '../render/markdown.js';
import { interruptedNote } from '../render/pending.js';
import { behindNote, driftedNote } from '../render/revisions.js';
import { renderSql } from '../render/sql.js';
import { renderText } from '../render/text.js';
import { verifyPlan } from '../verify/verify.js';
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
    format: Flags.string({
      char: 'f',
      summary: 'How to print the plan.',
      options: ['text', 'json', 'markdown', 'sql'],
      default: 'text',
    }),
    'detailed-exitcode': Flags.boolean({ summary: 'Exit 2 when the plan has changes, 0 when it has none (1 on errors), as Terraform does.' }),
    ...dataCheckFlags,
    ...verifyFlag,
    ...onlineFlag,
  };

  async run(): Promise<void> {
    const file = this.schemaPath();
    const schema = checkSchema(file, await readSchemaFile(file));
    const target = this.target();
    this.announce(target);
    let session: { lockTimeout: string; statementTimeout: string | null } | undefined;
    const { plan, groups } = await withDb(target, async (db) => {
      const interrupted = await interruptedApply(db);
      if (interrupted) this.note(this.colour(process.stderr).yellow(interruptedNote(interrupted)));
      const status = await readStatus(db, this.plansDir());
      const behind = behindNote(status, this.plansDir());
      if (behind) this.note(this.colour(process.stderr).yellow(behind));
      const fresh = await planAgainst(db, schema, { online: this.flags.online });
      const { plan: planned, current, desired, online, settings } = fresh;
      if (online) session = settings;
      const revision = behind ? null : await revisionPlanFor(db, status, fresh);
      if (revision) this.note(this.colour(process.stderr).yellow(driftedNote(revision.since.revision, revision.drift.length, revision.plan.steps.length)));
      const measured = this.flags['data-checks'] ? await measurePlan(db, planned, { timeoutMs: this.flags['check-timeout'] }) : planned;
      const schedule = measured.steps.length > 0 ? await scheduleOn(db, measured.steps, online) : null;
      const scheduled = schedule ? { ...measured, execution: schedule.execution } : measured;
      const shown = this.flags.verify ? { ...scheduled, verification: await verifyPlan(target, scheduled, current.model, desired, current) } : scheduled;
      // The SQL runs in the transactions apply would run the plan in.
      return { plan: shown, groups: schedule?.groups };
    });
    switch (this.flags.format) {
      case 'json':
        this.say(renderJson(plan));
        break;
      case 'markdown':
        this.say(renderMarkdown(plan, groups));
        break;
      case 'sql':
        this.say(renderSql(plan, session, groups));
        break;
      default:
        this.say(renderText(plan, this.colour()));
    }
    // A plan that failed its proof is an error for CI, whatever --detailed-exitcode says.
    if (plan.verification && !plan.verification.ok) {
      process.stderr.write(this.colour(process.stderr).red('error: the plan failed verification (see above)') + '\n');
      this.exit(1);
    }
    if (this.flags['detailed-exitcode'] && plan.steps.length > 0) this.exit(2);
  }
}
