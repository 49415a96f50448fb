// Replays without data: a Model rebuilt in an empty scratch database, steps run there, and the
// Model read back. Shared by proven plans, the states an upgrade script records, and merges.
import { groupSteps } from '../apply/groups.js';
import type { ReplayState, ScriptStates } from '../apply/replay.js';
import { runSteps } from '../apply/transaction.js';
import type { Db } from '../db/db.js';
import { withEmbeddedScratch, withScratchDatabase, type Extension, type ScratchInfo } from '../db/scratch.js';
import { settleTextsAlone } from '../spelling/settle.js';
import type { Target } from '../db/target.js';
import { diff } from '../diff/diff.js';
import { introspect, serverVersion, type Introspection, type UsedFunction } from '../introspect/introspect.js';
import { canonicalJson, comparable } from '../model/fingerprint.js';
import { objectPath, pathsOverlap } from '../model/identifiers.js';
import { noHints } from '../model/hints.js';
import { keepUndeclaredPolicies } from '../model/policy.js';
import { columnNamed, tableKey, type Index, type Model, type Table, type Unmanaged } from '../model/model.js';
import { mapModel, objectsOf, type ObjectPlace } from '../model/objects.js';
import { keepUndeclaredViews } from '../model/view.js';
import { buildPlan, stepsFor } from '../plan/plan.js';
import type { Step } from '../plan/types.js';
import type { Revision } from '../revisions/chain.js';
import { recordStateOf } from '../revisions/ledger.js';

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
  const valid = mapModel(model, {
    index: ({ invalid: _i, ...i }) => i,
    check: ({ notValid: _v, ...c }) => c,
    foreign_key: ({ notValid: _v, ...f }) => f,
  });
  // A copy has the target's extensions that it can create (made first, see CopyNeeds), not the
  // Model's: a verification on the embedded PostgreSQL may lack one the schema does not use.
  const { extensions: _extensions, ...rest } = valid;
  return comparable(rest);
}

/**
 * The steps that would still take the scratch database (`actual`) to `expected`, as "op object"
 * words; none when equal. Texts that differ only in spelling (see db/settle.ts) are not steps.
 * A schema holding objects not managed, there or in the database copied (`occupied`), is never
 * a step: plans keep such schemas whatever schema.yaml says, and so does the comparison.
 */
export async function stillNeeded(scratch: Db, actual: Introspection, wanted: Model, occupied: readonly string[] = []): Promise<string[]> {
  const keep = [...actual.unmanaged.occupiedSchemas, ...occupied];
  const expected = asSpelledThere(wanted, actual.model);
  if (stepsToward(actual.model, expected, keep).length === 0) return [];
  const respelled = await settleTextsAlone(scratch, actual.model, expected, noHints, actual.serverVersion);
  return stepsToward(actual.model, respelled, keep).map((s) => `${s.op} ${s.object}`);
}

/**
 * A view the planning could not spell (it reads what the plan makes or changes) is spelled by
 * the server once made: the one `actual` has under its name stands for it. A Model without
 * views (a file without `views:` or `materialized_views:`) keeps those there, as plans do
 * (plan/plan.ts); so does one without functions.
 */
function asSpelledThere(wanted: Model, actual: Model): Model {
  // A Model without functions (a file without `functions:`) keeps those there too.
  const want: Model =
    wanted.functions !== undefined || actual.functions === undefined
      ? wanted
      : { ...wanted, schemas: [...new Set([...wanted.schemas, ...Object.values(actual.functions).map((f) => f.schema)])].sort(), functions: actual.functions };
  const kept = withPoliciesThere(withTriggersThere(keepUndeclaredViews(want, actual), actual), actual);
  if (kept.views === undefined) return kept;
  const views = Object.fromEntries(Object.entries(kept.views).map(([key, v]) => [key, v.unspelled && actual.views?.[key] ? { ...actual.views[key], comment: v.comment } : v]));
  return { ...kept, views };
}

