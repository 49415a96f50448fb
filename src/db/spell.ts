// The spelling transaction (ARCHITECTURE decision 1): the desired side of a diff is spelled
// by PostgreSQL itself. Inside one transaction that is always rolled back, the Spec's new
// schemas and enums are created and each desired table becomes a temporary table carrying its
// types, defaults, checks and indexes; the same catalog queries that introspect the target
// read them back. Nothing is left behind, and the spelling is exact for the target's version.
import { objectPath, qualify, quoteIdent, quoteLiteral } from '../model/identifiers.js';
import type { Model } from '../model/model.js';
import { buildTables } from '../introspect/build.js';
import { tempCatalogSql, type CatalogRows } from '../introspect/catalog.js';
import type { Diagnostic, Position } from '../spec/diagnostics.js';
import type { Spec, SpecIndex, SpecTable } from '../spec/spec.js';
import { toModel, type SpelledTable } from '../spec/to-model.js';
import type { Db } from './db.js';

interface Statement {
  readonly sql: string;
  /** Where the user wrote what this statement checks; null for scaffolding. */
  readonly pos: Position | null;
  readonly what: string;
  /** Statements skipped in the error pass when this one failed (same table). */
  readonly group: string;
}

const tempTable = (i: number): string => `t$${i}`;
const tempIndex = (i: number): string => `i$${i}`;

function indexSql(index: SpecIndex, table: string, indexName: string): string {
  const keys = index.keys.map((k) => {
    let key = k.column ? quoteIdent(k.column.value) : `(${k.expression!.value})`;
    if (k.descending) key += ' DESC';
    if (k.nullsFirst !== null) key += k.nullsFirst ? ' NULLS FIRST' : ' NULLS LAST';
    return key;
  });
  let sql = `CREATE ${index.unique ? 'UNIQUE ' : ''}INDEX ${quoteIdent(indexName)} ON pg_temp.${quoteIdent(table)} USING ${quoteIdent(index.method)} (${keys.join(', ')})`;
  if (index.include.length > 0) sql += ` INCLUDE (${index.include.map((c) => quoteIdent(c.value)).join(', ')})`;
  if (index.where) sql += ` WHERE (${index.where.value})`;
  return sql;
}

interface Layout {
  /** Fast path: one CREATE per table. */
  readonly statements: Statement[];
  /** Error path: one statement per thing the user wrote, so each error finds its line. */
  readonly granular: Statement[];
  readonly tables: Map<string, SpecTable>; // temp name -> spec table
  readonly indexes: Map<string, string>; // temp index name -> desired index name
}

function layout(spec: Spec, current: Model): Layout {
  const setup: Statement[] = [
    { sql: 'SET LOCAL search_path = public', pos: null, what: '', group: '' },
    { sql: 'SET LOCAL client_min_messages = warning', pos: null, what: '', group: '' },
  ];
  for (const schema of new Set([...spec.enums.map((e) => e.schema), ...spec.tables.map((t) => t.schema)])) {
    if (current.schemas.includes(schema)) continue;
    const pos = spec.tables.find((t) => t.schema === schema)?.pos ?? spec.enums.find((e) => e.schema === schema)?.pos ?? null;
    setup.push({ sql: `CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`, pos, what: `schema "${schema}"`, group: '' });
  }
  for (const e of spec.enums) {
    const existing = current.enums[objectPath(e.schema, e.name)];
    const values = e.values.map((v) => v.value);
    if (existing && existing.values.join('\u0000') === values.join('\u0000')) continue;
    if (existing) {
      // Make room for the desired version; the rename is rolled back with everything else.
      setup.push({ sql: `ALTER TYPE ${qualify(e.schema, e.name)} RENAME TO ${quoteIdent(`${e.name.slice(0, 40)}$spelling`)}`, pos: e.pos, what: `enum "${e.name}"`, group: '' });
    }
    const labels = values.map(quoteLiteral).join(', ');
    setup.push({ sql: `CREATE TYPE ${qualify(e.schema, e.name)} AS ENUM (${labels})`, pos: e.pos, what: `enum "${e.name}"`, group: '' });
  }

  const statements = [...setup];
  const granular = [...setup];
  const tables = new Map<string, SpecTable>();
  const indexes = new Map<string, string>();
  let indexCount = 0;
  spec.tables.forEach((t, i) => {
    const temp = tempTable(i + 1);
    const rel = `pg_temp.${quoteIdent(temp)}`;
    tables.set(temp, t);
    const group = temp;
    const defaultSql = (c: SpecTable['columns'][number]): string | null => (c.default ? `(${c.default.sql})` : null);
    const parts = t.columns.map((c) => {
      const d = defaultSql(c);
      return `${quoteIdent(c.name)} ${c.type.value}${d ? ` DEFAULT ${d}` : ''}`;
    });
    for (const check of t.checks) parts.push(`CONSTRAINT ${quoteIdent(check.name)} CHECK (${check.expression.value})`);
    statements.push({ sql: `CREATE TEMP TABLE ${quoteIdent(temp)} (${parts.join(', ')})`, pos: t.pos, what: `table "${t.name}"`, group });

    granular.push({ sql: `CREATE TEMP TABLE ${quoteIdent(temp)} ()`, pos: t.pos, what: `table "${t.name}"`, group });
    for (const c of t.columns) {
      granular.push({ sql: `ALTER TABLE ${rel} ADD COLUMN ${quoteIdent(c.name)} ${c.type.value}`, pos: c.type.pos, what: `column "${c.name}"`, group });
    }
    for (const c of t.columns) {
      const d = defaultSql(c);
      if (d && c.default) granular.push({ sql: `ALTER TABLE ${rel} ALTER COLUMN ${quoteIdent(c.name)} SET DEFAULT ${d}`, pos: c.default.pos, what: `default of column "${c.name}"`, group });
    }
    for (const check of t.checks) {
      granular.push({ sql: `ALTER TABLE ${rel} ADD CONSTRAINT ${quoteIdent(check.name)} CHECK (${check.expression.value})`, pos: check.expression.pos, what: `check "${check.name}"`, group });
    }
    for (const index of t.indexes) {
      const name = tempIndex(++indexCount);
      indexes.set(name, index.name);
      const stmt = { sql: indexSql(index, temp, name), pos: index.pos, what: `index "${index.name}"`, group };
      statements.push(stmt);
      granular.push(stmt);
    }
  });
  return { statements, granular, tables, indexes };
}

