// The layout of the spelling transaction (see spell.ts): which temporary tables and columns
// carry each distinct piece of the file's text, the statements that make them, and how what the
// catalog reads back is assembled into spelled tables. Each piece keeps where the user wrote it,
// so that a failure can be reported at that line, in the user's names.
import { objectPath, qualify, quoteIdent, quoteLiteral } from '../model/identifiers.js';
import type { Column, Index, Model, Table } from '../model/model.js';
import { sameIndex } from '../diff/diff.js';
import { buildTables } from '../introspect/build.js';
import type { CatalogRows } from '../introspect/catalog.js';
import type { Diagnostic, Position } from '../desired/diagnostics.js';
import type { Spec, SpecColumn, SpecDefault, SpecIndex, SpecKey, SpecTable } from '../desired/spec.js';
import { functionSpellingSetup } from './functions.js';
import { domainSpellingSetup } from './domains.js';
import { extensionSpellingSetup, sequenceSpellingSetup, type SpelledTable } from '../desired/to-model.js';
import type { Db } from '../db/db.js';
import { StandIns } from './stand-ins.js';
import { indexColumns, indexNeedsExpressions, indexShape, indexStatement, MAX_INDEX_KEYS, nullsNotDistinct, operatorClassHint, plainIndex, referenced_columns, type Explain } from './layout-indexes.js';

/** PostgreSQL allows 1,600 columns a table; stay well below. */
const MAX_COLUMNS = 1000;

interface Use {
  readonly pos: Position;
  readonly what: string;
  /** The spelling's own names in this use (`c$3`, `x$7`) -> the user's, for the server's messages. */
  readonly names: Readonly<Record<string, string>>;
}

/** One piece of the spelling, with where the user wrote it (possibly many places). */
export interface Piece {
  /** Statements run together (under one savepoint in the error pass). */
  readonly sql: string[];
  readonly uses: Use[];
  /** Pieces that must have succeeded for this one to be tried in the error pass. */
  readonly after: Piece[];
  readonly explain?: Explain;
  /** Run after the piece succeeded (in the error pass): a problem the server did not raise, or null. */
  readonly check?: (db: Db) => Promise<string | null>;
}

/** Integer and numeric types, where a number default must be kept exactly. */
const EXACT_NUMBER = /^(smallint|integer|bigint|numeric(\(\d+(,\d+)?\))?)$/;
/** A literal default written as a number (as the loader writes one). */
const NUMBER = /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/** SQL reading a stored number default back: NULL when it is kept exactly, else what is stored. */
const roundedCell = (column: string, sql: string): string => `CASE WHEN ${quoteIdent(column)}::numeric = (${sql})::numeric THEN NULL ELSE ${quoteIdent(column)}::text END AS ${quoteIdent(column)}`;

const roundedWords = (sql: string, type: string, stored: string): string => `the default ${sql} does not fit type ${type}: it would be stored as ${stored}`;

/** A literal default the server refused, in the user's words: the value does not fit the type. */
const literalExplain =
  (sql: string, type: string): Explain =>
  (message) => ({ message: message.startsWith('the default ') ? message : `the default ${sql} does not fit type ${type}: ${message}`, hint: 'change the default, or the type' });

type Spelled = Pick<Column, 'type' | 'typeRef' | 'collation'>;

/** A column's type as the spelling writes it: with its collation, when the file names one. */
const columnType = (c: SpecColumn): string => (c.collation ? `${c.type.value} COLLATE ${c.collation.value}` : c.type.value);

/** A literal default (`default: 0`): its column in the spelling, the type text and the SQL literal. */
interface LiteralDefault {
  readonly column: string;
  readonly table: string;
  readonly type: string;
  readonly sql: string;
  readonly piece: Piece;
}

interface Group {
  readonly name: string;
  readonly columns: Map<string, string>; // column -> type text
  readonly checks: string[]; // CHECK clauses
  readonly indexes: string[]; // CREATE INDEX statements
}

/** The columns a text reads, with their types: what its spelling depends on besides itself. */
function context(t: SpecTable, names: Iterable<string>): Map<string, string> {
  const out = new Map<string, string>();
  for (const n of names) {
    const column = t.columns.find((c) => c.name === n);
    if (column) out.set(n, columnType(column));
  }
  return out;
}

