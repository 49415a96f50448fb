// `schema apply`: plan (or take a saved plan), show it, ask, run it, write the revision file.
import { readFile } from 'node:fs/promises';
import { Flags } from '@oclif/core';
import { checkSchema, readSchemaFile } from '../operations/schema-file.js';
import { parseSavedPlan, type Planned } from '../operations/plan.js';
import { previewApply } from '../operations/preview.js';
import { readSettled, type Status } from '../operations/status.js';
import { interruptedApply } from '../apply/apply.js';
import { applyPlan } from '../operations/apply.js';
import { baselinePlan } from '../operations/baseline.js';
import { abandonUnfinishedApply, abandonView, finishApply, unfinishedSteps } from '../operations/unfinished.js';
import { unfinishedError } from '../apply/replay.js';
import { withDb, type Db } from '../db/db.js';
import { UserError } from '../errors.js';
import type { Plan } from '../plan/types.js';
import { appliedLine, baselineLines, finishedApplyLine, NOTHING_TO_ABANDON, onlyRecordedLine, runsInStepsLine } from '../render/outcomes.js';
import { abandonedLine, abandonLines, interruptedLines } from '../render/pending.js';
import { renderRevisionPlan } from '../render/revisions.js';
import { renderText, terminalWidth } from '../render/text.js';
import { checkPlansDir } from '../revisions/folder.js';
import type { Pending } from '../revisions/ledger.js';
import { BaseCommand, consentFlags, dataCheckFlags, onlineFlag, runFlags, verifyFlag } from './base.js';

async function readSavedPlan(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new UserError(`cannot read the saved plan ${path}: ${(error as Error).message}`, 'save one with `schema plan --format json > plan.json`');
  }
}

function defaultMessage(plan: Pick<Plan, 'steps'>): string {
  const first = plan.steps[0]!;
  return `${first.op} ${first.object}${plan.steps.length > 1 ? ` and ${plan.steps.length - 1} more` : ''}`;
}

export default class Apply extends BaseCommand<typeof Apply> {
  static override summary = 'Bring the database to schema.yaml and record the change as a revision file.';
  static override description = `Computes the plan (or takes one saved with \`plan --format json\`), shows it, and asks for confirmation. Runs every step in one transaction under an advisory lock, records the revision in the database's ledger, and writes plans/<time>_<message>.sql with both directions. A failed apply changes nothing and writes nothing. Refused when the database is behind the revisions in plans/ (run \`schema upgrade\` first) or plans/ has two heads (run \`schema merge\`).

On a database changed outside schema since its last revision (see \`schema drift\`), the revision records the change from the state at the head of plans/ to schema.yaml, while the plan from the database as it is runs here: both are shown, and a revision is recorded even when nothing runs here (the database already has the change).

Hazards that destroy or alter data (data_loss, lossy_type_change) need consent: confirm at the prompt, or name them with --allow-hazards. Consent is about data: a hazard counted as touching no rows needs none (and is counted again inside the transaction before the step runs).

--baseline adopts a database that already is schema.yaml (see \`schema pull\`): with no revision in plans/ yet, it writes the first one, holding how to build the schema from an empty database, and records it as applied here without running anything.

An online plan, or one too large for one transaction, runs in steps that are kept as they finish; if it is cut short, \`schema apply\` finishes it, and \`schema apply --abandon\` gives it up instead.`;
  static override examples = [
    '<%= config.bin %> apply -m "add users email"',
    '<%= config.bin %> apply --auto-approve -m "drop legacy table" --allow-hazards data_loss',
    '<%= config.bin %> apply --plan plan.json --auto-approve',
    '<%= config.bin %> apply --online --lock-timeout 2s -m "index orders by customer"',
    '<%= config.bin %> apply --abandon   # give up an apply that was cut short, instead of finishing it',
    '<%= config.bin %> apply --baseline -m "baseline"   # adopt a database that already is schema.yaml (after schema pull)',
  ];
  static override flags = {
    exclude: Flags.string({ summary: "Leave alone objects whose schema.name matches, as the file's exclude: does (repeatable).", multiple: true }),
    message: Flags.string({ char: 'm', summary: 'What the revision does (its file name comes from it).' }),
    ...consentFlags,
    plan: Flags.string({ summary: 'Apply a plan saved with `schema plan --format json`; refused if the database has changed since.' }),
    baseline: Flags.boolean({
      summary: 'Start the chain from a database that already is schema.yaml: write the first revision (how to build the schema from an empty database) and record it here, running nothing.',
      exclusive: ['plan', 'abandon', 'online'],
    }),
    abandon: Flags.boolean({
      summary: 'Give up an apply that was cut short: drop its record, after confirmation. Steps it finished stay done; `schema plan` then plans from the database as it is.',
      exclusive: ['plan'],
    }),
    ...dataCheckFlags,
    ...verifyFlag,
    ...onlineFlag,
    ...runFlags,
  };

