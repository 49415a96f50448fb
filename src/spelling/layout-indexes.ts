// The spelling of a file's indexes: which the server must see, their statements, and the shape
// of a plain-column index PostgreSQL would store as written. See layout.ts.
import { checkExclusion } from '../desired/sql-exclusion.js';
import { quoteIdent, quoteLiteral } from '../model/identifiers.js';
import type { Index, IndexKey } from '../model/model.js';
import type { SpecIndex } from '../desired/spec.js';
import { checkExpression } from '../desired/sql-text.js';

/** A failure of a piece in the user's words: the message (the server's follows) and a hint. */
export type Explain = (message: string) => { readonly message: string; readonly hint?: string } | null;

/** The texts of a table a check or index reads: its referenced columns. */
export function referenced_columns(text: string): string[] {
  const checked = checkExpression(text);
  // Not an expression: an exclusion constraint's clause (a check's text of desired/sql-exclusion.ts).
  if (!checked.ok) {
    const exclusion = checkExclusion(text);
    return exclusion.ok ? exclusion.value.filter((r) => r.parts.length === 1).map((r) => r.parts[0]!) : [];
  }
  return checked.ok ? checked.value.filter((r) => r.parts.length === 1).map((r) => r.parts[0]!) : [];
}

/** Expressions or a predicate: text only the server can spell. */
export function indexNeedsExpressions(index: SpecIndex): boolean {
  // Operator classes, collations and storage parameters too: names only the server resolves.
  return index.where !== null || index.with != null || index.keys.some((k) => k.expression !== null || k.opclass != null || k.collation != null);
}

/** What to do about a type with no default operator class for an index method. */
export function operatorClassHint(message: string): ReturnType<Explain> {
  const m = /^data type (.+) has no default operator class for access method "(.+)"$/.exec(message);
  if (!m) return null;
  const [, type, method] = m;
  const how =
    method === 'gin'
      ? `gin has default operator classes for arrays, jsonb and tsvector: for text, index an expression such as { expression: "to_tsvector('simple', column)" }, or use btree`
      : method === 'btree'
        ? `btree indexes and keys need a type with an ordering${type === 'json' ? ' (jsonb has one)' : ''}: change the column's type, or index an expression of such a type`
        : `use another method (btree), or index an expression of a type ${method} has an operator class for`;
  return { message, hint: `${how}; or name an operator class for the key (opclass: gin_trgm_ops, with pg_trgm)` };
}

/** Index keys of at most this many columns (PostgreSQL's INDEX_MAX_KEYS). */
export const MAX_INDEX_KEYS = 32;

/** NULLS NOT DISTINCT as the Model holds it: present only when set. */
export const nullsNotDistinct = (index: SpecIndex): Pick<Index, 'nullsNotDistinct'> => (index.unique && index.nullsNotDistinct ? { nullsNotDistinct: true } : {});

/** A plain-column index, as PostgreSQL would store it: no server needed. */
export function plainIndex(index: SpecIndex): Pick<Index, 'keys' | 'where' | 'include' | 'method' | 'unique' | 'nullsNotDistinct'> {
  const keys: IndexKey[] = index.keys.map((k) => ({
    column: k.column!.value,
    expression: null,
    descending: k.descending,
    nullsFirst: k.nullsFirst ?? k.descending,
  }));
  return { keys, where: null, include: index.include.map((c) => c.value), method: index.method, unique: index.unique, ...nullsNotDistinct(index) };
}

/** The columns an index reads: its column keys, included columns, and those its expressions name. */
export function indexColumns(index: SpecIndex): Set<string> {
  const names = new Set<string>(index.include.map((c) => c.value));
  for (const k of index.keys) {
    if (k.column) names.add(k.column.value);
    else for (const r of referenced_columns(k.expression!.value)) names.add(r);
  }
  if (index.where) for (const r of referenced_columns(index.where.value)) names.add(r);
  return names;
}

export const indexShape = (index: SpecIndex): string =>
  JSON.stringify([
    index.method,
    index.unique && index.nullsNotDistinct,
    index.keys.map((k) => [k.column?.value, k.expression?.value, k.descending, k.nullsFirst, k.opclass?.value, k.collation?.value]),
    index.include.map((c) => c.value),
    index.where?.value,
    index.with?.value,
  ]);

export function indexStatement(index: SpecIndex, table: string, name: string): string {
  const keys = index.keys.map((k) => {
    let key = k.column ? quoteIdent(k.column.value) : `(${k.expression!.value})`;
    if (k.collation) key += ` COLLATE ${k.collation.value}`;
    if (k.opclass) key += ` ${k.opclass.value}`;
    if (k.descending) key += ' DESC';
    if (k.nullsFirst !== null) key += k.nullsFirst ? ' NULLS FIRST' : ' NULLS LAST';
    return key;
  });
  let sql = `CREATE ${index.unique ? 'UNIQUE ' : ''}INDEX ${quoteIdent(name)} ON pg_temp.${quoteIdent(table)} USING ${quoteIdent(index.method)} (${keys.join(', ')})`;
  if (index.include.length > 0) sql += ` INCLUDE (${index.include.map((c) => quoteIdent(c.value)).join(', ')})`;
  if (index.unique && index.nullsNotDistinct) sql += ' NULLS NOT DISTINCT';
  if (index.with)
    sql += ` WITH (${Object.entries(index.with.value)
      .map(([n, v]) => `${quoteIdent(n)} = ${quoteLiteral(v)}`)
      .join(', ')})`;
  if (index.where) sql += ` WHERE (${index.where.value})`;
  return sql;
}
