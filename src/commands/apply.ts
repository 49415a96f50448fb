// `schema apply`: plan (or take a saved plan), show it, ask, run it, write the revision file.
import { readFile } from 'node:fs/promises';
import { Flags } from '@oclif/core';
import { checkSchema, parseSavedPlan, planAgainst, readSchemaFile, readStatus } from '../api.js';
import { applyPlan, assertAtHead, interruptedApply, resumeApply } from '../apply/apply.js';
import { measurePlan } from '../checks/checks.js';
import { withDb } from '../db/db.js';
import { UserError } from '../errors.js';
import { certainFailures, type Plan } from '../plan/types.js';
import { renderText } from '../render/text.js';
import { introspect } from '../introspect/introspect.js';
import { fingerprint } from '../model/fingerprint.js';
import { checkPlansDir } from '../revisions/file.js';
import { verifyPlan } from '../verify/verify.js';
import { BaseCommand, consentFlags, dataCheckFlags, onlineFlag, runFlags, verifyFlag } from './base.js';

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

export default class Apply extends BaseCommand<typeof Apply> {
  static override summary = 'Bring the database to schema.yaml and record the change as a revision file.';
  static override description = `Computes the plan (or takes one saved with \`plan --format json\`), shows it, and asks for confirmation. Runs every step in one transaction under an advisory lock, records the revision in the database's ledger, and writes plans/<time>_<message>.sql with both directions. A failed apply changes nothing and writes nothing. Refused when the database is behind the revisions in plans/ (run \`schema upgrade\` first) or plans/ has two heads (run \`schema merge\`).

Hazards that destroy or alter data (data_loss, lossy_type_change) need consent: confirm at the prompt, or name them with --allow-hazards.`;
  static override examples = [
    '<%= config.bin %> apply -m "add users email"',
    '<%= config.bin %> apply --auto-approve -m "drop legacy table" --allow-hazards data_loss',
    '<%= config.bin %> apply --plan plan.json --auto-approve',
    '<%= config.bin %> apply --online --lock-timeout 2s -m "index orders by customer"',
  ];
  static override flags = {
    message: Flags.string({ char: 'm', summary: 'What the revision does (its file name comes from it).' }),
    ...consentFlags,
    plan: Flags.string({ summary: 'Apply a plan saved with `schema plan --format json`; refused if the database has changed since.' }),
    ...dataCheckFlags,
    ...verifyFlag,
    ...onlineFlag,
    ...runFlags,
  };

  async run(): Promise<void> {
    const savedPath = this.flags.plan;
    const saved = savedPath ? parseSavedPlan(savedPath, await readSavedPlan(savedPath)) : null;
    const schema = saved ? null : checkSchema(this.schemaPath(), await readSchemaFile(this.schemaPath()));
    await checkPlansDir(this.plansDir(), 'write');
    const target = this.target();
    this.announce(target);
    const c = this.colour();
    await withDb(target, async (db) => {
      const lockWaitMs = this.flags['lock-wait'] * 1000;
      const interrupted = await interruptedApply(db);
      if (interrupted) {
        const left = interrupted.steps.slice(interrupted.done);
        this.say(
          c.yellow(`An earlier apply (revision ${interrupted.revision}) stopped after step ${interrupted.done} of ${interrupted.steps.length}; it is finished first.`) +
            `\nSteps left:\n${left.map((st, i) => `  ${interrupted.done + i + 1}. ${st.op} ${st.object}`).join('\n')}\n`,
        );
        await this.consent(left, `finish it`, 'what is left', this.flags);
        const done = await resumeApply(db, this.runSettings(), { lockWaitMs, onStep: (i, step) => this.note(c.dim(`  [${i + 1}/${interrupted.steps.length}] ${step.op} ${step.object}`)) });
        this.say(`${c.green.bold('Finished.')} Revision ${done.revision} written to ${done.file}. Run \`schema plan\` to see what else schema.yaml asks for.`);
        return;
      }
      // Before the plan is shown and consent asked (and again under the lock, before it runs).
      const status = await readStatus(db, this.plansDir());
      assertAtHead(status.chain, status.applied, this.plansDir());
      const fresh = saved ? null : await planAgainst(db, schema!, { online: this.flags.online });
      // A saved plan keeps the figures it was reviewed with.
      let plan = fresh && this.flags['data-checks'] ? await measurePlan(db, fresh.plan, { timeoutMs: this.flags['check-timeout'] }) : (fresh?.plan ?? saved!);
      if (this.flags.verify && plan.steps.length > 0) {
        const current = fresh?.current.model ?? (await introspect(db)).model;
        if (saved && fingerprint(current) !== saved.fingerprint.from) throw new UserError('the database changed since this plan was made', 'run `schema plan` again and review the new plan');
        plan = { ...plan, verification: await verifyPlan(target, plan, current, fresh?.desired ?? null) };
      }
      this.say(renderText(plan, c));
      if (plan.verification && !plan.verification.ok) throw new UserError('refusing to apply a plan that failed verification (see above); nothing was changed');
      if (plan.steps.length === 0) return;
      const failing = certainFailures(plan.steps);
      if (failing.length > 0) {
        const first = failing[0]!;
        // A figure means the data is in the way; without one, the change itself cannot run.
        const byData = first.hazard.rows !== undefined;
        throw new UserError(
          `refusing to start: step ${first.index + 1} (${first.step.op} ${first.step.object}) will fail${byData ? " on today's data" : ''}: ${first.hazard.message}` +
            (failing.length > 1 ? `; ${failing.length - 1} more step${failing.length === 2 ? '' : 's'} will too` : '') +
            '; nothing was changed',
          byData
            ? 'fix the data first (the figures are above), or pass --no-data-checks to try anyway'
            : 'change schema.yaml so the step can run (for instance convert through text, or add a new column and drop the old), then plan again',
        );
      }
      await this.consent(plan.steps, `apply ${plan.steps.length === 1 ? 'this step' : `these ${plan.steps.length} steps`}`, 'this plan', this.flags);
      const online = this.flags.online ?? fresh?.online ?? plan.steps.some((st) => st.concurrently);
      const result = await applyPlan({
        db,
        plan,
        plansDir: this.plansDir(),
        message: this.flags.message ?? defaultMessage(plan),
        lockWaitMs,
        saved: saved !== null,
        ...(online ? { online: this.runSettings(fresh?.settings) } : {}),
        onStep: (i, step) => this.note(c.dim(`  [${i + 1}/${plan.steps.length}] ${step.op} ${step.object}`)),
        onGroups: (_n, reason) => this.note(c.yellow(`Runs in steps: ${reason}. If it is cut short, run \`schema apply\` again to finish.`)),
      });
      this.say(c.green.bold(`Applied ${plan.steps.length} step${plan.steps.length === 1 ? '' : 's'} in ${result.durationMs} ms.`) + ` Revision ${result.revision} written to ${result.file}`);
    });
  }
}
