// The library API: what commands (and programs) call. Reads schema.yaml, talks to the
// target, and composes the pure pipeline; prints nothing.
import { readFile } from 'node:fs/promises';
import type { Db } from './db/db.js';
import { spell } from './db/spell.js';
import { SpecError, UserError } from './errors.js';
import { introspect, type Introspection } from './introspect/introspect.js';
import type { Model } from './model/model.js';
import { buildPlan } from './plan/plan.js';
import { PLAN_FORMAT_VERSION, type Plan } from './plan/types.js';
import type { Diagnostic } from './spec/diagnostics.js';
import { hintsFromSpec } from './spec/hints.js';
import { loadSpec } from './spec/load.js';

/** The text of schema.yaml, or a UserError saying how to make one. */
export async function readSchemaFile(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UserError(`no schema file at ${path}`, 'create one (see the README), or pass --schema path/to/schema.yaml');
    if (code === 'EISDIR') throw new UserError(`${path} is a folder, not a schema file`, 'pass --schema path/to/schema.yaml');
    throw new UserError(`cannot read ${path}: ${(error as Error).message}`);
  }
}

/** A schema file checked as far as it can be without a database. */
export interface CheckedSchema {
  readonly file: string;
  readonly text: string;
  /** Types that only the target can confirm (from an extension, or created by hand). */
  readonly typesPending: boolean;
}

/**
 * Check schema.yaml offline. Throws SpecError unless the only problems are types the target
 * may know; those are checked again against the target by `planAgainst`.
 */
export function checkSchema(file: string, text: string): CheckedSchema {
  const { diagnostics } = loadSpec(file, text);
  if (diagnostics.some((d) => d.code !== 'unknown_type')) throw new SpecError(diagnostics);
  return { file, text, typesPending: diagnostics.length > 0 };
}

/** Every problem in schema.yaml, without touching any database. */
export function validateSchema(file: string, text: string): readonly Diagnostic[] {
  return loadSpec(file, text).diagnostics;
}

export interface Planned {
  readonly plan: Plan;
  readonly current: Introspection;
  readonly desired: Model;
}

/** Introspect the target, spell the desired side on it, and plan both ways. Reads only. */
export async function planAgainst(db: Db, schema: CheckedSchema): Promise<Planned> {
  const current = await introspect(db);
  const loaded = loadSpec(schema.file, schema.text, { knownTypes: current.knownTypes });
  if (!loaded.spec) throw new SpecError(loaded.diagnostics);
  const spelled = await spell(db, loaded.spec, current.model, current.serverVersion);
  if (!spelled.ok) throw new SpecError(spelled.diagnostics);
  const plan = buildPlan({ current: current.model, desired: spelled.model, hints: hintsFromSpec(loaded.spec), unmanaged: current.unmanaged });
  return { plan, current, desired: spelled.model };
}

/** A plan saved with `plan --format json`, checked to be one this version can apply. */
export function parseSavedPlan(path: string, text: string): Plan {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new UserError(`${path} is not JSON: ${(error as Error).message}`, 'save a plan with `schema plan --format json > plan.json`');
  }
  const plan = data as Partial<Plan>;
  if (plan.format_version !== PLAN_FORMAT_VERSION || !Array.isArray(plan.steps) || !Array.isArray(plan.downgrade) || typeof plan.fingerprint?.from !== 'string') {
    throw new UserError(`${path} is not a plan saved by this version of schema (format_version ${PLAN_FORMAT_VERSION})`, 'save a plan with `schema plan --format json > plan.json`');
  }
  return plan as Plan;
}
