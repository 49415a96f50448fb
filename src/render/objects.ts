// Objects of a Model in a few words each, keyed by the object path plans use: for saying how
// two states of a schema differ ("public.users.name: character varying(100)"). Pure.
import { objectPath, quoteLiteral } from '../model/identifiers.js';
import type { Column, ForeignKey, Index, Model } from '../model/model.js';
import { createPolicySql } from '../model/policy.js';
import { domainBody, type Domain } from '../model/domain.js';
import { attributeList } from '../model/composite.js';
import { objectsOf, type KindObjects, type ModelObject, type ObjectKind } from '../model/objects.js';

const list = (names: readonly string[]): string => `(${names.join(', ')})`;

function column(c: Column): string {
  const identity = c.identity === null ? '' : ` GENERATED ${c.identity === 'always' ? 'ALWAYS' : 'BY DEFAULT'} AS IDENTITY`;
  return `${c.type}${c.nullable ? '' : ' NOT NULL'}${c.default === null ? '' : ` DEFAULT ${c.default}`}${identity}${c.comment === null ? '' : ` (comment ${quoteLiteral(c.comment)})`}`;
}

function index(i: Index): string {
  const keys = i.keys.map((k) => `${k.column ?? k.expression ?? ''}${k.descending ? ' DESC' : ''}`);
  return `${i.unique ? 'UNIQUE ' : ''}INDEX USING ${i.method} ${list(keys)}${i.include.length > 0 ? ` INCLUDE ${list(i.include)}` : ''}${i.nullsNotDistinct ? ' NULLS NOT DISTINCT' : ''}${i.where === null ? '' : ` WHERE ${i.where}`}${i.invalid ? ' (INVALID)' : ''}${i.comment === undefined ? '' : ` (comment ${quoteLiteral(i.comment)})`}`;
}

const foreignKey = (f: ForeignKey): string =>
  `FOREIGN KEY ${list(f.columns)} REFERENCES ${objectPath(f.references.schema, f.references.table)} ${list(f.references.columns)}` +
  `${f.match === 'full' ? ' MATCH FULL' : ''} ON DELETE ${f.onDelete.toUpperCase()}${f.onDeleteColumns ? ` (${f.onDeleteColumns.join(', ')})` : ''} ON UPDATE ${f.onUpdate.toUpperCase()}` +
  `${f.deferrable ? ` DEFERRABLE INITIALLY ${f.initiallyDeferred ? 'DEFERRED' : 'IMMEDIATE'}` : ''}${f.notValid ? ' NOT VALID' : ''}`;

/**
 * Each kind's description for people, by kind: `null` leaves the object out of the comparison
 * (a sequence owned by a column is part of the column, and the diff does not compare it).
 */
const describeDomain = (d: Domain): string => `DOMAIN ${domainBody(d)}${d.comment === null ? '' : ` (comment ${quoteLiteral(d.comment)})`}`;

export const DESCRIBE: { readonly [K in ObjectKind]: (o: KindObjects[K]) => string | null } = {
  schema: () => 'schema',
  extension: (x) => `EXTENSION${x.schema === null ? '' : ` SCHEMA ${x.schema}`}${x.version === null ? '' : ` VERSION ${x.version}`}`,
  enum: (e) => `ENUM (${e.values.map(quoteLiteral).join(', ')})`,
  sequence: (s) =>
    `SEQUENCE AS ${s.type} START ${s.start} INCREMENT ${s.increment} MINVALUE ${s.min} MAXVALUE ${s.max} CACHE ${s.cache}${s.cycle ? ' CYCLE' : ''}` +
    `${s.ownedBy === null ? '' : ` OWNED BY ${objectPath(s.schema, s.ownedBy.table, s.ownedBy.column)}`}`,
  table: (t) => {
    const storage = t.storage
      ? ` with (${Object.entries(t.storage)
          .map(([k, v]) => `${k}=${v}`)
          .join(', ')})`
      : '';
    const r = t.replicaIdentity;
    const identity = r ? ` replica identity ${typeof r === 'object' ? `using index ${r.index}` : r}` : '';
    return `${t.unlogged ? 'unlogged ' : ''}table${t.comment === null ? '' : ` (comment ${quoteLiteral(t.comment)})`}${storage}${identity}`;
  },
  column,
  owned_sequence: () => null,
  primary_key: (k) => `PRIMARY KEY ${list(k.columns)}`,
  unique: (u) => `UNIQUE${u.nullsNotDistinct ? ' NULLS NOT DISTINCT' : ''} ${list(u.columns)}`,
  check: (c) => `${c.definition}${c.notValid ? ' NOT VALID' : ''}`,
  index,
  foreign_key: foreignKey,
  function: (f) => f.definition,
  trigger: (t) => t.definition,
  policy: (p) => createPolicySql(p) + (p.comment === null ? '' : ` (comment ${quoteLiteral(p.comment)})`),
  domain: describeDomain,
  composite_type: (t) => `TYPE AS ${attributeList(t)}${t.comment === null ? '' : ` (comment ${quoteLiteral(t.comment)})`}`,
  view: (v) =>
    `${v.materialized ? 'MATERIALIZED ' : ''}VIEW AS ${v.definition}${v.comment === null ? '' : ` (comment ${quoteLiteral(v.comment)})`}` +
    Object.values(v.materialized?.indexes ?? {})
      .map((i) => `; ${i.name}: ${index(i)}`)
      .join(''),
};

/** `o` described by its kind's entry of DESCRIBE. */
const describe = (o: ModelObject): string | null => (DESCRIBE[o.kind] as (x: ModelObject['object']) => string | null)(o.object);

/** Every object of `model`, as a path and a description; two states differ where these do. */
export function describeObjects(model: Model): Map<string, string> {
  const out = new Map<string, string>();
  for (const o of objectsOf(model)) {
    const text = describe(o);
    if (text !== null) out.set(o.path, text);
  }
  return out;
}

/** The objects whose descriptions are not the same in every one of `models`, sorted. */
export function differingObjects(models: readonly Model[]): string[] {
  const described = models.map(describeObjects);
  const paths = new Set(described.flatMap((d) => [...d.keys()]));
  return [...paths].filter((p) => new Set(described.map((d) => d.get(p) ?? null)).size > 1).sort();
}
