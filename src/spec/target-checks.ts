// What only the target can tell about schema.yaml, as diagnostics at their lines: tables the
// tool leaves alone there, and foreign keys between types PostgreSQL cannot compare (known
// once the desired side is spelled). Pure: the target's answers are passed in.
import { objectPath } from '../model/identifiers.js';
import { columnNamed, type Model, type TakenName, type UnmanagedTable } from '../model/model.js';
import { comparableForKey } from '../plan/casts.js';
import type { Diagnostic, Position } from './diagnostics.js';
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
 * A table, enum, index or key of the file whose name an object the tool does not manage holds
 * in the database (a view, a sequence, a domain, an extension's table...): creating it would
 * fail at apply. Tables share their names with relations and types, enums with types, indexes
 * and keys with relations. Tables the database has as partitioned or inheritance tables are
 * reported by unmanagedTableDiagnostics.
 */
export function takenNameDiagnostics(spec: Spec, taken: readonly TakenName[], unmanagedTables: readonly UnmanagedTable[]): Diagnostic[] {
  const leftAlone = new Set(unmanagedTables.map((u) => objectPath(u.schema, u.name)));
  const relations = new Map<string, TakenName>();
  const types = new Map<string, TakenName>();
  for (const t of taken) {
    const path = objectPath(t.schema, t.name);
    if (t.relation && !relations.has(path)) relations.set(path, t);
    if (t.type && !types.has(path)) types.set(path, t);
  }
  const out: Diagnostic[] = [];
  const clash = (what: string, pos: Position, holder: TakenName): void => {
    const name = objectPath(holder.schema, holder.name);
    out.push({
      ...pos,
      code: 'conflict',
      message: `${what}: the database has ${a(holder.kind)} ${name}, which schema does not manage`,
      hint: `drop or rename ${holder.kind} ${name} in the database first, or choose another name`,
    });
  };
  for (const e of spec.enums) {
    const holder = types.get(objectPath(e.schema, e.name));
    if (holder) clash(`enum "${label(e)}" cannot be created`, e.pos, holder);
  }
  for (const t of spec.tables) {
    const path = objectPath(t.schema, t.name);
    const holder = relations.get(path) ?? types.get(path);
    if (holder && !leftAlone.has(path)) clash(`table "${label(t)}" cannot be created`, t.pos, holder);
    // A key's index takes the key's name.
    const keys = [
      ...(t.primaryKey ? [{ what: `primary key "${t.primaryKey.name}" cannot be created (its index takes that name)`, ...t.primaryKey }] : []),
      ...t.uniques.map((u) => ({ what: `unique constraint "${u.name}" cannot be created (its index takes that name)`, ...u })),
      ...t.indexes.map((i) => ({ what: `index "${i.name}" cannot be created`, ...i })),
    ];
    for (const k of keys) {
      const relation = relations.get(objectPath(t.schema, k.name));
      if (relation) clash(k.what, k.pos, relation);
    }
  }
  return out;
}

/**
 * What the file asks of a server too old to do it: NULLS NOT DISTINCT (unique constraints and
 * unique indexes) needs PostgreSQL 15; an older server would refuse it only at apply.
 */
export function serverVersionDiagnostics(spec: Spec, serverVersion: number): Diagnostic[] {
  if (serverVersion >= 150000) return [];
  const major = Math.floor(serverVersion / 10000);
  const out: Diagnostic[] = [];
  for (const t of spec.tables) {
    const asked = [
      ...t.uniques.filter((u) => u.nullsNotDistinct).map((u) => ({ what: `unique constraint "${u.name}"`, pos: u.pos })),
      ...t.indexes.filter((i) => i.unique && i.nullsNotDistinct).map((i) => ({ what: `index "${i.name}"`, pos: i.pos })),
    ];
    for (const a of asked) {
      out.push({
        ...a.pos,
        code: 'conflict',
        message: `${a.what}: nulls_not_distinct needs PostgreSQL 15 or later, and this server is PostgreSQL ${major}`,
        hint: 'remove nulls_not_distinct (NULLs then never collide), or upgrade the server',
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
