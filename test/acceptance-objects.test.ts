import { describe, it } from 'vitest';
import { objectCases } from './cases/objects.js';
import { runPlanCase } from './support/cases.js';

describe('enums, renames, schemas and identifiers', () => {
  for (const c of objectCases) it(c.name, () => runPlanCase(c));
});
