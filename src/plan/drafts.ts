// The drafts of steps and what every kind's planner (plan/kinds/) shares: the context a plan is
// made in, the tokens steps order by, and the hazards several kinds give. Pure.
import type { Trigger } from '../model/trigger.js';
import type { Policy } from '../model/policy.js';
import type { View } from '../model/view.js';
import { qualifiedTypeOf } from '../model/domain.js';
import type { Change, ChangeKind } from '../diff/changes.js';
import { objectPath, quoteIdent } from '../model/identifiers.js';
import { tableKey, type Column, type Dependent, type KeyTiming, type Table, type TypeDependent } from '../model/model.js';
import { regclassesIn } from '../model/sql-tokens.js';
import { byteSize } from './byte-size.js';
import * as sql from './sql.js';
import type { Hazard, LockMode, Measure, Op, Step, TableName } from './types.js';

/**
 * A step before ordering. Tokens name things in the database: a step that `provides` one runs
 * before every step that `requires` it; every step that `releases` one runs before a step that
 * `removes` it; a step that `removes` one runs before a step that `provides` it again.
 */
export interface Draft {
  readonly op: Op;
  readonly object: string;
  /** SPEC section 3's phase (1 drop foreign keys ... 6 add foreign keys): the order among independent steps. */
  readonly phase: number;
  readonly sql: readonly string[];
  readonly hazards: readonly Hazard[];
  readonly provides: readonly string[];
  readonly requires: readonly string[];
  readonly removes: readonly string[];
  readonly releases: readonly string[];
  /**
   * As `requires` and `releases`, unless they close a cycle: a default using a sequence another
   * table of the plan makes or drops (two tables using each other's leave no order that works,
   * and the server says so).
   */
  readonly softRequires?: readonly string[];
  readonly softReleases?: readonly string[];
  readonly lock?: LockMode;
  readonly lock_on?: readonly string[];
  readonly concurrently?: Step['concurrently'];
  /** What an alter_column step changes, before -> after, for people (see Step.changes). */
  readonly changes?: Step['changes'];
}

export interface Context {
  /** Tables created by this plan: empty, so nothing on them can fail or block. */
  readonly newTables: ReadonlySet<string>;
  /** The tables of the state the plan leads to, by object path: a view made needs their columns final. */
  readonly tables: Readonly<Record<string, Table>>;
  /** The triggers of the state the plan leads to, by object path: a function they execute cannot be dropped. */
  readonly triggers?: Readonly<Record<string, Trigger>>;
  /** The policies of the state the plan leads to, by object path: a function they call cannot be dropped. */
  readonly policies?: Readonly<Record<string, Policy>>;
  /** The views of the state the plan leads to that this plan does not make (again): an aggregate or function they call cannot be dropped. */
  readonly steadyViews?: Readonly<Record<string, View>>;
  /** The desired enums, for the labels a column converted to an enum must hold. */
  readonly enums: Readonly<Record<string, { readonly values: readonly string[] }>>;
  /** Plan for a busy database: build and validate outside long locks (`--online`). */
  readonly online: boolean;
  /** What the catalog knows of each table's size, by object path. */
  readonly sizes: Readonly<Record<string, { readonly bytes: number | null; readonly rows: number | null; readonly estimated?: boolean }>>;
  /** Tables this plan renames (by their object path in the end) -> their names today. */
  readonly renamedFrom: ReadonlyMap<string, TableName>;
  /** Columns this plan renames: table (object path in the end) -> new name -> name today. */
  readonly columnsRenamedFrom: ReadonlyMap<string, ReadonlyMap<string, string>>;
  /** Unmanaged objects using managed tables and columns, by their names today. */
  readonly dependents: readonly Dependent[];
  /** Unmanaged objects using managed enums. */
  readonly typeDependents: readonly TypeDependent[];
  /** Tables this plan drops (object paths): what belongs to them goes with them. */
  readonly droppedTables: ReadonlySet<string>;
  /** Columns this plan adds (object paths, by their names in the end): they hold no values of today. */
  readonly addedColumns: ReadonlySet<string>;
  /**
   * Foreign keys this plan drops with the table they reference (by its object path) while their
   * own table and columns stay: the way back recreates that table empty, then adds them again.
   */
  readonly keysToDropped: ReadonlyMap<string, readonly { readonly table: Table; readonly name: string }[]>;
  /** Sequences (object paths) -> the columns (object paths) whose defaults use them once the plan ran. */
  readonly sequenceUsers: ReadonlyMap<string, readonly string[]>;
  /** Columns (object paths, names in the end) -> their `using:` expression, for a type change (the way forward only). */
  readonly using?: ReadonlyMap<string, string>;
  /** Columns (object paths, names in the end) -> their `backfill:` SQL, for NOT NULL (the way forward only). */
  readonly backfill?: ReadonlyMap<string, string>;
  /** The way back: columns (object paths) the way forward fills with `backfill:`; dropping their NOT NULL leaves the values. */
  readonly backfilled?: ReadonlySet<string>;
  /** The updates the server has scripts for, as `extensionUpdate(name, from, to)`; null when not known. */
  readonly extensionUpdates: ReadonlySet<string> | null;
  /** Extensions -> the columns (object paths) of the desired state whose types are the extension's. */
  readonly extensionTypeUsers: ReadonlyMap<string, readonly string[]>;
}

