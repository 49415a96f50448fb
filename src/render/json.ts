// Plan -> JSON: SPEC section 3's document, with its format_version.
import { canonicalJson, sha256 } from '../model/fingerprint.js';
import type { Plan } from '../plan/types.js';

/**
 * The digest a saved plan carries of what `apply --plan` runs and records (steps, downgrade,
 * fingerprints): a file edited by hand no longer matches and is refused before it connects.
 */
export function savedPlanChecksum(plan: Pick<Plan, 'steps' | 'downgrade' | 'fingerprint'>): string {
  return 'sha256:' + sha256(canonicalJson({ steps: plan.steps, downgrade: plan.downgrade, fingerprint: plan.fingerprint }));
}

export function renderJson(plan: Plan): string {
  const { format_version, summary, steps, downgrade, fingerprint, unmanaged, verification, execution } = plan;
  const checksum = savedPlanChecksum(plan);
  return JSON.stringify({ format_version, summary, steps, downgrade, fingerprint, checksum, unmanaged, ...(verification ? { verification } : {}), ...(execution ? { execution } : {}) }, null, 2) + '\n';
}
