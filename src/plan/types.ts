// The plan as a value: JSON-serialisable, printed four ways, saved and applied later.

export type HazardCode = 'data_loss' | 'lossy_type_change' | 'may_fail' | 'table_rewrite' | 'blocking' | 'irreversible';

export const HAZARD_CODES: readonly HazardCode[] = ['data_loss', 'lossy_type_change', 'may_fail', 'table_rewrite', 'blocking', 'irreversible'];

/** Hazards `apply` refuses without consent (a confirmation, or --allow-hazards). */
export const CONSENT_HAZARDS: readonly HazardCode[] = ['data_loss', 'lossy_type_change'];

export interface Hazard {
  readonly code: HazardCode;
  readonly message: string;
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
  | 'rename_index';

export interface Step {
  readonly op: Op;
  /** The schema-qualified object the step touches (`public.orders.orders_user_id_fkey`). */
  readonly object: string;
  /** Statements without a trailing semicolon, run in order. */
  readonly sql: readonly string[];
  readonly hazards: readonly Hazard[];
}

export interface Summary {
  readonly add: number;
  readonly change: number;
  readonly destroy: number;
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

/** The consent-needing hazard codes present in the steps, in table order. */
export function hazardsNeedingConsent(steps: readonly Step[]): HazardCode[] {
  const present = new Set(steps.flatMap((s) => s.hazards.map((h) => h.code)));
  return CONSENT_HAZARDS.filter((c) => present.has(c));
}
