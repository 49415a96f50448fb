// Errors a user acts on: a message, a hint, and (for bad input) every diagnostic with its line.
import { isError, type Diagnostic } from './desired/diagnostics.js';

export class UserError extends Error {
  constructor(
    message: string,
    readonly hint: string | null = null,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

/** The person at the prompt said no more (Ctrl-C, Ctrl-D): nothing was changed; exit 130, as a shell does. */
export class CancelledError extends Error {
  constructor() {
    super('Cancelled; nothing was changed');
    this.name = 'CancelledError';
  }
}

/** Bad input: schema.yaml has problems, each at its own line (warnings, if any, are listed with them). */
export class SpecError extends UserError {
  constructor(readonly diagnostics: readonly Diagnostic[]) {
    const errors = diagnostics.filter(isError).length;
    const files = [...new Set(diagnostics.map((d) => d.file))];
    super(`${errors} problem${errors === 1 ? '' : 's'} in ${files.length === 1 ? files[0] : files.length > 1 ? `${files.length} files of the schema` : 'the schema'}; nothing was run`);
    this.name = 'SpecError';
  }
}
