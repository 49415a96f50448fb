// Triggers: the cases of test/cases/triggers.ts (their loader errors are in test/cases/errors.ts).
import { describe, it } from 'vitest';
import { triggerCases } from './cases/triggers.js';
import { runPlanCase } from './support/cases.js';

describe('triggers', () => {
  for (const c of triggerCases) it(c.name, () => runPlanCase(c));
});
