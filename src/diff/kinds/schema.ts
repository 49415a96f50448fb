// Schemas: created when the desired state names one; dropped when it no longer does, except
// `public` and a schema holding objects this tool does not manage. Pure.
import type { Model } from '../../model/model.js';
import type { SchemaObject } from '../../model/objects.js';
import type { Change } from '../changes.js';

export const sameSchema = (a: SchemaObject, b: SchemaObject): boolean => a.name === b.name;

export function diffSchemas(base: Model, desired: Model, occupiedSchemas: readonly string[]): Change[] {
  const changes: Change[] = [];
  for (const s of desired.schemas) if (!base.schemas.includes(s)) changes.push({ kind: 'create_schema', schema: s });
  const occupied = new Set(occupiedSchemas);
  for (const s of base.schemas) {
    if (!desired.schemas.includes(s) && s !== 'public' && !occupied.has(s)) changes.push({ kind: 'drop_schema', schema: s });
  }
  return changes;
}
