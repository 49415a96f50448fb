// Durations as schema.yaml and the flags write them (`5s`, `500ms`, `10min`, `1h`), and the
// range PostgreSQL takes for lock_timeout and statement_timeout: whole milliseconds in an int.

export const DURATION = /^([0-9]+) ?(ms|s|min|h)$/;

/** PostgreSQL keeps these timeouts as an int of milliseconds (INT_MAX, about 24.8 days). */
export const MAX_TIMEOUT_MS = 2_147_483_647;

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, min: 60_000, h: 3_600_000 };

/** Milliseconds, or null when `text` is not a duration. */
export function durationMs(text: string): number | null {
  const m = DURATION.exec(text);
  return m ? Number(m[1]) * UNIT_MS[m[2]!]! : null;
}

/** Why a duration cannot be a PostgreSQL timeout, or null when it can (or is no duration at all). */
export function timeoutProblem(text: string): string | null {
  const ms = durationMs(text);
  if (ms === null || ms <= MAX_TIMEOUT_MS) return null;
  return `${JSON.stringify(text)} is longer than PostgreSQL allows for a timeout (${MAX_TIMEOUT_MS} ms, about 24 days)`;
}

export const TIMEOUT_HINT = 'write at most 596h (35791min); 0s turns the timeout off';
