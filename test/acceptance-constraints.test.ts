import { describe, it } from 'vitest';
import { constraintCases } from './cases/constraints.js';
import { runPlanCase } from './support/cases.js';

describe('keys, checks, indexes and foreign keys', () => {
  for (const c of constraintCases) it(c.name, () => runPlanCase(c));
});
