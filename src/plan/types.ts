// The plan as a value: JSON-serialisable, printed four ways, saved and applied later.

export type HazardCode = 'data_loss' | 'lossy_type_change' | 'may_fail' | 'table_rewrite' | 'blocking' | 'irreversible';

export const HAZARD_CODES: readonly HazardCode[] = ['data_loss', 'lossy_type_change', 'may_fail', 'table_rewrite', 'blocking', 'irreversible'];

/** Hazards `apply` refuses without consent (a confirmation, or --allow-hazards). */
export const CONSENT_HAZARDS: readonly HazardCode[] = ['data_loss', 'lossy_type_change'];

/** A table as named in the database before the plan runs. */
export interface TableName {
  readonly schema: string;
  readonly name: string;
}

/**
 * What to count in today's data to put a figure on a hazard. SQL fragments are made by the
 * planner (plan/sql.ts), never taken from a user. Names are those before the plan runs.
 */
export type Measure =
  /** Rows of the table (a dropped table; a NOT NULL column added without a default). */
  | { readonly kind: 'rows'; readonly table: TableName }
  /** Non-null values of a column (a dropped column). */
  | { readonly kind: 'values'; readonly table: TableName; readonly column: string }
  /** Rows with NULL in a column (SET NOT NULL). */
  | { readonly kind: 'nulls'; readonly table: TableName; readonly column: string }
  /** Rows where the condition holds (a check's violations, labels an enum loses). */
  | { readonly kind: 'where'; readonly table: TableName; readonly condition: string; readonly example: string | null }
  /**
   * Values of a column a type change fails on: where `fails` holds, or whose text is not valid
   * input for the type `input` (then the only test: tried by pg_input_is_valid, or before
   * PostgreSQL 16 value by value), except rows where `trusted` holds (text of a form certainly
   * valid); and, among the others, those it rounds (`rounded`), or whose trailing spaces it cuts
   * (`changes`). An array counts when any of its elements does. `example` is the value shown.
   */
  | {
      readonly kind: 'conversion';
      readonly table: TableName;
      readonly column: string;
      readonly fails: string | null;
      readonly input: string | null;
      readonly trusted?: string;
      readonly rounded: string | null;
      readonly changes?: 'trailing_spaces';
      readonly example: string;
      /** The example is a number: a long one is shown in scientific notation, not cut short. */
      readonly number_example?: true;
    }
  /**
   * Groups of rows sharing a key (a new unique key or unique index). `column` names the key
   * when it is one plain column whose NULLs do not count, so the statistics can estimate it.
   */
  | { readonly kind: 'duplicates'; readonly table: TableName; readonly keys: readonly string[]; readonly condition: string | null; readonly column?: string }
  /** Rows whose key is missing from the referenced table (a new foreign key). */
  | {
      readonly kind: 'orphans';
      readonly table: TableName;
      readonly columns: readonly string[];
      readonly references: TableName | null;
      readonly referenced_columns: readonly string[];
    };

export interface Hazard {
  readonly code: HazardCode;
  readonly message: string;
  /** What the data check counts; absent when the data cannot tell. */
  readonly measure?: Measure;
  /** Set when any row counted makes the step fail (not merely lose or change data). */
  readonly fails_if_any?: boolean;
  /**
   * From today's data: rows (or groups) counted; an estimate when `estimated` (an estimate of
   * duplicates counts the rows that repeat another row's key).
   */
  readonly rows?: number;
  /** Of `rows`, those that make the step fail, where the others only change (a lossy type change that also rounds). */
  readonly failing_rows?: number;
  readonly example?: string;
  readonly estimated?: boolean;
  /** Certain to fail on today's data: apply stops before starting. */
  readonly fails?: boolean;
}

export type Op =
  | 'create_schema'
  | 'drop_schema'
  | 'create_enum'
  | 'alter_enum'
  | 'drop_enum'
  | 'create_table'
  | 'drop_table'
  | 'rename_table'
  | 'alter_table'
  | 'add_column'
  | 'drop_column'
  | 'rename_column'
  | 'alter_column'
  | 'add_primary_key'
  | 'drop_primary_key'
  | 'add_unique'
  | 'drop_unique'
  | 'add_check'
  | 'drop_check'
  | 'create_index'
  | 'drop_index'
  | 'add_foreign_key'
  | 'drop_foreign_key'
  | 'rename_constraint'
  | 'rename_index'
  | 'validate_constraint';

