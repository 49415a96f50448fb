// The state the ledger records with a revision an upgrade runs: the state the chain defines (the
// last recorded state with the revision's effect), not the database's when it has drifted. A
// state that took in changes made outside schema would hide them from `schema drift` and make
// `schema check` blame schema.yaml for them. With no drift, the database as the revision left it
// is that state, spelled and flagged as the database has it.
import type { Db } from '../db/db.js';
import { introspect } from '../introspect/introspect.js';
import { canonicalJson, fingerprint } from '../model/fingerprint.js';
import { objectPath, pathsOverlap } from '../model/identifiers.js';
import type { Column, Model, Table } from '../model/model.js';
import type { Sequence } from '../model/sequence.js';
import type { Step } from '../plan/types.js';
import type { Revision } from '../revisions/chain.js';
import { appliedRevisions, readPending, snapshotOf } from '../revisions/ledger.js';

/** How a revision run started, when the database had drifted: what the chain says it was, and what it was. */
export interface DriftedStart {
  /** The state recorded with the last applied revision. */
  readonly recorded: Model;
  /** The database as it was before the revision's first step. */
  readonly live: Model;
}

/**
 * Under the lock, before a revision's first step: the start of the run when the database differs
 * from the state recorded with its last revision; null when it does not, or when there is none to
 * compare with (nothing applied, or a script that recorded no state): then the database as the
 * revision leaves it is recorded, as always.
 */
export async function driftedStart(db: Db): Promise<DriftedStart | null> {
  const last = (await appliedRevisions(db)).at(-1);
  if (!last || last.fingerprint === null) return null;
  const live = (await introspect(db, { inTransaction: true })).model;
  if (fingerprint(live) === last.fingerprint) return null;
  const recorded = await snapshotOf(db, last.revision);
  return recorded ? { recorded, live } : null;
}

/** The start a run in several transactions kept with its pending record (see `driftedStart`). */
export async function startOfPending(db: Db, revision: string): Promise<DriftedStart | null> {
  const pending = await readPending(db);
  return pending?.revision === revision ? ((pending.payload['drifted'] as DriftedStart | undefined) ?? null) : null;
}

/** What to record with a revision: the state, or null with `replay` when only a replay without data can tell it. */
export interface StateToRecord {
  readonly model: Model | null;
  /** The state must be worked out by replaying the revision on a copy of the recorded state, once the run has committed. */
  readonly replay: boolean;
}

/** The state after `revision` ran on a database that started at `start`, now at `after` (see `chainState`). */
export function stateToRecord(revision: Revision, start: DriftedStart | null, after: Model): StateToRecord {
  if (!start) return { model: after, replay: false };
  // Hand-written SQL names no objects the way a planned step does: only a replay can tell its effect apart from the drift.
  if (revision.handWritten) return { model: null, replay: true };
  const model = chainState(start.recorded, start.live, after, revision.upgrade);
  return { model, replay: model === null };
}

const UNKNOWABLE = Symbol('unknowable');
type Picked<T> = T | undefined | typeof UNKNOWABLE;

const same = (a: unknown, b: unknown): boolean => canonicalJson(a ?? null) === canonicalJson(b ?? null);

/**
 * One object three ways: as recorded before the revision (`recorded`), as the database had it
 * before (`before`) and after (`after`) the revision ran there. An object the revision neither
 * named nor changed is as recorded; one it named or changed is as it left it, unless it had
 * drifted too: then the database cannot tell what the revision alone would have made of it.
 */
function pick<T>(recorded: T | undefined, before: T | undefined, after: T | undefined, named: boolean): Picked<T> {
  if (!named && same(before, after)) return recorded;
  return same(recorded, before) ? after : UNKNOWABLE;
}

type Members = 'columns' | 'primaryKey' | 'uniques' | 'checks' | 'indexes' | 'foreignKeys';
const MEMBER_KINDS = ['uniques', 'checks', 'indexes', 'foreignKeys'] as const;

const shell = (t: Table | undefined): Omit<Table, Members> | undefined => {
  if (!t) return undefined;
  const { columns: _c, primaryKey: _p, uniques: _u, checks: _k, indexes: _i, foreignKeys: _f, ...rest } = t;
  return rest;
};

/** Names in `lists`, in order of first appearance. */
const namesOf = (...lists: readonly (readonly string[])[]): string[] => [...new Set(lists.flat())];

