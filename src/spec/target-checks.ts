// What only the target can tell about schema.yaml, as diagnostics at their lines: tables the
// tool leaves alone there, and foreign keys between types PostgreSQL cannot compare (known
// once the desired side is spelled). Pure: the target's answers are passed in.
import { objectPath } from '../model/identifiers.js';
import { columnNamed, type Model, type UnmanagedTable } from '../model/model.js';
import { comparableForKey } from '../plan/casts.js';
import type { Diagnostic } from './diagnostics.js';
import type { Spec } from './spec.js';

const a = (kind: string): string => `${/^[aeiou]/.test(kind) ? 'an' : 'a'} ${kind}`;
const label = (t: { readonly schema: string; readonly name: string }): string => (t.schema === 'public' ? t.name : `${t.schema}.${t.name}`);

/**
 * A table of the file that is, in the target, partitioned, a partition or in an inheritance
 * tree: planning it as a plain table would recreate it without what makes it one.
 */
export function unmanagedTableDiagnostics(spec: Spec, unmanaged: readonly UnmanagedTable[]): Diagnostic[] {
  const byPath = new Map(unmanaged.map((u) => [objectPath(u.schema, u.name), u]));
  const out: Diagnostic[] = [];
  const hint = 'remove it from schema.yaml: schema leaves such tables as they are (they are counted in the plan)';
  for (const t of spec.tables) {
    const same = byPath.get(objectPath(t.schema, t.name));
    if (same) {
      out.push({ ...t.pos, code: 'conflict', message: `table "${label(t)}" is ${a(same.kind)} in the database; partitioned tables, partitions and tables with inheritance are not managed yet`, hint });
    }
    const from = t.renamedFrom && byPath.get(objectPath(t.renamedFrom.value.schema, t.renamedFrom.value.name));
    if (from) {
      out.push({
        ...t.renamedFrom!.pos,
        code: 'conflict',
        message: `table "${label(t)}" is renamed from "${label(from)}", ${a(from.kind)} in the database; partitioned tables, partitions and tables with inheritance are not managed yet`,
        hint: 'remove renamed_from (schema leaves such tables as they are)',
      });
    }
  }
  return out;
}

/**
 * A foreign key whose columns and referenced columns have types with no equality operator
 * between them (an enum referencing an integer): PostgreSQL would refuse it at apply.
 */
export function foreignKeyTypeDiagnostics(spec: Spec, desired: Model): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const t of spec.tables) {
    const table = desired.tables[objectPath(t.schema, t.name)];
    for (const fk of t.foreignKeys) {
      const target = desired.tables[objectPath(fk.references.schema, fk.references.table)];
      if (!table || !target) continue;
      fk.columns.forEach((c, i) => {
        const ref = fk.references.columns[i];
        const column = columnNamed(table, c.value);
        const key = ref && columnNamed(target, ref.value);
        if (!column || !key || comparableForKey(column, key)) return;
        const refName = `${label({ schema: fk.references.schema, name: fk.references.table })}.${key.name}`;
        out.push({
          ...fk.pos,
          code: 'bad_reference',
          message: `foreign key "${fk.name}": column "${column.name}" (${column.type}) cannot reference ${refName} (${key.type}): PostgreSQL has no equality operator between these types`,
          hint: `give "${column.name}" the type of ${refName} (${key.type})`,
        });
      });
    }
  }
  return out;
}
