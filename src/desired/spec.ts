// The Spec: schema.yaml as loaded and checked, every node with the position it was written at.
// Names are resolved and canonical; SQL text (types, expressions) is still as the user wrote it
// until PostgreSQL spells it (db/spell.ts).
import type { IdentityKind, ReferentialAction } from '../model/model.js';
import type { Position } from './diagnostics.js';
import type { SpecExtension } from './extensions.js';
import type { SpecSequence } from './sequences.js';
import type { SpecView } from './views.js';
import type { SpecFunction } from './functions.js';
import type { SpecTrigger } from './triggers.js';

export interface Located<T> {
  readonly value: T;
  readonly pos: Position;
}

export type SpecDefault =
  /** A YAML scalar, already written as an SQL literal (`'active'`, `0`, `true`). */
  | { readonly kind: 'literal'; readonly sql: string; readonly pos: Position }
  /** `{ sql: ... }`: an expression checked to be exactly one expression. */
  | { readonly kind: 'expression'; readonly sql: string; readonly pos: Position };

export interface SpecColumn {
  readonly name: string;
  readonly pos: Position;
  readonly type: Located<string>;
  readonly nullable: boolean;
  readonly default: SpecDefault | null;
  readonly identity: IdentityKind | null;
  readonly comment: string | null;
  readonly renamedFrom: Located<string> | null;
  /**
   * `using:`: the expression converting today's values when the column's type changes (one
   * expression, checked like a check's text). Used by the plan only; not part of the Model.
   */
  readonly using: Located<string> | null;
  /**
   * `backfill:`: what the column's NULL rows get before it becomes NOT NULL (a literal, quoted,
   * or one expression over the row's own columns, without a subquery). Used by the plan only;
   * not part of the Model.
   */
  readonly backfill: Located<string> | null;
}

export interface SpecKey {
  readonly name: string;
  readonly pos: Position;
  readonly columns: readonly Located<string>[];
}

export interface SpecUnique extends SpecKey {
  readonly nullsNotDistinct: boolean;
}

export interface SpecCheck {
  readonly name: string;
  readonly pos: Position;
  readonly expression: Located<string>;
}

export interface SpecIndexKey {
  readonly column: Located<string> | null;
  readonly expression: Located<string> | null;
  readonly descending: boolean;
  /** null: PostgreSQL's default (NULLS LAST ascending, NULLS FIRST descending). */
  readonly nullsFirst: boolean | null;
}

export interface SpecIndex {
  readonly name: string;
  readonly pos: Position;
  readonly unique: boolean;
  /** NULLS NOT DISTINCT: only with `unique`. */
  readonly nullsNotDistinct: boolean;
  readonly method: string;
  readonly keys: readonly SpecIndexKey[];
  readonly include: readonly Located<string>[];
  readonly where: Located<string> | null;
}

export interface SpecForeignKey {
  readonly name: string;
  readonly pos: Position;
  readonly columns: readonly Located<string>[];
  readonly references: {
    readonly schema: string;
    readonly table: string;
    readonly columns: readonly Located<string>[];
    readonly pos: Position;
  };
  readonly onDelete: ReferentialAction;
  readonly onUpdate: ReferentialAction;
  readonly match: 'simple' | 'full';
  readonly deferrable: boolean;
  readonly initiallyDeferred: boolean;
}

export interface SpecTable {
  readonly schema: string;
  readonly name: string;
  readonly pos: Position;
  readonly comment: string | null;
  readonly renamedFrom: Located<{ readonly schema: string; readonly name: string }> | null;
  readonly columns: readonly SpecColumn[];
  readonly primaryKey: SpecKey | null;
  readonly uniques: readonly SpecUnique[];
  readonly checks: readonly SpecCheck[];
  readonly indexes: readonly SpecIndex[];
  readonly foreignKeys: readonly SpecForeignKey[];
}

export interface SpecEnum {
  readonly schema: string;
  readonly name: string;
  readonly pos: Position;
  readonly values: readonly Located<string>[];
}

export interface Settings {
  readonly online: boolean;
  /** A PostgreSQL interval text: `5s`, `500ms`. */
  readonly lockTimeout: string;
  readonly statementTimeout: string | null;
  readonly lockRetries: number;
}

export const DEFAULT_SETTINGS: Settings = { online: false, lockTimeout: '5s', statementTimeout: null, lockRetries: 3 };

export interface Spec {
  readonly file: string;
  readonly settings: Settings;
  /** Schemas kept even when empty (`schemas:`), beside those tables and enums name. */
  readonly schemas: readonly Located<string>[];
  readonly enums: readonly SpecEnum[];
  readonly tables: readonly SpecTable[];
  /** Under `sequences:`; absent when the file has none (it then leaves the database's as they are). */
  readonly sequences?: readonly SpecSequence[];
  /** Under `extensions:`; absent when the file has none (it then leaves the database's as they are). */
  readonly extensions?: readonly SpecExtension[];
  /** Under `views:`; absent when the file has none (it then leaves the database's as they are). */
  readonly views?: readonly SpecView[];
  /** Under `materialized_views:`; absent when the file has none (it then leaves the database's as they are). */
  readonly materializedViews?: readonly SpecView[];
  /** Under `functions:`; absent when the file has none (it then leaves the database's as they are). */
  readonly functions?: readonly SpecFunction[];
  /** Under `triggers:`; absent when the file has none (it then leaves the database's as they are). */
  readonly triggers?: readonly SpecTrigger[];
  /** Patterns of `exclude:`: objects of someone else, that plans leave alone. */
  readonly exclude?: readonly Located<string>[];
}
