// (current Model, desired Model, hints) -> Plan: the ordered steps both ways. Pure.
import { diff, effectiveHints, invertHints } from '../diff/diff.js';
import type { Change } from '../diff/changes.js';
import { triggersAround } from '../diff/kinds/trigger.js';
import { policiesAround } from '../diff/kinds/policy.js';
import { keepUndeclaredPolicies } from '../model/policy.js';
import { fingerprint } from '../model/fingerprint.js';
import { objectPath } from '../model/identifiers.js';
import type { Hints } from '../model/hints.js';
import { tableKey, type Model, type Table, type Unmanaged } from '../model/model.js';
import { objectsOf } from '../model/objects.js';
import { signatureNames } from '../model/routine.js';
import { keepUndeclaredViews, managedViews } from '../model/view.js';
import { regclassesIn, renameColumnIn } from '../model/sql-tokens.js';
import { order } from './order.js';
import { withOwnedSequences } from './owned-sequences.js';
import { afterDetach, toDrafts, type Context } from './steps.js';
import { PLAN_FORMAT_VERSION, summarize, type Hazard, type Measure, type Plan, type Step, type TableName } from './types.js';

export interface StepOptions {
  /** Plan for a busy database (`--online`): concurrent index builds, NOT VALID then VALIDATE. */
  readonly online?: boolean;
  /** What the catalog knows of table sizes, for the hazards' words. */
  readonly sizes?: Context['sizes'];
  /** Unmanaged objects using managed tables and columns (views, ...): steps they block are certain to fail. */
  readonly dependents?: Context['dependents'];
  /** Unmanaged objects using managed enums (functions, domains, ...): drops they block are certain to fail. */
  readonly typeDependents?: Context['typeDependents'];
  /** The columns' `using:` expressions (see Hints.using): only for the way forward. */
  readonly using?: Context['using'];
  /** The columns' `backfill:` values (see Hints.backfill): only for the way forward. */
  readonly backfill?: Context['backfill'];
  /** For the downgrade: the columns the way forward fills with `backfill:` (see Context.backfilled). */
  readonly backfilled?: Context['backfilled'];
  /** The versions the server can update each installed extension between; unknown when absent. */
  readonly extensionUpdates?: NonNullable<Context['extensionUpdates']>;
  /** The types of each installed extension (`public.citext`), for the columns that keep using them. */
  readonly extensionTypes?: Readonly<Record<string, readonly string[]>>;
}

function columnRenames(changes: readonly Change[]): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  for (const c of changes) {
    if (c.kind !== 'rename_column') continue;
    const key = tableKey(c.table);
    out.set(key, (out.get(key) ?? new Map<string, string>()).set(c.to, c.from));
  }
  return out;
}

/** Sequence (object path) -> the columns (object paths) of `model` whose defaults use it. */
function sequenceUsers(model: Model): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const o of objectsOf(model)) {
    if (o.kind !== 'column' || o.object.default === null) continue;
    for (const s of regclassesIn(o.object.default)) out.set(s, [...(out.get(s) ?? []), o.path]);
  }
  return out;
}

/** Foreign keys dropped with the table they reference while their own table and columns stay, by that table. */
function keysToDropped(changes: readonly Change[], droppedTables: ReadonlySet<string>): Context['keysToDropped'] {
  const droppedColumns = new Set(changes.flatMap((c) => (c.kind === 'drop_column' ? [objectPath(c.table.schema, c.table.name, c.column.name)] : [])));
  const out = new Map<string, { table: Table; name: string }[]>();
  for (const c of changes) {
    if (c.kind !== 'drop_foreign_key') continue;
    const ref = objectPath(c.foreignKey.references.schema, c.foreignKey.references.table);
    const stays = !droppedTables.has(tableKey(c.table)) && !c.foreignKey.columns.some((col) => droppedColumns.has(objectPath(c.table.schema, c.table.name, col)));
    if (droppedTables.has(ref) && stays) out.set(ref, [...(out.get(ref) ?? []), { table: c.table, name: c.foreignKey.name }]);
  }
  return out;
}

