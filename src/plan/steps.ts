// Change -> step draft: the op, the object, the SQL, the hazards, and what the step needs and
// frees (tokens), from which the order is derived. One handler per Change kind.
import type { Change, ChangeKind } from '../diff/changes.js';
import { implicitName, objectPath, quoteIdent } from '../model/identifiers.js';
import { tableKey, type Column, type Dependent, type Table, type TypeDependent } from '../model/model.js';
import { mentionsColumn, regclassesIn } from '../model/sql-tokens.js';
import { conversion, testFails } from './casts.js';
import { narrows } from './owned-sequences.js';
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
}

export interface Context {
  /** Tables created by this plan: empty, so nothing on them can fail or block. */
  readonly newTables: ReadonlySet<string>;
  /** The desired enums, for the labels a column converted to an enum must hold. */
  readonly enums: Readonly<Record<string, { readonly values: readonly string[] }>>;
  /** Plan for a busy database: build and validate outside long locks (`--online`). */
  readonly online: boolean;
  /** What the catalog knows of each table's size, by object path. */
  readonly sizes: Readonly<Record<string, { readonly bytes: number | null; readonly rows: number | null }>>;
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
  /** Sequences (object paths) -> the columns (object paths) whose defaults use them once the plan ran. */
  readonly sequenceUsers: ReadonlyMap<string, readonly string[]>;
}

// ---- tokens ----
const SCHEMA = (s: string): string => `schema:${s}`;
const TABLE = (t: Table | string): string => `table:${typeof t === 'string' ? t : tableKey(t)}`;
/** The column exists under this name. */
const COLUMN = (t: Table, c: string): string => `column:${tableKey(t)}\u0000${c}`;
/** The column has its final definition (type, nullability, default). */
const COLUMN_DEF = (t: Table, c: string): string => `coldef:${tableKey(t)}\u0000${c}`;
const COLUMN_TYPE = (t: Table | string, c: string): string => `coltype:${typeof t === 'string' ? t : tableKey(t)}\u0000${c}`;
const TYPE = (schema: string, name: string): string => `type:${objectPath(schema, name)}`;
const USES = (schema: string, name: string): string => `uses:${objectPath(schema, name)}`;
const RETIRED = (schema: string, name: string): string => `retired:${objectPath(schema, name)}`;
const RELATION = (schema: string, name: string): string => `relation:${objectPath(schema, name)}`;
/** A relation by its object path (a sequence named in a default). */
const RELATION_AT = (path: string): string => `relation:${path}`;
const CONSTRAINT = (t: Table, name: string): string => `constraint:${tableKey(t)}\u0000${name}`;
const KEY = (table: string, columns: readonly string[]): string => `key:${table}\u0000${[...columns].sort().join('\u0000')}`;
/** A constraint added NOT VALID has been validated. */
const VALIDATED = (t: Table, name: string): string => `validated:${tableKey(t)}\u0000${name}`;
/** The temporary NOT NULL check of a column is no longer needed. */
const NOT_NULL_SET = (t: Table, c: string): string => `notnull:${tableKey(t)}\u0000${c}`;