/**
 * Triggers alike: a Model without them keeps those there (of its tables); one the planning could
 * not spell (its table was new) stands for the one `actual` has under its key.
 */
function withTriggersThere(wanted: Model, actual: Model): Model {
  if (wanted.triggers === undefined) {
    if (actual.triggers === undefined) return wanted;
    return { ...wanted, triggers: Object.fromEntries(Object.entries(actual.triggers).filter(([, t]) => wanted.tables[objectPath(t.schema, t.table)] !== undefined)) };
  }
  return { ...wanted, triggers: Object.fromEntries(Object.entries(wanted.triggers).map(([key, t]) => [key, t.searchPath !== undefined && actual.triggers?.[key] ? actual.triggers[key] : t])) };
}

/**
 * Policies alike: those of a table without `policies:` and the row-level security switches the
 * file does not write are as `actual` has them; one the planning could not spell stands for the
 * one `actual` has under its key.
 */
function withPoliciesThere(wanted: Model, actual: Model): Model {
  const kept = keepUndeclaredPolicies(wanted, actual, new Map());
  if (kept.policies === undefined) return kept;
  return { ...kept, policies: Object.fromEntries(Object.entries(kept.policies).map(([key, p]) => [key, p.searchPath !== undefined && actual.policies?.[key] ? actual.policies[key] : p])) };
}

/** The steps that take `actual` to `want`, both settled (see above), keeping the schemas `occupied` holds objects in. Pure. */
export function stepsToward(actual: Model, want: Model, occupied: readonly string[]): Step[] {
  return stepsFor(diff(settled(actual), settled(want), noHints, { occupiedSchemas: [...new Set(occupied)] }).changes, want);
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
  return objectsOf(model).flatMap((o) => {
    if (o.kind !== 'index') return [];
    const key = tableKey(o.table!);
    const theirs = live.tables[key]?.indexes[o.object.name];
    const definition = definitions[o.path];
    return theirs && definition && canonicalJson(withoutInvalid(theirs)) === canonicalJson(withoutInvalid(o.object)) ? [{ path: o.path, table: key, name: o.object.name, definition }] : [];
  });
}

