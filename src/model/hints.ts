// Rename hints: what `renamed_from` says, so a diff renames instead of dropping and adding.
import type { QualifiedName } from './identifiers.js';

export interface Hints {
  /** Desired table (object path) -> the name it had before. */
  readonly tables: ReadonlyMap<string, QualifiedName>;
  /** Desired table (object path) -> (column -> the name it had before). */
  readonly columns: ReadonlyMap<string, ReadonlyMap<string, string>>;
}

export const noHints: Hints = { tables: new Map(), columns: new Map() };