/** Steps in executable order for a list of changes leading to `desired`. */
/** Extensions -> the columns (object paths) of `model` whose types (or arrays of them) are the extension's. */
function extensionTypeUsers(model: Model, types: Readonly<Record<string, readonly string[]>>): Map<string, string[]> {
  const owner = new Map(Object.entries(types).flatMap(([name, ts]) => ts.map((t) => [t, name] as const)));
  const out = new Map<string, string[]>();
  if (owner.size === 0) return out;
  for (const o of objectsOf(model)) {
    const name = o.kind === 'column' ? owner.get(o.object.type.replace(/(\[\])+$/, '').replace(/\(.*\)$/, '')) : undefined;
    if (name !== undefined) out.set(name, [...(out.get(name) ?? []), o.path]);
  }
  return out;
}

/** The views of `views` that `changes` do not make (again). */
function steadyViews(changes: readonly Change[], views: NonNullable<Model['views']>): Record<string, NonNullable<Model['views']>[string]> {
  const made = new Set(changes.flatMap((c) => (c.kind === 'create_view' ? [objectPath(c.view.schema, c.view.name)] : [])));
  return Object.fromEntries(Object.entries(views).filter(([, v]) => !made.has(objectPath(v.schema, v.name))));
}

export function stepsFor(changes: readonly Change[], desired: Model, options: StepOptions = {}): Step[] {
  const droppedTables = new Set(changes.flatMap((c) => (c.kind === 'drop_table' ? [tableKey(c.table)] : [])));
  const ctx: Context = {
    newTables: new Set(changes.flatMap((c) => (c.kind === 'create_table' ? [tableKey(c.table)] : []))),
    tables: desired.tables,
    ...(desired.triggers ? { triggers: desired.triggers } : {}),
    ...(desired.policies ? { policies: desired.policies } : {}),
    ...(desired.views ? { steadyViews: steadyViews(changes, desired.views) } : {}),
    enums: desired.enums,
    online: options.online ?? false,
    sizes: options.sizes ?? {},
    renamedFrom: new Map(changes.flatMap((c) => (c.kind === 'rename_table' ? [[tableKey(c.table), c.from] as const] : []))),
    columnsRenamedFrom: columnRenames(changes),
    dependents: options.dependents ?? [],
    typeDependents: options.typeDependents ?? [],
    droppedTables,
    addedColumns: new Set(changes.flatMap((c) => (c.kind === 'add_column' ? [objectPath(c.table.schema, c.table.name, c.column.name)] : []))),
    keysToDropped: keysToDropped(changes, droppedTables),
    sequenceUsers: sequenceUsers(desired),
    ...(options.using ? { using: options.using } : {}),
    ...(options.backfill ? { backfill: options.backfill } : {}),
    ...(options.backfilled ? { backfilled: options.backfilled } : {}),
    extensionUpdates: options.extensionUpdates ?? null,
    extensionTypeUsers: extensionTypeUsers(desired, options.extensionTypes ?? {}),
  };
  return order(afterDetach(changes.flatMap((c) => toDrafts(c, ctx)))).map(({ op, object, sql, hazards, lock, lock_on, concurrently, changes: shown }) => ({
    op,
    object,
    sql,
    hazards,
    ...(lock ? { lock } : {}),
    ...(lock && lock_on ? { lock_on } : {}),
    ...(concurrently ? { concurrently } : {}),
    ...(shown && shown.length > 0 ? { changes: shown } : {}),
  }));
}

/**
 * Measures speak of the database as it is before the plan runs: tables and columns that the
 * plan renames are measured under their names of today.
 */
