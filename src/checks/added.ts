// Columns the plan adds to tables that exist today. Today's rows hold no value of such a column,
// but the step that adds it decides what they will hold: NULL, its default, or its generation
// expression, the same in every row unless it comes from a sequence or a function evaluated
// row by row. A data check on a key, a foreign key or a check that reads such a column counts
// today's rows as they will be: the table read through a subquery that adds the column with
// that value. Where no value can be known before the step runs, the check says so in words.
import { parseSync } from 'libpg-query';
import type { Db } from '../db/db.js';
import { walkAst } from '../model/ast.js';
import { qualify, quoteIdent } from '../model/identifiers.js';
import type { Measure, Step, TableName } from '../plan/types.js';
import { mayEvaluate } from './immutable.js';

/** A column an add_column step adds: its type, and the SQL of what every existing row gets. */
export interface AddedColumn {
  readonly table: TableName;
  readonly column: string;
  readonly type: string;
  /** The default or the generation expression (SQL, from the file as PostgreSQL spelled it); null for NULL. */
  readonly value: string | null;
  readonly source: 'null' | 'default' | 'generated' | 'identity';
}

const tableKey = (t: TableName): string => qualify(t.schema, t.name);

/** How a measure's query names a table: the table itself, or a subquery adding the plan's new columns. */
export type Source = (t: TableName, alias: string | null) => string;

export const plainly: Source = (t, alias) => (alias === null ? tableKey(t) : `${tableKey(t)} ${alias}`);

/** The text of `text` between two byte offsets (the parser's locations count bytes). */
function slice(text: string, from: number, to?: number): string {
  return Buffer.from(text, 'utf8').subarray(from, to).toString('utf8').trim();
}

type Constraint = { contype?: string; location?: number };

/** The column an `ALTER TABLE ... ADD COLUMN` statement (as the planner writes it) adds; null for any other statement. */
function parseAdd(statement: string): AddedColumn | null {
  let tree: unknown;
  try {
    tree = parseSync(statement);
  } catch {
    return null;
  }
  const alter = (tree as { stmts?: Array<{ stmt?: { AlterTableStmt?: Record<string, unknown> } }> }).stmts?.[0]?.stmt?.AlterTableStmt;
  const relation = alter?.['relation'] as { schemaname?: string; relname?: string } | undefined;
  const cmd = (alter?.['cmds'] as Array<{ AlterTableCmd?: { subtype?: string; def?: { ColumnDef?: Record<string, unknown> } } }> | undefined)?.[0]?.AlterTableCmd;
  const def = cmd?.subtype === 'AT_AddColumn' ? cmd.def?.ColumnDef : undefined;
  if (!relation?.relname || !def) return null;
  const constraints = ((def['constraints'] as Array<{ Constraint?: Constraint }> | undefined) ?? []).map((c) => c.Constraint ?? {});
  const at = constraints.map((c) => c.location ?? -1);
  const typeAt = (def['typeName'] as { location?: number } | undefined)?.location ?? -1;
  if (typeAt < 0 || at.some((l) => l < 0)) return null;
  const type = slice(statement, typeAt, at[0]);
  // Each constraint's text runs to the next one (columnDefinition writes them in this order).
  const segment = (i: number): string => slice(statement, at[i]!, at[i + 1]);
  const table = { schema: relation.schemaname ?? 'public', name: relation.relname };
  const column = String(def['colname']);
  const generated = constraints.findIndex((c) => c.contype === 'CONSTR_GENERATED');
  if (generated >= 0) {
    const m = /^GENERATED\s+ALWAYS\s+AS\s+([\s\S]*)\s+STORED$/i.exec(segment(generated));
    return m ? { table, column, type, value: m[1]!, source: 'generated' } : null;
  }
  if (constraints.some((c) => c.contype === 'CONSTR_IDENTITY')) return { table, column, type, value: null, source: 'identity' };
  const byDefault = constraints.findIndex((c) => c.contype === 'CONSTR_DEFAULT');
  if (byDefault >= 0) {
    const m = /^DEFAULT\s+([\s\S]*)$/i.exec(segment(byDefault));
    return m ? { table, column, type, value: m[1]!, source: 'default' } : null;
  }
  return { table, column, type, value: null, source: 'null' };
}

/** The columns the plan adds, by table. */
export type Added = ReadonlyMap<string, readonly AddedColumn[]>;

/** The columns the add_column steps of `steps` add, by table. */
export function addedColumns(steps: readonly Step[]): Added {
  const out = new Map<string, AddedColumn[]>();
  for (const step of steps) {
    if (step.op !== 'add_column') continue;
    const added = step.sql.map(parseAdd).find((a) => a !== null);
    if (!added) continue;
    const key = tableKey(added.table);
    out.set(key, [...(out.get(key) ?? []), added]);
  }
  return out;
}

/** The column names an expression reads (the last part of every column reference). */
function columnsIn(expression: string, into: Set<string>): void {
  try {
    walkAst(parseSync(`SELECT (${expression}\n)`), (node) => {
      const ref = node['ColumnRef'] as { fields?: Array<{ String?: { sval?: string } }> } | undefined;
      const last = ref?.fields?.at(-1)?.String?.sval;
      if (last) into.add(last);
    });
  } catch {
    // An expression this parser cannot read: no column is known to be read.
  }
}

