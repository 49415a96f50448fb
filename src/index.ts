// schema as a library: plan and apply from a program, with the same pipeline as the CLI.
export { readSchemaFile, checkSchema, validateSchema, planAgainst, parseSavedPlan, type Planned, type CheckedSchema } from './api.js';
export { applyPlan, ApplyError, type ApplyOptions, type ApplyResult } from './apply/apply.js';
export { connect, withDb, type Db } from './db/db.js';
export { resolveTarget, type Target } from './db/target.js';
export { buildPlan } from './plan/plan.js';
export type { Plan, Step, Hazard, HazardCode, Op } from './plan/types.js';
export type { Model } from './model/model.js';
export { loadSpec } from './spec/load.js';
export { formatDiagnostic, type Diagnostic } from './spec/diagnostics.js';
export { renderText } from './render/text.js';
export { renderJson } from './render/json.js';
export { renderMarkdown } from './render/markdown.js';
export { renderSql } from './render/sql.js';
export { SpecError, UserError } from './errors.js';
