// (Model, Model, hints) -> Change[]. Pure. Compares what PostgreSQL stores, object by object,
// by name; `renamed_from` hints turn a drop and an add into a rename; foreign keys are dropped
// and re-added whenever anything they stand on changes.
// Each kind's comparison lives in diff/kinds/ (wired by diff/kinds/registry.ts); this file runs
// the passes in their order.
import type { Hints } from '../model/hints.js';
import { objectPath } from '../model/identifiers.js';
import type { Model } from '../model/model.js';
import type { Change } from './changes.js';
import type { TableFacts } from './facts.js';
import { diffEnums, effectiveEnumRenames } from './kinds/enum.js';
import { diffExtensions } from './kinds/extension.js';
import { diffForeignKeys } from './kinds/foreign-key.js';
import { diffSchemas } from './kinds/schema.js';
import { diffSequences } from './kinds/sequence.js';
import { diffDomains } from './kinds/domain.js';
import { diffCompositeTypes } from './kinds/composite.js';
import { indexComments } from './kinds/index.js';
import { asCompared, diffTable, remade } from './kinds/table.js';
import { diffViews } from './kinds/view.js';
import { diffFunctions } from './kinds/function.js';
import { diffTriggers } from './kinds/trigger.js';
import { diffPolicies } from './kinds/policy.js';
import { applyRenames, asHints, effectiveRenames } from './renames.js';

export { invertHints } from './renames.js';
export { columnChanges, sameColumn } from './kinds/column.js';
export { sameIndex } from './kinds/index.js';
export { sameForeignKey } from './kinds/foreign-key.js';

export interface DiffOptions {
  /** Schemas holding objects this tool does not manage: never dropped. */
  readonly occupiedSchemas?: readonly string[];
}

export interface DiffResult {
  readonly changes: readonly Change[];
  /** The renames that took effect, as hints (invert them for the way back). */
  readonly renames: Hints;
}

/** Every difference between `current` and `desired`, as Changes. Never touches a database. */
export function diff(current: Model, desired: Model, hints: Hints, options: DiffOptions = {}): DiffResult {
  const renames = effectiveRenames(current, desired, hints);
  const tableTo = new Map([...renames.tables].map(([to, from]) => [from, to]));
  const renamed = applyRenames(current, desired, tableTo, renames.columns);
  const base = asCompared(renamed, desired);
  const changes: Change[] = [];
  const facts: TableFacts = { droppedColumns: new Map(), retypedColumns: new Map(), droppedKeys: new Map(), forced: new Set() };

  changes.push(...diffSchemas(base, desired, options.occupiedSchemas ?? []));
  // Before the tables: a column may have an extension's type (the steps' phases keep this order).
  changes.push(...diffExtensions(base, desired));

  for (const [to, from] of renames.tables) {
    const t = current.tables[from]!;
    const d = desired.tables[to]!;
    const renamedColumns = new Set(renames.columns.get(to)?.values() ?? []);
    const columns = d.columns.map((c) => c.name).filter((c) => !renamedColumns.has(c));
    changes.push({ kind: 'rename_table', from: { schema: t.schema, name: t.name }, to: { schema: d.schema, name: d.name }, table: d, columns });
  }
  for (const [key, m] of renames.columns) {
    for (const [from, to] of m) changes.push({ kind: 'rename_column', table: desired.tables[key]!, from, to });
  }

  const enumRenames = effectiveEnumRenames(base, desired, hints);
  diffEnums(base, desired, changes, facts, enumRenames);
  changes.push(...diffDomains(base, desired));
  changes.push(...diffCompositeTypes(base, desired));
  changes.push(...diffSequences(base, desired));
  // After enums and sequences, before tables: a default of a new table may call a new function
  // (the planner makes functions in phase 4, where these come first).
  changes.push(...diffFunctions(base, desired));

  for (const [tkey, bt] of Object.entries(base.tables)) {
    const dt = desired.tables[tkey];
    if (!dt || remade(bt, dt)) changes.push({ kind: 'drop_table', table: bt });
  }
  for (const [tkey, dt] of Object.entries(desired.tables)) {
    const bt = base.tables[tkey];
    if (!bt || remade(bt, dt)) {
      changes.push({ kind: 'create_table', table: dt });
      for (const index of Object.values(dt.indexes)) changes.push({ kind: 'create_index', table: dt, index });
      // Its replica identity once the table (and the index it may name) exists.
      if (dt.replicaIdentity) changes.push({ kind: 'alter_table', table: dt, from: { ...dt, replicaIdentity: undefined } });
      changes.push(...indexComments(dt));
    } else {
      const parent = dt.partitionOf ? desired.tables[objectPath(dt.partitionOf.schema, dt.partitionOf.table)] : undefined;
      diffTable(tkey, bt, dt, changes, facts, renamed.tables[tkey], parent);
    }
  }
  diffForeignKeys(base, desired, changes, facts);
  // Last: which views go depends on what the plan does to the tables and columns they read.
  changes.push(...diffViews(base, desired, changes, { tableFrom: renames.tables, columns: renames.columns }));
  changes.push(...diffTriggers(base, desired));
  changes.push(...diffPolicies(base, desired, renames.tables));

  return { changes, renames: { ...asHints(current, renames), ...(enumRenames.size > 0 ? { enumValues: enumRenames } : {}) } };
}

/** The renames of `hints` that take effect from `current` to `desired`: `diff`'s `renames`, without the diff. */
export function effectiveHints(current: Model, desired: Model, hints: Hints): Hints {
  return asHints(current, effectiveRenames(current, desired, hints));
}
