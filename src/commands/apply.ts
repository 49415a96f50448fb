// `schema apply`: plan (or take a saved plan), show it, ask, run it, write the revision file.
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline/promises';
import { Flags } from '@oclif/core';
import { checkSchema, parseSavedPlan, planAgainst, readSchemaFile } from '../api.js';
import { applyPlan } from '../apply/apply.js';
import { withDb } from '../db/db.js';
import { UserError } from '../errors.js';
import { HAZARD_CODES, hazardsNeedingConsent, type HazardCode, type Plan } from '../plan/types.js';
import { renderText } from '../render/text.js';
import { BaseCommand } from './base.js';

function parseAllowed(text: string | undefined): HazardCode[] {
  if (text === undefined || text.trim() === '') return [];
  const codes = text.split(',').map((s) => s.trim()).filter(Boolean);
  for (const code of codes) {
    if (!(HAZARD_CODES as readonly string[]).includes(code)) {
      throw new UserError(`--allow-hazards: unknown hazard "${code}"`, `hazard codes: ${HAZARD_CODES.join(', ')}`);
    }
  }
  return codes as HazardCode[];
}

async function readSavedPlan(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new UserError(`cannot read the saved plan ${path}: ${(error as Error).message}`, 'save one with `schema plan --format json > plan.json`');
  }
}

function defaultMessage(plan: Plan): string {
  const first = plan.steps[0]!;
  return `${first.op} ${first.object}${plan.steps.length > 1 ? ` and ${plan.steps.length - 1} more` : ''}`;
}

function countSteps(plan: Plan, code: HazardCode): number {
  return plan.steps.filter((s) => s.hazards.some((h) => h.code === code)).length;
}

export default class Apply extends BaseCommand<typeof Apply> {
  static override summary = 'Bring the database to schema.yaml and record the change as a revision file.';
  static override description = `Computes the plan (or takes one saved with \`plan --format json\`), shows it, and asks for confirmation. Runs every step in one transaction under an advisory lock, records the revision in the database's ledger, and writes plans/<time>_<message>.sql with both directions. A failed apply changes nothing and writes nothing.

Hazards that destroy or alter data (data_loss, lossy_type_change) need consent: confirm at the prompt, or name them with --allow-hazards.`;
  static override examples = [
    '<%= config.bin %> apply -m "add users email"',
    '<%= config.bin %> apply --auto-approve -m "drop legacy table" --allow-hazards data_loss',
    '<%= config.bin %> apply --plan plan.json --auto-approve',
  ];
  static override flags = {
    message: Flags.string({ char: 'm', summary: 'What the revision does (its file name comes from it).' }),
    'auto-approve': Flags.boolean({ summary: 'Apply without asking (hazards needing consent still need --allow-hazards).' }),
    'allow-hazards': Flags.string({ summary: `Hazards to allow without asking, comma-separated: ${['data_loss', 'lossy_type_change'].join(',')}.` }),
    plan: Flags.string({ summary: 'Apply a plan saved with `schema plan --format json`; refused if the database has changed since.' }),
  };

  private async confirm(question: string): Promise<boolean> {
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    try {
      return (await rl.question(question)).trim() === 'yes';
    } finally {
      rl.close();
    }
  }

  async run(): Promise<void> {
    const allowed = parseAllowed(this.flags['allow-hazards']);
    const savedPath = this.flags.plan;
    const saved = savedPath ? parseSavedPlan(savedPath, await readSavedPlan(savedPath)) : null;
    const schema = saved ? null : checkSchema(this.schemaPath(), await readSchemaFile(this.schemaPath()));
    const target = this.target();
    this.announce(target);
    const c = this.colour();
    const interactive = Boolean(process.stdin.isTTY && process.stderr.isTTY);

    await withDb(target, async (db) => {
      const plan = saved ?? (await planAgainst(db, schema!)).plan;
      this.say(renderText(plan, c));
      if (plan.steps.length === 0) return;

      const missing = hazardsNeedingConsent(plan.steps).filter((h) => !allowed.includes(h));
      const describe = missing.map((h) => `${h} (${countSteps(plan, h)} step${countSteps(plan, h) === 1 ? '' : 's'})`).join(', ');
      if (this.flags['auto-approve'] || !interactive) {
        if (missing.length > 0) {
          throw new UserError(
            `refusing to apply: the plan has hazards that need consent: ${describe}; nothing was changed`,
            `review them above, then pass --allow-hazards ${missing.join(',')}`,
          );
        }
        if (!this.flags['auto-approve']) {
          throw new UserError('not on a terminal, so there is no one to ask; nothing was changed', 'pass --auto-approve to apply without asking');
        }
      } else {
        const question =
          missing.length > 0
            ? `This plan has hazards that need consent: ${describe}.\nType 'yes' to accept them and apply: `
            : `Apply ${plan.steps.length === 1 ? 'this step' : `these ${plan.steps.length} steps`}? Only 'yes' will be accepted: `;
        if (!(await this.confirm(question))) throw new UserError('apply cancelled; nothing was changed');
      }

      const result = await applyPlan({
        db,
        plan,
        plansDir: this.flags['plans-dir'],
        message: this.flags.message ?? defaultMessage(plan),
        onStep: (i, step) => this.note(c.dim(`  [${i + 1}/${plan.steps.length}] ${step.op} ${step.object}`)),
      });
      this.say(c.green.bold(`Applied ${plan.steps.length} step${plan.steps.length === 1 ? '' : 's'} in ${result.durationMs} ms.`) + ` Revision ${result.revision} written to ${result.file}`);
    });
  }
}
