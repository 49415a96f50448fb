// The Spec: schema.yaml as loaded and checked, every node with the position it was written at.
// Names are resolved and canonical; SQL text (types, expressions) is still as the user wrote it
// until PostgreSQL spells it (db/spell.ts).
import type { IdentityKind, ReferentialAction, ReplicaIdentity } from '../model/model.js';
import type { Position } from './diagnostics.js';
import type { SpecExtension } from './extensions.js';
import type { SpecSequence } from './sequences.js';
import type { SpecView } from './views.js';
import type { SpecFunction } from './functions.js';
import type { SpecTrigger } from './triggers.js';
import type { SpecPolicy, SpecRowSecurity } from './policies.js';
import type { SpecDomain } from './domains.js';
import type { SpecCompositeType } from './types.js';

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
  /**
   * `generated:`: the expression of a generated (STORED) column, over the row's own columns
   * (checked like a check's text); null for a plain column.
   */
  readonly generated?: Located<string> | null;
  /** `collation:`: the collation as SQL (`"C"`, `public."german"`); null for the type's own. */
  readonly collation?: Located<string> | null;
}

export interface SpecKey {
  readonly name: string;
  readonly pos: Position;
  readonly columns: readonly Located<string>[];
  /** `deferrable:` (also implied by `initially_deferred:`); absent: checked at once. */
  readonly deferrable?: boolean;
  readonly initiallyDeferred?: boolean;
}

export interface SpecUnique extends SpecKey {
  readonly nullsNotDistinct: boolean;
}

export interface SpecCheck {
  readonly name: string;
  readonly pos: Position;
  readonly expression: Located<string>;
  /** An exclusion constraint (`exclusions:`): `expression` is its whole EXCLUDE clause, not a CHECK's expression. */
  readonly exclusion?: true;
}

export interface SpecIndexKey {
  readonly column: Located<string> | null;
  readonly expression: Located<string> | null;
  readonly descending: boolean;
  /** null: PostgreSQL's default (NULLS LAST ascending, NULLS FIRST descending). */
  readonly nullsFirst: boolean | null;
  /** `opclass:` as SQL (`text_pattern_ops`, `public.gin_trgm_ops`); absent for the default. */
  readonly opclass?: Located<string> | null;
  /** `collation:` as SQL (`"C"`); absent for the column's. */
  readonly collation?: Located<string> | null;
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
  /** `with:` storage parameters, each value as text (`fillfactor: '70'`); absent for none. */
  readonly with?: Located<Readonly<Record<string, string>>> | null;
  /** COMMENT ON INDEX; null without one. */
  readonly comment: string | null;
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
  /** `on_delete_columns:` the columns of the key that `set_null`/`set_default` sets; null for all. */
  readonly onDeleteColumns: readonly Located<string>[] | null;
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
  /** `unlogged: true`. */
  readonly unlogged?: true;
  /** `with:`: storage parameters, name -> the text PostgreSQL stores. */
  readonly storage?: Readonly<Record<string, string>>;
  /** `replica_identity:` other than `default`. */
  readonly replicaIdentity?: ReplicaIdentity;
  /** `row_level_security:` and `force_row_level_security:`; absent when neither is written (left as they are). */
  readonly rowSecurity?: SpecRowSecurity;
  /** Under `policies:`; absent when the table has none (its policies are then left as they are). */
  readonly policies?: readonly SpecPolicy[];
  /** `partition_by:` as written (spelled by the server: spelling/partitions.ts); absent on a table that is not partitioned. */
  readonly partitionBy?: Located<string>;
  /** `partition_of:` with its bound; such a table's `columns` are its parent's, copied by the loader. */
  readonly partitionOf?: SpecPartitionOf;
}

export interface SpecPartitionOf {
  readonly schema: string;
  readonly table: string;
  readonly pos: Position;
  /** `FOR VALUES ...` from `for_values:` (at its value), or `DEFAULT` (at `default:`). */
  readonly bound: Located<string>;
}

export interface SpecEnum {
  readonly schema: string;
  readonly name: string;
  readonly pos: Position;
  readonly values: readonly Located<string>[];
  /** Values written `{ name: b, renamed_from: a }`: the label `a` of the database becomes `b` (ALTER TYPE ... RENAME VALUE). */
  readonly renames?: readonly { readonly value: string; readonly from: Located<string> }[];
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
  /** Under `domains:`; absent when the file has none (it then leaves the database's as they are). */
  readonly domains?: readonly SpecDomain[];
  /** Under `types:`; absent when the file has none (it then leaves the database's as they are). */
  readonly types?: readonly SpecCompositeType[];
  /** Patterns of `exclude:`: objects of someone else, that plans leave alone. */
  readonly exclude?: readonly Located<string>[];
}