const contextKey = (ctx: ReadonlyMap<string, string>): string => [...ctx].sort().join('\u0001');
const checkKey = (t: SpecTable, expression: string): string => `${expression}\u0000${contextKey(context(t, referenced_columns(expression)))}`;
const indexKey = (t: SpecTable, index: SpecIndex): string => `${indexShape(index)}\u0000${contextKey(context(t, indexColumns(index)))}`;
const defaultKey = (type: string, sql: string): string => `${type}\u0000${sql}`;
const generatedKey = (t: SpecTable, c: SpecColumn, sql: string): string => `${columnType(c)}\u0000${sql}\u0000${contextKey(context(t, referenced_columns(sql)))}`;

export class Layout {
  readonly setup: Piece[] = [];
  // Each entry keeps the names its piece gives things (`table` is its piece's own table), so
  // that a failure speaks of the user's names instead.
  readonly types = new Map<string, { column: string; table: string; piece: Piece }>();
  readonly defaults = new Map<string, { column: string; table: string; type: string; sql: string; piece: Piece }>();
  readonly checks = new Map<string, { name: string; table: string; piece: Piece }>();
  /** Generation expressions, each as a generated column of its own (`name`) beside the columns it reads. */
  readonly generated = new Map<string, { name: string; table: string; piece: Piece }>();
  readonly indexes = new Map<string, { name: string; own: string; table: string; piece: Piece }>();
  /** Literal defaults, stored once as an insert would store them, to see that they fit their types. */
  readonly literals = new Map<string, LiteralDefault>();
  /** Types that btree indexes and keys need orderable, by type text. */
  readonly orderings = new Map<string, { column: string; table: string; type: string; piece: Piece }>();
  readonly groups: Group[] = [];
  /** Indexes spelled by the server; the others are plain column lists, spelled here. */
  private readonly served = new Set<SpecIndex>();
  /** The fast path's table holding each literal default's column. */
  private readonly literalTables = new Map<string, string>();
  private counter = 0;
  /** The file's new and changed enums, as temporary types where they can be. */
  readonly standIns: StandIns;

  constructor(
    private readonly spec: Spec,
    private readonly current: Model,
  ) {
    this.standIns = new StandIns(spec, current);
    // Only an enum made in its own schema needs that schema; tables are spelled as temporary ones.
    for (const schema of new Set(this.standIns.inPlace.map((e) => e.schema))) {
      if (current.schemas.includes(schema)) continue;
      const pos = spec.enums.find((e) => e.schema === schema)!.pos;
      this.setup.push({ sql: [`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`], uses: [{ pos, what: `schema "${schema}"`, names: {} }], after: [] });
    }
    for (const { e, sql } of this.standIns.setup()) this.setup.push({ sql: [sql], uses: [{ pos: e.pos, what: `enum "${e.name}"`, names: {} }], after: [] });
    for (const e of this.standIns.inPlace) {
      const existing = current.enums[objectPath(e.schema, e.name)];
      const values = e.values.map((v) => v.value);
      const sql: string[] = [];
      // Make room for the desired version; the rename is rolled back with everything else.
      if (existing) sql.push(`ALTER TYPE ${qualify(e.schema, e.name)} RENAME TO ${quoteIdent(`${e.name.slice(0, 40)}$spelling`)}`);
      sql.push(`CREATE TYPE ${qualify(e.schema, e.name)} AS ENUM (${values.map(quoteLiteral).join(', ')})`);
      this.setup.push({ sql, uses: [{ pos: e.pos, what: `enum "${e.name}"`, names: {} }], after: [] });
    }
    for (const { sql, pos, what } of [...extensionSpellingSetup(spec, current), ...sequenceSpellingSetup(spec, current), ...functionSpellingSetup(spec, current), ...domainSpellingSetup(spec, current)])
      this.setup.push({ sql, uses: [{ pos, what, names: {} }], after: [] });
    for (const t of spec.tables) this.addTable(t);
  }

  private next(prefix: string): string {
    return `${prefix}$${++this.counter}`;
  }

