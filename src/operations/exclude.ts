// Objects that belong to someone else (`exclude:` in the schema file, `--exclude` on plan and
// apply): taken out of the database's side before planning, so that a plan neither changes nor
// drops them (and, the file being forbidden to declare them, never creates them either). The
// schemas holding them count as occupied, so a plan never drops one of those either.
import type { Introspection } from '../introspect/build.js';
import type { Model } from '../model/model.js';
import { selectObjects, selects } from '../model/select.js';

/** `current` without the objects `patterns` match (tables with their triggers, enums, sequences, views, functions). */
export function withoutExcluded(current: Introspection, patterns: readonly string[]): Introspection {
  if (patterns.length === 0) return current;
  const model = current.model;
  const kept = selectObjects(model, { include: [], exclude: patterns }).model;
  const gone = (all: Readonly<Record<string, { readonly schema: string }>> | undefined, left: Readonly<Record<string, unknown>> | undefined): string[] =>
    Object.entries(all ?? {})
      .filter(([k]) => !(k in (left ?? {})))
      .map(([, o]) => o.schema);
  const occupied = new Set([
    ...current.unmanaged.occupiedSchemas,
    ...gone(model.tables, kept.tables),
    ...gone(model.enums, kept.enums),
    ...gone(model.sequences, kept.sequences),
    ...gone(model.views, kept.views),
    ...gone(model.functions, kept.functions),
  ]);
  return { ...current, model: modelWithout(model, patterns), unmanaged: { ...current.unmanaged, occupiedSchemas: [...occupied].sort() } };
}

/** `model` without the objects `patterns` match; its schemas are all kept. */
export function modelWithout(model: Model, patterns: readonly string[]): Model {
  if (patterns.length === 0) return model;
  const kept = selectObjects(model, { include: [], exclude: patterns }).model;
  // Triggers matched by name (those of excluded tables went with them).
  const keeps = selects({ include: [], exclude: patterns });
  const triggers = kept.triggers ? Object.fromEntries(Object.entries(kept.triggers).filter(([, t]) => keeps(t.schema, t.name))) : undefined;
  return { ...kept, schemas: model.schemas, ...(triggers ? { triggers } : {}) };
}

type Keyed = Readonly<Record<string, unknown>> | undefined;

/**
 * `desired` with the objects `found` holds that `kept` left out put back: the state the database
 * is in once the plan has run, excluded objects included (the plan's `fingerprint.to`).
 */
export function withExcludedBack(desired: Model, found: Model, kept: Model): Model {
  const back = <T extends Keyed>(d: T, f: T, k: T): T => {
    const extra = Object.entries(f ?? {}).filter(([key]) => !(key in (k ?? {})));
    return (extra.length === 0 ? d : { ...(d ?? {}), ...Object.fromEntries(extra) }) as T;
  };
  return {
    ...desired,
    tables: back(desired.tables, found.tables, kept.tables),
    enums: back(desired.enums, found.enums, kept.enums),
    ...(found.sequences ? { sequences: back(desired.sequences, found.sequences, kept.sequences) } : {}),
    ...(found.views ? { views: back(desired.views, found.views, kept.views) } : {}),
    ...(found.functions ? { functions: back(desired.functions, found.functions, kept.functions) } : {}),
    ...(found.triggers ? { triggers: back(desired.triggers, found.triggers, kept.triggers) } : {}),
  };
}
