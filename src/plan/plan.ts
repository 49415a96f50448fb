// (current Model, desired Model, hints) -> Plan: the ordered steps both ways. Pure.
import { diff, effectiveHints, invertHints } from '../diff/diff.js';
import type { Change } from '../diff/changes.js';
import { fingerprint } from '../model/fingerprint.js';
import { objectPath } from '../model/identifiers.js';
import type { Hints } from '../model/hints.js';
import { tableKey, type Model, type Unmanaged } from '../model/model.js';
import { regclassesIn, renameColumnIn } from '../model/sql-tokens.js';
import { order } from './order.js';
import { withOwnedSequences } from './owned-sequences.js';
import { toDrafts, type Context } from './steps.js';
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
  for (const t of Object.values(model.tables)) {
    for (const c of t.columns) {
      for (const s of c.default === null ? [] : regclassesIn(c.default)) out.set(s, [...(out.get(s) ?? []), objectPath(t.schema, t.name, c.name)]);
    }
  }
  return out;
}

/** Steps in executable order for a list of changes leading to `desired`. */
export function stepsFor(changes: readonly Change[], desired: Model, options: StepOptions = {}): Step[] {
  const ctx: Context = {
    newTables: new Set(changes.flatMap((c) => (c.kind === 'create_table' ? [tableKey(c.table)] : []))),
    enums: desired.enums,
    online: options.online ?? false,
    sizes: options.sizes ?? {},
    renamedFrom: new Map(changes.flatMap((c) => (c.kind === 'rename_table' ? [[tableKey(c.table), c.from] as const] : []))),
    columnsRenamedFrom: columnRenames(changes),
    dependents: options.dependents ?? [],
    typeDependents: options.typeDependents ?? [],
    droppedTables: new Set(changes.flatMap((c) => (c.kind === 'drop_table' ? [tableKey(c.table)] : []))),
    sequenceUsers: sequenceUsers(desired),
  };
  return order(changes.flatMap((c) => toDrafts(c, ctx))).map(({ op, object, sql, hazards, lock, lock_on, concurrently }) => ({
    op,
    object,
    sql,
    hazards,
    ...(lock ? { lock } : {}),
    ...(lock && lock_on ? { lock_on } : {}),
    ...(concurrently ? { concurrently } : {}),
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

/** Only the figures of the state a plan starts from can be measured: the way back has none. */
const withoutMeasures = (steps: readonly Step[]): Step[] =>
  steps.map((s) => ({ ...s, hazards: s.hazards.map(({ code, message }): Hazard => ({ code, message })) }));

export interface PlanInput extends StepOptions {
  readonly current: Model;
  readonly desired: Model;
  readonly hints: Hints;
  readonly unmanaged?: Unmanaged;
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
  const wanted: Model = kept.length === 0 ? input.desired : { ...input.desired, schemas: [...input.desired.schemas, ...kept].sort() };
  // The sequences columns keep (serial's): the downgrade must put back what the plan changes of them.
  // One an object left alone uses (a view calling nextval) is kept with its column.
  const inUse = new Set((input.unmanaged?.dependents ?? []).flatMap((d) => (d.sequence ? [objectPath(d.schema, d.sequence)] : [])));
  const desired = withOwnedSequences(input.current, wanted, effectiveHints(input.current, wanted, input.hints), inUse);
  const forward = diff(input.current, desired, input.hints, diffOptions);
  const backward = diff(desired, input.current, invertHints(forward.renames), diffOptions);
  const stepOptions: StepOptions = { online: input.online ?? false, sizes: input.sizes ?? {} };
  const steps = measureToday(stepsFor(forward.changes, desired, { ...stepOptions, dependents: input.unmanaged?.dependents ?? [], typeDependents: input.unmanaged?.typeDependents ?? [] }), forward.renames);
  return {
    format_version: PLAN_FORMAT_VERSION,
    summary: summarize(steps),
    steps,
    downgrade: withoutMeasures(stepsFor(backward.changes, input.current, { online: stepOptions.online ?? false })),
    fingerprint: { from: fingerprint(input.current), to: fingerprint(desired) },
    unmanaged: input.unmanaged?.counts ?? {},
  };
}
