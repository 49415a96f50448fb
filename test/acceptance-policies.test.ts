// Row-level security and policies: the cases of test/cases/policies.ts (their loader errors are
// in test/cases/errors.ts, hostile expressions in test/cases/hostile.ts).
import { describe, it } from 'vitest';
import { policyCases } from './cases/policies.js';
import { runPlanCase } from './support/cases.js';

describe('policies', () => {
  for (const c of policyCases) it(c.name, () => runPlanCase(c));
});
