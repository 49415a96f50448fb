import { describe, it } from 'vitest';
import { columnCases } from './cases/columns.js';
import { runPlanCase } from './support/cases.js';

describe('tables and columns', () => {
  for (const c of columnCases) it(c.name, () => runPlanCase(c));
});
