// Rename hints: what `renamed_from` says, so a diff renames instead of dropping and adding.
import type { QualifiedName } from './identifiers.js';

export interface Hints {
  /** Desired table (object path) -> the name it had before. */
  readonly tables: ReadonlyMap<string, QualifiedName>;
  /** Desired table (object path) -> (column -> the name it had before). */
  readonly columns: ReadonlyMap<string, ReadonlyMap<string, string>>;
  /**
   * Column (object path, desired names) -> its `using:` expression: how a type change converts
   * today's values. Only the way forward uses it; it is no part of any Model.
   */
  readonly using?: ReadonlyMap<string, string>;
  /**
   * Column (object path, desired names) -> its `backfill:` value (SQL: a quoted literal or one
   * expression over the row's columns): what its NULL rows get before NOT NULL. Only the way
   * forward uses it; it is no part of any Model.
   */
  readonly backfill?: ReadonlyMap<string, string>;
  /** Enum (object path) -> (value -> the label it had before): `{ name: b, renamed_from: a }` under `enums:`. */
  readonly enumValues?: ReadonlyMap<string, ReadonlyMap<string, string>>;
}

export const noHints: Hints = { tables: new Map(), columns: new Map() };
