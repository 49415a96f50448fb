// The port between the use cases and whoever drives them: the CLI's terminal, or a program.
// An operation asks and tells through it; it never reads a terminal or writes to one itself.
import type { Diagnostic } from '../desired/diagnostics.js';
import type { HazardCode } from '../plan/types.js';

export interface Ui {
  /**
   * Ask the person whether to go ahead: true for yes. Absent when there is no one to ask (a
   * program, CI): then consent must be given in advance (`Consent`). May throw to cancel.
   */
  readonly confirm?: (question: string) => Promise<boolean>;
  /** A line for the person (the CLI writes it to stderr). */
  readonly note?: (line: string) => void;
  /** What the target tells about the schema file that does not stop the plan (the CLI prints them as `file:line:col` lines). */
  readonly warn?: (diagnostics: readonly Diagnostic[]) => void;
}

/** Consent given in advance: the CLI's --auto-approve and --allow-hazards. */
export interface Consent {
  /** Go ahead without asking; hazards that need consent still need `allowHazards`. */
  readonly autoApprove?: boolean;
  /** Hazards to accept without asking (`data_loss`, `lossy_type_change`). */
  readonly allowHazards?: readonly HazardCode[];
}

/** No one to ask and nothing to tell: a program's default. */
export const SILENT: Ui = {};
