// Replays without data: a Model rebuilt in an empty scratch database, steps run there, and the
// Model read back. Shared by proven plans, the states an upgrade script records, and merges.
import { groupSteps } from '../apply/groups.js';
import type { ScriptStates } from '../apply/replay.js';
import { runSteps } from '../apply/transaction.js';
import type { Db } from '../db/db.js';
import { withScratchDatabase, type Extension } from '../db/scratch.js';
import { settleTextsAlone } from '../db/settle.js';
import type { Target } from '../db/target.js';
import { diff } from '../diff/diff.js';
import { introspect, serverVersion, type Introspection, type UsedFunction } from '../introspect/introspect.js';
import { canonicalJson, comparable } from '../model/fingerprint.js';
import { objectPath, pathsOverlap } from '../model/identifiers.js';
import { noHints } from '../model/hints.js';
import { columnNamed, type Index, type Model, type Table, type Unmanaged } from '../model/model.js';
import { buildPlan, stepsFor } from '../plan/plan.js';
import type { Step } from '../plan/types.js';
import type { Revision } from '../revisions/chain.js';

/**
 * Run `steps` as apply does: in one transaction, except steps that cannot run in one (CREATE
 * INDEX CONCURRENTLY), which run on their own between transactions. The first line of the
 * failure ("step 2 of 5 failed (op object): reason", without `what`, which the caller says
 * its own way), or null.
 */
