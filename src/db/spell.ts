// The spelling transaction (ARCHITECTURE decision 1): the desired side of a diff is spelled
// by PostgreSQL itself, in bulk. Inside one transaction that is always rolled back, the Spec's
// new schemas and enums are created, then each DISTINCT piece of free-form text is attached
// to a temporary table: every distinct type is a column of one table, every distinct
// (type, default) pair a column of another, and checks and expression or partial indexes sit
// on a few tables holding just the columns they read. The catalog queries that introspect the
// target read them back. Nothing is left behind; the spelling is exact for the target's own
// version and extensions; the cost grows with the distinct texts, not with the tables.
import { objectPath, qualify, quoteIdent, quoteLiteral } from '../model/identifiers.js';
import type { Column, Index, IndexKey, Model } from '../model/model.js';
import { buildTables } from '../introspect/build.js';
import { tempCatalogSql, type CatalogRows } from '../introspect/catalog.js';
import type { Diagnostic, Position } from '../spec/diagnostics.js';
import type { Spec, SpecIndex, SpecTable } from '../spec/spec.js';
import { hintsFromSpec } from '../spec/hints.js';
import { checkExpression } from '../spec/sql-text.js';
import { toModel, type SpelledTable } from '../spec/to-model.js';
import { DbError, type Db } from './db.js';
import { settleTexts } from './settle.js';

/** PostgreSQL allows 1,600 columns a table; stay well below. */
const MAX_COLUMNS = 1000;

interface Use {
  readonly pos: Position;
  readonly what: string;
}

/** One piece of the spelling, with where the user wrote it (possibly many places). */
interface Piece {
  /** Statements run together (under one savepoint in the error pass). */
  readonly sql: string[];
  readonly uses: Use[];
  /** Pieces that must have succeeded for this one to be tried in the error pass. */
  readonly after: Piece[];
}

type Spelled = Pick<Column, 'type' | 'typeRef'>;

interface Group {
  readonly name: string;
  readonly columns: Map<string, string>; // column -> type text
  readonly checks: string[]; // CHECK clauses
  readonly indexes: string[]; // CREATE INDEX statements
}

/** The texts of a table a check or index reads: its referenced columns. */
function referenced_columns(text: string): string[] {
  const checked = checkExpression(text);
  return checked.ok ? checked.value.filter((r) => r.parts.length === 1).map((r) => r.parts[0]!) : [];
}

function indexNeedsServer(index: SpecIndex): boolean {
  return index.where !== null || index.keys.some((k) => k.expression !== null);
}

/** A plain-column index, as PostgreSQL would store it: no server needed. */
function plainIndex(index: SpecIndex): Pick<Index, 'keys' | 'where' | 'include' | 'method' | 'unique'> {
  const keys: IndexKey[] = index.keys.map((k) => ({
    column: k.column!.value,
    expression: null,
    descending: k.descending,
    nullsFirst: k.nullsFirst ?? k.descending,
  }));
  return { keys, where: null, include: index.include.map((c) => c.value), method: index.method, unique: index.unique };
}

/** The columns an index reads: its column keys, included columns, and those its expressions name. */
function indexColumns(index: SpecIndex): Set<string> {
  const names = new Set<string>(index.include.map((c) => c.value));
  for (const k of index.keys) {
    if (k.column) names.add(k.column.value);
    else for (const r of referenced_columns(k.expression!.value)) names.add(r);
  }
  if (index.where) for (const r of referenced_columns(index.where.value)) names.add(r);
  return names;
}

const indexShape = (index: SpecIndex): string =>
  JSON.stringify([index.method, index.keys.map((k) => [k.column?.value, k.expression?.value, k.descending, k.nullsFirst]), index.include.map((c) => c.value), index.where?.value]);

/** The columns a text reads, with their types: what its spelling depends on besides itself. */
function context(t: SpecTable, names: Iterable<string>): Map<string, string> {
  const out = new Map<string, string>();
  for (const n of names) {
    const column = t.columns.find((c) => c.name === n);
    if (column) out.set(n, column.type.value);
  }
  return out;
}

const contextKey = (ctx: ReadonlyMap<string, string>): string => [...ctx].sort().join('\u0001');
const checkKey = (t: SpecTable, expression: string): string => `${expression}\u0000${contextKey(context(t, referenced_columns(expression)))}`;
const indexKey = (t: SpecTable, index: SpecIndex): string => `${indexShape(index)}\u0000${contextKey(context(t, indexColumns(index)))}`;
const defaultKey = (type: string, sql: string): string => `${type}\u0000${sql}`;

