// The pairs as people and the tool read them: schema.yaml, INSERT statements, a description of a
// pair, and which of A's columns B leaves alone.
import { Document, isMap, isScalar, visit } from 'yaml';
import { qualify, quoteIdent, quoteLiteral } from '../../../src/model/identifiers.js';
import { colOf, day, qualified, sameType, typeText, type CheckDef, type Pair, type Row, type Schema, type Tab, type Type } from './model.js';

function checkSql(c: CheckDef, t: Tab): string {
  const col = quoteIdent(colOf(t, c.col).name);
  switch (c.kind) {
    case 'min':
      return `${col} >= ${c.n}`;
    case 'max_len':
      return `length(${col}) <= ${c.n}`;
    case 'not_empty':
      return `${col} <> ''`;
    case 'after':
      return `${col} >= ${quoteLiteral(day(c.n))}`;
    case 'not_null':
      return `${col} IS NOT NULL`;
  }
}

/** schema.yaml for `s`; with `before`, what B renamed is `renamed_from` A's name. */
export function toYaml(s: Schema, before?: Schema): string {
  const doc: Record<string, unknown> = {};
  if (s.enums.length > 0) doc['enums'] = Object.fromEntries(s.enums.map((e) => [e.name, e.values]));
  const tables: Record<string, unknown> = {};
  for (const t of s.tables) {
    const was = before?.tables.find((x) => x.id === t.id);
    const entry: Record<string, unknown> = {};
    // An unqualified renamed_from names a table of the table's own schema.
    if (was && qualified(was) !== qualified(t)) entry['renamed_from'] = was.schema === t.schema ? was.name : `${was.schema}.${was.name}`;
    const names = (cols: readonly number[]): string[] => cols.map((c) => colOf(t, c).name);
    const columns: Record<string, unknown> = {};
    for (const c of t.columns) {
      const col: Record<string, unknown> = { type: typeText(c.type, s.enums) };
      const old = was?.columns.find((x) => x.id === c.id);
      if (old && old.name !== c.name) col['renamed_from'] = old.name;
      if (!c.nullable) col['nullable'] = false;
      if (c.def) col['default'] = 'sql' in c.def ? { sql: c.def.sql } : c.def.literal;
      if (t.pk?.shorthand && t.pk.cols.length === 1 && t.pk.cols[0] === c.id) col['primary_key'] = true;
      if (t.uniques.some((u) => u.shorthand && u.cols[0] === c.id)) col['unique'] = true;
      columns[c.name] = Object.keys(col).length === 1 ? col['type'] : col;
    }
    entry['columns'] = columns;
    if (t.pk && !(t.pk.shorthand && t.pk.cols.length === 1)) entry['primary_key'] = names(t.pk.cols);
    const uniques = t.uniques.filter((u) => !u.shorthand);
    if (uniques.length > 0) entry['unique'] = Object.fromEntries(uniques.map((u) => [u.name, names(u.cols)]));
    if (t.checks.length > 0) entry['checks'] = Object.fromEntries(t.checks.map((c) => [c.name, checkSql(c, t)]));
    if (t.indexes.length > 0) {
      entry['indexes'] = Object.fromEntries(
        t.indexes.map((ix) => [
          ix.name,
          {
            columns: names(ix.cols).map((n) => (ix.desc ? { column: n, order: 'desc' } : n)),
            ...(ix.unique ? { unique: true } : {}),
            ...(ix.partial ? { where: `${quoteIdent(colOf(t, ix.cols[0]!).name)} IS NOT NULL` } : {}),
          },
        ]),
      );
    }
    if (t.fks.length > 0) {
      entry['foreign_keys'] = Object.fromEntries(
        t.fks.map((f) => {
          const parent = s.tables.find((x) => x.id === f.parent)!;
          const refs = f.parentCols.map((c) => colOf(parent, c).name);
          return [f.name, { columns: names(f.cols), references: { table: qualified(parent), columns: refs }, ...(f.onDelete !== 'no_action' ? { on_delete: f.onDelete } : {}) }];
        }),
      );
    }
    tables[qualified(t)] = entry;
  }
  doc['tables'] = tables;
  // Block style down to each column, key, check, index and foreign key; flow style inside them.
  const yaml = new Document(doc);
  visit(yaml, {
    Seq: (_key, node) => void (node.flow = true),
    Map: (_key, node) => {
      if (node.items.some((item) => isScalar(item.key) && ['type', 'columns', 'sql'].includes(String(item.key.value)) && !isMap(item.value))) node.flow = true;
    },
  });
  return yaml.toString({ lineWidth: 0 });
}

/** INSERT statements for A's rows, parents first; unqualified names read in `public`. */
export function insertSql(a: Schema, rows: ReadonlyMap<number, readonly Row[]>): string[] {
  const out: string[] = [];
  for (const t of a.tables) {
    const list = rows.get(t.id) ?? [];
    if (list.length === 0) continue;
    const cols = t.columns.map((c) => quoteIdent(c.name)).join(', ');
    const values = list.map((row) => `(${t.columns.map((c) => (row.get(c.id) === null ? 'NULL' : quoteLiteral(row.get(c.id)!))).join(', ')})`);
    out.push(`INSERT INTO ${qualify(t.schema, t.name)} (${cols}) VALUES ${values.join(', ')}`);
  }
  return out;
}

export function describePair(p: Pair): string {
  return [
    '--- A (schema.yaml) ---',
    toYaml(p.a).trimEnd(),
    '--- rows ---',
    ...insertSql(p.a, p.rows).map((s) => `${s};`),
    `--- mutations: ${p.mutations.join('; ')} ---`,
    '--- B (schema.yaml) ---',
    toYaml(p.b, p.a).trimEnd(),
  ].join('\n');
}

/**
 * Columns of A that B leaves alone (same table, same column, same type; an enum with the same
 * labels): by table id, the column ids.
 */
export function untouched(p: Pair): Map<number, number[]> {
  const out = new Map<number, number[]>();
  for (const ta of p.a.tables) {
    const tb = p.b.tables.find((x) => x.id === ta.id);
    if (!tb) continue;
    const enumOf = (s: Schema, t: Type): string => (t.kind === 'enum' ? s.enums.find((e) => e.id === t.enum)!.values.join('\u0000') : '');
    out.set(
      ta.id,
      ta.columns
        .filter((ca) => {
          const cb = tb.columns.find((x) => x.id === ca.id);
          return cb !== undefined && sameType(ca.type, cb.type) && enumOf(p.a, ca.type) === enumOf(p.b, cb.type);
        })
        .map((c) => c.id),
    );
  }
  return out;
}