export async function runQuietly(db: Db, steps: readonly Step[], what: string): Promise<string | null> {
  for (const group of groupSteps(steps, Number.POSITIVE_INFINITY)) {
    const numbering = { first: group.from, total: steps.length };
    const part = steps.slice(group.from, group.to);
    if (group.transactional) await db.exec('BEGIN');
    try {
      await runSteps(db, part, what, undefined, undefined, numbering);
      if (group.transactional) await db.exec('COMMIT');
    } catch (error) {
      if (group.transactional) await db.exec('ROLLBACK').catch(() => undefined);
      const line = (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
      return line.startsWith(`${what}: `) ? line.slice(what.length + 2) : line;
    }
  }
  return null;
}

/**
 * A copy of the schema has every index valid and every constraint validated: a schema rebuilt
 * without data cannot have an INVALID index or a NOT VALID constraint, so they are not compared.
 */
export function settled(model: Model): Model {
  const tables: Record<string, Model['tables'][string]> = {};
  for (const [key, t] of Object.entries(model.tables)) {
    tables[key] = {
      ...t,
      indexes: Object.fromEntries(Object.entries(t.indexes).map(([n, { invalid: _i, ...i }]) => [n, i])),
      checks: Object.fromEntries(Object.entries(t.checks).map(([n, { notValid: _v, ...c }]) => [n, c])),
      foreignKeys: Object.fromEntries(Object.entries(t.foreignKeys).map(([n, { notValid: _v, ...f }]) => [n, f])),
    };
  }
  return comparable({ ...model, tables });
}

/**
 * The steps that would still take the scratch database (`actual`) to `expected`, as "op object"
 * words; none when equal. Texts that differ only in spelling (see db/settle.ts) are not steps.
 * A schema holding objects not managed, there or in the database copied (`occupied`), is never
 * a step: plans keep such schemas whatever schema.yaml says, and so does the comparison.
 */
export async function stillNeeded(scratch: Db, actual: Introspection, expected: Model, occupied: readonly string[] = []): Promise<string[]> {
  const options = { occupiedSchemas: [...new Set([...actual.unmanaged.occupiedSchemas, ...occupied])] };
  const needed = (want: Model): Step[] => stepsFor(diff(settled(actual.model), settled(want), noHints, options).changes, want);
  if (needed(expected).length === 0) return [];
  const respelled = await settleTextsAlone(scratch, actual.model, expected, noHints, actual.serverVersion);
  return needed(respelled).map((s) => `${s.op} ${s.object}`);
}

/** What a copy of the schema needs besides its Model, as introspection of the target finds it (an Introspection is one). */
export interface CopyNeeds {
  /** Created in the copy first. */
  readonly extensions?: readonly Extension[];
  /** The user's functions, copied before the tables (those the tables call must be). */
  readonly functions?: readonly UsedFunction[];
  /** Schemas holding objects not managed (see `stillNeeded`): kept, as the plan keeps them, though the copy may leave them empty. */
  readonly unmanaged?: Pick<Unmanaged, 'occupiedSchemas'>;
  /** The target's server_version_num: a copy on another major version (the embedded one) says so. */
  readonly serverVersion?: number;
  /** The target's Model, of which `indexDefinitions` are. */
  readonly model?: Model;
  /** By index object path, the target's CREATE INDEX statements: an index the Model copied has alike is made from its own (operator classes...). */
  readonly indexDefinitions?: Readonly<Record<string, string>>;
}

interface LiveIndex {
  readonly path: string;
  readonly table: string;
  readonly name: string;
  readonly definition: string;
}

const withoutInvalid = ({ invalid: _i, ...index }: Index): Index => index;

/**
 * The indexes of `model` that the target has exactly alike (as far as the Model sees), with the
 * target's own statements: these hold what the Model does not, an operator class, a collation.
 */
function liveIndexes(model: Model, needs: CopyNeeds): LiveIndex[] {
  const live = needs.model;
  const definitions = needs.indexDefinitions ?? {};
  if (!live) return [];
  return Object.entries(model.tables).flatMap(([key, t]) =>
    Object.values(t.indexes).flatMap((index) => {
      const path = objectPath(t.schema, t.name, index.name);
      const theirs = live.tables[key]?.indexes[index.name];
      const definition = definitions[path];
      return theirs && definition && canonicalJson(withoutInvalid(theirs)) === canonicalJson(withoutInvalid(index)) ? [{ path, table: key, name: index.name, definition }] : [];
    }),
  );
}

/** `model` without `indexes`, and without foreign keys (one may need a unique index among them). */
function withoutIndexes(model: Model, indexes: readonly LiveIndex[]): Model {
  const tables = Object.fromEntries(
    Object.entries(model.tables).map(([key, t]) => {
      const left = Object.fromEntries(Object.entries(t.indexes).filter(([name]) => !indexes.some((i) => i.table === key && i.name === name)));
      return [key, { ...t, indexes: left, foreignKeys: {} }];
    }),
  );
  return { ...model, tables };
}

interface NotCopied {
  readonly function: UsedFunction;
  readonly why: string;
}

/**
 * Create `functions` (pg_get_functiondef's statements) in `scratch` without checking their
 * bodies (as pg_dump does: what a body reads may come later, and nothing runs it without
 * data). One that fails (a body in the SQL-standard form calling a function made after it, a
 * type of its signature not there yet) is tried again after the others, until no more can be
 * made. Those left, and why.
 */
async function copyFunctions(scratch: Db, functions: readonly UsedFunction[]): Promise<NotCopied[]> {
  await scratch.exec('SET check_function_bodies = false');
  try {
    let pending = functions;
    for (;;) {
      const left: NotCopied[] = [];
      for (const f of pending) {
        try {
          await scratch.exec(f.definition);
        } catch (error) {
          left.push({ function: f, why: (error instanceof Error ? error.message : String(error)).split('\n')[0]! });
        }
      }
      if (left.length === 0 || left.length === pending.length) return left;
      pending = left.map((l) => l.function);
    }
  } finally {
    await scratch.exec('RESET check_function_bodies');
  }
}

/**
 * Run `fn` with the search_path a new session of the server has, as the schema of today was
 * made: an SQL function an index or default calls is inlined, and its body read, with the
 * path of the session that builds them, and a body may call its neighbours unqualified. Only
 * the copy is made so; the plan and its downgrade run as apply runs them (see db/db.ts).
 */
async function asMade<T>(scratch: Db, fn: () => Promise<T>): Promise<T> {
  await scratch.exec('RESET search_path');
  try {
    return await fn();
  } finally {
    await scratch.exec("SET search_path = ''");
  }
}

/** Run the steps that take `scratch` to `desired`; the failure, or null. */
async function buildTo(scratch: Db, desired: Model): Promise<string | null> {
  const steps = buildPlan({ current: (await introspect(scratch)).model, desired, hints: noHints }).steps;
  return asMade(scratch, () => runQuietly(scratch, steps, 'rebuilding the schema'));
}

/** Run each index's own statement; those that fail, and why. */
async function createIndexes(scratch: Db, indexes: readonly LiveIndex[]): Promise<{ index: LiveIndex; why: string }[]> {
  const failures: { index: LiveIndex; why: string }[] = [];
  for (const index of indexes) {
    try {
      await scratch.exec(index.definition);
    } catch (error) {
      failures.push({ index, why: (error instanceof Error ? error.message : String(error)).split('\n')[0]! });
    }
  }
  return failures;
}

export interface Rebuilt {
  /** What went wrong ("could not be rebuilt ..."); null when the copy is exact but for what `settled` leaves out. */
  readonly problem: string | null;
  /** The user's functions that could not be copied: the tables do not call them, or `problem` says so. */
  readonly notCopied: readonly string[];
}

/**
 * Build `model` (settled: see above) in the empty database `scratch`, with the user's
 * functions: created once the schemas and enums they may use exist, before any table, since
 * defaults, checks and indexes call them, and the functions those call in turn (an SQL
 * function is inlined, and its body read, when an index on it is built; the catalog does not
 * record what a body written as text calls, so every one is copied). A function the tables do
 * not call that cannot be made there is no failure, unless the build then fails: it is named.
 */
export async function rebuildCopy(scratch: Db, model: Model, needs: CopyNeeds = {}): Promise<Rebuilt> {
  const functions = needs.functions ?? [];
  let left: NotCopied[] = [];
  const notCopied = (): string[] => left.map((l) => l.function.signature);
  let indexFailures: { readonly index: LiveIndex; readonly why: string }[] = [];
  const failed = (why: string, named?: NotCopied): Rebuilt => {
    const others = left.filter((l) => l !== named);
    const functionsNote = others.length > 0 ? `; not copied there: ${others.map((l) => `the function ${l.function.signature} (${l.why})`).join(', ')}` : '';
    // An index whose own statement failed for the same reason as the step needs no second word.
    const indexesNote = indexFailures.filter((f) => !why.includes(f.why)).map((f) => `; the index ${f.index.path} as the database defines it (${f.index.definition}) could not be made there either: ${f.why}`).join('');
    return { problem: `could not be rebuilt there: ${why}${functionsNote}${indexesNote}`, notCopied: notCopied() };
  };
  if (functions.length > 0) {
    const error = await buildTo(scratch, { schemas: model.schemas, enums: model.enums, tables: {} });
    if (error) return failed(error);
    left = await asMade(scratch, () => copyFunctions(scratch, functions));
    const needed = left.find((l) => l.function.called);
    if (needed) return failed(`the function ${needed.function.signature}, which a default, check or index calls, could not be created there: ${needed.why}`, needed);
  }
  // Indexes are made from the target's own statements where it has them, then the rest (an
  // index such a statement could not make, from the Model, and the foreign keys) as planned.
  const live = liveIndexes(model, needs);
  if (live.length > 0) {
    const error = await buildTo(scratch, withoutIndexes(settled(model), live));
    if (error) return failed(error);
    indexFailures = await asMade(scratch, () => createIndexes(scratch, live));
  }
  const error = await buildTo(scratch, settled(model));
  if (error) return failed(error);
  // A function taking or returning a table's row type can be made now.
  if (left.length > 0) left = await asMade(scratch, () => copyFunctions(scratch, left.map((l) => l.function)));
  const off = await stillNeeded(scratch, await introspect(scratch), model);
  return { problem: off.length > 0 ? `could not be rebuilt exactly (still needed: ${off.join(', ')})` : null, notCopied: notCopied() };
}

/** `rebuildCopy`'s problem alone: null when the copy is exact. */
export async function rebuild(scratch: Db, model: Model, needs: CopyNeeds = {}): Promise<string | null> {
  return (await rebuildCopy(scratch, model, needs)).problem;
}

/**
 * The state after revisions that changed only the objects `touched`, as the database that
 * started at `live` has it: an object the revisions neither named nor changed (the same
 * `before` and `after` in the copy) is taken from `live`, spelled and flagged as it is there
 * (a text PostgreSQL stores otherwise when it is run again, an INVALID index); every other
 * object is as the revisions left it in the copy, where the same statements ran. Pure.
 */
export function carryOver(live: Model, before: Model, after: Model, touched: readonly string[]): Model {
  const same = (a: unknown, b: unknown): boolean => canonicalJson(a) === canonicalJson(b);
  const pick = <T>(path: string, theirs: T | undefined, was: T | undefined, now: T): T =>
    theirs !== undefined && was !== undefined && same(was, now) && !touched.some((t) => pathsOverlap(t, path)) ? theirs : now;
  const members = <T>(t: Table, theirs: Readonly<Record<string, T>>, was: Readonly<Record<string, T>>, now: Readonly<Record<string, T>>) =>
    Object.fromEntries(Object.entries(now).map(([name, x]) => [name, pick(objectPath(t.schema, t.name, name), theirs[name], was[name], x)]));
  const tables: Record<string, Table> = {};
  for (const [key, t] of Object.entries(after.tables)) {
    const theirs = live.tables[key];
    const was = before.tables[key];
    if (!theirs || !was) {
      tables[key] = t;
      continue;
    }
    tables[key] = {
      ...t,
      columns: t.columns.map((c) => pick(objectPath(t.schema, t.name, c.name), columnNamed(theirs, c.name), columnNamed(was, c.name), c)),
      primaryKey: t.primaryKey && pick(objectPath(t.schema, t.name, t.primaryKey.name), theirs.primaryKey ?? undefined, was.primaryKey ?? undefined, t.primaryKey),
      uniques: members(t, theirs.uniques, was.uniques, t.uniques),
      checks: members(t, theirs.checks, was.checks, t.checks),
      indexes: members(t, theirs.indexes, was.indexes, t.indexes),
      foreignKeys: members(t, theirs.foreignKeys, was.foreignKeys, t.foreignKeys),
    };
  }
  const enums = Object.fromEntries(Object.entries(after.enums).map(([key, e]) => [key, pick(key, live.enums[key], before.enums[key], e)]));
  return { ...after, enums, tables };
}

const major = (version: number): number => Math.floor(version / 10000);

/**
 * The Model after each of `revisions`, run in order without data on a copy of `start` in a
 * scratch database: what the ledger records when schema itself runs them on the database
 * `start` was read from (see `carryOver`). A state that cannot be known (the copy cannot be
 * made, is of another PostgreSQL version, or a revision fails there) is null, and the note
 * says why.
 */
export async function statesAfter(target: Target, start: Introspection, revisions: readonly Revision[]): Promise<ScriptStates> {
  if (revisions.length === 0) return { after: [], note: null };
  return withScratchDatabase(target, async (scratch, info) => {
    const after: Model[] = [];
    const stop = (why: string): ScriptStates => ({
      after: revisions.map((_, i) => after[i] ?? null),
      note: `No state is recorded with ${after.length === 0 ? 'these revisions' : `the revisions from ${revisions[after.length]!.revision} on`}: ${why}. \`schema drift\` and \`schema check\` cannot compare the database with them until schema applies the next revision.`,
    });
    const version = await serverVersion(scratch);
    if (major(version) !== major(start.serverVersion)) {
      return stop(`the copy of its schema could only be made on ${info.where}, PostgreSQL ${major(version)}, which may spell it otherwise than this database's PostgreSQL ${major(start.serverVersion)}`);
    }
    const problem = await rebuild(scratch, start.model, start);
    if (problem) return stop(`the schema of this database ${problem} (${info.where})`);
    const before = (await introspect(scratch)).model;
    const touched: string[] = [];
    for (const r of revisions) {
      const error = await runQuietly(scratch, r.upgrade, `revision ${r.revision}`);
      if (error) return stop(`run on a copy of this database's schema without data (${info.where}), revision ${r.revision}: ${error}`);
      touched.push(...r.upgrade.map((s) => s.object));
      after.push(carryOver(start.model, before, (await introspect(scratch)).model, touched));
    }
    return { after, note: null };
  }, { extensions: start.extensions });
}