  private type(text: string, table: string, column: string, pos: Position): Piece {
    let entry = this.types.get(text);
    if (!entry) {
      const name = this.next('c');
      const own = this.next('t');
      entry = { column: name, table: own, piece: { sql: [this.standalone(new Map([[name, text]]), '', own)], uses: [], after: this.setup } };
      this.types.set(text, entry);
    }
    entry.piece.uses.push({ pos, what: `column "${column}"`, names: { [entry.column]: column, [entry.table]: table } });
    return entry.piece;
  }

  /** A literal default stored as an insert stores it: a value out of range or too long fails. */
  private literal(t: SpecTable, c: SpecColumn, dflt: SpecDefault, after: Piece): void {
    const key = defaultKey(c.type.value, dflt.sql);
    let entry = this.literals.get(key);
    if (!entry) {
      const column = this.next('l');
      const table = this.next('x');
      const type = c.type.value;
      const explain = literalExplain(dflt.sql, type);
      const sql = [this.standalone(new Map(), `${quoteIdent(column)} ${type} DEFAULT (${dflt.sql})`, table), `INSERT INTO pg_temp.${quoteIdent(table)} DEFAULT VALUES`];
      // An integer or numeric column rounds a number (integer default 1.5 stores 2): say so.
      const check = async (db: Db): Promise<string | null> => {
        if (!NUMBER.test(dflt.sql)) return null;
        const [typed] = await db.query<{ type: string }>(`SELECT pg_catalog.format_type(pg_typeof(${quoteIdent(column)}), NULL) AS type FROM pg_temp.${quoteIdent(table)}`);
        if (!EXACT_NUMBER.test(typed?.type ?? '')) return null;
        const [row] = await db.query<{ stored: Record<string, string | null> }>(`SELECT row_to_json(x) AS stored FROM (SELECT ${roundedCell(column, dflt.sql)} FROM pg_temp.${quoteIdent(table)}) x`);
        const stored = row?.stored[column];
        return stored === null || stored === undefined ? null : roundedWords(dflt.sql, type, stored);
      };
      entry = { column, table, type, sql: dflt.sql, piece: { sql, uses: [], after: [after], explain, check } };
      this.literals.set(key, entry);
    }
    entry.piece.uses.push({ pos: dflt.pos, what: `default of column "${c.name}"`, names: { [entry.column]: c.name, [entry.table]: t.name } });
  }

  /** A btree index or key over these columns: their types need a default btree operator class. */
  private orderable(t: SpecTable, columns: readonly string[], pos: Position, what: string, types: ReadonlyMap<string, Piece>): void {
    for (const name of columns) {
      const column = t.columns.find((c) => c.name === name);
      if (!column) continue;
      const type = column.type.value;
      let entry = this.orderings.get(type);
      if (!entry) {
        const table = this.next('o');
        const col = this.next('c');
        const sql = [this.standalone(new Map([[col, type]]), '', table), `CREATE INDEX ON pg_temp.${quoteIdent(table)} (${quoteIdent(col)})`];
        entry = { column: col, table, type, piece: { sql, uses: [], after: [types.get(name)!], explain: operatorClassHint } };
        this.orderings.set(type, entry);
      }
      entry.piece.uses.push({ pos, what, names: { [entry.column]: name, [entry.table]: t.name } });
    }
  }

  /** A group table that can hold these columns without a name meaning two types. */
  private group(columns: ReadonlyMap<string, string>): Group {
    let group = this.groups.find((g) => g.columns.size + columns.size <= MAX_COLUMNS && [...columns].every(([c, type]) => g.columns.get(c) === undefined || g.columns.get(c) === type));
    if (!group) {
      group = { name: this.next('g'), columns: new Map(), checks: [], indexes: [] };
      this.groups.push(group);
    }
    for (const [c, type] of columns) group.columns.set(c, type);
    return group;
  }

  /** A table of its own for one piece (the error pass runs pieces one by one). */
  private standalone(columns: ReadonlyMap<string, string>, extra: string, name: string): string {
    const parts = [...columns].map(([c, type]) => `${quoteIdent(c)} ${type}`);
    return `CREATE TEMP TABLE ${quoteIdent(name)} (${[...parts, ...(extra ? [extra] : [])].join(', ')})`;
  }

