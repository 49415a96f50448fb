// How a statement of a plan is allowed to wait and run: lock_timeout, statement_timeout and lock
// retries, and the SQL text that sets them. Pure; apply/ runs it, render/sql.ts prints it.
import { quoteLiteral } from '../model/identifiers.js';

export interface RunSettings {
  /** Per statement: how long to wait for a lock (`5s`); null to wait as long as it takes. */
  readonly lockTimeout: string | null;
  /** Per statement: how long it may run; null for no limit. */
  readonly statementTimeout: string | null;
  /** How many times a step that timed out on its lock is tried again. */
  readonly lockRetries: number;
}

export const PATIENT: RunSettings = { lockTimeout: null, statementTimeout: null, lockRetries: 0 };

/** `SET [LOCAL] lock_timeout = ...; SET [LOCAL] statement_timeout = ...` (no limit as '0'). */
export function timeouts(settings: Pick<RunSettings, 'lockTimeout' | 'statementTimeout'>, local: boolean): string {
  const set = local ? 'SET LOCAL' : 'SET';
  return [`${set} lock_timeout = ${quoteLiteral(settings.lockTimeout ?? '0')}`, `${set} statement_timeout = ${quoteLiteral(settings.statementTimeout ?? '0')}`].join('; ');
}
