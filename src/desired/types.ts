// `types:` of schema.yaml -> the Spec's composite types: a type's name (or schema.name), its
// `attributes` (name -> type, in order, each type checked as a column's is) and `comment`. The
// server spells the types in the spelling transaction (spelling/domains.ts). Never touches a
// database. A file without `types:` leaves the database's composite types as they are.
import type { Position } from './diagnostics.js';
import type { DomainHooks } from './domains.js';
import type { Json, JsonMap } from './load-names.js';
import { entriesAsWritten } from './names.js';
import type { Located } from './spec.js';
import { blankComments } from './sql-text.js';

export interface SpecCompositeType {
  readonly schema: string;
  readonly name: string;
  readonly pos: Position;
  /** In order; each type as written (checked to be one type name). */
  readonly attributes: readonly { readonly name: string; readonly type: Located<string> }[];
  readonly comment: string | null;
}

const isMap = (v: Json): v is JsonMap => typeof v === 'object' && v !== null && !Array.isArray(v);
const isString = (v: Json): v is string => typeof v === 'string';

/** The Spec's `types` from `types:`; nothing when the file has no such key. */
export function readCompositeTypes(raw: Json, h: DomainHooks): { types?: SpecCompositeType[] } {
  if (raw === undefined) return {};
  const out: SpecCompositeType[] = [];
  for (const [rawName, value] of entriesAsWritten(isMap(raw) ? raw : {})) {
    const path = ['types', rawName];
    const q = h.qualifiedKey(path, rawName, 'type');
    if (q === null || !isMap(value)) continue;
    const pos = h.map.key(path);
    h.claimType(q.schema, q.name, pos, 'type');
    const attributes: { name: string; type: Located<string> }[] = [];
    const attrs = isMap(value['attributes']) ? value['attributes'] : {};
    for (const [name, type] of entriesAsWritten(attrs)) {
      const apath = [...path, 'attributes', name];
      if (!h.checkName(name, h.map.key(apath), 'attribute') || !isString(type)) continue;
      if (h.resolveType(type, apath) === null) continue;
      attributes.push({ name, type: { value: blankComments(type), pos: h.map.value(apath) } });
    }
    out.push({ schema: q.schema, name: q.name, pos, attributes, comment: isString(value['comment']) ? value['comment'] : null });
  }
  return { types: out };
}
