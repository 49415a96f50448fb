// The spelling transaction (ARCHITECTURE decision 1): the desired side of a diff is spelled
// by PostgreSQL itself, in bulk. Inside one transaction that is always rolled back, the Spec's
// new schemas and enums are created, then each DISTINCT piece of free-form text is attached
// to a temporary table: every distinct type is a column of one table, every distinct
// (type, default) pair a column of another, and checks and expression or partial indexes sit
// on a few tables holding just the columns they read. The catalog queries that introspect the
// target read them back. Nothing is left behind; the spelling is exact for the target's own
// version and extensions; the cost grows with the distinct texts, not with the tables.
import { quoteIdent } from '../model/identifiers.js';
import type { Model } from '../model/model.js';
import { indexesSql, tempCatalogSql, type CatalogRows } from '../introspect/catalog.js';
import { asJsonArray } from '../introspect/scope.js';
import type { Diagnostic } from '../desired/diagnostics.js';
import type { Spec } from '../desired/spec.js';
import { hintsFromSpec } from '../desired/hints.js';
import { toModel, viewsModel } from '../desired/to-model.js';
import { DbError, type Db } from '../db/db.js';
import { lockBudget, locksHeld, READING_RESERVE } from '../db/locks.js';
import { beginSpelling, settleTexts } from './settle.js';
import { Layout, type Piece } from './layout.js';
import { spellViews } from './views.js';
import { makeNewFunctions, newEnums, spellFunctions } from './functions.js';
import { spellPartitions } from './partitions.js';
import { spellTriggers } from './triggers.js';
import { spellPolicies } from './policies.js';
import { spelledCompositeTypes, spelledDomains } from './domains.js';
/** A server message with the spelling's own names (`d$11`, `x$7`) replaced by the user's. */
function inUserWords(message: string, names: Readonly<Record<string, string>>): string {
  return message.replace(/[a-z]+\$\d+/g, (internal) => names[internal] ?? internal);
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
      : `grant it what planning makes (all of it rolled back): GRANT TEMPORARY ON DATABASE ${quoteIdent(database)} TO ${quoteIdent(role)}; an enum named like a built-in type or like another enum is made in its own schema, which needs CREATE there too`;
  const whyNot = error.code === '25006' ? `this session of role "${role}" is read-only` : `role "${role}" may not`;
  return new DbError(`planning needs a role that may make (and roll back) temporary tables and types in database "${database}", and ${whyNot}: ${error.message}`, error.code, hint);
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
  await beginSpelling(db);
  try {
    for (const piece of layout.pieces()) {
      if (piece.after.some((p) => failed.has(p))) {
        failed.add(piece);
        continue;
      }
      await db.exec('SAVEPOINT spelling');
      try {
        for (const sql of piece.sql) await db.query(layout.standIns.rewrite(sql));
        const problem = await piece.check?.(db);
        if (problem) throw new DbError(problem, '22003');
        // What the setup makes (schemas, enums) the other pieces use; each other piece stands
        // alone, so it is rolled back once it succeeded, giving back its locks.
        await db.exec(layout.setup.includes(piece) ? 'RELEASE SAVEPOINT spelling' : 'ROLLBACK TO SAVEPOINT spelling; RELEASE SAVEPOINT spelling');
      } catch (error) {
        const code = error instanceof DbError ? (error.code ?? '') : '';
        if (error instanceof DbError && NOT_PERMITTED.has(code)) {
          refused = error;
          break;
        }
        if (NOT_THE_FILE.some((c) => code.startsWith(c))) throw error;
        await db.exec('ROLLBACK TO SAVEPOINT spelling; RELEASE SAVEPOINT spelling');
        failed.add(piece);
        const message = layout.standIns.restoreText(error instanceof Error ? error.message : String(error));
        for (const use of piece.uses) {
          const said = inUserWords(message, use.names);
          const explained = piece.explain?.(said) ?? { message: said };
          // `column "a": column "a" has pseudo-type record` says it once.
          const text = explained.message.startsWith(use.what) ? explained.message : `${use.what}: ${explained.message}`;
          out.push({ ...use.pos, file: use.pos.file || file, code: 'bad_expression', message: text, ...(explained.hint ? { hint: explained.hint } : {}) });
        }
      }
    }
  } finally {
    await db.exec('ROLLBACK');
  }
  if (refused) throw await notPermitted(db, refused);
  return out;
}

/** Locks one spelled index holds until its batch is rolled back (its relation; measured: 1). */
const LOCKS_PER_INDEX = 2;

/**
 * The indexes of the fast path (`Layout.groupIndexes`), made and read back in batches, each
 * rolled back to a savepoint before the next, so the transaction holds at most `budget` locks.
 */
