// Objects of a Model in a few words each, keyed by the object path plans use: for saying how
// two states of a schema differ ("public.users.name: character varying(100)"). Pure.
import { objectPath, quoteLiteral } from '../model/identifiers.js';
import type { Column, ForeignKey, Index, Model } from '../model/model.js';

const list = (names: readonly string[]): string => `(${names.join(', ')})`;

function column(c: Column): string {
  const identity = c.identity === null ? '' : ` GENERATED ${c.identity === 'always' ? 'ALWAYS' : 'BY DEFAULT'} AS IDENTITY`;
  return `${c.type}${c.nullable ? '' : ' NOT NULL'}${c.default === null ? '' : ` DEFAULT ${c.default}`}${identity}${c.comment === null ? '' : ` (comment ${quoteLiteral(c.comment)})`}`;
}

function index(i: Index): string {
  const keys = i.keys.map((k) => `${k.column ?? k.expression ?? ''}${k.descending ? ' DESC' : ''}`);
  return `${i.unique ? 'UNIQUE ' : ''}INDEX USING ${i.method} ${list(keys)}${i.include.length > 0 ? ` INCLUDE ${list(i.include)}` : ''}${i.nullsNotDistinct ? ' NULLS NOT DISTINCT' : ''}${i.where === null ? '' : ` WHERE ${i.where}`}${i.invalid ? ' (INVALID)' : ''}`;
}

const foreignKey = (f: ForeignKey): string =>
  `FOREIGN KEY ${list(f.columns)} REFERENCES ${objectPath(f.references.schema, f.references.table)} ${list(f.references.columns)}` +
  `${f.match === 'full' ? ' MATCH FULL' : ''} ON DELETE ${f.onDelete.toUpperCase()} ON UPDATE ${f.onUpdate.toUpperCase()}` +
  `${f.deferrable ? ` DEFERRABLE INITIALLY ${f.initiallyDeferred ? 'DEFERRED' : 'IMMEDIATE'}` : ''}${f.notValid ? ' NOT VALID' : ''}`;

/** Every object of `model`, as a path and a description; two states differ where these do. */
export function describeObjects(model: Model): Map<string, string> {
  const out = new Map<string, string>();
  for (const s of model.schemas) out.set(objectPath(s), 'schema');
  for (const [path, e] of Object.entries(model.enums)) out.set(path, `ENUM (${e.values.map(quoteLiteral).join(', ')})`);
  for (const [path, t] of Object.entries(model.tables)) {
    out.set(path, `table${t.comment === null ? '' : ` (comment ${quoteLiteral(t.comment)})`}`);
    const member = (name: string) => objectPath(t.schema, t.name, name);
    for (const c of t.columns) out.set(member(c.name), column(c));
    if (t.primaryKey) out.set(member(t.primaryKey.name), `PRIMARY KEY ${list(t.primaryKey.columns)}`);
    for (const u of Object.values(t.uniques)) out.set(member(u.name), `UNIQUE${u.nullsNotDistinct ? ' NULLS NOT DISTINCT' : ''} ${list(u.columns)}`);
    for (const c of Object.values(t.checks)) out.set(member(c.name), `${c.definition}${c.notValid ? ' NOT VALID' : ''}`);
    for (const i of Object.values(t.indexes)) out.set(member(i.name), index(i));
    for (const f of Object.values(t.foreignKeys)) out.set(member(f.name), foreignKey(f));
  }
  return out;
}

/** The objects whose descriptions are not the same in every one of `models`, sorted. */
export function differingObjects(models: readonly Model[]): string[] {
  const described = models.map(describeObjects);
  const paths = new Set(described.flatMap((d) => [...d.keys()]));
  return [...paths].filter((p) => new Set(described.map((d) => d.get(p) ?? null)).size > 1).sort();
}
