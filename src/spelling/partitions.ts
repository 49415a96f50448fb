// Partition keys and bounds of the file, spelled by the server in the spelling transaction: each
// partitioned table is made as a temporary one with the desired types of its columns and its
// key (one statement on the extended protocol, under a savepoint, names read in the schema of
// the table), each partition as a temporary partition of it with its bound, and both are read
// back as introspection reads the database's: pg_get_partkeydef and pg_get_expr(relpartbound)
// under an empty search_path. Everything is rolled back with the transaction. A partition's
// columns are its parent's: the Model leaves them out once its own checks and indexes are spelled.
import { objectPath, qualify, quoteIdent } from '../model/identifiers.js';
import type { Model, Table } from '../model/model.js';
import type { Diagnostic } from '../desired/diagnostics.js';
import type { Spec, SpecTable } from '../desired/spec.js';
import type { Db } from '../db/db.js';
import { attempt } from './attempt.js';

/** A lock not granted in time: the server's, not a fault of the file. */
const LOCK_NOT_AVAILABLE = '55P03';

/** Parents before their partitions. */
function parentsFirst(tables: readonly SpecTable[]): SpecTable[] {
  const byPath = new Map(tables.map((t) => [objectPath(t.schema, t.name), t]));
  const out: SpecTable[] = [];
  const seen = new Set<string>();
  const visit = (t: SpecTable): void => {
    const key = objectPath(t.schema, t.name);
    if (seen.has(key)) return;
    seen.add(key);
    const parent = t.partitionOf && byPath.get(objectPath(t.partitionOf.schema, t.partitionOf.table));
    if (parent) visit(parent);
    out.push(t);
  };
  tables.filter((t) => t.partitionBy || t.partitionOf).forEach(visit);
  return out.filter((t) => t.partitionBy || t.partitionOf);
}

/** The desired tables with their keys and bounds as the server spells them, partitions without columns. Problems are diagnostics at the text. */
export async function spellPartitions(db: Db, spec: Spec, desired: Model): Promise<{ tables: Model['tables']; diagnostics: Diagnostic[] }> {
  const ordered = parentsFirst(spec.tables);
  if (ordered.length === 0) return { tables: desired.tables, diagnostics: [] };
  const tables: Record<string, Table> = { ...desired.tables };
  const diagnostics: Diagnostic[] = [];
  /** Desired object path -> its temporary stand-in, once made. */
  const made = new Map<string, string>();
  const names = new Map<string, string>();
  const inUserWords = (message: string): string => [...names].reduce((m, [temp, user]) => m.replaceAll(temp, user), message);
  let n = 0;
  for (const t of ordered) {
    const key = objectPath(t.schema, t.name);
    const table = tables[key];
    if (!table) continue;
    const temp = `schema_part_spell_${++n}`;
    names.set(temp, t.name);
    let statement: string;
    if (t.partitionOf) {
      const parent = made.get(objectPath(t.partitionOf.schema, t.partitionOf.table));
      if (!parent) continue; // its parent did not spell: said there
      statement = `CREATE TEMPORARY TABLE ${quoteIdent(temp)} PARTITION OF pg_temp.${quoteIdent(parent)} ${t.partitionOf.bound.value}`;
    } else {
      const columns = table.columns.map((c) => `${quoteIdent(c.name)} ${c.type}${c.nullable ? '' : ' NOT NULL'}`);
      statement = `CREATE TEMPORARY TABLE ${quoteIdent(temp)} (${columns.join(', ')})`;
    }
    if (t.partitionBy) statement += ` PARTITION BY ${t.partitionBy.value}`;
    const tried = await attempt(
      db,
      'spelling_partition',
      async () => {
        await db.query(`SET LOCAL search_path = ${quoteIdent(t.schema)}`);
        await db.query(statement);
        await db.query("SET LOCAL search_path = ''");
        const rows = await db.query<{ key: string | null; bound: string | null }>(
          `SELECT CASE WHEN c.relkind = 'p' THEN pg_catalog.pg_get_partkeydef(c.oid) END AS key, pg_catalog.pg_get_expr(c.relpartbound, c.oid) AS bound
            FROM pg_catalog.pg_class c WHERE c.oid = $1::regclass`,
          [qualify('pg_temp', temp)],
        );
        return rows[0] ?? { key: null, bound: null };
      },
      { keep: true, alsoNotTheFile: [LOCK_NOT_AVAILABLE] },
    );
    if (!tried.ok) {
      const pos = t.partitionOf ? t.partitionOf.bound.pos : t.partitionBy!.pos;
      diagnostics.push({
        ...pos,
        file: pos.file || spec.file,
        code: 'bad_expression',
        message: `${t.partitionOf ? 'partition' : 'partitioned table'} "${key}": ${inUserWords(tried.message)}`,
        hint: t.partitionOf
          ? `the server refuses this bound: correct it (its values are of the types of the key of ${objectPath(t.partitionOf.schema, t.partitionOf.table)}, and bounds of partitions must not overlap)`
          : `the server refuses this partition key: correct it (names are read in schema "${t.schema}", the schema of the table)`,
      });
      continue;
    }
    made.set(key, temp);
    tables[key] = {
      ...table,
      ...(t.partitionOf ? { columns: [], partitionOf: { schema: t.partitionOf.schema, table: t.partitionOf.table, bound: tried.value.bound ?? t.partitionOf.bound.value } } : {}),
      ...(t.partitionBy ? { partitionBy: tried.value.key ?? t.partitionBy.value } : {}),
    };
  }
  return { tables, diagnostics };
}