const typeTokens = (c: Column, make: (schema: string, name: string) => string): string[] => (c.typeRef ? [make(c.typeRef.schema, c.typeRef.name)] : []);
/** The sequences a column owns are relations of its table's schema: made and dropped with it. */
const sequenceTokens = (t: TableName, c: Column): string[] => (c.ownedSequences ?? []).map((s) => RELATION(t.schema, s.name));
const ownedSequencePaths = (t: TableName, columns: readonly Column[]): string[] => columns.flatMap((c) => (c.ownedSequences ?? []).map((s) => objectPath(t.schema, s.name)));
const and = (words: readonly string[]): string => (words.length < 2 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} and ${words.at(-1)!}`);
/** ` with its sequence public.t_id_seq,`: what dropping these columns drops besides. */
function sequencesToo(t: TableName, columns: readonly Column[]): string {
  const paths = ownedSequencePaths(t, columns);
  return paths.length === 0 ? '' : ` with ${paths.length === 1 ? 'its sequence' : 'its sequences'} ${and(paths)},`;
}
/** The way back makes the owned sequences again, from their start: the values they had reached are not kept. */
function sequencesAnew(t: TableName, columns: readonly Column[]): string {
  const paths = ownedSequencePaths(t, columns);
  if (paths.length === 0) return '';
  return paths.length === 1 ? `; its sequence ${paths[0]!} is made anew and counts again from its start` : `; its sequences ${and(paths)} are made anew and count again from their start`;
}
/** The sequences a column's default uses (nextval's): it needs them made first, and frees them when it goes (soft edges). */
const defaultSequences = (c: Column): string[] => (c.default === null ? [] : regclassesIn(c.default).map(RELATION_AT));
/**
 * Defaults of the desired state using a sequence that goes with `columns` (of `t` as it is
 * today): PostgreSQL refuses to drop the sequence while they do, so the step is certain to fail.
 */
function sequencesInUse(ctx: Context, t: TableName, columns: readonly Column[], target: string, refusal: string, keep: string): Hazard[] {
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
const allColumns = (t: Table): string[] => t.columns.map((c) => COLUMN(t, c.name));
/** What a constraint or index over columns needs: each column there, with its final definition. */
const finalColumns = (t: Table, names: readonly string[]): string[] => names.flatMap((c) => [COLUMN(t, c), COLUMN_DEF(t, c)]);
/** A hazard; with a measure, the data checks put today's figure on it. */
function hazard(code: Hazard['code'], message: string, measure?: Measure, fails_if_any?: boolean): Hazard {
  return { code, message, ...(measure ? { measure } : {}), ...(fails_if_any ? { fails_if_any } : {}) };
}
const named = (t: { readonly schema: string; readonly name: string }): TableName => ({ schema: t.schema, name: t.name });

function draft(partial: Partial<Draft> & Pick<Draft, 'op' | 'object' | 'phase' | 'sql'>): Draft {
  return { hazards: [], provides: [], requires: [], removes: [], releases: [], ...partial };
}

type Handlers = { readonly [K in ChangeKind]: (change: Extract<Change, { kind: K }>, ctx: Context) => Draft | Draft[] };

const columnPath = (t: TableName, c: string): string => objectPath(t.schema, t.name, c);
const memberPath = (t: TableName, name: string): string => objectPath(t.schema, t.name, name);
const isNew = (ctx: Context, t: Table): boolean => ctx.newTables.has(tableKey(t));
const list = (columns: readonly string[]): string => columns.join(', ');
/** The lock a step takes on an existing table; none on a table this plan creates. */
const lockOn = (ctx: Context, t: Table, mode: LockMode): { lock?: LockMode } => (isNew(ctx, t) ? {} : { lock: mode });
const online = (ctx: Context, t: Table): boolean => ctx.online && !isNew(ctx, t);
/**
 * A lock taken on several tables (a foreign key locks the table it references too): on those
 * that exist, named in `lock_on` unless that is just the step's own table `own`.
 */
function lockOnTables(
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
function today(ctx: Context, t: Table): { table: TableName; releases: string[] } {
  const was = ctx.renamedFrom.get(tableKey(t));
  return was ? { table: was, releases: [RELATION(was.schema, was.name)] } : { table: named(t), releases: [] };
}

/** Dropping a primary key, unique or check constraint (phase 2, on the table as it is named today): it removes the constraint and `removes`. */
function dropConstraint(ctx: Context, t: Table, op: 'drop_primary_key' | 'drop_unique' | 'drop_check', name: string, removes: string[]): Draft {
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
 * Unmanaged objects (views, functions, ...) in the way of dropping a table or column, or of
 * retyping a column: PostgreSQL refuses while they exist, so the step is certain to fail and
 * apply will not start it.
 */
function blockedBy(ctx: Context, t: Table, column: string | null, action: 'drop' | 'retype'): Hazard[] {
  const at = today(ctx, t).table;
  const col = column === null ? null : (ctx.columnsRenamedFrom.get(tableKey(t))?.get(column) ?? column);
  const found = ctx.dependents.filter(
    (d) => d.schema === at.schema && d.table === at.name && (col === null ? !d.own : d.column === col && (action === 'drop' || d.blocksRetype)),
  );
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
function typeBlockedBy(ctx: Context, e: { readonly schema: string; readonly name: string }, retired: string | null): Hazard[] {
  const found = ctx.typeDependents.filter(
    (d) => d.schema === e.schema && d.name === e.name && !(d.on !== null && ctx.droppedTables.has(objectPath(d.on.schema, d.on.table))),
  );
  const names = [...new Set(found.map((d) => d.what))];
  if (names.length === 0) return [];
  const one = names.length === 1;
  const first = one ? `${names[0]} depends` : `${names.join(', ')} depend`;
  const them = one ? names[0] : 'them';
  const why =
    retired === null
      ? 'so PostgreSQL refuses to drop the type'
      : `which this plan rebuilds: ${one ? 'it' : 'they'} would stay on the old version (${objectPath(e.schema, retired)}), so PostgreSQL refuses to drop that`;
  return [
    {
      code: 'may_fail',
      message: `${first} on type ${objectPath(e.schema, e.name)}, ${why}: drop or change ${them} first (schema does not manage ${one ? 'it' : 'them'}), then plan again`,
      fails: true,
    },
  ];
}

/** `48 MB`: a size as people read it. */
export function byteSize(n: number): string {
  const units = ['bytes', 'kB', 'MB', 'GB', 'TB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${n} bytes` : `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

/** `public.users (48 MB, about 1,200,000 rows)`, as far as the catalog knows. */
function sized(ctx: Context, t: { readonly schema: string; readonly name: string }): string {
  const path = objectPath(t.schema, t.name);
  const size = ctx.sizes[path];
  const parts = [
    ...(size?.bytes ? [byteSize(size.bytes)] : []),
    ...(size?.rows !== null && size?.rows !== undefined ? [`about ${size.rows.toLocaleString('en-US')} rows`] : []),
  ];
  return parts.length > 0 ? `${path} (${parts.join(', ')})` : path;
}

export const handlers: Handlers = {
  create_schema: (c) => draft({ op: 'create_schema', object: objectPath(c.schema), phase: 4, sql: [sql.createSchema(c.schema)], provides: [SCHEMA(c.schema)] }),

  drop_schema: (c) => draft({ op: 'drop_schema', object: objectPath(c.schema), phase: 6, sql: [sql.dropSchema(c.schema)], removes: [SCHEMA(c.schema)] }),

  create_enum: (c) =>
    draft({
      op: 'create_enum',
      object: objectPath(c.enum.schema, c.enum.name),
      phase: 4,
      sql: [sql.createEnum(c.enum)],
      provides: [TYPE(c.enum.schema, c.enum.name)],
      requires: [SCHEMA(c.enum.schema)],
    }),

  add_enum_values: (c) =>
    draft({
      op: 'alter_enum',
      object: objectPath(c.enum.schema, c.enum.name),
      phase: 4,
      sql: c.additions.map((a) => sql.addEnumValue(c.enum, a)),
      provides: [TYPE(c.enum.schema, c.enum.name)],
    }),

  rebuild_enum: (c, ctx) => {
    const removed = c.from.values.filter((v) => !c.to.values.includes(v));
    const name = objectPath(c.to.schema, c.to.name);
    const hazards: Hazard[] = c.columns.flatMap((col) => blockedBy(ctx, col.table, col.column, 'retype'));
    if (removed.length > 0) {
      const message = `removes ${removed.map((v) => `'${v}'`).join(', ')} from ${name}: rows holding ${removed.length === 1 ? 'it' : 'them'} make the change fail until they are changed`;
      const measured = c.columns.filter((col) => !isNew(ctx, col.table));
      if (measured.length === 0) hazards.push(hazard('data_loss', message));
      for (const col of measured) {
        const where: Measure = { kind: 'where', table: named(col.table), condition: sql.holdsLabels(col.column, removed, col.array), example: sql.textOf(col.column) };
        hazards.push(hazard('data_loss', `${message} (in ${objectPath(col.table.schema, col.table.name, col.column)})`, where, true));
      }
    }
    for (const col of c.columns) {
      if (!isNew(ctx, col.table)) hazards.push(hazard('table_rewrite', `rewrites ${sized(ctx, col.table)} to convert ${col.column} to the new ${name}, under an ACCESS EXCLUSIVE lock: reads and writes wait`));
    }
    return draft({
      op: 'alter_enum',
      object: name,
      phase: 4,
      ...lockOnTables(ctx, null, c.columns.map((col) => col.table), 'ACCESS EXCLUSIVE'),
      sql: sql.rebuildEnum(c.from, c.to, c.retiredName, c.columns),
      hazards,
      provides: [TYPE(c.to.schema, c.to.name), RETIRED(c.to.schema, c.to.name)],
      requires: c.columns.map((col) => COLUMN(col.table, col.column)),
      removes: c.columns.map((col) => COLUMN_TYPE(col.table, col.column)),
      releases: [USES(c.to.schema, c.to.name)],
    });
  },

  drop_enum: (c, ctx) => {
    const e = c.enum;
    const original = c.retiredFrom;
    return draft({
      op: 'drop_enum',
      object: objectPath(e.schema, e.name),
      phase: 6,
      sql: [sql.dropType(e)],
      hazards: typeBlockedBy(ctx, original ?? e, original ? e.name : null),
      // A retired enum goes once its rebuild ran and no column uses the old version any more.
      requires: original ? [RETIRED(original.schema, original.name)] : [],
      removes: original ? [USES(original.schema, original.name)] : [TYPE(e.schema, e.name), USES(e.schema, e.name)],
      releases: [SCHEMA(e.schema)],
    });
  },

  create_table: (c) => {
    const t = c.table;
    const keys = [...(t.primaryKey ? [t.primaryKey] : []), ...Object.values(t.uniques)];
    return draft({
      op: 'create_table',
      object: objectPath(t.schema, t.name),
      phase: 4,
      sql: sql.createTable(t),
      provides: [
        TABLE(t),
        RELATION(t.schema, t.name),
        ...finalColumns(t, t.columns.map((col) => col.name)),
        ...keys.flatMap((k) => [KEY(tableKey(t), k.columns), RELATION(t.schema, k.name), CONSTRAINT(t, k.name)]),
        ...Object.keys(t.checks).map((n) => CONSTRAINT(t, n)),
        ...t.columns.flatMap((col) => sequenceTokens(t, col)),
      ],
      requires: [SCHEMA(t.schema), ...t.columns.flatMap((col) => typeTokens(col, TYPE))],
      softRequires: t.columns.flatMap(defaultSequences),
    });
  },

  drop_table: (c, ctx) => {
    const t = c.table;
    const keys = [...(t.primaryKey ? [t.primaryKey] : []), ...Object.values(t.uniques)];
    const name = objectPath(t.schema, t.name);
    return draft({
      op: 'drop_table',
      object: name,
      phase: 3,
      lock: 'ACCESS EXCLUSIVE',
      sql: [sql.dropTable(t)],
      hazards: [
        ...blockedBy(ctx, t, null, 'drop'),
        ...sequencesInUse(ctx, t, t.columns, `table ${name}`, 'drop the table', name),
        hazard('data_loss', `drops table ${name}${sequencesToo(t, t.columns)} and every row in it`, { kind: 'rows', table: named(t) }),
        hazard('irreversible', `undoing this step recreates ${name} empty${sequencesAnew(t, t.columns)}`),
      ],
      removes: [
        TABLE(t),
        RELATION(t.schema, t.name),
        ...t.columns.flatMap((col) => sequenceTokens(t, col)),
        ...allColumns(t),
        ...t.columns.map((col) => COLUMN_TYPE(t, col.name)),
        ...keys.flatMap((k) => [KEY(tableKey(t), k.columns), RELATION(t.schema, k.name)]),
        ...Object.values(t.indexes).flatMap((i) => [RELATION(t.schema, i.name), ...(i.unique ? [KEY(tableKey(t), i.keys.map((k) => k.column ?? ''))] : [])]),
      ],
      releases: [SCHEMA(t.schema), ...t.columns.flatMap((col) => typeTokens(col, USES))],
      softReleases: t.columns.flatMap(defaultSequences),
    });
  },

  rename_table: (c) =>
    draft({
      op: 'rename_table',
      object: objectPath(c.to.schema, c.to.name),
      phase: 3,
      lock: 'ACCESS EXCLUSIVE',
      sql: sql.renameTable(c.from, c.to),
      // Renamed columns have their final names only once their own renames ran.
      provides: [TABLE(c.table), RELATION(c.to.schema, c.to.name), ...c.columns.map((col) => COLUMN(c.table, col))],
      requires: [SCHEMA(c.to.schema)],
      removes: [RELATION(c.from.schema, c.from.name)],
    }),

  alter_table: (c) =>
    draft({ op: 'alter_table', object: objectPath(c.table.schema, c.table.name), phase: 5, sql: [sql.commentOnTable(c.table, c.table.comment)], requires: [TABLE(c.table)] }),

  add_column: (c, ctx) => {
    const t = c.table;
    const col = c.column;
    const name = objectPath(t.schema, t.name);
    const hazards: Hazard[] = [];
    if (!isNew(ctx, t)) {
      if (!col.nullable && col.default === null && col.identity === null) {
        hazards.push(hazard('may_fail', `fails if ${name} has any rows: a NOT NULL column without a default has no value for them`, { kind: 'rows', table: named(t) }, true));
      }
      // A new sequence's nextval is volatile: every row gets its own value, written in place.
      if (col.identity !== null || (col.ownedSequences ?? []).length > 0) {
        hazards.push(hazard('table_rewrite', `fills ${col.name} for every row, rewriting ${sized(ctx, t)} under an ACCESS EXCLUSIVE lock: reads and writes wait`));
      }
    }
    return draft({
      op: 'add_column',
      object: columnPath(t, col.name),
      phase: 5,
      ...lockOn(ctx, t, 'ACCESS EXCLUSIVE'),
      sql: sql.addColumn(t, col),
      hazards,
      provides: [...finalColumns(t, [col.name]), ...sequenceTokens(t, col)],
      requires: [TABLE(t), ...typeTokens(col, TYPE)],
      softRequires: defaultSequences(col),
    });
  },

  drop_column: (c, ctx) => {
    const at = today(ctx, c.table);
    const path = objectPath(at.table.schema, at.table.name, c.column.name);
    return draft({
      op: 'drop_column',
      object: path,
      phase: 3,
      lock: 'ACCESS EXCLUSIVE',
      sql: [sql.dropColumn(at.table, c.column.name)],
      hazards: [
        ...blockedBy(ctx, c.table, c.column.name, 'drop'),
        ...sequencesInUse(ctx, at.table, [c.column], `column ${path}`, 'drop the column', path),
        hazard('data_loss', `drops column ${path}${sequencesToo(at.table, [c.column])} and its values`, { kind: 'values', table: named(c.table), column: c.column.name }),
        hazard('irreversible', `undoing this step re-adds ${path} without its values${sequencesAnew(at.table, [c.column])}`),
      ],
      removes: [COLUMN(c.table, c.column.name), COLUMN_TYPE(c.table, c.column.name), ...sequenceTokens(c.table, c.column)],
      releases: [...typeTokens(c.column, USES), ...at.releases],
      softReleases: defaultSequences(c.column),
    });
  },

  rename_column: (c) =>
    draft({
      op: 'rename_column',
      object: columnPath(c.table, c.to),
      phase: 3,
      lock: 'ACCESS EXCLUSIVE',
      sql: [sql.renameColumn(c.table, c.from, c.to)],
      provides: [COLUMN(c.table, c.to)],
      requires: [TABLE(c.table)],
      removes: [COLUMN(c.table, c.from)],
    }),

  alter_column: (c, ctx) => {
    const { table: t, from, to } = c;
    const path = columnPath(t, to.name);
    const existing = !isNew(ctx, t);
    const typeChanges = from.type !== to.type;
    const conv = typeChanges ? conversion(from, to) : null;
    const setsNotNull = existing && from.nullable && !to.nullable;
    const regenerates = to.generated !== undefined && from.generated !== to.generated;
    if (regenerates) return regenerated(c, ctx);
    const hazards: Hazard[] = typeChanges ? blockedBy(ctx, t, to.name, 'retype') : [];
    if (conv?.lossy) {
      const labels = to.typeRef ? (ctx.enums[objectPath(to.typeRef.schema, to.typeRef.name)]?.values ?? null) : null;
      const elementwise = from.type.endsWith('[]') && to.type.endsWith('[]');
      const check = conv.impossible ? null : sql.conversionCheck(to.name, conv, to.type, elementwise, labels);
      const measure: Measure | undefined = existing && check ? { kind: 'conversion', table: named(t), column: to.name, ...check, example: sql.textOf(to.name) } : undefined;
      const lossy = hazard('lossy_type_change', `${from.type} -> ${to.type}: ${conv.lossy}`, measure, check !== null && (check.fails !== null || check.input !== null));
      // No conversion exists at all: certain to fail whatever the data.
      hazards.push(conv.impossible ? { ...lossy, fails: true } : lossy);
      hazards.push(hazard('irreversible', `undoing this step cannot restore values of ${path} changed by this conversion`));
    }
    if (existing && conv?.rewrite) hazards.push(hazard('table_rewrite', `rewrites ${sized(ctx, t)} and its indexes under an ACCESS EXCLUSIVE lock: reads and writes wait`));
    if (existing && !from.identity && to.identity) {
      hazards.push(hazard('may_fail', `the new identity sequence of ${path} starts at 1: inserts may collide with existing values`));
    }
    const sequences = sql.sequenceChanges(from, to);
    hazards.push(...sequenceHazards(ctx, t, path, sequences));
    const nulls: Measure = { kind: 'nulls', table: named(t), column: to.name };
    const freed = defaultSequences(from).filter((s) => !defaultSequences(to).includes(s));
    const alter = {
      op: 'alter_column' as const,
      object: path,
      phase: 5,
      sql: sql.alterColumnWithSequences(t, from, to, conv),
      ...lockOn(ctx, t, 'ACCESS EXCLUSIVE'),
      provides: [COLUMN_DEF(t, to.name), ...sequences.made.map((s) => RELATION(t.schema, s.name))],
      requires: [TABLE(t), COLUMN(t, to.name), ...(typeChanges ? typeTokens(to, TYPE) : [])],
      softRequires: defaultSequences(to),
      removes: [...(typeChanges ? [COLUMN_TYPE(t, to.name)] : []), ...sequences.dropped.map((s) => RELATION(t.schema, s.name))],
      releases: typeChanges ? typeTokens(from, USES) : [],
      softReleases: freed,
    };
    if (setsNotNull && online(ctx, t) && !typeChanges) {
      // Online: prove no NULLs with a check validated under a light lock; SET NOT NULL then
      // trusts the check instead of scanning under ACCESS EXCLUSIVE.
      const check = implicitName(t.name, to.name, 'not_null');
      return [
        draft({ op: 'add_check', object: memberPath(t, check), phase: 5, lock: 'ACCESS EXCLUSIVE', sql: [sql.addConstraintNotValid(t, `CONSTRAINT ${quoteIdent(check)} ${sql.notNullCheck(to.name)}`)], provides: [CONSTRAINT(t, check)], requires: [TABLE(t), COLUMN(t, to.name)] }),
        draft({
          op: 'validate_constraint',
          object: memberPath(t, check),
          phase: 5,
          lock: 'SHARE UPDATE EXCLUSIVE',
          sql: [sql.validateConstraint(t, check)],
          hazards: [hazard('may_fail', `fails if any row of ${objectPath(t.schema, t.name)} has NULL in ${to.name}`, nulls, true)],
          provides: [VALIDATED(t, check)],
          requires: [CONSTRAINT(t, check)],
        }),
        draft({ ...alter, hazards, provides: [...alter.provides, NOT_NULL_SET(t, to.name)], requires: [...alter.requires, VALIDATED(t, check)] }),
        draft({ op: 'drop_check', object: memberPath(t, check), phase: 5, lock: 'ACCESS EXCLUSIVE', sql: [sql.dropConstraint(t, check)], requires: [NOT_NULL_SET(t, to.name)] }),
      ];
    }
    if (setsNotNull) {
      hazards.push(hazard('may_fail', `fails if any row of ${objectPath(t.schema, t.name)} has NULL in ${to.name}`, nulls, true));
      hazards.push(hazard('blocking', `SET NOT NULL scans ${sized(ctx, t)} under an ACCESS EXCLUSIVE lock: reads and writes wait`));
    }
    return draft({ ...alter, hazards });
  },

  add_primary_key: (c, ctx) =>
    uniqueKey(ctx, c.table, c.key.name, c.key.columns, 'PRIMARY KEY', sql.primaryKeyClause(c.key), false, `fails if ${objectPath(c.table.schema, c.table.name)} has duplicate or NULL values in (${list(c.key.columns)})`, null),

  drop_primary_key: (c, ctx) => dropConstraint(ctx, c.table, 'drop_primary_key', c.key.name, [KEY(tableKey(c.table), c.key.columns), RELATION(c.table.schema, c.key.name)]),

  add_unique: (c, ctx) =>
    uniqueKey(
      ctx,
      c.table,
      c.unique.name,
      c.unique.columns,
      'UNIQUE',
      sql.uniqueClause(c.unique),
      c.unique.nullsNotDistinct,
      `fails if ${objectPath(c.table.schema, c.table.name)} has duplicate values in (${list(c.unique.columns)})`,
      c.unique.nullsNotDistinct ? null : sql.notNull(c.unique.columns),
    ),

  drop_unique: (c, ctx) => dropConstraint(ctx, c.table, 'drop_unique', c.unique.name, [KEY(tableKey(c.table), c.unique.columns), RELATION(c.table.schema, c.unique.name)]),

  add_check: (c, ctx) => {
    const { table: t, check } = c;
    const name = objectPath(t.schema, t.name);
    const violations = hazard('may_fail', `fails if any row of ${name} violates ${check.definition}`, { kind: 'where', table: named(t), condition: `NOT (${sql.checkCondition(check.definition)})`, example: null }, true);
    const add = {
      op: 'add_check' as const,
      object: memberPath(t, check.name),
      phase: 5,
      ...lockOn(ctx, t, 'ACCESS EXCLUSIVE'),
      provides: [CONSTRAINT(t, check.name)],
      requires: [TABLE(t), ...finalColumns(t, t.columns.map((col) => col.name))],
    };
    if (online(ctx, t)) {
      return [
        draft({ ...add, sql: [sql.addConstraintNotValid(t, `CONSTRAINT ${quoteIdent(check.name)} ${check.definition}`)] }),
        draft({ op: 'validate_constraint', object: add.object, phase: 5, lock: 'SHARE UPDATE EXCLUSIVE', sql: [sql.validateConstraint(t, check.name)], hazards: [violations], requires: [CONSTRAINT(t, check.name)] }),
      ];
    }
    const hazards = isNew(ctx, t) ? [] : [violations, hazard('blocking', `checks every row of ${sized(ctx, t)} under an ACCESS EXCLUSIVE lock: reads and writes wait`)];
    return draft({ ...add, sql: [sql.addCheck(t, check.name, check.definition)], hazards });
  },

  drop_check: (c, ctx) => dropConstraint(ctx, c.table, 'drop_check', c.check.name, []),

  create_index: (c, ctx) => {
    const { table: t, index: i } = c;
    const name = objectPath(t.schema, t.name);
    const plainKey = i.unique && i.where === null && i.keys.every((k) => k.column !== null);
    const concurrently = online(ctx, t);
    const hazards: Hazard[] = [];
    if (!isNew(ctx, t)) {
      if (i.unique) {
        // A unique index never sees two keys with a NULL in them as equal, unless NULLS NOT DISTINCT.
        const keys = sql.indexKeyExpressions(i);
        const notNull = i.nullsNotDistinct ? [] : keys.map((k) => `${k} IS NOT NULL`);
        const condition = [...(i.where !== null ? [sql.parenthesized(i.where)] : []), ...notNull].join(' AND ') || null;
        const column = i.keys.length === 1 && i.where === null && !i.nullsNotDistinct ? i.keys[0]!.column : null;
        hazards.push(hazard('may_fail', `fails if ${name} has duplicate values in the index's key`, { kind: 'duplicates', table: named(t), keys, condition, ...(column !== null ? { column } : {}) }, true));
      }
      if (!concurrently) hazards.push(hazard('blocking', `holds a SHARE lock on ${sized(ctx, t)} while the index builds: writes wait`));
    }
    return draft({
      op: 'create_index',
      object: memberPath(t, i.name),
      phase: 5,
      ...lockOn(ctx, t, concurrently ? 'SHARE UPDATE EXCLUSIVE' : 'SHARE'),
      ...(concurrently ? { concurrently: { schema: t.schema, index: i.name, creates: true } } : {}),
      sql: [sql.createIndex(t, i, concurrently)],
      hazards,
      provides: [RELATION(t.schema, i.name), ...(plainKey ? [KEY(tableKey(t), i.keys.map((k) => k.column!))] : [])],
      requires: [TABLE(t), ...finalColumns(t, t.columns.map((col) => col.name))],
    });
  },

  drop_index: (c, ctx) => {
    const { table: t, index: i } = c;
    const at = today(ctx, t);
    const plainKey = i.unique && i.where === null && i.keys.every((k) => k.column !== null);
    const concurrently = ctx.online;
    return draft({
      op: 'drop_index',
      object: memberPath(at.table, i.name),
      phase: 2,
      lock: concurrently ? 'SHARE UPDATE EXCLUSIVE' : 'ACCESS EXCLUSIVE',
      ...(concurrently ? { concurrently: { schema: at.table.schema, index: i.name, creates: false } } : {}),
      sql: [sql.dropIndex(at.table, i.name, concurrently)],
      removes: [RELATION(t.schema, i.name), ...(plainKey ? [KEY(tableKey(t), i.keys.map((k) => k.column!))] : [])],
      releases: at.releases,
    });
  },

  add_foreign_key: (c, ctx) => {
    const { table: t, foreignKey: fk } = c;
    const ref = objectPath(fk.references.schema, fk.references.table);
    const name = objectPath(t.schema, t.name);
    const orphans = hazard(
      'may_fail',
      `fails if rows of ${name} have (${list(fk.columns)}) values missing from ${ref}(${list(fk.references.columns)})`,
      {
        kind: 'orphans',
        table: named(t),
        columns: fk.columns,
        references: ctx.newTables.has(ref) ? null : { schema: fk.references.schema, name: fk.references.table },
        referenced_columns: fk.references.columns,
      },
      true,
    );
    const refTable = { schema: fk.references.schema, name: fk.references.table } as Table;
    const add = {
      op: 'add_foreign_key' as const,
      object: memberPath(t, fk.name),
      phase: 6,
      // Both tables: the key's triggers go on the referenced table too.
      ...lockOnTables(ctx, t, [t, { schema: fk.references.schema, name: fk.references.table }], 'SHARE ROW EXCLUSIVE'),
      provides: [CONSTRAINT(t, fk.name)],
      requires: [TABLE(t), TABLE(ref), ...finalColumns(t, fk.columns), ...finalColumns(refTable, fk.references.columns), KEY(ref, fk.references.columns)],
    };
    if (online(ctx, t)) {
      return [
        draft({ ...add, sql: [sql.addConstraintNotValid(t, sql.foreignKeyClause(fk))] }),
        draft({ op: 'validate_constraint', object: add.object, phase: 6, lock: 'SHARE UPDATE EXCLUSIVE', sql: [sql.validateConstraint(t, fk.name)], hazards: [orphans], requires: [CONSTRAINT(t, fk.name)] }),
      ];
    }
    const hazards = isNew(ctx, t) ? [] : [orphans, hazard('blocking', `checks every row of ${sized(ctx, t)} under a SHARE ROW EXCLUSIVE lock on it and on ${ref}: writes to both wait`)];
    return draft({ ...add, sql: [sql.addConstraint(t, sql.foreignKeyClause(fk))], hazards });
  },

  drop_foreign_key: (c, ctx) => {
    const { table: t, foreignKey: fk } = c;
    const at = today(ctx, t);
    const ref = objectPath(fk.references.schema, fk.references.table);
    const refTable = { schema: fk.references.schema, name: fk.references.table } as Table;
    return draft({
      op: 'drop_foreign_key',
      object: memberPath(at.table, fk.name),
      phase: 1,
      // Dropping the key's triggers takes ACCESS EXCLUSIVE on both tables, named as they are
      // today: the drop runs before either is renamed.
      ...lockOnTables(ctx, t, [t, refTable], 'ACCESS EXCLUSIVE', 'before_renames'),
      sql: [sql.dropConstraint(at.table, fk.name)],
      removes: [CONSTRAINT(t, fk.name)],
      releases: [
        ...at.releases,
        ...(ref === tableKey(t) ? [] : today(ctx, refTable).releases),
        TABLE(t),
        TABLE(ref),
        ...fk.columns.flatMap((col) => [COLUMN(t, col), COLUMN_TYPE(t, col)]),
        ...fk.references.columns.flatMap((col) => [COLUMN(refTable, col), COLUMN_TYPE(ref, col)]),
        KEY(ref, fk.references.columns),
      ],
    });
  },

  rename_constraint: (c) => {
    const indexBacked = c.constraint.kind === 'primary_key' || c.constraint.kind === 'unique';
    return draft({
      op: 'rename_constraint',
      object: memberPath(c.table, c.to),
      phase: 3,
      lock: 'ACCESS EXCLUSIVE',
      sql: [sql.renameConstraint(c.table, c.from, c.to)],
      provides: [CONSTRAINT(c.table, c.to), ...(indexBacked ? [RELATION(c.table.schema, c.to)] : [])],
      requires: [TABLE(c.table)],
      removes: [CONSTRAINT(c.table, c.from), ...(indexBacked ? [RELATION(c.table.schema, c.from)] : [])],
    });
  },

  validate_constraint: (c, ctx) => {
    const { table: t, constraint } = c;
    const name = objectPath(t.schema, t.name);
    const risk =
      constraint.kind === 'check'
        ? hazard('may_fail', `fails if any row of ${name} violates ${constraint.definition}`, { kind: 'where', table: named(t), condition: `NOT (${sql.checkCondition(constraint.definition)})`, example: null }, true)
        : hazard(
            'may_fail',
            `fails if rows of ${name} have (${list(constraint.columns)}) values missing from ${objectPath(constraint.references.schema, constraint.references.table)}(${list(constraint.references.columns)})`,
            {
              kind: 'orphans',
              table: named(t),
              columns: constraint.columns,
              references: { schema: constraint.references.schema, name: constraint.references.table },
              referenced_columns: constraint.references.columns,
            },
            true,
          );
    return draft({
      op: 'validate_constraint',
      object: memberPath(t, constraint.name),
      phase: constraint.kind === 'check' ? 5 : 6,
      ...lockOn(ctx, t, 'SHARE UPDATE EXCLUSIVE'),
      sql: [sql.validateConstraint(t, constraint.name)],
      hazards: [risk],
      requires: [TABLE(t), ...finalColumns(t, t.columns.map((col) => col.name))],
    });
  },

  rename_index: (c) =>
    draft({
      op: 'rename_index',
      object: memberPath(c.table, c.to),
      phase: 3,
      lock: 'ACCESS EXCLUSIVE',
      sql: [sql.renameIndex(c.table, c.from, c.to)],
      provides: [RELATION(c.table.schema, c.to)],
      requires: [TABLE(c.table)],
      removes: [RELATION(c.table.schema, c.from)],
    }),
};

