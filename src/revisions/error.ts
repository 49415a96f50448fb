// The one error of reading revision files and the chain: what is wrong, how to fix it, and the
// revision whose file is missing when that is what is wrong.
export class RevisionError extends Error {
  constructor(
    message: string,
    readonly hint: string | null = null,
    /** The revision whose file is not in the folder, when that is what is wrong. */
    readonly missing: string | null = null,
  ) {
    super(message);
    this.name = 'RevisionError';
  }
}