/**
 * The state the chain defines after a revision ran on a drifted database: the state `recorded`
 * with the revision's effect, read as the difference it made between `before` and `after`, and
 * the drift (where `before` differs from `recorded`) left out. Exact when the revision and the
 * drift touch different objects; null when they touch the same one (a column the revision
 * changes that was also changed by hand), which only a replay can settle. Pure.
 */
export function chainState(recorded: Model, before: Model, after: Model, steps: readonly Step[]): Model | null {
  const named = (path: string, exact = false): boolean => steps.some((s) => (exact ? s.object === path : pathsOverlap(s.object, path)));
  try {
    const schemas = namesOf(recorded.schemas, before.schemas, after.schemas).filter((s) => {
      const has = (m: Model) => (m.schemas.includes(s) ? true : undefined);
      return settle(pick(has(recorded), has(before), has(after), named(objectPath(s), true))) === true;
    });
    const enums: Record<string, Model['enums'][string]> = {};
    for (const key of namesOf(Object.keys(recorded.enums), Object.keys(before.enums), Object.keys(after.enums))) {
      const e = settle(pick(recorded.enums[key], before.enums[key], after.enums[key], named(key)));
      if (e) enums[key] = e;
    }
    const sequences: Record<string, Sequence> = {};
    const of = (m: Model) => m.sequences ?? {};
    for (const key of namesOf(...[recorded, before, after].map((m) => Object.keys(of(m))))) {
      const q = settle(pick(of(recorded)[key], of(before)[key], of(after)[key], named(key)));
      if (q) sequences[key] = q;
    }
    const tables: Record<string, Table> = {};
    for (const key of namesOf(Object.keys(recorded.tables), Object.keys(before.tables), Object.keys(after.tables))) {
      const t = tableState(key, recorded.tables[key], before.tables[key], after.tables[key], named);
      if (t) tables[key] = t;
    }
    const { sequences: _s, ...rest } = after;
    return { ...rest, schemas: schemas.sort(), enums, tables, ...(Object.keys(sequences).length > 0 ? { sequences } : {}) };
  } catch (error) {
    if (error === UNKNOWABLE) return null;
    throw error;
  }
}

function settle<T>(p: Picked<T>): T | undefined {
  if (p === UNKNOWABLE) throw UNKNOWABLE;
  return p;
}

function tableState(key: string, recorded: Table | undefined, before: Table | undefined, after: Table | undefined, named: (path: string, exact?: boolean) => boolean): Table | undefined {
  const any = (after ?? before ?? recorded)!;
  const path = (member: string) => objectPath(any.schema, any.name, member);
  const top = settle(pick(shell(recorded), shell(before), shell(after), named(key, true)));
  const member = <T>(name: string, get: (t: Table) => T | undefined): T | undefined => settle(pick(recorded && get(recorded), before && get(before), after && get(after), named(path(name))));

  const column = (name: string) => member<Column>(name, (t) => t.columns.find((c) => c.name === name));
  const columns = namesOf(...[after, before, recorded].map((t) => (t ? t.columns.map((c) => c.name) : [])))
    .map(column)
    .filter((c): c is Column => c !== undefined);
  const pkNames = namesOf(...[recorded, before, after].map((t) => (t?.primaryKey ? [t.primaryKey.name] : [])));
  const keys = pkNames.map((name) => member(name, (t) => (t.primaryKey?.name === name ? t.primaryKey : undefined))).filter((k) => k !== undefined);
  const members = Object.fromEntries(
    MEMBER_KINDS.map((kind) => {
      const names = namesOf(...[recorded, before, after].map((t) => (t ? Object.keys(t[kind]) : [])));
      const kept = names.flatMap((name) => {
        const m = member(name, (t) => (t[kind] as Readonly<Record<string, unknown>>)[name]);
        return m === undefined ? [] : [[name, m] as const];
      });
      return [kind, Object.fromEntries(kept)];
    }),
  ) as Pick<Table, (typeof MEMBER_KINDS)[number]>;

  if (!top) {
    // A table the chain does not have keeps nothing of the revision's either.
    if (columns.length > 0 || keys.length > 0 || MEMBER_KINDS.some((k) => Object.keys(members[k]).length > 0)) throw UNKNOWABLE;
    return undefined;
  }
  if (keys.length > 1) throw UNKNOWABLE;
  return { ...top, columns, primaryKey: keys[0] ?? null, ...members } as Table;
}