/**
 * What a column's change does to the sequences it owns: one that follows the column to a
 * smaller type fails if it has counted past what that type holds; one dropped with its default
 * comes back counting from its start; one made for an existing table starts there too.
 */
function sequenceHazards(ctx: Context, t: Table, path: string, changes: ReturnType<typeof sql.sequenceChanges>): Hazard[] {
  const out: Hazard[] = [];
  const at = (name: string): string => objectPath(t.schema, name);
  for (const [was, s] of changes.retyped) {
    if (!narrows(was, s)) continue;
    const bound = s.increment.startsWith('-') ? s.min : s.max;
    out.push(hazard('may_fail', `fails if sequence ${at(s.name)} has already counted past ${bound}, where ${s.type} ends`));
  }
  for (const s of changes.dropped) {
    out.push(hazard('irreversible', `drops sequence ${at(s.name)}, which nothing uses any more: undoing this step makes it anew, counting again from ${s.start}, so inserts may collide with values ${path} holds`));
  }
  if (!isNew(ctx, t)) {
    for (const s of changes.made) out.push(hazard('may_fail', `the new sequence ${at(s.name)} of ${path} starts at ${s.start}: inserts may collide with existing values`));
  }
  return out;
}

/** A column that becomes generated: dropped and added again, its values computed anew. */
function regenerated(c: Extract<Change, { kind: 'alter_column' }>, ctx: Context): Draft {
  const { table: t, from, to } = c;
  const path = columnPath(t, to.name);
  const hazards: Hazard[] = isNew(ctx, t)
    ? []
    : [
        ...blockedBy(ctx, t, to.name, 'drop'),
        ...sequencesInUse(ctx, today(ctx, t).table, [from], `column ${path}`, 'drop the column', path),
        hazard('data_loss', `drops ${path}${sequencesToo(t, [from])} and adds it again as a generated column: its values are computed anew`, { kind: 'values', table: named(t), column: from.name }),
        hazard('table_rewrite', `adding a generated column rewrites ${sized(ctx, t)} under an ACCESS EXCLUSIVE lock: reads and writes wait`),
      ];
  return draft({
    op: 'alter_column',
    object: path,
    phase: 5,
    ...lockOn(ctx, t, 'ACCESS EXCLUSIVE'),
    sql: sql.alterColumnStatements(t, from, to, null),
    hazards,
    provides: [COLUMN_DEF(t, to.name)],
    // The columns its expression reads have their final definitions first.
    requires: [TABLE(t), COLUMN(t, to.name), ...finalColumns(t, t.columns.filter((col) => col.name !== to.name && mentionsColumn(to.generated!, col.name)).map((col) => col.name)), ...typeTokens(to, TYPE)],
    removes: [COLUMN_TYPE(t, to.name), ...sequenceTokens(t, from)],
    releases: typeTokens(from, USES),
    softReleases: defaultSequences(from),
  });
}