function measureToday(steps: readonly Step[], renames: Hints): Step[] {
  const today = (t: TableName): { table: TableName; columns: ReadonlyMap<string, string> } => {
    const key = objectPath(t.schema, t.name);
    return { table: renames.tables.get(key) ?? t, columns: renames.columns.get(key) ?? new Map() };
  };
  const rename = (m: Measure): Measure => {
    const { table, columns } = today(m.table);
    const col = (c: string): string => columns.get(c) ?? c;
    const text = (s: string): string => renameColumnIn(s, columns);
    switch (m.kind) {
      case 'rows':
        return { ...m, table };
      case 'values':
      case 'nulls':
        return { ...m, table, column: col(m.column) };
      case 'conversion':
        return {
          ...m,
          table,
          column: col(m.column),
          fails: m.fails === null ? null : text(m.fails),
          ...(m.trusted === undefined ? {} : { trusted: text(m.trusted) }),
          rounded: m.rounded === null ? null : text(m.rounded),
          example: text(m.example),
        };
      case 'where':
        return { ...m, table, condition: text(m.condition), example: m.example === null ? null : text(m.example) };
      case 'using':
      case 'backfill':
        return { ...m, table, column: col(m.column), expression: text(m.expression) };
      case 'duplicates':
        return { ...m, table, keys: m.keys.map(text), condition: m.condition === null ? null : text(m.condition), ...(m.column === undefined ? {} : { column: col(m.column) }) };
      case 'orphans': {
        const ref = m.references ? today(m.references) : null;
        return {
          ...m,
          table,
          columns: m.columns.map(col),
          references: ref?.table ?? null,
          referenced_columns: m.referenced_columns.map((c) => ref?.columns.get(c) ?? c),
        };
      }
    }
  };
  return steps.map((s) => ({ ...s, hazards: s.hazards.map((h) => (h.measure ? { ...h, measure: rename(h.measure) } : h)) }));
}

/**
 * Only the figures of the state a plan starts from can be measured, and the way back starts
 * from another: its measures go, but one. A key the way back adds again to a table it keeps,
 * referencing a table it recreates empty (`references: null`), fails on the rows of today that
 * have a key: they are counted as they are now, in a table named as it is now.
 */
const withoutMeasures = (steps: readonly Step[]): Step[] =>
  steps.map((s) => ({
    ...s,
    hazards: s.hazards.map(({ code, message, measure, fails_if_any }): Hazard =>
      measure?.kind === 'orphans' && measure.references === null ? { code, message, measure, ...(fails_if_any ? { fails_if_any } : {}) } : { code, message },
    ),
  }));

export interface PlanInput extends StepOptions {
  readonly current: Model;
  readonly desired: Model;
  readonly hints: Hints;
  readonly unmanaged?: Unmanaged;
  /**
   * The whole database when `current` leaves out objects of someone else's (`exclude:`): the
   * fingerprints are of it, and of the state it will be in, with those objects (`withExcluded`).
   */
  readonly whole?: { readonly current: Model; readonly withExcluded: (desired: Model) => Model };
}

/**
 * The plan from `current` to `desired`, and the downgrade planned the same way from `desired`
 * back to `current` (ARCHITECTURE decision 5: planned, not inverted).
 */
