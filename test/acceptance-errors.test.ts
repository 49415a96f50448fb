import { describe, it } from 'vitest';
import { errorCases } from './cases/errors.js';
import { runErrorCase } from './support/cases.js';

describe('bad input: one clear message at its line, nothing run', () => {
  for (const c of errorCases) it(c.name, () => runErrorCase(c));
});
