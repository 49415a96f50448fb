// Fingerprints: a stable digest of a Model, so a saved plan can tell the database has moved.
import { createHash } from 'node:crypto';
import type { Model } from './model.js';
import { mapModel } from './objects.js';

/** JSON with object keys sorted at every level; arrays keep their order (it carries meaning). */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const sorted: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) sorted[k] = (v as Record<string, unknown>)[k];
    return sorted;
  });
}

export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * The Model as a plan compares it: PostgreSQL appends added columns, so column order is not
 * part of a schema's identity (a plan never reorders columns).
 */
export function comparable(model: Model): Model {
  const tables: Record<string, Model['tables'][string]> = {};
  for (const [key, t] of Object.entries(model.tables)) tables[key] = { ...t, columns: [...t.columns].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)) };
  return { ...model, schemas: [...model.schemas].sort(), tables };
}

/**
 * Without what the diff does not compare (sequences owned by columns: see Column). A view
 * counts by its name and comment only: a desired view the server could not spell before the
 * plan runs (it reads a column the plan adds) has no text the database will read back. Which
 * views the file declares (`managedViews`) is not the database's state.
 */
function compared(model: Model): Model {
  const { managedViews: _m, managedPolicies: _p, ...rest } = model;
  return mapModel(rest, {
    column: ({ ownedSequences: _s, ...c }) => c,
    // A partition's copies of its parent's members are the parent's.
    table: ({ inherited: _i, ...t }) => t,
    // A materialized view counts by its indexes too (not by `withData`: a REFRESH changes it).
    view: (v) => ({ kind: v.kind, schema: v.schema, name: v.name, comment: v.comment, ...(v.materialized ? { materialized: true, indexes: v.materialized.indexes } : {}) }) as unknown as typeof v,
  });
}

/** `sha256:<hex>` of the canonical JSON of the comparable Model: Models a plan finds equal have equal fingerprints. */
export function fingerprint(model: Model): string {
  return 'sha256:' + sha256(canonicalJson(comparable(compared(model))));
}
