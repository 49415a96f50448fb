// The policies of the file, spelled by the server in the spelling transaction: each table with
// policies is stood in for by a temporary table of its name and columns (their spelled types),
// each policy is made on it (one statement on the extended protocol, under a savepoint, names
// read in the schema of its table) and its expressions read back with pg_get_expr under an empty
// search_path, as introspection reads the database's. Making a policy evaluates nothing, and
// takes no lock on the real table; everything is rolled back with the transaction. The file's
// new functions are made under their own names first, so a policy may call one. A policy that
// cannot be spelled while the plan makes something it may read (a table, a function) stays as
// the file writes it, read in its table's schema when its step runs: it differs, so it is made.
import { policyExpressionsSql } from '../introspect/kinds/policy.js';
import { objectPath, qualify, quoteIdent } from '../model/identifiers.js';
import type { Model } from '../model/model.js';
import { policyPath, policyRoles, type ManagedPolicies, type Policy } from '../model/policy.js';
import { BODIES_UNCHECKED } from '../model/routine.js';
import type { Diagnostic } from '../desired/diagnostics.js';
import type { SpecPolicy } from '../desired/policies.js';
import type { Spec, SpecTable } from '../desired/spec.js';
import type { Db } from '../db/db.js';
import { attempt } from './attempt.js';
import { newEnums } from './functions.js';

const STAND_IN = 'schema_policy_spell';

/** The file makes a table or a function the database lacks: a policy may read it, and cannot be spelled before the plan. */
function planMakesWhatItMayRead(spec: Spec, current: Model): boolean {
  const functions = new Set(Object.values(current.functions ?? {}).map((f) => objectPath(f.schema, f.name)));
  return spec.tables.some((t) => !current.tables[objectPath(t.schema, t.name)]) || (spec.functions ?? []).some((f) => !functions.has(objectPath(f.schema, f.name)));
}

const base = (t: SpecTable, p: SpecPolicy): Omit<Policy, 'using' | 'withCheck'> => ({
  kind: 'policy',
  schema: t.schema,
  table: t.name,
  name: p.name,
  command: p.command,
  permissive: p.permissive,
  roles: policyRoles(p.roles.map((r) => r.value)),
  comment: p.comment,
});

/** The policy as the file writes it, read in its table's schema when its step runs. */
const asWritten = (t: SpecTable, p: SpecPolicy): Policy => ({ ...base(t, p), using: p.using?.value ?? null, withCheck: p.withCheck?.value ?? null, searchPath: t.schema });

/** What the file says of row-level security, for plan/plan.ts (keepUndeclaredPolicies). */
function managed(spec: Spec): ManagedPolicies {
  return {
    policies: spec.tables.flatMap((t) => (t.policies ? [objectPath(t.schema, t.name)] : [])),
    rowSecurity: Object.fromEntries(spec.tables.flatMap((t) => (t.rowSecurity ? [[objectPath(t.schema, t.name), t.rowSecurity]] : []))),
  };
}

/** The file's functions the database lacks, under their own names (bodies unchecked): a policy may call one. */
async function newFunctions(db: Db, spec: Spec, current: Model): Promise<void> {
  const existing = new Set(Object.values(current.functions ?? {}).map((f) => objectPath(f.schema, f.name)));
  for (const f of spec.functions ?? []) {
    if (existing.has(objectPath(f.schema, f.name))) continue;
    await attempt(
      db,
      'spelling_policy_function',
      async () => {
        await db.query("SET LOCAL search_path = ''");
        await db.query(BODIES_UNCHECKED);
        await db.query(f.sql(qualify(f.schema, f.name)));
      },
      { keep: true },
    );
  }
}

/** The policies of the file as the server spells them, and what the file manages of them. Problems are diagnostics at the expression. */
export async function spellPolicies(db: Db, spec: Spec, current: Model, spelled: Model): Promise<{ model: Pick<Model, 'policies' | 'managedPolicies'>; diagnostics: Diagnostic[] }> {
  const policies: Record<string, Policy> = {};
  const diagnostics: Diagnostic[] = [];
  const tables = spec.tables.filter((t) => (t.policies ?? []).length > 0);
  if (tables.length > 0) {
    await newEnums(db, spec, current);
    await newFunctions(db, spec, current);
  }
  const unsteady = planMakesWhatItMayRead(spec, current);
  for (const t of tables) {
    const stand = `pg_temp.${quoteIdent(t.name)}`;
    const columns = (spelled.tables[objectPath(t.schema, t.name)]?.columns ?? []).map((c) => `${quoteIdent(c.name)} ${c.type}`);
    const made = await attempt(db, 'spelling_policy_table', () => db.query(`CREATE TEMPORARY TABLE ${stand} (${columns.join(', ')})`), { keep: true });
    for (const p of t.policies ?? []) {
      if (!made.ok) {
        policies[policyPath({ schema: t.schema, table: t.name, name: p.name })] = asWritten(t, p);
        continue;
      }
      const tried = await attempt(db, 'spelling_policy', async () => {
        // The stand-in is named explicitly; every other name is read in the table's schema.
        await db.query(`SET LOCAL search_path = ${quoteIdent(t.schema)}, pg_temp`);
        await db.query(
          [
            `CREATE POLICY ${STAND_IN} ON ${stand} AS ${p.permissive ? 'PERMISSIVE' : 'RESTRICTIVE'} FOR ${p.command.toUpperCase()} TO PUBLIC`,
            ...(p.using ? [`USING (${p.using.value}\n)`] : []),
            ...(p.withCheck ? [`WITH CHECK (${p.withCheck.value}\n)`] : []),
          ].join(' '),
        );
        await db.query("SET LOCAL search_path = ''");
        return db.query<{ using: string | null; with_check: string | null }>(policyExpressionsSql(), [stand, STAND_IN]);
      });
      const key = policyPath({ schema: t.schema, table: t.name, name: p.name });
      if (tried.ok) {
        const row = tried.value[0];
        policies[key] = { ...base(t, p), using: row?.using ?? null, withCheck: row?.with_check ?? null };
        continue;
      }
      if (unsteady) {
        policies[key] = asWritten(t, p);
        continue;
      }
      const pos = p.using?.pos ?? p.withCheck?.pos ?? p.pos;
      diagnostics.push({
        ...pos,
        file: pos.file || spec.file,
        code: 'bad_expression',
        message: `policy "${p.name}" on table "${objectPath(t.schema, t.name)}": ${tried.message.replaceAll(STAND_IN, p.name)}`,
        hint: `the server refuses this expression: correct it (names are read in schema "${t.schema}", the schema of its table)`,
      });
    }
    if (made.ok) await db.query(`DROP TABLE ${stand}`);
  }
  return { model: { ...(Object.keys(policies).length > 0 ? { policies } : {}), managedPolicies: managed(spec) }, diagnostics };
}
