// Plan -> JSON: SPEC section 3's document, with its format_version.
import { canonicalJson, sha256 } from '../model/fingerprint.js';
import type { Plan } from '../plan/types.js';

/**
 * The digest a saved plan carries of everything else in it (steps, downgrade, fingerprints,
 * summary, counts, verification): a file edited by hand no longer matches and is refused
 * before it connects. `document` is the JSON as written or as read back; its own `checksum` is
 * left out.
 */
export function savedPlanChecksum(document: object): string {
  const { checksum: _, ...rest } = document as { checksum?: unknown };
  return 'sha256:' + sha256(canonicalJson(rest));
}

/** `revision`: on a drifted database, what `apply` would record in the revision it writes (render/drifted.ts). */
export function renderJson(plan: Plan, revision?: object): string {
  const { format_version, summary, steps, downgrade, fingerprint, unmanaged, verification, execution } = plan;
  const extra = { ...(verification ? { verification } : {}), ...(execution ? { execution } : {}), ...(revision ? { revision } : {}) };
  const checksum = savedPlanChecksum({ format_version, summary, steps, downgrade, fingerprint, unmanaged, ...extra });
  return JSON.stringify({ format_version, summary, steps, downgrade, fingerprint, checksum, unmanaged, ...extra }, null, 2) + '\n';
}
