// Partitioned tables and partitions: the cases of test/cases/partitions.ts (their bad input is in
// test/cases/errors.ts, with every other loader error).
import { describe, it } from 'vitest';
import { partitionCases } from './cases/partitions.js';
import { runPlanCase } from './support/cases.js';

describe('partitioned tables and partitions', () => {
  for (const c of partitionCases) it(c.name, () => runPlanCase(c));
});
