// Changes: what differs between two Models, one tagged value per difference. The planner has
// a handler for every kind (a record typed over `Change['kind']`), so a kind without one does
// not compile.
import type { QualifiedName } from '../model/identifiers.js';
import type { Check, Column, EnumType, ForeignKey, Index, PrimaryKey, Table, Unique } from '../model/model.js';
import type { ExtensionChange } from './kinds/extension.js';
import type { SequenceChange } from './kinds/sequence.js';
import type { ViewChange } from './kinds/view.js';
import type { FunctionChange } from './kinds/function.js';
import type { TriggerChange } from './kinds/trigger.js';
import type { PolicyChange } from './kinds/policy.js';
import type { DomainChange } from './kinds/domain.js';
import type { CompositeTypeChange } from './kinds/composite.js';

/** A column converted to the rebuilt version of an enum. */
export interface EnumColumn {
  readonly table: Table;
  readonly column: string;
  readonly array: boolean;
  /** Dropped before the conversion (it names the old type). */
  readonly oldDefault: string | null;
  /** Set after it (spelled with the new type). */
  readonly newDefault: string | null;
}

export interface EnumAddition {
  readonly value: string;
  readonly before: string | null;
  readonly after: string | null;
}

/** What an `alter_column` changes, decided once by the diff (`columnChanges`). */
export type ColumnAspect = 'type' | 'nullability' | 'default' | 'identity' | 'comment' | 'generated' | 'collation';

export type Change =
  | { readonly kind: 'create_schema'; readonly schema: string }
  | { readonly kind: 'drop_schema'; readonly schema: string }
  | { readonly kind: 'create_enum'; readonly enum: EnumType }
  | { readonly kind: 'add_enum_values'; readonly enum: EnumType; readonly additions: readonly EnumAddition[] }
  /** ALTER TYPE ... RENAME VALUE: `renamed_from` on a value; rows keep it under its new label. */
  | { readonly kind: 'rename_enum_value'; readonly enum: EnumType; readonly from: string; readonly to: string }
  /** Values removed or reordered: rename the old type away, create the new one, convert columns. */
  | {
      readonly kind: 'rebuild_enum';
      readonly from: EnumType;
      readonly to: EnumType;
      readonly retiredName: string;
      readonly columns: readonly EnumColumn[];
    }
  | { readonly kind: 'drop_enum'; readonly enum: EnumType; readonly retiredFrom: EnumType | null }
  | { readonly kind: 'create_table'; readonly table: Table }
  | { readonly kind: 'drop_table'; readonly table: Table }
  /** `columns`: those that have their final names once the table is renamed (the others are renamed after). */
  | { readonly kind: 'rename_table'; readonly from: QualifiedName; readonly to: QualifiedName; readonly table: Table; readonly columns: readonly string[] }
  /** The table's own settings: its comment, UNLOGGED, storage parameters (`from` is today's table). */
  | { readonly kind: 'alter_table'; readonly table: Table; readonly from: Table }
  /**
   * A table becomes a partition (`table.partitionOf`): ALTER TABLE parent ATTACH PARTITION,
   * after giving it the parent's checks (`checks`) and NOT NULL columns (`notNull`) it lacks,
   * without which PostgreSQL refuses it.
   */
  | { readonly kind: 'attach_partition'; readonly table: Table; readonly checks: readonly Check[]; readonly notNull: readonly string[] }
  /** A partition (`table`, as it is today) leaves its parent: ALTER TABLE parent DETACH PARTITION. */
  | { readonly kind: 'detach_partition'; readonly table: Table }
  | { readonly kind: 'add_column'; readonly table: Table; readonly column: Column }
  | { readonly kind: 'drop_column'; readonly table: Table; readonly column: Column }
  | { readonly kind: 'rename_column'; readonly table: Table; readonly from: string; readonly to: string }
  /** `changed`: what differs between `from` and `to`, never empty. */
  | { readonly kind: 'alter_column'; readonly table: Table; readonly from: Column; readonly to: Column; readonly changed: readonly ColumnAspect[] }
  | { readonly kind: 'add_primary_key'; readonly table: Table; readonly key: PrimaryKey }
  | { readonly kind: 'drop_primary_key'; readonly table: Table; readonly key: PrimaryKey }
  | { readonly kind: 'add_unique'; readonly table: Table; readonly unique: Unique }
  | { readonly kind: 'drop_unique'; readonly table: Table; readonly unique: Unique }
  | { readonly kind: 'add_check'; readonly table: Table; readonly check: Check }
  | { readonly kind: 'drop_check'; readonly table: Table; readonly check: Check }
  | { readonly kind: 'create_index'; readonly table: Table; readonly index: Index }
  /** COMMENT ON INDEX: set, changed or removed (`index.comment` absent). */
  | { readonly kind: 'comment_index'; readonly table: Table; readonly index: Index }
  | { readonly kind: 'drop_index'; readonly table: Table; readonly index: Index }
  | { readonly kind: 'add_foreign_key'; readonly table: Table; readonly foreignKey: ForeignKey }
  | { readonly kind: 'drop_foreign_key'; readonly table: Table; readonly foreignKey: ForeignKey }
  | {
      readonly kind: 'rename_constraint';
      readonly table: Table;
      readonly from: string;
      readonly to: string;
      readonly constraint: PrimaryKey | Unique | Check | ForeignKey;
    }
  | { readonly kind: 'rename_index'; readonly table: Table; readonly from: string; readonly to: string }
  /** A check or foreign key left NOT VALID: check the existing rows, keep the constraint. */
  | { readonly kind: 'validate_constraint'; readonly table: Table; readonly constraint: Check | ForeignKey }
  | SequenceChange
  | ExtensionChange
  | ViewChange
  | FunctionChange
  | TriggerChange
  | PolicyChange
  | DomainChange
  | CompositeTypeChange;

export type ChangeKind = Change['kind'];

/**
 * The Change kinds of each kind of object: the changes its home in plan/kinds plans. Renaming
 * and validating a constraint are planned by the check's home for all four constraint kinds;
 * a sequence a column owns changes with its column, so it has no changes of its own.
 */
export interface KindChanges {
  readonly schema: 'create_schema' | 'drop_schema';
  readonly extension: ExtensionChange['kind'];
  readonly enum: 'create_enum' | 'add_enum_values' | 'rename_enum_value' | 'rebuild_enum' | 'drop_enum';
  readonly sequence: SequenceChange['kind'];
  readonly table: 'create_table' | 'drop_table' | 'rename_table' | 'alter_table' | 'attach_partition' | 'detach_partition';
  readonly column: 'add_column' | 'drop_column' | 'rename_column' | 'alter_column';
  readonly owned_sequence: never;
  readonly primary_key: 'add_primary_key' | 'drop_primary_key';
  readonly unique: 'add_unique' | 'drop_unique';
  readonly check: 'add_check' | 'drop_check' | 'rename_constraint' | 'validate_constraint';
  readonly index: 'create_index' | 'drop_index' | 'rename_index' | 'comment_index';
  readonly foreign_key: 'add_foreign_key' | 'drop_foreign_key';
  readonly view: ViewChange['kind'];
  readonly function: FunctionChange['kind'];
  readonly trigger: TriggerChange['kind'];
  /** A table's row-level security switches with its policies. */
  readonly policy: PolicyChange['kind'];
  readonly domain: DomainChange['kind'];
  readonly composite_type: CompositeTypeChange['kind'];
}
