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
  /** Rows of the table (a dropped table; a NOT NULL column added without a default, named by `column`). */
  | { readonly kind: 'rows'; readonly table: TableName; readonly column?: string }
  /** Non-null values of a column (a dropped column). */
  | { readonly kind: 'values'; readonly table: TableName; readonly column: string }
  /** Rows with NULL in a column (SET NOT NULL). */
  | { readonly kind: 'nulls'; readonly table: TableName; readonly column: string }
  /** Rows where the condition holds (a check's violations, labels an enum loses). */
  | {
      readonly kind: 'where';
      readonly table: TableName;
      readonly condition: string;
      readonly example: string | null;
      /** The condition holds text of schema.yaml (a check's): counted only when PostgreSQL accepts it as IMMUTABLE. */
      readonly file_text?: true;
    }
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
   * Rows on which a type change's `using:` expression (text of schema.yaml) fails: `expression`
   * cast to `type` is evaluated row by row, only once PostgreSQL accepts it as IMMUTABLE.
   * The example is the row's value of `column`.
   */
  | {
      readonly kind: 'using';
      readonly table: TableName;
      readonly column: string;
      readonly expression: string;
      readonly type: string;
    }
  /**
   * A column's NULL rows that `backfill:` fills before NOT NULL (all of today's rows for a column
   * the plan adds), and of those the rows `expression` (text of schema.yaml) leaves NULL, which
   * make SET NOT NULL fail: the expression is evaluated only once PostgreSQL accepts it as
   * IMMUTABLE, else only the rows filled are counted.
   */
  | {
      readonly kind: 'backfill';
      readonly table: TableName;
      readonly column: string;
      readonly expression: string;
    }
  /**
   * Groups of rows sharing a key (a new unique key or unique index). `column` names the key
   * when it is one plain column whose NULLs do not count, so the statistics can estimate it.
   */
  | {
      readonly kind: 'duplicates';
      readonly table: TableName;
      readonly keys: readonly string[];
      readonly condition: string | null;
      readonly column?: string;
      /** The keys or condition hold text of schema.yaml (an index's): counted only when PostgreSQL accepts them as IMMUTABLE. */
      readonly file_text?: true;
    }
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

/** Measured by the data checks as touching no rows (an exact count, not an estimate): it needs no consent. */
export const touchesNoRows = (h: Hazard): boolean => h.rows === 0 && !h.estimated;

/**
 * Every op a step can have, with what it counts as in the summary: `add`, `change` or
 * `destroy`. Data, not a guess from the op's name: an op read back from a revision file is
 * checked against this table (`isOp`), and a new op must say its class here.
 */
export const OPS = {
  create_schema: 'add',
  drop_schema: 'destroy',
  create_extension: 'add',
  alter_extension: 'change',
  drop_extension: 'destroy',
  create_enum: 'add',
  alter_enum: 'change',
  drop_enum: 'destroy',
  create_sequence: 'add',
  alter_sequence: 'change',
  drop_sequence: 'destroy',
  create_view: 'add',
  replace_view: 'change',
  comment_view: 'change',
  drop_view: 'destroy',
  create_view_index: 'add',
  drop_view_index: 'destroy',
  create_function: 'add',
  replace_function: 'change',
  drop_function: 'destroy',
  create_trigger: 'add',
  drop_trigger: 'destroy',
  create_policy: 'add',
  alter_policy: 'change',
  drop_policy: 'destroy',
  alter_row_security: 'change',
  create_domain: 'add',
  alter_domain: 'change',
  drop_domain: 'destroy',
  create_composite_type: 'add',
  alter_composite_type: 'change',
  drop_composite_type: 'destroy',
  create_table: 'add',
  drop_table: 'destroy',
  rename_table: 'change',
  alter_table: 'change',
  attach_partition: 'change',
  detach_partition: 'change',
  add_column: 'add',
  drop_column: 'destroy',
  rename_column: 'change',
  alter_column: 'change',
  backfill: 'change',
  add_primary_key: 'add',
  drop_primary_key: 'destroy',
  add_unique: 'add',
  drop_unique: 'destroy',
  add_check: 'add',
  drop_check: 'destroy',
  create_index: 'add',
  drop_index: 'destroy',
  add_foreign_key: 'add',
  drop_foreign_key: 'destroy',
  rename_constraint: 'change',
  rename_index: 'change',
  comment_index: 'change',
  validate_constraint: 'change',
  /** A statement of a hand-written revision (`schema revision`): never planned, only read from a file. */
  execute_sql: 'change',
} as const satisfies Record<string, keyof Summary>;