function indexStatement(index: SpecIndex, table: string, name: string): string {
  const keys = index.keys.map((k) => {
    let key = k.column ? quoteIdent(k.column.value) : `(${k.expression!.value})`;
    if (k.descending) key += ' DESC';
    if (k.nullsFirst !== null) key += k.nullsFirst ? ' NULLS FIRST' : ' NULLS LAST';
    return key;
  });
  let sql = `CREATE INDEX ${quoteIdent(name)} ON pg_temp.${quoteIdent(table)} USING ${quoteIdent(index.method)} (${keys.join(', ')})`;
  if (index.include.length > 0) sql += ` INCLUDE (${index.include.map((c) => quoteIdent(c.value)).join(', ')})`;
  if (index.where) sql += ` WHERE (${index.where.value})`;
  return sql;
}

class Layout {
  readonly setup: Piece[] = [];
  readonly types = new Map<string, { column: string; piece: Piece }>();
  readonly defaults = new Map<string, { column: string; type: string; sql: string; piece: Piece }>();
  readonly checks = new Map<string, { name: string; piece: Piece }>();
  readonly indexes = new Map<string, { name: string; piece: Piece }>();
  readonly groups: Group[] = [];
  private counter = 0;

  constructor(
    private readonly spec: Spec,
    current: Model,
  ) {
    for (const schema of new Set([...spec.enums.map((e) => e.schema), ...spec.tables.map((t) => t.schema)])) {
      if (current.schemas.includes(schema)) continue;
      const pos = spec.tables.find((t) => t.schema === schema)?.pos ?? spec.enums.find((e) => e.schema === schema)!.pos;
      this.setup.push({ sql: [`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`], uses: [{ pos, what: `schema "${schema}"` }], after: [] });
    }
    for (const e of spec.enums) {
      const existing = current.enums[objectPath(e.schema, e.name)];
      const values = e.values.map((v) => v.value);
      if (existing && existing.values.join('\u0000') === values.join('\u0000')) continue;
      const sql: string[] = [];
      // Make room for the desired version; the rename is rolled back with everything else.
      if (existing) sql.push(`ALTER TYPE ${qualify(e.schema, e.name)} RENAME TO ${quoteIdent(`${e.name.slice(0, 40)}$spelling`)}`);
      sql.push(`CREATE TYPE ${qualify(e.schema, e.name)} AS ENUM (${values.map(quoteLiteral).join(', ')})`);
      this.setup.push({ sql, uses: [{ pos: e.pos, what: `enum "${e.name}"` }], after: [] });
    }
    for (const t of spec.tables) this.addTable(t);
  }

  private next(prefix: string): string {
    return `${prefix}$${++this.counter}`;
  }

  private type(text: string, use: Use): Piece {
    let entry = this.types.get(text);
    if (!entry) {
      const column = this.next('c');
      entry = { column, piece: { sql: [`CREATE TEMP TABLE ${quoteIdent(this.next('t'))} (${quoteIdent(column)} ${text})`], uses: [], after: this.setup } };
      this.types.set(text, entry);
    }
    entry.piece.uses.push(use);
    return entry.piece;
  }

  /** A group table that can hold these columns without a name meaning two types. */
  private group(columns: ReadonlyMap<string, string>): Group {
    let group = this.groups.find(
      (g) => g.columns.size + columns.size <= MAX_COLUMNS && [...columns].every(([c, type]) => g.columns.get(c) === undefined || g.columns.get(c) === type),
    );
    if (!group) {
      group = { name: this.next('g'), columns: new Map(), checks: [], indexes: [] };
      this.groups.push(group);
    }
    for (const [c, type] of columns) group.columns.set(c, type);
    return group;
  }

  /** A table of its own for one piece (the error pass runs pieces one by one). */
  private standalone(columns: ReadonlyMap<string, string>, extra: string, name = this.next('x')): string {
    const parts = [...columns].map(([c, type]) => `${quoteIdent(c)} ${type}`);
    return `CREATE TEMP TABLE ${quoteIdent(name)} (${[...parts, ...(extra ? [extra] : [])].join(', ')})`;
  }

