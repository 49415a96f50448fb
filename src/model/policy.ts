// Row-level security of a table and its policies (`row_level_security:`,
// `force_row_level_security:` and `policies:` on a table in schema.yaml): the Model types and
// their paths. Pure.
import { objectPath, qualify, quoteIdent } from './identifiers.js';
import type { Model } from './model.js';

export type PolicyCommand = 'all' | 'select' | 'insert' | 'update' | 'delete';

/**
 * A policy on a plain table, keyed in the Model by `schema.table.name` (policy names are per
 * table). Its expressions are as pg_get_expr prints them with an empty search_path, so two
 * texts of one meaning compare equal once the server spelled them.
 */
export interface Policy {
  readonly kind: 'policy';
  /** The schema of its table. */
  readonly schema: string;
  readonly table: string;
  readonly name: string;
  readonly command: PolicyCommand;
  /** PERMISSIVE (true) or RESTRICTIVE (false). */
  readonly permissive: boolean;
  /** Role names, sorted; `public` for PUBLIC. */
  readonly roles: readonly string[];
  /** USING, as pg_get_expr prints it; null when there is none. */
  readonly using: string | null;
  /** WITH CHECK, as pg_get_expr prints it; null when there is none. */
  readonly withCheck: string | null;
  readonly comment: string | null;
  /**
   * Set on a desired policy the server could not spell before the plan (its table or a function
   * it calls is made by it): the schema its step reads the expressions' names in. Never compared.
   */
  readonly searchPath?: string;
}

/** A table's row-level security switches (ALTER TABLE ... ENABLE / FORCE ROW LEVEL SECURITY). */
export interface RowSecurity {
  readonly enabled: boolean;
  readonly forced: boolean;
}

export const policyPath = (p: { readonly schema: string; readonly table: string; readonly name: string }): string => objectPath(p.schema, p.table, p.name);

/** The roles of a policy as the Model keeps them: each once, sorted; PUBLIC alone when it is one of them (as PostgreSQL keeps it). */
export const policyRoles = (roles: readonly string[]): string[] => (roles.length === 0 || roles.includes('public') ? ['public'] : [...new Set(roles)].sort());

/** What the file manages of the row-level security of its tables: only in a desired Model. */
export interface ManagedPolicies {
  /** Tables (object paths) whose `policies:` the file writes: their other policies are dropped. */
  readonly policies: readonly string[];
  /** Tables (object paths) whose row-level security the file writes, and which switches. */
  readonly rowSecurity: Readonly<Record<string, { readonly enabled?: boolean; readonly forced?: boolean }>>;
}

/** PUBLIC and the special role names are keywords; every other role a quoted name. */
export const role = (r: string): string => (r === 'public' ? 'PUBLIC' : quoteIdent(r));

export const onWhat = (p: Policy): string => `${quoteIdent(p.name)} ON ${qualify(p.schema, p.table)}`;

export function createPolicySql(p: Policy): string {
  return [
    `CREATE POLICY ${onWhat(p)}`,
    `AS ${p.permissive ? 'PERMISSIVE' : 'RESTRICTIVE'}`,
    `FOR ${p.command.toUpperCase()}`,
    `TO ${p.roles.map(role).join(', ')}`,
    ...(p.using === null ? [] : [`USING (${p.using})`]),
    ...(p.withCheck === null ? [] : [`WITH CHECK (${p.withCheck})`]),
  ].join(' ');
}

/**
 * The desired Model with what the file leaves to the database (ManagedPolicies): the policies of
 * a table without `policies:` and the row-level security switches it does not write are kept as
 * `current` has them (under the table's new name when it is renamed: `renamedFrom`, desired
 * path -> path today). A Model without `managedPolicies` (not a file's) is whole already. The
 * result holds no `managedPolicies`, and empty records are left out, as introspection leaves them.
 */
export function keepUndeclaredPolicies(desired: Model, current: Model, renamedFrom: ReadonlyMap<string, string>): Model {
  const { managedPolicies: managed, ...rest } = desired;
  if (managed === undefined) return desired;
  const declared = new Set(managed.policies);
  const policies: Record<string, Policy> = {};
  const rowSecurity: Record<string, RowSecurity> = {};
  for (const [key, t] of Object.entries(desired.tables)) {
    const was = renamedFrom.get(key) ?? key;
    if (!declared.has(key))
      for (const p of Object.values(current.policies ?? {}))
        if (objectPath(p.schema, p.table) === was) {
          const kept: Policy = { ...p, schema: t.schema, table: t.name };
          policies[policyPath(kept)] = kept;
        }
    const today = current.rowSecurity?.[was];
    const said = managed.rowSecurity[key];
    const enabled = said?.enabled ?? today?.enabled ?? false;
    const forced = said?.forced ?? today?.forced ?? false;
    if (enabled || forced) rowSecurity[key] = { enabled, forced };
  }
  for (const [key, p] of Object.entries(desired.policies ?? {})) policies[key] = p;
  const { policies: _p, rowSecurity: _r, ...others } = rest;
  return { ...others, ...(Object.keys(policies).length > 0 ? { policies } : {}), ...(Object.keys(rowSecurity).length > 0 ? { rowSecurity } : {}) };
}