  /**
   * The target's own version of a plain-column index or key of the file, when it is already
   * there as written: nothing will create it, so its types need no check. (One with an operator
   * class, a collation or storage parameters is always spelled by the server.)
   */
  private existing(t: SpecTable): Table | undefined {
    const from = t.renamedFrom?.value;
    return this.current.tables[objectPath(t.schema, t.name)] ?? (from ? this.current.tables[objectPath(from.schema, from.name)] : undefined);
  }

  private unchangedIndex(t: SpecTable, index: SpecIndex): boolean {
    const was = this.existing(t)?.indexes[index.name];
    if (!was || indexNeedsExpressions(index)) return false;
    const plain = plainIndex(index);
    return sameIndex(was, { kind: 'index', name: index.name, ...plain });
  }

  private unchangedKey(t: SpecTable, key: SpecKey): boolean {
    const was = this.existing(t);
    const same = (k: { readonly name: string; readonly columns: readonly string[] } | null | undefined): boolean =>
      k !== null && k !== undefined && k.name === key.name && k.columns.join('\u0000') === key.columns.map((c) => c.value).join('\u0000');
    return same(was?.primaryKey) || same(was?.uniques[key.name]);
  }

  private addTable(t: SpecTable): void {
    const typePieces = new Map<string, Piece>();
    for (const c of t.columns) typePieces.set(c.name, this.type(columnType(c), t.name, c.name, c.collation?.pos ?? c.type.pos));
    const needs = (names: Iterable<string>): Piece[] => [...names].map((n) => typePieces.get(n)).filter((p): p is Piece => p !== undefined);

    for (const c of t.columns) {
      if (!c.default) continue;
      const key = defaultKey(c.type.value, c.default.sql);
      let entry = this.defaults.get(key);
      if (!entry) {
        const column = this.next('d');
        const table = this.next('x');
        const sql = this.standalone(new Map(), `${quoteIdent(column)} ${c.type.value} DEFAULT (${c.default.sql})`, table);
        const explain = c.default.kind === 'literal' ? literalExplain(c.default.sql, c.type.value) : undefined;
        entry = { column, table, type: c.type.value, sql: c.default.sql, piece: { sql: [sql], uses: [], after: needs([c.name]), ...(explain ? { explain } : {}) } };
        this.defaults.set(key, entry);
      }
      entry.piece.uses.push({ pos: c.default.pos, what: `default of column "${c.name}"`, names: { [entry.column]: c.name, [entry.table]: t.name } });
      if (c.default.kind === 'literal') this.literal(t, c, c.default, entry.piece);
    }

    for (const c of t.columns) {
      if (!c.generated) continue;
      const key = generatedKey(t, c, c.generated.value);
      let entry = this.generated.get(key);
      if (!entry) {
        const ctx = context(t, referenced_columns(c.generated.value));
        const name = this.next('v');
        const table = this.next('x');
        const clause = `${quoteIdent(name)} ${columnType(c)} GENERATED ALWAYS AS (${c.generated.value}) STORED`;
        this.group(ctx).checks.push(clause);
        entry = { name, table, piece: { sql: [this.standalone(ctx, clause, table)], uses: [], after: needs([...ctx.keys(), c.name]) } };
        this.generated.set(key, entry);
      }
      entry.piece.uses.push({ pos: c.generated.pos, what: `generation expression of column "${c.name}"`, names: { [entry.name]: c.name, [entry.table]: t.name } });
    }

    for (const check of t.checks) {
      const key = checkKey(t, check.expression.value);
      let entry = this.checks.get(key);
      if (!entry) {
        const ctx = context(t, referenced_columns(check.expression.value));
        const name = this.next('k');
        const table = this.next('x');
        // An exclusion's text is its whole clause (checked by desired/sql-exclusion.ts for this very place).
        const clause = check.exclusion ? `CONSTRAINT ${quoteIdent(name)} ${check.expression.value}` : `CONSTRAINT ${quoteIdent(name)} CHECK (${check.expression.value})`;
        this.group(ctx).checks.push(clause);
        entry = { name, table, piece: { sql: [this.standalone(ctx, clause, table)], uses: [], after: needs(ctx.keys()) } };
        this.checks.set(key, entry);
      }
      entry.piece.uses.push({ pos: check.expression.pos, what: `check "${check.name}"`, names: { [entry.name]: check.name, [entry.table]: t.name } });
    }

    // The server sees indexes with expressions or predicates to spell, and those of methods
    // other than btree, whose operator classes and options (DESC, UNIQUE, several columns) it
    // alone knows, unless they are there already. A plain btree index needs only orderable types.
    const served = t.indexes.filter((i) => indexNeedsExpressions(i) || (i.method !== 'btree' && !this.unchangedIndex(t, i)));
    for (const index of served) this.served.add(index);
    for (const index of served) {
      const key = indexKey(t, index);
      let entry = this.indexes.get(key);
      if (!entry) {
        const ctx = context(t, indexColumns(index));
        const name = this.next('i');
        const group = this.group(ctx);
        group.indexes.push(indexStatement(index, group.name, name));
        const table = this.next('x');
        const own = this.next('i');
        const sql = [this.standalone(ctx, '', table), indexStatement(index, table, own)];
        entry = { name, own, table, piece: { sql, uses: [], after: needs(ctx.keys()), explain: operatorClassHint } };
        this.indexes.set(key, entry);
      }
      entry.piece.uses.push({ pos: index.pos, what: `index "${index.name}"`, names: { [entry.own]: index.name, [entry.table]: t.name } });
    }

    for (const index of t.indexes.filter((i) => !this.served.has(i) && i.method === 'btree' && !this.unchangedIndex(t, i))) {
      this.orderable(
        t,
        index.keys.map((k) => k.column!.value),
        index.pos,
        `index "${index.name}"`,
        typePieces,
      );
    }
    const keys = [...(t.primaryKey ? [{ key: t.primaryKey, what: 'primary key' }] : []), ...t.uniques.map((u) => ({ key: u, what: 'unique constraint' }))];
    for (const { key, what } of keys.filter(({ key }) => !this.unchangedKey(t, key))) {
      this.orderable(
        t,
        key.columns.map((c) => c.value),
        key.pos,
        `${what} "${key.name}"`,
        typePieces,
      );
    }
  }