/** The column names a measure reads: its columns and those its expressions name (not the names its query makes up). */
export function columnsRead(m: Measure): ReadonlySet<string> {
  const names = new Set<string>();
  switch (m.kind) {
    case 'rows':
      break;
    case 'values':
    case 'nulls':
    case 'conversion':
      names.add(m.column);
      break;
    case 'where':
      for (const e of [m.condition, m.example]) if (e) columnsIn(e, names);
      break;
    case 'duplicates':
      for (const e of [...m.keys, m.condition]) if (e) columnsIn(e, names);
      break;
    case 'backfill':
      names.add(m.column);
      columnsIn(m.expression, names);
      break;
    case 'orphans':
      for (const c of [...m.columns, ...m.referenced_columns]) names.add(c);
      break;
  }
  return names;
}

/** Of the columns the plan adds to `t`, those `read` names and the table does not have today. */
export async function newColumnsRead(db: Db, t: TableName, added: ReadonlyMap<string, readonly AddedColumn[]>, read: ReadonlySet<string>): Promise<AddedColumn[]> {
  const candidates = (added.get(tableKey(t)) ?? []).filter((a) => read.has(a.column));
  if (candidates.length === 0) return [];
  const rows = await db.query<{ name: string }>('SELECT a.attname AS name FROM pg_catalog.pg_attribute a WHERE a.attrelid = pg_catalog.to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped', [tableKey(t)]);
  const today = new Set(rows.map((r) => r.name));
  return candidates.filter((a) => !today.has(a.column));
}

const path = (a: AddedColumn): string => `${tableKey(a.table)}.${quoteIdent(a.column)}`;

/** Why no figure can be given before the step runs; null when every row's value is known. */
export function unknowable(a: AddedColumn): string | null {
  if (a.source === 'identity') return `${path(a)} is added by this plan as an identity column: each row gets its own value from a new sequence when the step runs, so today's rows have no value of it to count`;
  if (a.source === 'default' && /\bnextval\s*\(/i.test(a.value ?? ''))
    return `${path(a)} is added by this plan with the default ${a.value}: each row gets its own value from the sequence when the step runs, so today's rows have no value of it to count`;
  return null;
}

/** Why a default or generation expression that is not immutable gives no figure. */
export const notComputable = (a: AddedColumn): string =>
  `${path(a)} is added by this plan and filled in by ${a.source === 'generated' ? 'its generation expression' : 'its default'} ${a.value}, which is computed only when the step runs, so today's rows have no value of it to count`;

/** How the figure was counted: "public.x.order_id, which this plan adds, is NULL in every row". */
export function assumedWords(columns: readonly AddedColumn[]): string {
  return columns
    .map((a) => {
      const what = a.source === 'null' ? 'NULL in every row' : a.source === 'generated' ? `computed by its generation expression ${a.value}` : `its default ${a.value} in every row`;
      return `${path(a)}, which this plan adds, counted with ${what}`;
    })
    .join('; ');
}

/** The table as its rows will be once the columns are added: a subquery naming it `alias`. */
export function withColumns(t: TableName, columns: readonly AddedColumn[], alias: string): string {
  const extra = columns.map((a) => `CAST(${a.value === null ? 'NULL' : `(${a.value}\n)`} AS ${a.type}) AS ${quoteIdent(a.column)}`);
  return `(SELECT *, ${extra.join(', ')} FROM ${tableKey(t)}) AS ${alias}`;
}

/** Whether every added column's type exists today (a type the plan creates does not yet). */
export async function typesExist(db: Db, columns: readonly AddedColumn[]): Promise<AddedColumn | null> {
  for (const a of columns) {
    const [r] = await db.query<{ t: string | null }>('SELECT pg_catalog.to_regtype($1)::text AS t', [a.type]);
    if (!r?.t) return a;
  }
  return null;
}

/** "the type T of public.x.c is created by this plan": why a column of a new type gives no figure. */
export const newTypeWords = (a: AddedColumn): string => `${path(a)} is added by this plan with the type ${a.type}, which does not exist yet, so today's rows cannot be counted as they will be`;

/**
 * The columns the plan adds that `m` reads (checks/added.ts), with the source reading its
 * tables as they will be; or, where today's rows cannot tell, why not in words.
 */
export async function withAdded(db: Db, m: Measure, read: ReadonlySet<string>, added: Added, timeoutMs: number): Promise<{ source: Source; columns: AddedColumn[] } | { reason: string }> {
  if (added.size === 0) return { source: plainly, columns: [] };
  const tables = m.kind === 'orphans' && m.references ? [m.table, m.references] : [m.table];
  const byTable = new Map<string, AddedColumn[]>();
  for (const t of tables) byTable.set(tableKey(t), await newColumnsRead(db, t, added, read));
  const columns = [...byTable.values()].flat();
  for (const a of columns) {
    const why = unknowable(a);
    if (why) return { reason: why };
  }
  const missingType = await typesExist(db, columns);
  if (missingType) return { reason: newTypeWords(missingType) };
  for (const a of columns) {
    if (a.value === null) continue;
    const verdict = await mayEvaluate(db, a.table, [a.value], timeoutMs);
    if (!verdict.ok) return { reason: notComputable(a) };
  }
  const source: Source = (t, alias) => {
    const extra = byTable.get(tableKey(t)) ?? [];
    return extra.length === 0 ? plainly(t, alias) : withColumns(t, extra, alias ?? quoteIdent(t.name));
  };
  return { source, columns };
}
