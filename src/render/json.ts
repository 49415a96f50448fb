// Plan -> JSON: SPEC section 3's document, with its format_version.
import type { Plan } from '../plan/types.js';

export function renderJson(plan: Plan): string {
  const { format_version, summary, steps, downgrade, fingerprint, unmanaged, verification, execution } = plan;
  return JSON.stringify({ format_version, summary, steps, downgrade, fingerprint, unmanaged, ...(verification ? { verification } : {}), ...(execution ? { execution } : {}) }, null, 2) + '\n';
}