/** Run each statement alone under a savepoint: every failure becomes a diagnostic at its line. */
async function diagnose(db: Db, statements: readonly Statement[]): Promise<Diagnostic[]> {
  const out: Diagnostic[] = [];
  const failedGroups = new Set<string>();
  await db.exec('BEGIN');
  try {
    for (const s of statements) {
      if (s.group !== '' && failedGroups.has(s.group)) continue;
      await db.exec('SAVEPOINT spelling');
      try {
        await db.exec(s.sql);
        await db.exec('RELEASE SAVEPOINT spelling');
      } catch (error) {
        await db.exec('ROLLBACK TO SAVEPOINT spelling');
        const message = error instanceof Error ? error.message : String(error);
        const pos = s.pos ?? { file: '', line: 1, col: 1 };
        out.push({ ...pos, code: 'bad_expression', message: `${s.what}: ${message}` });
        // A table that could not be made hides every later error of the same table.
        if (s.sql.startsWith('CREATE TEMP TABLE') || s.sql.includes(' ADD COLUMN ')) failedGroups.add(s.group);
      }
    }
  } finally {
    await db.exec('ROLLBACK');
  }
  return out;
}

export type SpellResult = { readonly ok: true; readonly model: Model } | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

/**
 * The desired Model, every free-form part spelled by the target itself. Writes nothing that
 * outlives the call: the transaction is always rolled back.
 */
export async function spell(db: Db, spec: Spec, current: Model, serverVersion: number): Promise<SpellResult> {
  const plan = layout(spec, current);
  let rows: Pick<CatalogRows, 'columns' | 'constraints' | 'indexes'>;
  await db.exec('BEGIN');
  try {
    await db.exec(plan.statements.map((s) => s.sql).join(';\n'));
    // Read back exactly as introspection reads the target: with nothing on the search_path.
    const result = await db.exec<{ catalog: typeof rows }>(`SET LOCAL search_path = '';\n${tempCatalogSql(serverVersion)}`);
    rows = result[0]!.catalog;
  } catch {
    await db.exec('ROLLBACK');
    const diagnostics = await diagnose(db, plan.granular);
    if (diagnostics.length === 0) throw new Error('the spelling transaction failed, but no single statement did');
    return { ok: false, diagnostics: diagnostics.map((d) => ({ ...d, file: d.file || spec.file })) };
  }
  await db.exec('ROLLBACK');

  const spelled = new Map<string, SpelledTable>();
  for (const table of Object.values(buildTables(rows))) {
    const t = plan.tables.get(table.name);
    if (!t) continue;
    const columns: Record<string, SpelledTable['columns'][string]> = {};
    for (const c of table.columns) columns[c.name] = { type: c.type, default: c.default, typeRef: c.typeRef };
    const checks: Record<string, string> = {};
    for (const c of Object.values(table.checks)) checks[c.name] = c.definition;
    const indexes: Record<string, SpelledTable['indexes'][string]> = {};
    for (const i of Object.values(table.indexes)) {
      const name = plan.indexes.get(i.name);
      if (name) indexes[name] = { keys: i.keys, where: i.where, include: i.include, method: i.method, unique: i.unique };
    }
    spelled.set(objectPath(t.schema, t.name), { columns, checks, indexes });
  }
  const { model, diagnostics } = toModel(spec, spelled);
  return diagnostics.length > 0 ? { ok: false, diagnostics } : { ok: true, model };
}