  /** The fast path: a handful of statements for the whole Spec (its indexes apart: `groupIndexes`). */
  statements(): string[] {
    const out = [...this.setup.flatMap((p) => p.sql)];
    const chunks = <T>(list: T[]): T[][] => Array.from({ length: Math.ceil(list.length / MAX_COLUMNS) }, (_x, i) => list.slice(i * MAX_COLUMNS, (i + 1) * MAX_COLUMNS));
    for (const chunk of chunks([...this.types])) {
      out.push(`CREATE TEMP TABLE ${quoteIdent(this.next('types'))} (${chunk.map(([text, e]) => `${quoteIdent(e.column)} ${text}`).join(', ')})`);
    }
    for (const chunk of chunks([...this.defaults.values()])) {
      out.push(`CREATE TEMP TABLE ${quoteIdent(this.next('defaults'))} (${chunk.map((e) => `${quoteIdent(e.column)} ${e.type} DEFAULT (${e.sql})`).join(', ')})`);
    }
    // Stored as an insert stores them: a value out of range or too long fails here.
    for (const chunk of chunks([...this.literals.values()])) {
      const table = this.next('literals');
      out.push(`CREATE TEMP TABLE ${quoteIdent(table)} (${chunk.map((e) => `${quoteIdent(e.column)} ${e.type} DEFAULT (${e.sql})`).join(', ')})`);
      out.push(`INSERT INTO pg_temp.${quoteIdent(table)} DEFAULT VALUES`);
      for (const e of chunk) this.literalTables.set(e.column, table);
    }
    const orderings = [...this.orderings.values()];
    for (let i = 0; i < orderings.length; i += MAX_INDEX_KEYS) {
      const chunk = orderings.slice(i, i + MAX_INDEX_KEYS);
      const table = quoteIdent(this.next('orderings'));
      out.push(`CREATE TEMP TABLE ${table} (${chunk.map((e) => `${quoteIdent(e.column)} ${e.type}`).join(', ')})`);
      out.push(`CREATE INDEX ON pg_temp.${table} (${chunk.map((e) => quoteIdent(e.column)).join(', ')})`);
    }
    for (const g of this.groups) out.push(`CREATE TEMP TABLE ${quoteIdent(g.name)} (${[...[...g.columns].map(([c, type]) => `${quoteIdent(c)} ${type}`), ...g.checks].join(', ')})`);
    return out;
  }

