import { describe, it } from 'vitest';
import { exclusionCases } from './cases/exclusions.js';
import { runPlanCase } from './support/cases.js';

describe('exclusion constraints', () => {
  for (const c of exclusionCases) it(c.name, () => runPlanCase(c));
});
