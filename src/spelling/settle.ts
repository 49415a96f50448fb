// A second reading of the free-form texts whose spelling does not read back the same.
// PostgreSQL prints `status IN ('a', 'b')` on a varchar column as
// `((status)::text = ANY ((ARRAY['a'::character varying, ...])::text[]))`; run as DDL, that
// text is stored as `... = ANY (ARRAY[('a'::character varying)::text, ...])`, which then reads
// back unchanged. So a text that differs from the database's is read once more:
//  - the desired text becomes its second reading, which is what the database stores when the
//    plan runs it (so the plan's fingerprint of the desired state holds after apply);
//  - a database text whose second reading equals it means the same, and is kept: a difference
//    of spelling alone plans nothing.
// Only texts that differ are read again, in bulk, on temporary tables, in the caller's
// transaction, which the caller rolls back. Texts that match cost nothing. The readings run in
// batches that give their locks back, so a large file never fills the server's lock table.
import { buildTables } from '../introspect/build.js';
import { tempCatalogSql, type CatalogRows } from '../introspect/catalog.js';
import { objectPath, quoteLiteral } from '../model/identifiers.js';
import type { Hints } from '../model/hints.js';
import { columnNamed, type Column, type Index, type Model, type Table } from '../model/model.js';
import { checkCondition, createIndex, createTable } from '../plan/sql.js';
import { checkExpression } from '../desired/sql-text.js';
import { checkExclusion } from '../desired/sql-exclusion.js';
import type { Db } from '../db/db.js';
import { lockBudget, locksHeld, READING_RESERVE } from '../db/locks.js';
import type { StandIns } from './stand-ins.js';

type Text = { readonly kind: 'check'; readonly definition: string } | { readonly kind: 'default'; readonly type: string; readonly expression: string } | { readonly kind: 'index'; readonly index: Index };

/** One text to read again, on a temporary table of its own holding the columns it reads. */
interface Reading {
  readonly table: string;
  readonly text: Text;
  readonly columns: readonly Column[];
}

/** The names of the columns a printed expression reads; null when it cannot be parsed. */
function columnsRead(expression: string): string[] | null {
  // An exclusion's definition (`EXCLUDE USING ...`) is kept as a check's: read as one.
  const checked = expression.startsWith('EXCLUDE ') ? checkExclusion(expression) : checkExpression(expression);
  return checked.ok ? checked.value.filter((r) => r.parts.length === 1).map((r) => r.parts[0]!) : null;
}

/** The columns a text reads; null when one of its expressions cannot be parsed. */
function columnsOf(text: Text): string[] | null {
  if (text.kind === 'default') return [];
  const expressions =
    text.kind === 'check' ? [checkCondition(text.definition)] : [...text.index.keys.flatMap((k) => (k.expression !== null ? [k.expression] : [])), ...(text.index.where !== null ? [text.index.where] : [])];
  const read = expressions.map(columnsRead);
  if (read.some((r) => r === null)) return null;
  const plain = text.kind === 'index' ? [...text.index.keys.flatMap((k) => (k.column !== null ? [k.column] : [])), ...text.index.include] : [];
  return [...plain, ...(read.flat() as string[])];
}

/** Whether an index has parts only the server can spell. */
const spelledIndex = (i: Index): boolean => i.where !== null || i.keys.some((k) => k.expression !== null);

const sameIndexShape = (a: Index, b: Index): boolean =>
  a.method === b.method &&
  a.unique === b.unique &&
  a.include.join('\u0000') === b.include.join('\u0000') &&
  a.keys.length === b.keys.length &&
  a.keys.every((k, i) => k.column === b.keys[i]!.column && (k.expression === null) === (b.keys[i]!.expression === null) && k.descending === b.keys[i]!.descending && k.nullsFirst === b.keys[i]!.nullsFirst);

const sameIndexTexts = (a: Index, b: Index): boolean => a.where === b.where && a.keys.every((k, i) => k.expression === b.keys[i]!.expression);

class Readings {
  readonly list: Reading[] = [];

