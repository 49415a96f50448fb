// Changes: what differs between two Models, one tagged value per difference. The planner has
// a handler for every kind (a record typed over `Change['kind']`), so a kind without one does
// not compile.
import type { QualifiedName } from '../model/identifiers.js';
import type { Check, Column, EnumType, ForeignKey, Index, PrimaryKey, Table, Unique } from '../model/model.js';

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

export type Change =
  | { readonly kind: 'create_schema'; readonly schema: string }
  | { readonly kind: 'drop_schema'; readonly schema: string }
  | { readonly kind: 'create_enum'; readonly enum: EnumType }
  | { readonly kind: 'add_enum_values'; readonly enum: EnumType; readonly additions: readonly EnumAddition[] }
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
  | { readonly kind: 'alter_table'; readonly table: Table; readonly fromComment: string | null }
  | { readonly kind: 'add_column'; readonly table: Table; readonly column: Column }
  | { readonly kind: 'drop_column'; readonly table: Table; readonly column: Column }
  | { readonly kind: 'rename_column'; readonly table: Table; readonly from: string; readonly to: string }
  | { readonly kind: 'alter_column'; readonly table: Table; readonly from: Column; readonly to: Column }
  | { readonly kind: 'add_primary_key'; readonly table: Table; readonly key: PrimaryKey }
  | { readonly kind: 'drop_primary_key'; readonly table: Table; readonly key: PrimaryKey }
  | { readonly kind: 'add_unique'; readonly table: Table; readonly unique: Unique }
  | { readonly kind: 'drop_unique'; readonly table: Table; readonly unique: Unique }
  | { readonly kind: 'add_check'; readonly table: Table; readonly check: Check }
  | { readonly kind: 'drop_check'; readonly table: Table; readonly check: Check }
  | { readonly kind: 'create_index'; readonly table: Table; readonly index: Index }
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
  | { readonly kind: 'validate_constraint'; readonly table: Table; readonly constraint: Check | ForeignKey };

export type ChangeKind = Change['kind'];
