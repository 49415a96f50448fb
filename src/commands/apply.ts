// `schema apply`: plan (or take a saved plan), show it, ask, run it, write the revision file.
import { readFile } from 'node:fs/promises';
import { Flags } from '@oclif/core';
import { checkSchema, parseSavedPlan, planAgainst, readSchemaFile, readSettled, refuseSavedPlanOnDrift, revisionPlanFor, type CheckedSchema, type Planned, type RevisionPlan, type Status } from '../api.js';
import { abandonApply, applyPlan, assertAtHead, interruptedApply, resumeApply, scheduleOn, startedStep, type ApplyResult } from '../apply/apply.js';
import { unfinishedError } from '../apply/replay.js';
import { measurePlan } from '../checks/checks.js';
import { withDb, type Db } from '../db/db.js';
import { readWithin } from '../db/locks.js';
import type { Target } from '../db/target.js';
import { UserError } from '../errors.js';
import { certainFailures, type Plan } from '../plan/types.js';
import { abandonedLine, abandonLines, interruptedLines } from '../render/pending.js';
import { renderRevisionPlan } from '../render/revisions.js';
import { renderText } from '../render/text.js';
import { introspect } from '../introspect/introspect.js';
import { fingerprint } from '../model/fingerprint.js';
import { checkPlansDir } from '../revisions/file.js';
import type { Pending } from '../revisions/ledger.js';
import { verifyPlan } from '../verify/verify.js';
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

Hazards that destroy or alter data (data_loss, lossy_type_change) need consent: confirm at the prompt, or name them with --allow-hazards.

