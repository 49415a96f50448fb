// The Spec's `renamed_from` entries as diff hints.
import { objectPath, type QualifiedName } from '../model/identifiers.js';
import type { Hints } from '../model/hints.js';
import type { Spec } from './spec.js';

export function hintsFromSpec(spec: Spec): Hints {
  const tables = new Map<string, QualifiedName>();
  const columns = new Map<string, Map<string, string>>();
  for (const t of spec.tables) {
    const key = objectPath(t.schema, t.name);
    if (t.renamedFrom) tables.set(key, t.renamedFrom.value);
    const renamed = t.columns.filter((c) => c.renamedFrom !== null);
    if (renamed.length > 0) columns.set(key, new Map(renamed.map((c) => [c.name, c.renamedFrom!.value])));
  }
  return { tables, columns };
}
