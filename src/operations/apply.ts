// The apply use case: a plan is refused when a step is certain to fail, its hazards are
// measured in the target (unless they already were), consent is required for those that need
// it (see consent.ts), and only then does apply/ run it. The CLI's `schema apply` and a program
// that imports `applyPlan` get the same checks.
import { applyPlan as runPlan, type ApplyOptions, type ApplyResult } from '../apply/apply.js';
import { DEFAULT_CHECK_TIMEOUT_MS, measurePlan } from '../checks/checks.js';
import { UserError } from '../errors.js';
import { certainFailures, unfilledColumn, type Plan } from '../plan/types.js';
import { checkInTransaction, requireConsent, type ConsentWords } from './consent.js';
import { SILENT, type Consent, type Ui } from './ui.js';

export interface ApplyRequest extends ApplyOptions {
  /** Consent given in advance (default: none, so a hazard that needs consent is refused unless `ui.confirm` is asked). */
  readonly consent?: Consent;
  readonly ui?: Ui;
  /**
   * Count the rows behind each hazard in the target first (read only), with this statement
   * timeout; false when the plan's figures are already counted (the CLI measures before it
   * shows the plan) or must not be (`--no-data-checks`). Default: counted, 2 s a check.
   */
  readonly dataChecks?: { readonly timeoutMs: number } | false;
  /** What is consented to, for the messages (default: `apply this plan`). */
  readonly words?: ConsentWords;
}

/**
 * Refuse a plan with a step certain to fail (UserError, nothing changed): on today's data, when
 * the data checks found rows in the way, or whatever the data, when the change cannot run.
 */
export function refuseCertainFailures(plan: Pick<Plan, 'steps'>): void {
  const failing = certainFailures(plan.steps);
  if (failing.length === 0) return;
  const first = failing[0]!;
  // A figure means the data is in the way; without one, the change itself cannot run.
  const byData = first.hazard.rows !== undefined;
  // NULL rows in the way of NOT NULL: `backfill:` fills them, where --no-data-checks would only fail later.
  const unfilled = byData ? unfilledColumn(first.hazard) : null;
  throw new UserError(
    `refusing to start: step ${first.index + 1} (${first.step.op} ${first.step.object}) will fail${byData ? " on today's data" : ''}: ${first.hazard.message}` +
      (failing.length > 1 ? `; ${failing.length - 1} more step${failing.length === 2 ? '' : 's'} will too` : '') +
      '; nothing was changed',
    unfilled
      ? `add the \`backfill:\` line to column ${unfilled.column} as said above, then plan again; or fix the data first (the figures are above)`
      : byData
        ? 'fix the data first (the figures are above), or pass --no-data-checks to try anyway'
        : 'change schema.yaml so the step can run (for instance give the column `using:` with an expression that converts its values, or add a new column and drop the old), or remove what the hazard says is in the way, then plan again',
  );
}

/** `apply this step`, `apply these 3 steps`, or `record this revision` when nothing runs here. */
export function applyWords(plan: Pick<Plan, 'steps'>): ConsentWords {
  const n = plan.steps.length;
  return n === 0 ? { action: 'record this revision', subject: 'it' } : { action: `apply ${n === 1 ? 'this step' : `these ${n} steps`}`, subject: 'this plan' };
}

/**
 * Apply `plan` and write its revision file, as `schema apply` does: refused when it (or what
 * the revision records) failed its proof (`verification`), when a step is certain to fail or a
 * hazard lacks consent; a hazard waived as touching no rows is counted
 * again inside the transaction, before the first step. See apply/apply.ts for the run itself.
 */
export async function applyPlan(request: ApplyRequest): Promise<ApplyResult> {
  const { consent = {}, ui = SILENT, dataChecks = { timeoutMs: DEFAULT_CHECK_TIMEOUT_MS }, words = applyWords(request.plan), ...options } = request;
  if ([options.plan, options.records].some((p) => p?.verification && !p.verification.ok)) throw new UserError('refusing to apply a plan that failed verification (see above); nothing was changed');
  const plan = dataChecks ? await measurePlan(options.db, options.plan, dataChecks) : options.plan;
  refuseCertainFailures(plan);
  const consented = await requireConsent(plan.steps, words, consent, ui);
  return runPlan({
    ...options,
    plan,
    beforeSteps: async (db) => {
      await checkInTransaction(db, plan.steps, consented, words, ui, { say: false });
      await options.beforeSteps?.(db);
    },
  });
}