/** A key of Context.extensionUpdates. */
export const extensionUpdate = (name: string, from: string, to: string): string => `${name}\u0000${from}\u0000${to}`;

// ---- tokens ----
export const SCHEMA = (s: string): string => `schema:${s}`;
export const TABLE = (t: Table | string): string => `table:${typeof t === 'string' ? t : tableKey(t)}`;
/** The column exists under this name. */
export const COLUMN = (t: Table, c: string): string => `column:${tableKey(t)}\u0000${c}`;
/** The column has its final definition (type, nullability, default). */
export const COLUMN_DEF = (t: Table, c: string): string => `coldef:${tableKey(t)}\u0000${c}`;
export const COLUMN_TYPE = (t: Table | string, c: string): string => `coltype:${typeof t === 'string' ? t : tableKey(t)}\u0000${c}`;
export const TYPE = (schema: string, name: string): string => `type:${objectPath(schema, name)}`;
export const USES = (schema: string, name: string): string => `uses:${objectPath(schema, name)}`;
export const RETIRED = (schema: string, name: string): string => `retired:${objectPath(schema, name)}`;
export const RELATION = (schema: string, name: string): string => `relation:${objectPath(schema, name)}`;
/** A function (any of its overloads) of this name exists: an aggregate naming it as its SFUNC needs it. */
export const FUNCTION = (schema: string, name: string): string => `function:${objectPath(schema, name)}`;
/** An aggregate naming this function is gone: dropping the function waits for it (a token no step provides). */
export const FUNCTION_USE = (schema: string, name: string): string => `function-use:${objectPath(schema, name)}`;
/** A relation by its object path (a sequence named in a default). */
export const RELATION_AT = (path: string): string => `relation:${path}`;
export const CONSTRAINT = (t: Table, name: string): string => `constraint:${tableKey(t)}\u0000${name}`;
export const KEY = (table: string, columns: readonly string[]): string => `key:${table}\u0000${[...columns].sort().join('\u0000')}`;
/** A constraint added NOT VALID has been validated. */
export const VALIDATED = (t: Table, name: string): string => `validated:${tableKey(t)}\u0000${name}`;
/** The temporary NOT NULL check of a column is no longer needed. */
export const NOT_NULL_SET = (t: Table, c: string): string => `notnull:${tableKey(t)}\u0000${c}`;