  /**
   * Read `text` on `table`'s columns; null when it names a column the table does not have
   * with `sameAs`'s type (then it cannot mean the same as a text read there).
   */
  add(table: Table, text: Text, sameAs: Table = table): Reading | null {
    const names = columnsOf(text);
    if (names === null) return null;
    const columns: Column[] = [];
    for (const name of new Set(names)) {
      const column = columnNamed(table, name);
      if (!column || columnNamed(sameAs, name)?.type !== column.type) return null;
      columns.push({ ...column, default: null, identity: null, nullable: true, comment: null });
    }
    const reading: Reading = { table: `settle$${this.list.length + 1}`, text, columns };
    this.list.push(reading);
    return reading;
  }

  /** The statements of readings `from` to `to` (not included). */
  statements(from = 0, to = this.list.length): string[] {
    return this.list.slice(from, to).flatMap((r) => {
      const at = { schema: 'pg_temp', name: r.table };
      const base: Table = { kind: 'table', ...at, columns: r.columns, primaryKey: null, uniques: {}, checks: {}, indexes: {}, foreignKeys: {}, comment: null };
      switch (r.text.kind) {
        case 'check':
          return createTable({ ...base, checks: { k: { kind: 'check', name: 'k', definition: r.text.definition } } });
        case 'default': {
          const v: Column = { kind: 'column', name: 'v', type: r.text.type, typeRef: null, nullable: true, default: r.text.expression, identity: null, comment: null };
          return createTable({ ...base, columns: [v] });
        }
        case 'index':
          return [...createTable(base), createIndex(at, { ...r.text.index, name: `${r.table}$i` })];
      }
    });
  }
}

/** What a reading read back, by its temporary table. */
type ReadBack = ReadonlyMap<string, Table>;

/**
 * Locks one reading holds until its batch is rolled back: its table, its row type and an index
 * (measured: 2 or 3), with room to spare. Each batch is rolled back and released: a savepoint
 * only rolled back stays open, and the nested ones held a lock more per batch.
 */
const LOCKS_PER_READING = 4;

function readBack(reading: Reading, tables: ReadBack): Text | null {
  const t = tables.get(reading.table);
  if (!t) return null;
  switch (reading.text.kind) {
    case 'check': {
      const definition = t.checks['k']?.definition;
      return definition === undefined ? null : { kind: 'check', definition };
    }
    case 'default': {
      const expression = columnNamed(t, 'v')?.default;
      return expression == null ? null : { ...reading.text, expression };
    }
    case 'index': {
      const i = t.indexes[`${reading.table}$i`];
      return i ? { kind: 'index', index: { ...reading.text.index, keys: i.keys, where: i.where } } : null;
    }
  }
}

const sameText = (a: Text, b: Text): boolean =>
  a.kind === 'check' && b.kind === 'check'
    ? a.definition === b.definition
    : a.kind === 'default' && b.kind === 'default'
      ? a.expression === b.expression
      : a.kind === 'index' && b.kind === 'index' && sameIndexTexts(a.index, b.index);

/** A desired text, the database's text of the same object (if any), and where each is read. */
interface Pair {
  readonly apply: (text: Text) => void;
  readonly desired: Reading;
  readonly current: { readonly text: Text; readonly reading: Reading | null } | null;
}

/**
 * `desired` with each free-form text that differs from `current`'s settled (see the module
 * comment). Runs in the caller's transaction, which must be rolled back afterwards; on any
 * failure the texts are left as they were.
 */