export type Op = keyof typeof OPS;

/** `op` is one of OPS (a step heading read back from a revision file). */
export function isOp(op: string): op is Op {
  return Object.hasOwn(OPS, op);
}

/** Table locks, weakest first: what a step holds on a table that already has rows and users. */
export type LockMode = 'SHARE UPDATE EXCLUSIVE' | 'SHARE' | 'SHARE ROW EXCLUSIVE' | 'ACCESS EXCLUSIVE';

/** A value a change step alters, as people compare it: `type: integer -> bigint`. */
export interface ValueChange {
  readonly field: 'type' | 'nullable' | 'default' | 'identity' | 'comment';
  readonly from: string;
  readonly to: string;
}

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
  /** What a change step alters, before and after (a column's type, nullability, default, identity, comment). */
  readonly changes?: readonly ValueChange[];
}

/**
 * A step that only runs online: built or dropped concurrently, or a backfill filled in batches
 * that each commit. Steps read back from a saved plan or a revision with one run online too.
 */
export const runsOnline = (step: Step): boolean => Boolean(step.concurrently) || step.op === 'backfill';

/** The column's values that differ between `from` and `to`, as shown beside the SQL. */
export function columnChanges(
  from: { readonly type: string; readonly nullable: boolean; readonly default: string | null; readonly identity: string | null; readonly comment: string | null },
  to: typeof from,
): ValueChange[] {
  const none = (v: string | null): string => v ?? '(none)';
  const out: ValueChange[] = [];
  if (from.type !== to.type) out.push({ field: 'type', from: from.type, to: to.type });
  if (from.nullable !== to.nullable) out.push({ field: 'nullable', from: String(from.nullable), to: String(to.nullable) });
  if (from.default !== to.default) out.push({ field: 'default', from: none(from.default), to: none(to.default) });
  if (from.identity !== to.identity) out.push({ field: 'identity', from: none(from.identity), to: none(to.identity) });
  if (from.comment !== to.comment) out.push({ field: 'comment', from: from.comment === null ? '(none)' : JSON.stringify(from.comment), to: to.comment === null ? '(none)' : JSON.stringify(to.comment) });
  return out;
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
  return OPS[op];
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

/**
 * The column a hazard certain to fail finds NULL rows in (SET NOT NULL on NULLs, a NOT NULL
 * column added without a default to a table with rows): `backfill:` on it would fill them.
 */
export function unfilledColumn(h: Hazard): { readonly table: TableName; readonly column: string } | null {
  const m = h.measure;
  if (m?.kind === 'nulls') return { table: m.table, column: m.column };
  if (m?.kind === 'rows' && m.column !== undefined) return { table: m.table, column: m.column };
  return null;
}

/** The words that say which key fills a column's NULL rows: the line to add to schema.yaml. */
export function backfillAdvice(c: { readonly table: TableName; readonly column: string }): string {
  return `to fill them first, add the line \`backfill: <value>\` (or \`backfill: { sql: <expression> }\`) to column ${c.column} of table ${c.table.name} in schema.yaml`;
}

/** The consent-needing hazard codes present in the steps, in table order. */
export function hazardsNeedingConsent(steps: readonly Step[]): HazardCode[] {
  const present = new Set(steps.flatMap((s) => s.hazards.map((h) => h.code)));
  return CONSENT_HAZARDS.filter((c) => present.has(c));
}