  /** The fast path's expression and partial indexes: made in batches that give their locks back (spell.ts). */
  groupIndexes(): string[] {
    return this.groups.flatMap((g) => g.indexes);
  }

  /** The error path: every piece alone, in dependency order. */
  pieces(): Piece[] {
    return [
      ...this.setup,
      ...[...this.types.values()].map((e) => e.piece),
      ...[...this.defaults.values()].map((e) => e.piece),
      ...[...this.literals.values()].map((e) => e.piece),
      ...[...this.checks.values()].map((e) => e.piece),
      ...[...this.generated.values()].map((e) => e.piece),
      ...[...this.indexes.values()].map((e) => e.piece),
      ...[...this.orderings.values()].map((e) => e.piece),
    ];
  }

  /**
   * Number defaults an integer or numeric column would store rounded (`integer` default 1.5
   * is stored as 2): PostgreSQL accepts them, but the value written is not the value kept.
   * Reads the fast path's stored row; `types` are the spelled column types by type text.
   */
  async roundedLiterals(db: Db, spelledType: (text: string) => string | undefined): Promise<Diagnostic[]> {
    const byTable = new Map<string, LiteralDefault[]>();
    for (const e of this.literals.values()) {
      const table = this.literalTables.get(e.column);
      if (!table || !NUMBER.test(e.sql) || !EXACT_NUMBER.test(spelledType(e.type) ?? '')) continue;
      byTable.set(table, [...(byTable.get(table) ?? []), e]);
    }
    const out: Diagnostic[] = [];
    for (const [table, list] of byTable) {
      const cells = list.map((e) => roundedCell(e.column, e.sql));
      const [row] = await db.query<{ stored: Record<string, string | null> }>(`SELECT row_to_json(x) AS stored FROM (SELECT ${cells.join(', ')} FROM pg_temp.${quoteIdent(table)}) x`);
      for (const e of list) {
        const stored = row?.stored[e.column];
        if (stored === null || stored === undefined) continue;
        for (const use of e.piece.uses) {
          out.push({ ...use.pos, code: 'bad_expression', message: `${use.what}: ${roundedWords(e.sql, e.type, stored)}`, hint: 'change the default, or the type' });
        }
      }
    }
    return out;
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
      const cols = spelled.columns as Record<string, Spelled & Pick<Column, 'default' | 'generated'>>;
      for (const c of t.columns) {
        const typed = columns.get(this.types.get(columnType(c))!.column)!;
        const dflt = c.default ? (columns.get(this.defaults.get(defaultKey(c.type.value, c.default.sql))!.column)?.default ?? null) : null;
        const generated = c.generated ? columns.get(this.generated.get(generatedKey(t, c, c.generated.value))!.name)?.generated : undefined;
        cols[c.name] = { type: typed.type, typeRef: typed.typeRef, default: dflt, ...(typed.collation ? { collation: typed.collation } : {}), ...(generated ? { generated } : {}) };
      }
      for (const check of t.checks) {
        const definition = checks.get(this.checks.get(checkKey(t, check.expression.value))!.name);
        // Never an empty definition: a check the spelling did not read back is a defect here.
        if (definition === undefined) throw new Error(`the spelling did not read back check "${check.name}"`);
        (spelled.checks as Record<string, string>)[check.name] = definition;
      }
      for (const index of t.indexes) {
        const target = spelled.indexes as Record<string, SpelledTable['indexes'][string]>;
        if (!this.served.has(index)) {
          target[index.name] = plainIndex(index);
          continue;
        }
        const read = indexes.get(this.indexes.get(indexKey(t, index))!.name)!;
        target[index.name] = { keys: read.keys, where: read.where, include: read.include, method: read.method, unique: index.unique, ...nullsNotDistinct(index), ...(read.with ? { with: read.with } : {}) };
      }
      out.set(objectPath(t.schema, t.name), spelled);
    }
    return out;
  }
}