  private addTable(t: SpecTable): void {
    const typePieces = new Map<string, Piece>();
    for (const c of t.columns) typePieces.set(c.name, this.type(c.type.value, { pos: c.type.pos, what: `column "${c.name}"` }));
    const needs = (names: Iterable<string>): Piece[] => [...names].map((n) => typePieces.get(n)).filter((p): p is Piece => p !== undefined);

    for (const c of t.columns) {
      if (!c.default) continue;
      const key = defaultKey(c.type.value, c.default.sql);
      let entry = this.defaults.get(key);
      if (!entry) {
        const column = this.next('d');
        const sql = this.standalone(new Map(), `${quoteIdent(column)} ${c.type.value} DEFAULT (${c.default.sql})`);
        entry = { column, type: c.type.value, sql: c.default.sql, piece: { sql: [sql], uses: [], after: needs([c.name]) } };
        this.defaults.set(key, entry);
      }
      entry.piece.uses.push({ pos: c.default.pos, what: `default of column "${c.name}"` });
    }

    for (const check of t.checks) {
      const key = checkKey(t, check.expression.value);
      let entry = this.checks.get(key);
      if (!entry) {
        const ctx = context(t, referenced_columns(check.expression.value));
        const name = this.next('k');
        const clause = `CONSTRAINT ${quoteIdent(name)} CHECK (${check.expression.value})`;
        this.group(ctx).checks.push(clause);
        entry = { name, piece: { sql: [this.standalone(ctx, clause)], uses: [], after: needs(ctx.keys()) } };
        this.checks.set(key, entry);
      }
      entry.piece.uses.push({ pos: check.expression.pos, what: `check "${check.name}"` });
    }

    for (const index of t.indexes.filter(indexNeedsServer)) {
      const key = indexKey(t, index);
      let entry = this.indexes.get(key);
      if (!entry) {
        const ctx = context(t, indexColumns(index));
        const name = this.next('i');
        const group = this.group(ctx);
        group.indexes.push(indexStatement(index, group.name, name));
        const table = this.next('x');
        const own = [this.standalone(ctx, '', table), indexStatement(index, table, this.next('i'))];
        entry = { name, piece: { sql: own, uses: [], after: needs(ctx.keys()) } };
        this.indexes.set(key, entry);
      }
      entry.piece.uses.push({ pos: index.pos, what: `index "${index.name}"` });
    }
  }

  /** The fast path: a handful of statements for the whole Spec. */
  statements(): string[] {
    const out = ['SET LOCAL search_path = public', 'SET LOCAL client_min_messages = warning', ...this.setup.flatMap((p) => p.sql)];
    const chunks = <T>(list: T[]): T[][] => Array.from({ length: Math.ceil(list.length / MAX_COLUMNS) }, (_x, i) => list.slice(i * MAX_COLUMNS, (i + 1) * MAX_COLUMNS));
    for (const chunk of chunks([...this.types])) {
      out.push(`CREATE TEMP TABLE ${quoteIdent(this.next('types'))} (${chunk.map(([text, e]) => `${quoteIdent(e.column)} ${text}`).join(', ')})`);
    }
    for (const chunk of chunks([...this.defaults.values()])) {
      out.push(`CREATE TEMP TABLE ${quoteIdent(this.next('defaults'))} (${chunk.map((e) => `${quoteIdent(e.column)} ${e.type} DEFAULT (${e.sql})`).join(', ')})`);
    }
    for (const g of this.groups) {
      const columns = [...g.columns].map(([c, type]) => `${quoteIdent(c)} ${type}`);
      out.push(`CREATE TEMP TABLE ${quoteIdent(g.name)} (${[...columns, ...g.checks].join(', ')})`);
      out.push(...g.indexes);
    }
    return out;
  }

  /** The error path: every piece alone, in dependency order. */
  pieces(): Piece[] {
    return [
      ...this.setup,
      ...[...this.types.values()].map((e) => e.piece),
      ...[...this.defaults.values()].map((e) => e.piece),
      ...[...this.checks.values()].map((e) => e.piece),
      ...[...this.indexes.values()].map((e) => e.piece),
    ];
  }

  /** Assemble each desired table's spelling from the read-back rows. */
  assemble(rows: Pick<CatalogRows, 'columns' | 'constraints' | 'indexes'>): Map<string, SpelledTable> {
    const tables = Object.values(buildTables(rows));
    const columns = new Map<string, Column>();
    const checks = new Map<string, string>();
    const indexes = new Map<string, Index>();
    for (const table of tables) {
      for (const c of table.columns) columns.set(c.name, c);
      for (const c of Object.values(table.checks)) checks.set(c.name, c.definition);
      for (const i of Object.values(table.indexes)) indexes.set(i.name, i);
    }
    const out = new Map<string, SpelledTable>();
    for (const t of this.spec.tables) {
      const spelled: SpelledTable = { columns: {}, checks: {}, indexes: {} };
      const cols = spelled.columns as Record<string, Spelled & Pick<Column, 'default'>>;
      for (const c of t.columns) {
        const typed = columns.get(this.types.get(c.type.value)!.column)!;
        const dflt = c.default ? (columns.get(this.defaults.get(defaultKey(c.type.value, c.default.sql))!.column)?.default ?? null) : null;
        cols[c.name] = { type: typed.type, typeRef: typed.typeRef, default: dflt };
      }
      for (const check of t.checks) {
        (spelled.checks as Record<string, string>)[check.name] = checks.get(this.checks.get(checkKey(t, check.expression.value))!.name) ?? '';
      }
      for (const index of t.indexes) {
        const target = spelled.indexes as Record<string, SpelledTable['indexes'][string]>;
        if (!indexNeedsServer(index)) {
          target[index.name] = plainIndex(index);
          continue;
        }
        const read = indexes.get(this.indexes.get(indexKey(t, index))!.name)!;
        target[index.name] = { keys: read.keys, where: read.where, include: read.include, method: read.method, unique: index.unique };
      }
      out.set(objectPath(t.schema, t.name), spelled);
    }
    return out;
  }

}

