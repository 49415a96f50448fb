// Choosing part of a Model by name patterns (`--include`, `--exclude`): `*` matches any run of
// characters, `?` one; a pattern with no dot matches the name in any schema.
import { objectPath } from './identifiers.js';
import type { Model, Table } from './model.js';
import { schemasInUse } from './objects.js';
import { qualifiedTypeOf } from './domain.js';

export interface Selection {
  readonly include: readonly string[];
  readonly exclude: readonly string[];
}

export interface Selected {
  readonly model: Model;
  /** What the choice left dangling: a foreign key to a table left out, a column of an enum left out. */
  readonly notes: readonly { readonly object: string; readonly message: string }[];
}

function compile(pattern: string): (schema: string, name: string) => boolean {
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    's',
  );
  if (!pattern.includes('.')) return (_schema, name) => re.test(name);
  return (schema, name) => re.test(`${schema}.${name}`);
}

/** Whether `schema.name` is chosen by `selection`. */
export function selects(selection: Selection): (schema: string, name: string) => boolean {
  const include = selection.include.map(compile);
  const exclude = selection.exclude.map(compile);
  return (schema, name) => (include.length === 0 || include.some((m) => m(schema, name))) && !exclude.some((m) => m(schema, name));
}

/** The tables (with their triggers, policies and row-level security), enums, domains, composite types, sequences, views and functions `selection` chooses, and every extension; foreign keys to tables it leaves out are left out too. */
export function selectObjects(model: Model, selection: Selection): Selected {
  if (selection.include.length === 0 && selection.exclude.length === 0) return { model, notes: [] };
  const chosen = selects(selection);
  const notes: { object: string; message: string }[] = [];
  const tables = Object.fromEntries(Object.entries(model.tables).filter(([, t]) => chosen(t.schema, t.name)));
  const enums = Object.fromEntries(Object.entries(model.enums).filter(([, e]) => chosen(e.schema, e.name)));
  const domains = Object.fromEntries(Object.entries(model.domains ?? {}).filter(([, d]) => chosen(d.schema, d.name)));
  const types = Object.fromEntries(Object.entries(model.types ?? {}).filter(([, t]) => chosen(t.schema, t.name)));
  const kept = (t: Table): Table => {
    const foreignKeys = Object.fromEntries(
      Object.entries(t.foreignKeys).filter(([name, fk]) => {
        const inside = objectPath(fk.references.schema, fk.references.table) in tables;
        if (!inside) notes.push({ object: `${objectPath(t.schema, t.name)}.${name}`, message: `left out: it references ${objectPath(fk.references.schema, fk.references.table)}, which is not pulled` });
        return inside;
      }),
    );
    for (const c of t.columns) {
      if (c.typeRef && model.enums[objectPath(c.typeRef.schema, c.typeRef.name)] && !(objectPath(c.typeRef.schema, c.typeRef.name) in enums)) {
        notes.push({ object: `${objectPath(t.schema, t.name)}.${c.name}`, message: `its type ${objectPath(c.typeRef.schema, c.typeRef.name)} is an enum that is not pulled: add it with --include` });
      }
      const d = qualifiedTypeOf(c.type);
      if (d && model.domains?.[objectPath(d.schema, d.name)] && !(objectPath(d.schema, d.name) in domains)) {
        notes.push({ object: `${objectPath(t.schema, t.name)}.${c.name}`, message: `its type ${objectPath(d.schema, d.name)} is a domain that is not pulled: add it with --include` });
      }
    }
    return { ...t, foreignKeys };
  };
  const keptTables = Object.fromEntries(Object.entries(tables).map(([k, t]) => [k, kept(t)]));
  const sequences = Object.fromEntries(
    Object.entries(model.sequences ?? {})
      .filter(([, q]) => chosen(q.schema, q.name))
      .map(([k, q]) => {
        if (!q.ownedBy || objectPath(q.schema, q.ownedBy.table) in keptTables) return [k, q];
        notes.push({ object: k, message: `written without owned_by: it belongs to ${objectPath(q.schema, q.ownedBy.table)}.${q.ownedBy.column}, which is not pulled` });
        return [k, { ...q, ownedBy: null }];
      }),
  );
  // Extensions are not in a schema's namespace: the patterns do not choose them, and all are kept (what is pulled may use their types).
  const views = Object.fromEntries(Object.entries(model.views ?? {}).filter(([, v]) => chosen(v.schema, v.name)));
  for (const [k, v] of Object.entries(views)) {
    const missing = v.uses.find((u) => !(objectPath(u.schema, u.name) in keptTables) && !(objectPath(u.schema, u.name) in views));
    if (missing) notes.push({ object: k, message: `it reads ${objectPath(missing.schema, missing.name)}, which is not pulled: the plan would drop that first` });
  }
  const functions = Object.fromEntries(Object.entries(model.functions ?? {}).filter(([, f]) => chosen(f.schema, f.name)));
  // A trigger goes with its table.
  const triggers = Object.fromEntries(Object.entries(model.triggers ?? {}).filter(([, t]) => objectPath(t.schema, t.table) in keptTables));
  // Policies and row-level security go with their table too.
  const policies = Object.fromEntries(Object.entries(model.policies ?? {}).filter(([, p]) => objectPath(p.schema, p.table) in keptTables));
  const rowSecurity = Object.fromEntries(Object.entries(model.rowSecurity ?? {}).filter(([path]) => path in keptTables));
  const selected: Model = {
    schemas: [],
    enums,
    tables: keptTables,
    ...(model.sequences ? { sequences } : {}),
    ...(model.extensions ? { extensions: model.extensions } : {}),
    ...(model.views ? { views } : {}),
    ...(model.functions ? { functions } : {}),
    ...(model.triggers ? { triggers } : {}),
    ...(model.policies ? { policies } : {}),
    ...(model.rowSecurity ? { rowSecurity } : {}),
    ...(model.domains ? { domains } : {}),
    ...(model.types ? { types } : {}),
  };
  const used = schemasInUse(selected);
  return { model: { ...selected, schemas: model.schemas.filter((s) => used.has(s) || selection.include.some((p) => p === s)) }, notes };
}