export async function settleTexts(db: Db, current: Model, desired: Model, hints: Hints, serverVersion: number, standIns?: StandIns, budget?: number): Promise<Model> {
  const readings = new Readings();
  const pairs: Pair[] = [];
  const tables: Record<string, Table> = { ...desired.tables };

  for (const [key, want] of Object.entries(desired.tables)) {
    const old = hints.tables.get(key);
    const have: Table | undefined = current.tables[old ? objectPath(old.schema, old.name) : key];
    const edit = (change: (t: Table) => Table): void => {
      tables[key] = change(tables[key]!);
    };
    const pair = (text: Text, currentText: Text | null, apply: (text: Text) => void): void => {
      if (currentText && sameText(text, currentText)) return;
      const reading = readings.add(want, text);
      if (!reading) return;
      pairs.push({ apply, desired: reading, current: currentText && have ? { text: currentText, reading: readings.add(want, currentText, have) } : null });
    };

    for (const check of Object.values(want.checks)) {
      const theirs = have?.checks[check.name];
      pair({ kind: 'check', definition: check.definition }, theirs ? { kind: 'check', definition: theirs.definition } : null, (t) =>
        edit((tb) => ({ ...tb, checks: { ...tb.checks, [check.name]: { ...check, definition: (t as Extract<Text, { kind: 'check' }>).definition } } })),
      );
    }
    for (const column of want.columns) {
      if (column.default === null) continue;
      const theirs = have ? columnNamed(have, column.name) : undefined;
      const text: Text = { kind: 'default', type: column.type, expression: column.default };
      const currentText: Text | null = theirs?.default != null && theirs.type === column.type ? { ...text, expression: theirs.default } : null;
      pair(text, currentText, (t) => edit((tb) => ({ ...tb, columns: tb.columns.map((c) => (c.name === column.name ? { ...c, default: (t as Extract<Text, { kind: 'default' }>).expression } : c)) })));
    }
    for (const index of Object.values(want.indexes)) {
      if (!spelledIndex(index)) continue;
      const theirs = have?.indexes[index.name];
      const currentText: Text | null = theirs && sameIndexShape(theirs, index) ? { kind: 'index', index: { ...index, keys: theirs.keys, where: theirs.where } } : null;
      pair({ kind: 'index', index }, currentText, (t) => {
        const read = (t as Extract<Text, { kind: 'index' }>).index;
        edit((tb) => ({ ...tb, indexes: { ...tb.indexes, [index.name]: { ...index, keys: read.keys, where: read.where } } }));
      });
    }
  }
  if (pairs.length === 0) return desired;

  // In batches, each rolled back to its savepoint before the next: that gives its locks back
  // (a reading holds about LOCKS_PER_READING), so the transaction stays within `budget`.
  const read = new Map<string, Table>();
  const held = budget === undefined ? 0 : await locksHeld(db);
  const perBatch = Math.max(1, Math.floor(((budget ?? Infinity) - held - READING_RESERVE) / LOCKS_PER_READING));
  for (let from = 0; from < readings.list.length; from += perBatch) {
    try {
      await db.exec('SAVEPOINT settle');
      await db.query('SET LOCAL search_path = public');
      for (const statement of readings.statements(from, from + perBatch)) await db.query(standIns ? standIns.rewrite(statement) : statement);
      await db.query("SET LOCAL search_path = ''");
      const result = await db.query<{ catalog: Pick<CatalogRows, 'columns' | 'constraints' | 'indexes'> }>(tempCatalogSql(serverVersion));
      const catalog = standIns ? standIns.restore(result[0]!.catalog) : result[0]!.catalog;
      for (const t of Object.values(buildTables(catalog))) read.set(t.name, t);
    } catch {
      // A text that reads once but not twice: keep the first reading, as before.
      await db.exec('ROLLBACK TO SAVEPOINT settle; RELEASE SAVEPOINT settle');
      return desired;
    }
    await db.exec('ROLLBACK TO SAVEPOINT settle; RELEASE SAVEPOINT settle');
  }

  for (const p of pairs) {
    const settled = readBack(p.desired, read);
    if (!settled) continue;
    const theirs = p.current?.reading ? readBack(p.current.reading, read) : null;
    // Same meaning: keep the database's own text, so nothing is planned.
    p.apply(theirs && sameText(theirs, settled) ? p.current!.text : settled);
  }
  return { ...desired, tables };
}

/** The longest any one statement of the spelling may run: nothing in it reads rows. */
export const SPELLING_TIMEOUT = '30s';

/**
 * Open the spelling transaction: names of the file resolved as a new session resolves them,
 * every statement bounded in time and in how long it waits for a lock.
 */
export async function beginSpelling(db: Db): Promise<void> {
  await db.exec('BEGIN');
  await db.exec(`SET LOCAL search_path = public; SET LOCAL statement_timeout = ${quoteLiteral(SPELLING_TIMEOUT)}; SET LOCAL lock_timeout = ${quoteLiteral(SPELLING_TIMEOUT)}`);
}

/** `settleTexts` in a transaction of its own, always rolled back (nothing is left behind). */
export async function settleTextsAlone(db: Db, current: Model, desired: Model, hints: Hints, serverVersion: number): Promise<Model> {
  const { budget } = await lockBudget(db);
  await beginSpelling(db);
  try {
    return await settleTexts(db, current, desired, hints, serverVersion, undefined, budget);
  } finally {
    await db.exec('ROLLBACK');
  }
}