/** The types of the database a column's type names: its enum, or the domain its type text names (`public.year`). */
export const typeTokens = (c: Column, make: (schema: string, name: string) => string): string[] => {
  const named = qualifiedTypeOf(c.type);
  const tokens = [...(c.typeRef ? [make(c.typeRef.schema, c.typeRef.name)] : []), ...(named ? [make(named.schema, named.name)] : [])];
  return [...new Set(tokens)];
};
/** The sequences a column owns are relations of its table's schema: made and dropped with it. */
export const sequenceTokens = (t: TableName, c: Column): string[] => (c.ownedSequences ?? []).map((s) => RELATION(t.schema, s.name));
export const ownedSequencePaths = (t: TableName, columns: readonly Column[]): string[] => columns.flatMap((c) => (c.ownedSequences ?? []).map((s) => objectPath(t.schema, s.name)));
export const and = (words: readonly string[]): string => (words.length < 2 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} and ${words.at(-1)!}`);
/** ` with its sequence public.t_id_seq,`: what dropping these columns drops besides. */
export function sequencesToo(t: TableName, columns: readonly Column[]): string {
  const paths = ownedSequencePaths(t, columns);
  return paths.length === 0 ? '' : ` with ${paths.length === 1 ? 'its sequence' : 'its sequences'} ${and(paths)},`;
}
/** The way back makes the owned sequences again, from their start: the values they had reached are not kept. */
export function sequencesAnew(t: TableName, columns: readonly Column[]): string {
  const paths = ownedSequencePaths(t, columns);
  if (paths.length === 0) return '';
  return paths.length === 1 ? `; its sequence ${paths[0]!} is made anew and counts again from its start` : `; its sequences ${and(paths)} are made anew and count again from their start`;
}
/** The sequences a column's default uses (nextval's): it needs them made first, and frees them when it goes (soft edges). */
export const defaultSequences = (c: Column): string[] => (c.default === null ? [] : regclassesIn(c.default).map(RELATION_AT));
/**
 * Defaults of the desired state using a sequence that goes with `columns` (of `t` as it is
 * today): PostgreSQL refuses to drop the sequence while they do, so the step is certain to fail.
 */
export function sequencesInUse(ctx: Context, t: TableName, columns: readonly Column[], target: string, refusal: string, keep: string): Hazard[] {
  const uses = ownedSequencePaths(t, columns).flatMap((s) => (ctx.sequenceUsers.get(s) ?? []).map((user) => [s, user] as const));
  if (uses.length === 0) return [];
  const users = [...new Set(uses.map(([, u]) => u))];
  const sequences = [...new Set(uses.map(([s]) => s))];
  const one = users.length === 1;
  return [
    {
      code: 'may_fail',
      message:
        `the default${one ? '' : 's'} of ${and(users)} ${one ? 'uses' : 'use'} ${sequences.length === 1 ? 'sequence' : 'sequences'} ${and(sequences)}, which ${sequences.length === 1 ? 'belongs' : 'belong'} to ${target} and ${sequences.length === 1 ? 'goes' : 'go'} with it, ` +
        `so PostgreSQL refuses to ${refusal}: give ${one ? 'that column' : 'those columns'} another default or keep ${keep}, then plan again`,
      fails: true,
    },
  ];
}
export const allColumns = (t: Table): string[] => t.columns.map((c) => COLUMN(t, c.name));
/** What a constraint or index over columns needs: each column there, with its final definition. */
export const finalColumns = (t: Table, names: readonly string[]): string[] => names.flatMap((c) => [COLUMN(t, c), COLUMN_DEF(t, c)]);
/** A hazard; with a measure, the data checks put today's figure on it. */
export function hazard(code: Hazard['code'], message: string, measure?: Measure, fails_if_any?: boolean): Hazard {
  return { code, message, ...(measure ? { measure } : {}), ...(fails_if_any ? { fails_if_any } : {}) };
}
export const named = (t: { readonly schema: string; readonly name: string }): TableName => ({ schema: t.schema, name: t.name });

export function draft(partial: Partial<Draft> & Pick<Draft, 'op' | 'object' | 'phase' | 'sql'>): Draft {
  return { hazards: [], provides: [], requires: [], removes: [], releases: [], ...partial };
}

/** The planner of one Change kind. */
export type Handler<K extends ChangeKind> = (change: Extract<Change, { kind: K }>, ctx: Context) => Draft | Draft[];

/** A planner for every Change kind. */
export type Handlers = { readonly [K in ChangeKind]: Handler<K> };

export const columnPath = (t: TableName, c: string): string => objectPath(t.schema, t.name, c);
export const memberPath = (t: TableName, name: string): string => objectPath(t.schema, t.name, name);
export const isNew = (ctx: Context, t: Table): boolean => ctx.newTables.has(tableKey(t));
export const list = (columns: readonly string[]): string => columns.join(', ');
/** The lock a step takes on an existing table; none on a table this plan creates. */
export const lockOn = (ctx: Context, t: Table, mode: LockMode): { lock?: LockMode } => (isNew(ctx, t) ? {} : { lock: mode });
/** Online: not on a new table, nor on a partitioned one (no CREATE INDEX CONCURRENTLY, no NOT VALID foreign key there). */
export const online = (ctx: Context, t: Table): boolean => ctx.online && !isNew(ctx, t) && !t.partitionBy;
/**
 * A lock taken on several tables (a foreign key locks the table it references too): on those
 * that exist, named in `lock_on` unless that is just the step's own table `own`.
 */
export function lockOnTables(
  ctx: Context,
  own: Table | null,
  tables: readonly { readonly schema: string; readonly name: string }[],
  mode: LockMode,
  when: 'before_renames' | 'after_renames' = 'after_renames',
): { lock?: LockMode; lock_on?: string[] } {
  const existing = tables.filter((t) => !ctx.newTables.has(objectPath(t.schema, t.name)));
  // A step that runs before the plan's renames finds each table by its name today.
  const asNamed = (t: { readonly schema: string; readonly name: string }): string => {
    const at = when === 'before_renames' ? (ctx.renamedFrom.get(objectPath(t.schema, t.name)) ?? t) : t;
    return objectPath(at.schema, at.name);
  };
  const paths = [...new Set(existing.map(asNamed))];
  if (paths.length === 0) return {};
  const justOwn = own !== null && paths.length === 1 && paths[0] === asNamed(own);
  return { lock: mode, ...(justOwn ? {} : { lock_on: paths }) };
}

/**
 * Where a drop step finds a table: the drops on a table the plan renames run before the
 * rename, so they name it as it is today (and the rename waits for them).
 */
export function today(ctx: Context, t: Table): { table: TableName; releases: string[] } {
  const was = ctx.renamedFrom.get(tableKey(t));
  return was ? { table: was, releases: [RELATION(was.schema, was.name)] } : { table: named(t), releases: [] };
}

/** Dropping a primary key, unique or check constraint (phase 2, on the table as it is named today): it removes the constraint and `removes`. */
export function dropConstraint(ctx: Context, t: Table, op: 'drop_primary_key' | 'drop_unique' | 'drop_check', name: string, removes: string[]): Draft {
  const at = today(ctx, t);
  return draft({
    op,
    object: memberPath(at.table, name),
    phase: 2,
    lock: 'ACCESS EXCLUSIVE',
    sql: [sql.dropConstraint(at.table, name)],
    removes: [...removes, CONSTRAINT(t, name)],
    releases: at.releases,
  });
}

/**
 * `; so the way back fails to add public.orders.orders_user_id_fkey again while ...`: the keys
 * the downgrade adds back to `t`, which it recreates empty (see add_foreign_key).
 */
export function keysBack(ctx: Context, t: Table): string {
  const keys = ctx.keysToDropped.get(tableKey(t)) ?? [];
  if (keys.length === 0) return '';
  const named = keys.map((k) => memberPath(today(ctx, k.table).table, k.name));
  const tables = [...new Set(keys.map((k) => objectPath(today(ctx, k.table).table.schema, today(ctx, k.table).table.name)))];
  return `, so the way back cannot add ${and(named)} again while ${and(tables)} ${tables.length === 1 ? 'has' : 'have'} rows with a key (see the downgrade)`;
}

/**
 * Unmanaged objects (views, functions, ...) in the way of dropping a table or column, or of
 * retyping a column: PostgreSQL refuses while they exist, so the step is certain to fail and
 * apply will not start it.
 */
export function blockedBy(ctx: Context, t: Table, column: string | null, action: 'drop' | 'retype'): Hazard[] {
  const at = today(ctx, t).table;
  const col = column === null ? null : (ctx.columnsRenamedFrom.get(tableKey(t))?.get(column) ?? column);
  const found = ctx.dependents.filter((d) => d.schema === at.schema && d.table === at.name && (col === null ? !d.own : d.column === col && (action === 'drop' || d.blocksRetype)));
  const names = [...new Set(found.map((d) => d.what))];
  if (names.length === 0) return [];
  const target = col === null ? `table ${objectPath(at.schema, at.name)}` : `column ${objectPath(at.schema, at.name, col)}`;
  const refusal = action === 'retype' ? "change the column's type" : `drop the ${col === null ? 'table' : 'column'}`;
  const first = names.length === 1 ? `${names[0]} depends` : `${names.join(', ')} depend`;
  const them = names.length === 1 ? names[0] : 'them';
  return [
    {
      code: 'may_fail',
      message: `${first} on ${target}, so PostgreSQL refuses to ${refusal}: drop or change ${them} first (schema does not manage ${names.length === 1 ? 'it' : 'them'}), then plan again`,
      fails: true,
    },
  ];
}

/**
 * Unmanaged objects (functions, domains, views...) using an enum the plan drops, or rebuilds
 * (whose old version it then drops): PostgreSQL refuses to drop a type in use, so the step
 * is certain to fail and apply will not start it.
 */
export function typeBlockedBy(ctx: Context, e: { readonly schema: string; readonly name: string }, retired: string | null): Hazard[] {
  const found = ctx.typeDependents.filter((d) => d.schema === e.schema && d.name === e.name && !(d.on !== null && ctx.droppedTables.has(objectPath(d.on.schema, d.on.table))));
  const names = [...new Set(found.map((d) => d.what))];
  if (names.length === 0) return [];
  const one = names.length === 1;
  const first = one ? `${names[0]} depends` : `${names.join(', ')} depend`;
  const them = one ? names[0] : 'them';
  const why =
    retired === null ? 'so PostgreSQL refuses to drop the type' : `which this plan rebuilds: ${one ? 'it' : 'they'} would stay on the old version (${objectPath(e.schema, retired)}), so PostgreSQL refuses to drop that`;
  return [
    {
      code: 'may_fail',
      message: `${first} on type ${objectPath(e.schema, e.name)}, ${why}: drop or change ${them} first (schema does not manage ${one ? 'it' : 'them'}), then plan again`,
      fails: true,
    },
  ];
}

/** `public.users (48 MB, about 1,200,000 rows)`: the size read from disk (`about` when only the catalog's count of pages could be), the rows estimated. */
export function sized(ctx: Context, t: { readonly schema: string; readonly name: string }): string {
  const path = objectPath(t.schema, t.name);
  const size = ctx.sizes[path];
  const parts = [...(size?.bytes ? [`${size.estimated ? 'about ' : ''}${byteSize(size.bytes)}`] : []), ...(size?.rows !== null && size?.rows !== undefined ? [`about ${size.rows.toLocaleString('en-US')} rows`] : [])];
  return parts.length > 0 ? `${path} (${parts.join(', ')})` : path;
}

/**
 * A new unique or primary key. Online, the index is built concurrently first and the
 * constraint adopts it under a short lock.
 */
export function uniqueKey(
  ctx: Context,
  t: Table,
  name: string,
  columns: readonly string[],
  kind: 'UNIQUE' | 'PRIMARY KEY',
  clause: string,
  nullsNotDistinct: boolean,
  failsIf: string,
  condition: string | null,
  timing: KeyTiming = {},
): Draft | Draft[] {
  // One column whose NULLs do not count: the statistics can estimate its duplicates.
  const column = columns.length === 1 && condition !== null ? { column: columns[0]! } : {};
  const duplicates = hazard('may_fail', failsIf, { kind: 'duplicates', table: named(t), keys: columns.map(quoteIdent), condition, ...column }, true);
  const constraint = {
    op: kind === 'UNIQUE' ? ('add_unique' as const) : ('add_primary_key' as const),
    object: memberPath(t, name),
    phase: 5,
    ...lockOn(ctx, t, 'ACCESS EXCLUSIVE'),
    provides: [KEY(tableKey(t), columns), RELATION(t.schema, name), CONSTRAINT(t, name)],
    requires: [TABLE(t), ...finalColumns(t, columns)],
  };
  if (online(ctx, t)) {
    const index = `index:${tableKey(t)}\u0000${name}`;
    return [
      draft({
        op: 'create_index',
        object: memberPath(t, name),
        phase: 5,
        lock: 'SHARE UPDATE EXCLUSIVE',
        concurrently: { schema: t.schema, index: name, creates: true },
        sql: [sql.uniqueIndexFor(t, name, columns, nullsNotDistinct, true)],
        hazards: [duplicates],
        provides: [index],
        requires: [TABLE(t), ...finalColumns(t, columns)],
      }),
      draft({ ...constraint, sql: [sql.constraintUsingIndex(t, name, kind, timing)], requires: [...constraint.requires, index] }),
    ];
  }
  const hazards = isNew(ctx, t) ? [] : [duplicates, hazard('blocking', `builds a unique index on ${sized(ctx, t)} under an ACCESS EXCLUSIVE lock: reads and writes wait`)];
  return draft({ ...constraint, sql: [sql.addConstraint(t, clause)], hazards });
}