/** SQLSTATEs that say this role or session may not create here: nothing the file can fix. */
const NOT_PERMITTED = new Set(['42501', '25006']); // insufficient_privilege, read_only_sql_transaction
/** SQLSTATE classes of the connection, the server or its resources: not the file's doing either. */
const NOT_THE_FILE = ['08', '53', '57', '58', 'XX'];

/** The one error for a role or session that may not run the spelling transaction. */
async function notPermitted(db: Db, error: DbError): Promise<DbError> {
  const [who] = await db.query<{ role: string; database: string }>('SELECT current_user AS role, current_database() AS database');
  const role = who?.role ?? '?';
  const database = who?.database ?? '?';
  const hint =
    error.code === '25006'
      ? `this session is read-only (default_transaction_read_only, or a standby): plan against a writable primary, or with a role or database where default_transaction_read_only is off`
      : `grant it what planning creates (all of it rolled back): GRANT CREATE, TEMPORARY ON DATABASE ${quoteIdent(database)} TO ${quoteIdent(role)}; and CREATE on the schemas the file uses, e.g. GRANT CREATE ON SCHEMA public TO ${quoteIdent(role)};`;
  const whyNot = error.code === '25006' ? `this session of role "${role}" is read-only` : `role "${role}" may not`;
  return new DbError(
    `planning needs a role that may create (and roll back) schemas, types and temporary tables in database "${database}", and ${whyNot}: ${error.message}`,
    error.code,
    hint,
  );
}

/**
 * Run each piece alone under a savepoint: every failure becomes a diagnostic at each of its
 * uses. A failure that is not the file's (no right to create, a read-only session, a lost
 * connection) is thrown instead, once.
 */
async function diagnose(db: Db, layout: Layout, file: string): Promise<Diagnostic[]> {
  const out: Diagnostic[] = [];
  const failed = new Set<Piece>();
  let refused: DbError | null = null;
  await db.exec("BEGIN; SET LOCAL search_path = public; SET LOCAL client_min_messages = warning");
  try {
    for (const piece of layout.pieces()) {
      if (piece.after.some((p) => failed.has(p))) {
        failed.add(piece);
        continue;
      }
      await db.exec('SAVEPOINT spelling');
      try {
        for (const sql of piece.sql) await db.exec(sql);
        await db.exec('RELEASE SAVEPOINT spelling');
      } catch (error) {
        const code = error instanceof DbError ? error.code ?? '' : '';
        if (error instanceof DbError && NOT_PERMITTED.has(code)) {
          refused = error;
          break;
        }
        if (NOT_THE_FILE.some((c) => code.startsWith(c))) throw error;
        await db.exec('ROLLBACK TO SAVEPOINT spelling');
        failed.add(piece);
        const message = error instanceof Error ? error.message : String(error);
        for (const use of piece.uses) out.push({ ...use.pos, file: use.pos.file || file, code: 'bad_expression', message: `${use.what}: ${message}` });
      }
    }
  } finally {
    await db.exec('ROLLBACK');
  }
  if (refused) throw await notPermitted(db, refused);
  return out;
}

export type SpellResult = { readonly ok: true; readonly model: Model } | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

/**
 * The desired Model, every free-form part spelled by the target itself. Writes nothing that
 * outlives the call: the transaction is always rolled back.
 */
export async function spell(db: Db, spec: Spec, current: Model, serverVersion: number): Promise<SpellResult> {
  const layout = new Layout(spec, current);
  let rows: Pick<CatalogRows, 'columns' | 'constraints' | 'indexes'>;
  await db.exec('BEGIN');
  try {
    await db.exec(layout.statements().join(';\n'));
    // Read back exactly as introspection reads the target: with nothing on the search_path.
    const result = await db.exec<{ catalog: typeof rows }>(`SET LOCAL search_path = '';\n${tempCatalogSql(serverVersion)}`);
    rows = result[0]!.catalog;
  } catch {
    await db.exec('ROLLBACK');
    const diagnostics = await diagnose(db, layout, spec.file);
    if (diagnostics.length === 0) throw new Error('the spelling transaction failed, but no single part of it did');
    return { ok: false, diagnostics };
  }
  try {
    const { model, diagnostics } = toModel(spec, layout.assemble(rows));
    if (diagnostics.length > 0) return { ok: false, diagnostics };
    // In the same transaction: new enums and schemas still exist for the second reading.
    return { ok: true, model: await settleTexts(db, current, model, hintsFromSpec(spec), serverVersion) };
  } finally {
    await db.exec('ROLLBACK');
  }
}
