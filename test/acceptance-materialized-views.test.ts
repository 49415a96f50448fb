// Materialized views: the cases of test/cases/materialized-views.ts (their loader errors are in test/cases/errors.ts).
import { describe, it } from 'vitest';
import { materializedViewCases } from './cases/materialized-views.js';
import { runPlanCase } from './support/cases.js';

describe('materialized views', () => {
  for (const c of materializedViewCases) it(c.name, () => runPlanCase(c));
});
