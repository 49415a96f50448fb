// What only the target can tell about schema.yaml, as diagnostics at their lines: tables the
// tool leaves alone there, and foreign keys between types PostgreSQL cannot compare (known
// once the desired side is spelled). Pure: the target's answers are passed in.
import { objectPath } from '../model/identifiers.js';
import { columnNamed, type Model, type TakenName, type UnmanagedTable } from '../model/model.js';
import { comparableForKey } from '../model/type-names.js';
import type { Diagnostic, Position } from './diagnostics.js';
import { nearMiss } from './did-you-mean.js';
import type { Spec } from './spec.js';

const a = (kind: string): string => `${/^[aeiou]/.test(kind) ? 'an' : 'a'} ${kind}`;
const label = (t: { readonly schema: string; readonly name: string }): string => (t.schema === 'public' ? t.name : `${t.schema}.${t.name}`);

/**
 * A table of the file that is, in the target, in an inheritance tree (INHERITS): planning it as
 * a plain table would recreate it without what makes it one.
 */
export function unmanagedTableDiagnostics(spec: Spec, unmanaged: readonly UnmanagedTable[]): Diagnostic[] {
  const byPath = new Map(unmanaged.map((u) => [objectPath(u.schema, u.name), u]));
  const out: Diagnostic[] = [];
  const hint = 'remove it from schema.yaml: schema leaves such tables as they are (they are counted in the plan)';
  for (const t of spec.tables) {
    const same = byPath.get(objectPath(t.schema, t.name));
    if (same) {
      out.push({ ...t.pos, code: 'conflict', message: `table "${label(t)}" is ${a(same.kind)} in the database; tables with inheritance (INHERITS) are not managed yet`, hint });
    }
    const from = t.renamedFrom && byPath.get(objectPath(t.renamedFrom.value.schema, t.renamedFrom.value.name));
    if (from) {
      out.push({
        ...t.renamedFrom!.pos,
        code: 'conflict',
        message: `table "${label(t)}" is renamed from "${label(from)}", ${a(from.kind)} in the database; tables with inheritance (INHERITS) are not managed yet`,
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

/**
 * A `renamed_from` whose source and target names both exist in the target: the rename cannot
 * run (the name is taken), and without it the plan would drop the source and its rows, which
 * the file asked to keep. A target that is itself renamed away in the file is free, and a
 * source the file still defines (the next link of a chain, once applied) is not dropped.
 */
export function renameDiagnostics(spec: Spec, current: Model): Diagnostic[] {
  const out: Diagnostic[] = [];
  const taken = (what: string, from: string, to: string, pos: Position, where: string): void => {
    out.push({
      ...pos,
      code: 'conflict',
      message: `${what} "${to}" is renamed from "${from}", but ${where} has both: "${from}" cannot take the name "${to}" while it is taken, and without the rename the plan would drop "${from}" and its data`,
      hint: `drop or rename the ${what} "${to}" in the database first, or remove renamed_from to keep "${to}" as it is (and drop "${from}")`,
    });
  };
  const defined = new Set(spec.tables.map((t) => objectPath(t.schema, t.name)));
  const renamedAway = new Set(spec.tables.flatMap((t) => (t.renamedFrom ? [objectPath(t.renamedFrom.value.schema, t.renamedFrom.value.name)] : [])));
  for (const t of spec.tables) {
    const key = objectPath(t.schema, t.name);
    const fromKey = t.renamedFrom ? objectPath(t.renamedFrom.value.schema, t.renamedFrom.value.name) : null;
    const from = fromKey === null ? undefined : current.tables[fromKey];
    const blocked = from !== undefined && current.tables[key] !== undefined && !renamedAway.has(key);
    if (blocked && !defined.has(fromKey!)) {
      taken('table', label(from), label(t), t.renamedFrom!.pos, 'the database');
      continue;
    }
    // The table as it is today: under its old name when the rename takes effect.
    const today = (blocked ? undefined : from) ?? current.tables[key];
    if (!today) continue;
    const columns = new Set(t.columns.map((c) => c.name));
    const columnsAway = new Set(t.columns.flatMap((c) => (c.renamedFrom ? [c.renamedFrom.value] : [])));
    for (const c of t.columns) {
      const source = c.renamedFrom?.value;
      if (source === undefined || columns.has(source) || columnsAway.has(c.name) || !columnNamed(today, source) || !columnNamed(today, c.name)) continue;
      taken('column', source, c.name, c.renamedFrom!.pos, `table "${label(today)}" in the database`);
    }
  }
  out.push(...enumValueRenameDiagnostics(spec, current, taken));
  return out;
}

/**
 * A value's `renamed_from` on an enum of the database: the old label must be there (or the new
 * one, once the rename ran), and not both (unless the new one is renamed away in the file too).
 */
function enumValueRenameDiagnostics(spec: Spec, current: Model, taken: (what: string, from: string, to: string, pos: Position, where: string) => void): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const e of spec.enums) {
    const today = current.enums[objectPath(e.schema, e.name)];
    if (!today || !e.renames) continue;
    const away = new Set(e.renames.map((r) => r.from.value));
    // An old label the file still lists is the next link of a chain: once applied, both are there.
    const listed = new Set(e.values.map((v) => v.value));
    for (const r of e.renames) {
      const hasOld = today.values.includes(r.from.value);
      const hasNew = today.values.includes(r.value);
      if (hasOld && hasNew && !away.has(r.value) && !listed.has(r.from.value)) taken('enum value', r.from.value, r.value, r.from.pos, `enum "${label(e)}" in the database`);
      else if (!hasOld && !hasNew)
        out.push({
          ...r.from.pos,
          code: 'bad_reference',
          message: `enum value "${r.value}" is renamed from "${r.from.value}", which enum "${label(e)}" does not have in the database (its values: ${today.values.join(', ')})`,
          hint: `name the value it has today, or remove renamed_from to add "${r.value}" as a new value`,
        });
    }
  }
  return out;
}

/**
 * `using:` on a column whose type the plan does not change (or a column the plan adds): the
 * expression has nothing to convert. A warning: the file stays valid, so `using:` may stay
 * after the revision that changed the type is applied. `desired` is the file as PostgreSQL
 * spelled it, compared with the column of today (under its old name when it is renamed).
 */
export function usingDiagnostics(spec: Spec, current: Model, desired: Model): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const t of spec.tables) {
    const wanted = desired.tables[objectPath(t.schema, t.name)];
    const from = t.renamedFrom ? current.tables[objectPath(t.renamedFrom.value.schema, t.renamedFrom.value.name)] : undefined;
    const today = from ?? current.tables[objectPath(t.schema, t.name)];
    for (const c of t.columns) {
      if (!c.using) continue;
      const was = today && (columnNamed(today, c.renamedFrom?.value ?? c.name) ?? columnNamed(today, c.name));
      const type = wanted && columnNamed(wanted, c.name)?.type;
      if (was && type !== undefined && was.type !== type) continue;
      const why = was ? `the type of ${c.name} does not change` : `${c.name} is a new column, with no values to convert`;
      out.push({ ...c.using.pos, code: 'conflict', severity: 'warning', message: `using has no effect: ${why}`, hint: 'remove `using:` once the revision that changes the type is applied' });
    }
  }
  return out;
}

/**
 * An extension of the file that the database does not have and the server cannot install (not
 * in pg_available_extensions): CREATE EXTENSION would fail at apply.
 */
export function extensionDiagnostics(spec: Spec, installed: Model['extensions'], available: readonly { readonly name: string }[]): Diagnostic[] {
  const names = available.map((a) => a.name);
  const out: Diagnostic[] = [];
  for (const x of spec.extensions ?? []) {
    if (installed?.[x.name] || names.includes(x.name)) continue;
    const near = nearMiss(x.name, names);
    out.push({
      ...x.pos,
      code: 'bad_reference',
      message: `extension "${x.name}" is not available on this server${near === null ? '' : `. Did you mean "${near}"?`}`,
      hint: 'name one of pg_available_extensions, or install its package on the server first',
    });
  }
  return out;
}

/** The roles the policies of the file name (PUBLIC aside): the target must have each. */
export const policyRoleNames = (spec: Spec): string[] => [...new Set(spec.tables.flatMap((t) => (t.policies ?? []).flatMap((p) => p.roles.map((r) => r.value)).filter((r) => r !== 'public')))].sort();

/** A role a policy of the file names that the target does not have: CREATE POLICY would fail. `existing`: those it has, of `policyRoleNames`. */
export function policyRoleDiagnostics(spec: Spec, existing: ReadonlySet<string>): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const t of spec.tables)
    for (const p of t.policies ?? [])
      for (const r of p.roles)
        if (r.value !== 'public' && !existing.has(r.value))
          out.push({
            ...r.pos,
            code: 'bad_reference',
            message: `policy "${p.name}" on table "${label(t)}": role "${r.value}" does not exist in the database`,
            hint: `create the role first (CREATE ROLE ${r.value === r.value.toLowerCase() && /^[a-z_][a-z0-9_]*$/.test(r.value) ? r.value : JSON.stringify(r.value)}), or correct its name: schema does not manage roles`,
          });
  return out;
}

/**
 * A table of the file whose partitioning (`partition_by`) is not the database's: PostgreSQL
 * cannot make a table partitioned, plain again, or change its key in place. Rather than drop it
 * and its rows, the plan is refused (known once the desired side is spelled).
 */
export function partitioningDiagnostics(spec: Spec, desired: Model, current: Model): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const t of spec.tables) {
    const path = objectPath(t.schema, t.name);
    const was = current.tables[path];
    const now = desired.tables[path];
    if (!was || !now || (was.partitionBy ?? null) === (now.partitionBy ?? null)) continue;
    const today = was.partitionBy ? `partitioned by ${was.partitionBy}` : 'not partitioned';
    const wanted = now.partitionBy ? `partitioned by ${now.partitionBy}` : 'not partitioned';
    out.push({
      ...(t.partitionBy?.pos ?? t.pos),
      code: 'conflict',
      message: `table "${label(t)}" is ${today} in the database and ${wanted} in the file: PostgreSQL cannot change how a table is partitioned in place`,
      hint: 'keep its partition_by as it is; to change it, make a new table under another name, move the rows with your own INSERT ... SELECT, then drop the old one and rename the new one (renamed_from)',
    });
  }
  return out;
}
