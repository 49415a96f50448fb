// A table's own settings as SQL: its comment, LOGGED or UNLOGGED, storage parameters and replica
// identity. Names only through quoteIdent/qualify; values as literals.
import { qualify, quoteIdent, quoteLiteral } from '../model/identifiers.js';
import { sameReplicaIdentity, type Table } from '../model/model.js';

type Named = { readonly schema: string; readonly name: string };
const alterTable = (t: Named): string => `ALTER TABLE ${qualify(t.schema, t.name)}`;

export const commentText = (comment: string | null): string => (comment === null ? 'NULL' : quoteLiteral(comment));
export const commentOnTable = (t: Named, comment: string | null): string => `COMMENT ON TABLE ${qualify(t.schema, t.name)} IS ${commentText(comment)}`;

/** Storage parameters as `WITH (...)` lists them: each name quoted (`toast.` apart), each value a literal. */
const storageName = (name: string): string => name.split('.').map(quoteIdent).join('.');
export const storageList = (storage: Readonly<Record<string, string>>): string =>
  Object.entries(storage)
    .map(([k, v]) => `${storageName(k)} = ${quoteLiteral(v)}`)
    .join(', ');

/** A table's own settings, from `from` to `to`: comment, LOGGED or UNLOGGED, storage parameters set and reset. */
export function alterTableSettings(from: Table, to: Table): string[] {
  const out: string[] = [];
  if (from.unlogged !== to.unlogged) out.push(`${alterTable(to)} SET ${to.unlogged ? 'UNLOGGED' : 'LOGGED'}`);
  const before = from.storage ?? {};
  const after = to.storage ?? {};
  const set = Object.fromEntries(Object.entries(after).filter(([k, v]) => before[k] !== v));
  const reset = Object.keys(before).filter((k) => after[k] === undefined);
  if (Object.keys(set).length > 0) out.push(`${alterTable(to)} SET (${storageList(set)})`);
  if (reset.length > 0) out.push(`${alterTable(to)} RESET (${reset.map(storageName).join(', ')})`);
  if (!sameReplicaIdentity(from.replicaIdentity, to.replicaIdentity)) {
    const r = to.replicaIdentity;
    out.push(`${alterTable(to)} REPLICA IDENTITY ${r === undefined ? 'DEFAULT' : typeof r === 'object' ? `USING INDEX ${quoteIdent(r.index)}` : r.toUpperCase()}`);
  }
  if (from.comment !== to.comment) out.push(commentOnTable(to, to.comment));
  return out;
}