/** `model` without `indexes`, and without foreign keys (one may need a unique index among them). */
function withoutIndexes(model: Model, indexes: readonly LiveIndex[]): Model {
  return mapModel(model, {
    index: (i, at) => (indexes.some((live) => live.table === tableKey(at.table!) && live.name === i.name) ? null : i),
    foreign_key: () => null,
  });
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
export async function rebuildCopy(scratch: Db, withFunctions: Model, needs: CopyNeeds = {}): Promise<Rebuilt> {
  const functions = needs.functions ?? [];
  // Functions are copied (below), not planned: copyFunctions orders them and names those it cannot make.
  const { functions: _copied, ...model } = withFunctions;
  let left: NotCopied[] = [];
  const notCopied = (): string[] => left.map((l) => l.function.signature);
  let indexFailures: { readonly index: LiveIndex; readonly why: string }[] = [];
  const failed = (why: string, named?: NotCopied): Rebuilt => {
    const others = left.filter((l) => l !== named);
    const functionsNote = others.length > 0 ? `; not copied there: ${others.map((l) => `the function ${l.function.signature} (${l.why})`).join(', ')}` : '';
    // An index whose own statement failed for the same reason as the step needs no second word.
    const indexesNote = indexFailures
      .filter((f) => !why.includes(f.why))
      .map((f) => `; the index ${f.index.path} as the database defines it (${f.index.definition}) could not be made there either: ${f.why}`)
      .join('');
    return { problem: `could not be rebuilt there: ${why}${functionsNote}${indexesNote}`, notCopied: notCopied() };
  };
  if (functions.length > 0) {
    // With the domains and composite types too: a function may take or return one.
    const error = await buildTo(scratch, { schemas: model.schemas, enums: model.enums, ...(model.domains ? { domains: model.domains } : {}), ...(model.types ? { types: model.types } : {}), tables: {} });
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
  if (left.length > 0)
    left = await asMade(scratch, () =>
      copyFunctions(
        scratch,
        left.map((l) => l.function),
      ),
    );
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
  const pick = <T>(path: string, theirs: T | undefined, was: T | undefined, now: T): T => (theirs !== undefined && was !== undefined && same(was, now) && !touched.some((t) => pathsOverlap(t, path)) ? theirs : now);
  /** A member of a table: taken from the live table when the table is in both `live` and `before`. */
  const member =
    <T>(of: (t: Table) => T | undefined) =>
    (now: T, at: ObjectPlace): T => {
      const key = tableKey(at.table!);
      const theirs = live.tables[key];
      const was = before.tables[key];
      return theirs && was ? pick(at.path, of(theirs), of(was), now) : now;
    };
  return mapModel(after, {
    enum: (e, at) => pick(at.path, live.enums[at.path], before.enums[at.path], e),
    column: (c, at) => member((t) => columnNamed(t, c.name))(c, at),
    primary_key: (pk, at) => member((t) => t.primaryKey ?? undefined)(pk, at),
    unique: (u, at) => member((t) => t.uniques[u.name])(u, at),
    check: (c, at) => member((t) => t.checks[c.name])(c, at),
    index: (i, at) => member((t) => t.indexes[i.name])(i, at),
    foreign_key: (f, at) => member((t) => t.foreignKeys[f.name])(f, at),
  });
}

const major = (version: number): number => Math.floor(version / 10000);

/**
 * The Model after each of `revisions`, run in order without data on a copy of `start`: what the
 * ledger records when schema itself runs them on the database `start` was read from (see
 * `carryOver`). Run on the in-memory embedded PostgreSQL of this process unless `server` is
 * given: then in a temporary database on that server, as its role (only where running the
 * revisions' SQL there is approved, or asked for). A state that cannot be known (the copy cannot
 * be made, is of another PostgreSQL version, or a revision fails there) is null, and the note
 * says why.
 */
export async function statesAfter(start: Introspection, revisions: readonly Revision[], server: Target | null = null): Promise<ScriptStates> {
  if (revisions.length === 0) return { after: [], note: null, where: null };
  const replay = async (scratch: Db, info: ScratchInfo): Promise<ScriptStates> => {
    const after: Model[] = [];
    const stop = (why: string): ScriptStates => ({
      after: revisions.map((_, i) => after[i] ?? null),
      note: `No state is recorded with ${after.length === 0 ? 'these revisions' : `the revisions from ${revisions[after.length]!.revision} on`}: ${why}. \`schema drift\` and \`schema check\` cannot compare the database with them until schema applies the next revision.`,
      where: info.where,
    });
    const version = await serverVersion(scratch);
    if (major(version) !== major(start.serverVersion)) {
      return stop(`their SQL was run to work it out on ${info.where}, PostgreSQL ${major(version)}, which may spell the schema otherwise than this database's PostgreSQL ${major(start.serverVersion)}`);
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
    return { after, note: null, where: info.where };
  };
  const options = { extensions: start.extensions };
  return server ? withScratchDatabase(server, replay, options) : withEmbeddedScratch(replay, options);
}

/**
 * After a run whose state `stateToRecord` could not tell: replay the revision without data on a
 * copy of the recorded state, in a scratch database, and record the result. Left unrecorded (null,
 * as a script that cannot tell leaves it) when the copy cannot be made or the revision fails there.
 * The scratch database is a temporary one on the target's own server when the role may create
 * one: this runs within `upgrade`, which a person approved to run the revision's SQL there.
 */
export const recordReplayedState: ReplayState = async (db, revision, start) => {
  // The revision has committed: a failure here leaves its state unrecorded, never the run failed.
  try {
    const now = await introspect(db);
    const model = (await statesAfter({ ...now, model: start.recorded }, [revision], db.target)).after[0] ?? null;
    if (model) await recordStateOf(db, revision.revision, model);
  } catch {
    // `schema drift` says no state was recorded with it.
  }
};