export function buildPlan(input: PlanInput): Plan {
  const occupied = input.unmanaged?.occupiedSchemas ?? [];
  const diffOptions = { occupiedSchemas: occupied };
  // A schema holding objects this tool leaves alone stays: it is part of the desired state too.
  const kept = occupied.filter((s) => input.current.schemas.includes(s) && !input.desired.schemas.includes(s));
  const withSchemas: Model = kept.length === 0 ? input.desired : { ...input.desired, schemas: [...input.desired.schemas, ...kept].sort() };
  // A file without `sequences:` leaves the sequences of the database as they are.
  const managesSequences = input.desired.sequences !== undefined;
  const theirs = managesSequences ? undefined : input.current.sequences;
  const schemasOf = (sequences: NonNullable<Model['sequences']>): string[] => [...new Set([...withSchemas.schemas, ...Object.values(sequences).map((s) => s.schema)])].sort();
  const withSequences: Model = theirs === undefined ? withSchemas : { ...withSchemas, schemas: schemasOf(theirs), sequences: theirs };
  // A file without `extensions:` leaves the extensions of the database as they are.
  const managesExtensions = input.desired.extensions !== undefined;
  const withExtensions: Model = managesExtensions || input.current.extensions === undefined ? withSequences : { ...withSequences, extensions: input.current.extensions };
  // A file without `views:` leaves the views of the database as they are (made again around a
  // column they read that the plan retypes).
  // The same for `materialized_views:`, whose materialized views are then left alone (see diff/kinds/view.ts).
  const managesViews = input.desired.views !== undefined;
  const viewKinds = managedViews(input.desired);
  const withViews: Model = keepUndeclaredViews(withExtensions, input.current);
  // Materialized views the file declares are planned (dropped and made again around what they read), not in the way.
  const dependents = (input.unmanaged?.dependents ?? []).filter((d) => !(viewKinds.materialized && d.what.startsWith('materialized view ') && !d.sequence));
  // A file without `functions:` leaves the functions and procedures of the database as they are.
  const managesFunctions = input.desired.functions !== undefined;
  const keptFunctions = managesFunctions ? undefined : input.current.functions;
  const withFunctions: Model =
    keptFunctions === undefined ? withViews : { ...withViews, schemas: [...new Set([...withViews.schemas, ...Object.values(keptFunctions).map((f) => f.schema)])].sort(), functions: keptFunctions };
  // A file without `triggers:` leaves the triggers of the database as they are (those of a table it drops go with it).
  const managesTriggers = input.desired.triggers !== undefined;
  const keptTriggers =
    managesTriggers || input.current.triggers === undefined ? undefined : Object.fromEntries(Object.entries(input.current.triggers).filter(([, t]) => withFunctions.tables[objectPath(t.schema, t.table)] !== undefined));
  const withTriggers: Model = keptTriggers === undefined ? withFunctions : { ...withFunctions, triggers: keptTriggers };
  // A table without `policies:` keeps its policies, and the row-level security switches the file does not write stay as they are.
  const renamedFrom = new Map([...effectiveHints(input.current, withTriggers, input.hints).tables].map(([to, from]) => [to, objectPath(from.schema, from.name)]));
  const withPolicies: Model = keepUndeclaredPolicies(withTriggers, input.current, renamedFrom);
  // A file without `domains:` leaves the domains of the database as they are.
  const managesDomains = input.desired.domains !== undefined;
  const keptDomains = managesDomains ? undefined : input.current.domains;
  const withDomains: Model =
    keptDomains === undefined ? withPolicies : { ...withPolicies, schemas: [...new Set([...withPolicies.schemas, ...Object.values(keptDomains).map((d) => d.schema)])].sort(), domains: keptDomains };
  // A file without `types:` leaves the composite types of the database as they are.
  const managesTypes = input.desired.types !== undefined;
  const keptTypes = managesTypes ? undefined : input.current.types;
  const wanted: Model = keptTypes === undefined ? withDomains : { ...withDomains, schemas: [...new Set([...withDomains.schemas, ...Object.values(keptTypes).map((t) => t.schema)])].sort(), types: keptTypes };
  // The sequences columns keep (serial's): the downgrade must put back what the plan changes of them.
  // One an object left alone uses (a view calling nextval) is kept with its column.
  const inUse = new Set(dependents.flatMap((d) => (d.sequence ? [objectPath(d.schema, d.sequence)] : [])));
  const desired = withOwnedSequences(input.current, wanted, effectiveHints(input.current, wanted, input.hints), inUse);
  const diffed = diff(input.current, desired, input.hints, diffOptions);
  // Triggers on a column the plan drops or retypes are dropped first and made again last, both ways.
  // Policies alike, and those calling a function the plan drops.
  const forward = { ...diffed, changes: policiesAround([...diffed.changes, ...triggersAround(diffed.changes, input.current, desired, dependents)], input.current, desired, dependents).changes };
  // The way back to a database without sequences (extensions, views, functions) of their own drops those the plan makes.
  const back: Model = {
    ...input.current,
    ...(managesSequences && input.current.sequences === undefined ? { sequences: {} } : {}),
    ...(managesExtensions && input.current.extensions === undefined ? { extensions: {} } : {}),
    ...(managesViews && input.current.views === undefined ? { views: {} } : {}),
    ...(managesFunctions && input.current.functions === undefined ? { functions: {} } : {}),
    ...(managesTriggers && input.current.triggers === undefined ? { triggers: {} } : {}),
    ...(managesDomains && input.current.domains === undefined ? { domains: {} } : {}),
    ...(managesTypes && input.current.types === undefined ? { types: {} } : {}),
    managedViews: viewKinds,
  };
  const droppedTriggers = new Set(
    forward.changes.flatMap((c) =>
      c.kind === 'drop_trigger'
        ? [`trigger ${objectPath(c.trigger.name)} on ${objectPath(c.trigger.schema, c.trigger.table)}`]
        : c.kind === 'drop_policy'
          ? [`policy ${objectPath(c.policy.name)} on ${objectPath(c.policy.schema, c.policy.table)}`]
          : [],
    ),
  );
  // A function the plan drops that takes or returns a table's row type is dropped before the table (plan/kinds/function.ts).
  const droppedSignatures = new Set(
    forward.changes.flatMap((c) =>
      c.kind === 'drop_function' ? signatureNames(c.routine).map((n) => `${c.routine.procedure ? 'procedure' : 'function'} ${objectPath(c.routine.schema, c.routine.name)}\u0000${objectPath(n.schema, n.name)}`) : [],
    ),
  );
  const undone = diff(desired, back, invertHints(forward.renames), diffOptions);
  const backward = { ...undone, changes: policiesAround([...undone.changes, ...triggersAround(undone.changes, desired, back, dependents)], desired, back, dependents).changes };
  const stepOptions: StepOptions = {
    online: input.online ?? false,
    sizes: input.sizes ?? {},
    ...(input.extensionUpdates ? { extensionUpdates: input.extensionUpdates } : {}),
    ...(input.extensionTypes ? { extensionTypes: input.extensionTypes } : {}),
  };
  const steps = measureToday(
    stepsFor(forward.changes, desired, {
      ...stepOptions,
      // A trigger the plan drops first, or a function dropped before the table it names, is not in the way of what comes after.
      dependents: dependents.filter((d) => !droppedTriggers.has(d.what) && !droppedSignatures.has(`${d.what}\u0000${objectPath(d.schema, d.table)}`)),
      typeDependents: input.unmanaged?.typeDependents ?? [],
      ...(input.hints.using ? { using: input.hints.using } : {}),
      ...(input.hints.backfill ? { backfill: input.hints.backfill } : {}),
    }),
    forward.renames,
  );
  return {
    format_version: PLAN_FORMAT_VERSION,
    summary: summarize(steps),
    steps,
    downgrade: withoutMeasures(
      stepsFor(backward.changes, input.current, {
        online: stepOptions.online ?? false,
        ...(input.extensionUpdates ? { extensionUpdates: input.extensionUpdates } : {}),
        ...(input.hints.backfill ? { backfilled: new Set(input.hints.backfill.keys()) } : {}),
      }),
    ),
    fingerprint: input.whole ? { from: fingerprint(input.whole.current), to: fingerprint(input.whole.withExcluded(desired)) } : { from: fingerprint(input.current), to: fingerprint(desired) },
    unmanaged: Object.fromEntries(Object.entries(input.unmanaged?.counts ?? {}).filter(([what]) => !(viewKinds.materialized && what === 'materialized view'))),
  };
}