/** Table locks, weakest first: what a step holds on a table that already has rows and users. */
export type LockMode = 'SHARE UPDATE EXCLUSIVE' | 'SHARE' | 'SHARE ROW EXCLUSIVE' | 'ACCESS EXCLUSIVE';

export interface Step {
  readonly op: Op;
  /** The schema-qualified object the step touches (`public.orders.orders_user_id_fkey`). */
  readonly object: string;
  /** Statements without a trailing semicolon, run in order. */
  readonly sql: readonly string[];
  readonly hazards: readonly Hazard[];
  /** The strongest lock the step takes on an existing table (absent: none that anyone waits on). */
  readonly lock?: LockMode;
  /**
   * The existing tables `lock` is taken on, when that is not just the step's own table: a
   * foreign key locks the table it references too (`lock: SHARE ROW EXCLUSIVE (public.users)`).
   */
  readonly lock_on?: readonly string[];
  /**
   * A step that runs outside any transaction (CREATE/DROP INDEX CONCURRENTLY), with the index
   * it builds or drops, so an interrupted build can be found and redone.
   */
  readonly concurrently?: { readonly schema: string; readonly index: string; readonly creates: boolean };
}

export interface Summary {
  readonly add: number;
  readonly change: number;
  readonly destroy: number;
}

/** The outcome of `--verify`: the plan run both ways on a copy of the schema, without data. */
export interface Verification {
  readonly ok: boolean;
  /** Where it ran, for people: "a temporary database on postgres://...". */
  readonly where: string;
  /** What went wrong, one sentence each; empty when verified. */
  readonly problems: readonly string[];
  /** Objects in the database that were not part of the proof (not managed, so not rebuilt), counted by kind. */
  readonly unproven?: Readonly<Record<string, number>>;
}

/** How `apply` will run the plan on the target: in one transaction, or not (filled in by `plan` and `apply`). */
export interface Execution {
  /** One transaction: all of it or none. */
  readonly atomic: boolean;
  /** Transactions it runs in (a step outside any counts as one). */
  readonly transactions: number;
  /** Why it is not one transaction; null when it is. */
  readonly reason: string | null;
}

export const PLAN_FORMAT_VERSION = 1;

export interface Plan {
  readonly format_version: typeof PLAN_FORMAT_VERSION;
  readonly summary: Summary;
  /** In executable order. */
  readonly steps: readonly Step[];
  /** The way back, planned (not inverted), in its own executable order. */
  readonly downgrade: readonly Step[];
  /** Of the Model the plan starts from and the one it leads to: a saved plan is stale when the database no longer matches `from`. */
  readonly fingerprint: { readonly from: string; readonly to: string };
  /** Objects in the database this tool leaves alone, counted by kind. */
  readonly unmanaged: Readonly<Record<string, number>>;
  /** Present when the plan was verified (`--verify`). */
  readonly verification?: Verification;
  /** How apply will run it on the target, when the target was asked. */
  readonly execution?: Execution;
}

export function opKind(op: Op): keyof Summary {
  if (op.startsWith('create_') || op.startsWith('add_')) return 'add';
  if (op.startsWith('drop_')) return 'destroy';
  return 'change';
}

export function summarize(steps: readonly Step[]): Summary {
  const s = { add: 0, change: 0, destroy: 0 };
  for (const step of steps) s[opKind(step.op)]++;
  return s;
}

/** The steps certain to fail on today's data (by the data checks), with their hazards. */
export function certainFailures(steps: readonly Step[]): Array<{ index: number; step: Step; hazard: Hazard }> {
  return steps.flatMap((step, index) => step.hazards.filter((h) => h.fails).map((hazard) => ({ index, step, hazard })));
}

/** The consent-needing hazard codes present in the steps, in table order. */
export function hazardsNeedingConsent(steps: readonly Step[]): HazardCode[] {
  const present = new Set(steps.flatMap((s) => s.hazards.map((h) => h.code)));
  return CONSENT_HAZARDS.filter((c) => present.has(c));
}