/**
 * A new unique or primary key. Online, the index is built concurrently first and the
 * constraint adopts it under a short lock.
 */
function uniqueKey(
  ctx: Context,
  t: Table,
  name: string,
  columns: readonly string[],
  kind: 'UNIQUE' | 'PRIMARY KEY',
  clause: string,
  nullsNotDistinct: boolean,
  failsIf: string,
  condition: string | null,
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
      draft({ ...constraint, sql: [sql.constraintUsingIndex(t, name, kind)], requires: [...constraint.requires, index] }),
    ];
  }
  const hazards = isNew(ctx, t) ? [] : [duplicates, hazard('blocking', `builds a unique index on ${sized(ctx, t)} under an ACCESS EXCLUSIVE lock: reads and writes wait`)];
  return draft({ ...constraint, sql: [sql.addConstraint(t, clause)], hazards });
}

/** The drafts of one change. Throws on a kind without a handler (which the types already forbid). */
export function toDrafts(change: Change, ctx: Context): Draft[] {
  const handler = handlers[change.kind] as ((c: Change, ctx: Context) => Draft | Draft[]) | undefined;
  if (!handler) throw new Error(`no planner for change kind "${change.kind}"`);
  const out = handler(change, ctx);
  return Array.isArray(out) ? out : [out];
}
