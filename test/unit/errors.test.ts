// The offline cases of the one table of loader errors (test/cases/errors.ts): the loader finds
// them with no server, so they run here, in `npm run test:unit` too. Each diagnostic at the line
// and column where the user wrote the offending text, in order, with its code and words.
import { describe, it } from 'vitest';
import { errorCases } from '../cases/errors.js';
import { runOfflineErrorCase } from '../support/cases.js';

describe('bad input found offline: one clear diagnostic per problem, at its line and column', () => {
  for (const c of errorCases.filter((c) => c.offline)) it(c.name, () => runOfflineErrorCase(c));
});
