// The Spec's `renamed_from` entries as diff hints, and the columns' `using:` and `backfill:`.
import { objectPath, type QualifiedName } from '../model/identifiers.js';
import type { Hints } from '../model/hints.js';
import type { Spec } from './spec.js';

export function hintsFromSpec(spec: Spec): Hints {
  const tables = new Map<string, QualifiedName>();
  const columns = new Map<string, Map<string, string>>();
  const using = new Map<string, string>();
  const backfill = new Map<string, string>();
  for (const t of spec.tables) {
    const key = objectPath(t.schema, t.name);
    if (t.renamedFrom) tables.set(key, t.renamedFrom.value);
    const renamed = t.columns.filter((c) => c.renamedFrom !== null);
    if (renamed.length > 0) columns.set(key, new Map(renamed.map((c) => [c.name, c.renamedFrom!.value])));
    for (const c of t.columns) {
      if (c.using) using.set(objectPath(t.schema, t.name, c.name), c.using.value);
      if (c.backfill) backfill.set(objectPath(t.schema, t.name, c.name), c.backfill.value);
    }
  }
  const enumValues = new Map<string, Map<string, string>>();
  for (const e of spec.enums) if (e.renames && e.renames.length > 0) enumValues.set(objectPath(e.schema, e.name), new Map(e.renames.map((r) => [r.value, r.from.value])));
  return { tables, columns, ...(using.size > 0 ? { using } : {}), ...(backfill.size > 0 ? { backfill } : {}), ...(enumValues.size > 0 ? { enumValues } : {}) };
}