  async run(): Promise<void> {
    const savedPath = this.flags.plan;
    // A saved plan runs as it was made: online or not was decided by `plan --online`.
    if (savedPath && this.flags.online !== undefined)
      throw new UserError(`--${this.flags.online ? '' : 'no-'}online cannot be used with --plan: a saved plan runs as it was made`, 'make the plan with `schema plan --online --format json`, then apply that file');
    const saved = savedPath ? parseSavedPlan(savedPath, await readSavedPlan(savedPath)) : null;
    const schema = saved || this.flags.abandon ? null : checkSchema(this.schemaPath(), await readSchemaFile(this.schemaPath()));
    if (schema && schema.warnings.length > 0) this.note(this.formatDiagnostics(schema.warnings));
    if (!this.flags.abandon) await checkPlansDir(this.plansDir(), 'write');
    const target = this.target();
    this.announce(target);
    const c = this.colour();
    await withDb(target, async (db) => {
      const lockWaitMs = this.flags['lock-wait'] * 1000;
      if (this.flags.abandon) return this.abandon(db, lockWaitMs);
      // Another schema command at work: wait for it (up to --lock-wait) rather than read a
      // database (or plans/) it is changing; then read where the database stands.
      const settled = await readSettled(db, this.plansDir(), lockWaitMs);
      for (const found of settled.found) this.note(c.yellow(`warning: ${found}`));
      if (settled.pending?.direction === 'apply') return this.finish(db, settled.pending, lockWaitMs);
      if (settled.pending) throw unfinishedError(settled.pending, false, 'apply');
      // Before the plan is shown and consent asked (and again under the lock, before it runs).
      const { plan, fresh, revision, online } = await previewApply(db, target, {
        status: settled.status,
        saved,
        schema,
        plansDir: this.plansDir(),
        lockWaitMs,
        ...(this.flags.online !== undefined ? { online: this.flags.online } : {}),
        exclude: this.flags.exclude ?? [],
        dataChecks: this.flags['data-checks'] && { timeoutMs: this.flags['check-timeout'] },
        verify: this.flags.verify,
        baseline: this.flags.baseline,
        ui: this.ui(),
      });
      if (this.flags.baseline) return this.baseline(db, settled.status, fresh!, lockWaitMs);
      // On a drifted database, what the revision records comes first, then what runs here.
      if (revision) this.say(renderRevisionPlan(revision.since, revision.drift, revision.plan, c));
      this.say(revision && plan.steps.length === 0 ? onlyRecordedLine(revision.plan.steps.length, c) : renderText(plan, c, { width: terminalWidth(process.stdout) }));
      const records = revision?.plan ?? plan;
      if (plan.steps.length === 0 && records.steps.length === 0) return;
      // The operation refuses a plan that failed its proof or has a step certain to fail, and asks for consent (the figures are counted above).
      const result = await applyPlan({
        db,
        plan,
        consent: this.consentOf(this.flags),
        ui: this.ui(),
        dataChecks: false,
        plansDir: this.plansDir(),
        message: this.flags.message ?? defaultMessage(records.steps.length > 0 ? records : plan),
        lockWaitMs,
        saved: saved !== null,
        ...(revision ? { records: revision.plan } : {}),
        ...(online && plan.steps.length > 0 ? { online: this.runSettings(fresh?.settings) } : {}),
        onStep: (i, step) => this.note(c.dim(`  [${i + 1}/${plan.steps.length}] ${step.op} ${step.object}`)),
        onGroups: (_n, reason) => this.note(c.yellow(runsInStepsLine(reason))),
      });
      this.say(appliedLine(plan.steps.length, result, this.plansDir(), c));
    });
  }

  /** `--baseline`: record the first revision (empty database -> schema.yaml) on a database that already is schema.yaml. */
  private async baseline(db: Db, status: Status, fresh: Planned, lockWaitMs: number): Promise<void> {
    const c = this.colour();
    const records = baselinePlan(status, fresh, this.plansDir());
    const { heading, after } = baselineLines(records.steps.length, c);
    this.say(heading);
    this.say(renderText(records, c));
    this.say(after);
    const result = await applyPlan({
      db,
      plan: fresh.plan,
      records,
      consent: this.consentOf(this.flags),
      ui: this.ui(),
      dataChecks: false,
      plansDir: this.plansDir(),
      message: this.flags.message ?? 'baseline',
      lockWaitMs,
    });
    this.say(appliedLine(0, result, this.plansDir(), c));
  }

  /**
   * An apply cut short: finish it (from where it stopped) before anything else, once its record
   * is checked; the operation asks consent for the hazards its steps' SQL has (not only those it states).
   */
  private async finish(db: Db, interrupted: Pending, lockWaitMs: number): Promise<void> {
    const c = this.colour();
    const [head, ...rest] = interruptedLines(interrupted, await unfinishedSteps(db, interrupted));
    this.say(`${c.yellow(head!)}\n${rest.join('\n')}\n`);
    const done = await finishApply(db, interrupted, {
      consent: this.consentOf(this.flags),
      ui: this.ui(),
      plansDir: this.plansDir(),
      settings: this.runSettings(),
      lockWaitMs,
      onStep: (i, step) => this.note(c.dim(`  [${i + 1}/${interrupted.steps.length}] ${step.op} ${step.object}`)),
    });
    this.say(finishedApplyLine(done.revision, done.file, c));
  }

  /** `--abandon`: say what the unfinished apply did and did not do; the operation asks, then drops its record. */
  private async abandon(db: Db, lockWaitMs: number): Promise<void> {
    const c = this.colour();
    const pending = await interruptedApply(db);
    if (!pending) {
      this.say(NOTHING_TO_ABANDON);
      return;
    }
    const started = await abandonView(db, pending);
    const [head, ...rest] = abandonLines(pending, started);
    this.say(`${c.yellow(head!)}\n${rest.join('\n')}\n`);
    const abandoned = await abandonUnfinishedApply(db, pending, { consent: this.consentOf(this.flags), ui: this.ui(), plansDir: this.plansDir(), lockWaitMs });
    this.say(c.green(abandonedLine(abandoned, started)));
  }
}