async function indexesInBatches(db: Db, layout: Layout, serverVersion: number, budget: number, read: CatalogRows['indexes']): Promise<CatalogRows['indexes']> {
  const statements = layout.groupIndexes();
  if (statements.length === 0) return [];
  const perBatch = Math.max(1, Math.floor((budget - (await locksHeld(db)) - READING_RESERVE) / LOCKS_PER_INDEX));
  // Each batch reads the indexes of every temporary table: those read before are not new.
  const known = new Set(read.map((row) => row.name));
  const out: CatalogRows['indexes'][number][] = [];
  for (let from = 0; from < statements.length; from += perBatch) {
    await db.exec('SAVEPOINT spelling_indexes');
    await db.query('SET LOCAL search_path = public');
    for (const statement of statements.slice(from, from + perBatch)) await db.query(layout.standIns.rewrite(statement));
    await db.query("SET LOCAL search_path = ''");
    const [result] = await db.query<Pick<CatalogRows, 'indexes'>>(`SELECT ${asJsonArray(indexesSql('temp', serverVersion))} AS indexes`);
    for (const row of layout.standIns.restore(result!.indexes)) {
      if (known.has(row.name)) continue;
      known.add(row.name);
      out.push(row);
    }
    await db.exec('ROLLBACK TO SAVEPOINT spelling_indexes; RELEASE SAVEPOINT spelling_indexes');
  }
  return out;
}

export interface SpellOptions {
  /** The most locks the spelling transaction may hold at once (default: half the server's lock table). */
  readonly lockBudget?: number;
}

export type SpellResult = { readonly ok: true; readonly model: Model } | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

/**
 * The desired Model, every free-form part spelled by the target itself. Writes nothing that
 * outlives the call: the transaction is always rolled back.
 */
export async function spell(db: Db, spec: Spec, current: Model, serverVersion: number, options: SpellOptions = {}): Promise<SpellResult> {
  const layout = new Layout(spec, current);
  const budget = options.lockBudget ?? (await lockBudget(db)).budget;
  let rows: Pick<CatalogRows, 'columns' | 'constraints' | 'indexes'>;
  let domains: Model['domains'];
  let types: Model['types'];
  await beginSpelling(db);
  try {
    // One statement at a time, each on the extended protocol: text of the file never shares a
    // message with another statement.
    for (const statement of layout.statements()) await db.query(layout.standIns.rewrite(statement));
    // Read back exactly as introspection reads the target: with nothing on the search_path.
    await db.query("SET LOCAL search_path = ''");
    const result = await db.query<{ catalog: typeof rows }>(tempCatalogSql(serverVersion));
    rows = layout.standIns.restore(result[0]!.catalog);
    if (spec.domains) domains = await spelledDomains(db, spec, (x) => layout.standIns.restore(x));
    if (spec.types) types = await spelledCompositeTypes(db, spec, (x) => layout.standIns.restore(x));
    rows = { ...rows, indexes: [...rows.indexes, ...(await indexesInBatches(db, layout, serverVersion, budget, rows.indexes))] };
  } catch {
    await db.exec('ROLLBACK');
    const diagnostics = await diagnose(db, layout, spec.file);
    if (diagnostics.length === 0) throw new Error('the spelling transaction failed, but no single part of it did');
    return { ok: false, diagnostics };
  }
  try {
    const { model, diagnostics } = toModel(spec, layout.assemble(rows));
    if (diagnostics.length > 0) return { ok: false, diagnostics };
    const typeColumns = new Map(rows.columns.map((c) => [c.name, c.type]));
    const rounded = await layout.roundedLiterals(db, (text) => typeColumns.get(layout.types.get(text)?.column ?? ''));
    if (rounded.length > 0) return { ok: false, diagnostics: rounded.map((d) => ({ ...d, file: d.file || spec.file })) };
    // In the same transaction: new enums and schemas still exist for the second reading.
    const settled = await settleTexts(db, current, model, hintsFromSpec(spec), serverVersion, layout.standIns, budget);
    let spelled: Model = { ...settled, ...(domains === undefined ? {} : { domains }), ...(types === undefined ? {} : { types }) };
    // The file's new functions exist under their own names while views and aggregates are spelled (new enums for the rest of the transaction, as before).
    if (spec.functions) {
      await newEnums(db, spec, current);
      await db.exec('SAVEPOINT spelling_new_functions');
      await makeNewFunctions(db, spec, current);
    }
    if ((spec.views ?? []).length > 0 || (spec.materializedViews ?? []).length > 0) {
      const views = await spellViews(db, spec, current, settled);
      if (views.diagnostics.length > 0) return { ok: false, diagnostics: views.diagnostics };
      spelled = { ...spelled, ...viewsModel(spec, views.spelled) };
    }
    if (spec.functions) {
      const functions = await spellFunctions(db, spec);
      if (functions.diagnostics.length > 0) return { ok: false, diagnostics: functions.diagnostics };
      spelled = { ...spelled, functions: functions.functions };
      await db.exec('ROLLBACK TO SAVEPOINT spelling_new_functions; RELEASE SAVEPOINT spelling_new_functions');
    }
    if (spec.triggers) {
      const triggers = await spellTriggers(db, spec, current);
      if (triggers.diagnostics.length > 0) return { ok: false, diagnostics: triggers.diagnostics };
      spelled = { ...spelled, triggers: triggers.triggers };
    }
    const partitions = await spellPartitions(db, spec, spelled);
    if (partitions.diagnostics.length > 0) return { ok: false, diagnostics: partitions.diagnostics };
    const withPartitions: Model = { ...spelled, tables: partitions.tables };
    const policies = await spellPolicies(db, spec, current, withPartitions);
    if (policies.diagnostics.length > 0) return { ok: false, diagnostics: policies.diagnostics };
    return { ok: true, model: { ...withPartitions, ...policies.model } };
  } finally {
    await db.exec('ROLLBACK');
  }
}