An online plan, or one too large for one transaction, runs in steps that are kept as they finish; if it is cut short, \`schema apply\` finishes it, and \`schema apply --abandon\` gives it up instead.`;
  static override examples = [
    '<%= config.bin %> apply -m "add users email"',
    '<%= config.bin %> apply --auto-approve -m "drop legacy table" --allow-hazards data_loss',
    '<%= config.bin %> apply --plan plan.json --auto-approve',
    '<%= config.bin %> apply --online --lock-timeout 2s -m "index orders by customer"',
    '<%= config.bin %> apply --abandon   # give up an apply that was cut short, instead of finishing it',
  ];
  static override flags = {
    message: Flags.string({ char: 'm', summary: 'What the revision does (its file name comes from it).' }),
    ...consentFlags,
    plan: Flags.string({ summary: 'Apply a plan saved with `schema plan --format json`; refused if the database has changed since.' }),
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
    if (savedPath && this.flags.online !== undefined) throw new UserError(`--${this.flags.online ? '' : 'no-'}online cannot be used with --plan: a saved plan runs as it was made`, 'make the plan with `schema plan --online --format json`, then apply that file');
    const saved = savedPath ? parseSavedPlan(savedPath, await readSavedPlan(savedPath)) : null;
    const schema = saved || this.flags.abandon ? null : checkSchema(this.schemaPath(), await readSchemaFile(this.schemaPath()));
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
      if (settled.pending?.direction === 'apply') return this.finish(db, settled.pending, lockWaitMs);
      if (settled.pending) throw unfinishedError(settled.pending, false, 'apply');
      const status = settled.status;
      // Before the plan is shown and consent asked (and again under the lock, before it runs).
      const prepared = await readWithin(db, 'reading the database', lockWaitMs, () => this.prepare(db, status, saved, schema, lockWaitMs));
      const { plan: measured, fresh } = prepared;
      let revision = prepared.revision;
      const online = this.flags.online ?? fresh?.online ?? measured.steps.some((st) => st.concurrently);
      let plan = measured.steps.length > 0 ? { ...measured, execution: (await scheduleOn(db, measured.steps, online)).execution } : measured;
      if (this.flags.verify && plan.steps.length > 0) plan = await this.verified(db, target, plan, fresh, saved);
      if (this.flags.verify && revision && revision.plan.steps.length > 0) revision = await this.verifiedRevision(target, revision, fresh!);
      // On a drifted database, what the revision records comes first, then what runs here.
      if (revision) this.say(renderRevisionPlan(revision.since, revision.drift, revision.plan, c));
      this.say(revision && plan.steps.length === 0 ? `${c.green.bold('Nothing runs here:')} this database already has ${revision.plan.steps.length === 1 ? 'this change' : 'these changes'}; only the revision is recorded.\n` : renderText(plan, c));
      if ([plan, revision?.plan].some((p) => p?.verification && !p.verification.ok)) throw new UserError('refusing to apply a plan that failed verification (see above); nothing was changed');
      const records = revision?.plan ?? plan;
      if (plan.steps.length === 0 && records.steps.length === 0) return;
      this.refuseCertainFailures(plan);
      if (plan.steps.length > 0) await this.consent(plan.steps, `apply ${plan.steps.length === 1 ? 'this step' : `these ${plan.steps.length} steps`}`, 'this plan', this.flags);
      else await this.consent([], 'record this revision', 'it', this.flags);
      const result = await applyPlan({
        db,
        plan,
        plansDir: this.plansDir(),
        message: this.flags.message ?? defaultMessage(records.steps.length > 0 ? records : plan),
        lockWaitMs,
        saved: saved !== null,
        ...(revision ? { records: revision.plan } : {}),
        ...(online && plan.steps.length > 0 ? { online: this.runSettings(fresh?.settings) } : {}),
        onStep: (i, step) => this.note(c.dim(`  [${i + 1}/${plan.steps.length}] ${step.op} ${step.object}`)),
        onGroups: (_n, reason) => this.note(c.yellow(`Runs in steps: ${reason}. If it is cut short, run \`schema apply\` again to finish (or \`schema apply --abandon\` to give it up).`)),
      });
      this.say(this.appliedLine(plan.steps.length, result));
    });
  }

  /** What an apply did: the steps it ran here, and the revision it recorded (if any). */
  private appliedLine(steps: number, result: ApplyResult): string {
    const c = this.colour();
    const ran = c.green.bold(steps === 0 ? 'Nothing ran here.' : `Applied ${steps} step${steps === 1 ? '' : 's'} in ${result.durationMs} ms.`);
    if (result.revision === null) return `${ran} No revision written: the steps undid changes made outside schema, and ${this.plansDir()} already holds schema.yaml.`;
    return `${ran} Revision ${result.revision} written to ${result.file}`;
  }

  /**
   * The plan to show: fresh from schema.yaml (with its figures) or the saved one, after checking
   * the database is at head; and, when the database drifted from the state its last revision
   * recorded, what the revision records instead (see `revisionPlanFor`).
   */
  private async prepare(db: Db, status: Status, saved: Plan | null, schema: CheckedSchema | null, lockWaitMs: number): Promise<{ plan: Plan; fresh: Planned | null; revision: RevisionPlan | null }> {
    assertAtHead(status.chain, status.applied, this.plansDir());
    if (saved) await refuseSavedPlanOnDrift(db, status, this.plansDir());
    const fresh = saved ? null : await planAgainst(db, schema!, { online: this.flags.online, lockTimeoutMs: lockWaitMs });
    // A saved plan keeps the figures it was reviewed with.
    const plan = fresh && this.flags['data-checks'] ? await measurePlan(db, fresh.plan, { timeoutMs: this.flags['check-timeout'] }) : (fresh?.plan ?? saved!);
    return { plan, fresh, revision: fresh ? await revisionPlanFor(db, status, fresh) : null };
  }

  private async verified(db: Db, target: Target, plan: Plan, fresh: Planned | null, saved: Plan | null): Promise<Plan> {
    const current = fresh?.current ?? (await introspect(db));
    if (saved && fingerprint(current.model) !== saved.fingerprint.from) throw new UserError('the database changed since this plan was made', 'run `schema plan` again and review the new plan');
    return { ...plan, verification: await verifyPlan(target, plan, current.model, fresh?.desired ?? null, current) };
  }

  /** The revision's own plan proven from the state it starts from (the one recorded at the last revision). */
  private async verifiedRevision(target: Target, revision: RevisionPlan, fresh: Planned): Promise<RevisionPlan> {
    return { ...revision, plan: { ...revision.plan, verification: await verifyPlan(target, revision.plan, revision.from, fresh.desired, fresh.current) } };
  }

  private refuseCertainFailures(plan: Plan): void {
    const failing = certainFailures(plan.steps);
    if (failing.length === 0) return;
    const first = failing[0]!;
    // A figure means the data is in the way; without one, the change itself cannot run.
    const byData = first.hazard.rows !== undefined;
    throw new UserError(
      `refusing to start: step ${first.index + 1} (${first.step.op} ${first.step.object}) will fail${byData ? " on today's data" : ''}: ${first.hazard.message}` +
        (failing.length > 1 ? `; ${failing.length - 1} more step${failing.length === 2 ? '' : 's'} will too` : '') +
        '; nothing was changed',
      byData
        ? 'fix the data first (the figures are above), or pass --no-data-checks to try anyway'
        : 'change schema.yaml so the step can run (for instance convert through text, or add a new column and drop the old), or remove what the hazard says is in the way, then plan again',
    );
  }

  /** An apply cut short: finish it (from where it stopped) before anything else. */
  private async finish(db: Db, interrupted: Pending, lockWaitMs: number): Promise<void> {
    const c = this.colour();
    const [head, ...rest] = interruptedLines(interrupted);
    this.say(`${c.yellow(head!)}\n${rest.join('\n')}\n`);
    await this.consent(interrupted.steps.slice(interrupted.done), `finish it`, 'what is left', this.flags);
    const done = await resumeApply(db, this.runSettings(), { lockWaitMs, onStep: (i, step) => this.note(c.dim(`  [${i + 1}/${interrupted.steps.length}] ${step.op} ${step.object}`)) });
    const recorded = done.revision === null ? 'No revision was to be written (the steps undid changes made outside schema).' : `Revision ${done.revision} written to ${done.file}.`;
    this.say(`${c.green.bold('Finished.')} ${recorded} Run \`schema plan\` to see what else schema.yaml asks for.`);
  }

  /** `--abandon`: say what the unfinished apply did and did not do, ask, drop its record. */
  private async abandon(db: Db, lockWaitMs: number): Promise<void> {
    const c = this.colour();
    const pending = await interruptedApply(db);
    if (!pending) {
      this.say('There is no unfinished apply: nothing to abandon.');
      return;
    }
    const started = await startedStep(db, pending);
    const [head, ...rest] = abandonLines(pending, started);
    this.say(`${c.yellow(head!)}\n${rest.join('\n')}\n`);
    await this.consent([], 'abandon it', 'it', this.flags);
    this.say(c.green(abandonedLine(await abandonApply(db, pending.revision, lockWaitMs), started)));
  }
}
