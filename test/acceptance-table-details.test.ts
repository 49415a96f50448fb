import { describe, it } from 'vitest';
import { tableDetailCases } from './cases/table-details.js';
import { runPlanCase } from './support/cases.js';

describe('table details: generated columns, collations', () => {
  for (const c of tableDetailCases) it(c.name, () => runPlanCase(c));
});
