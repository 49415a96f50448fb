import { describe, expect, it } from 'vitest';
import { checkSchema } from '../src/operations/schema-file.js';
import { planAgainst } from '../src/operations/plan.js';
import { errorCases, GIN_ON_TEXT } from './cases/errors.js';
import { runBefore, runErrorCase } from './support/cases.js';
import { withScratch } from './support/scratch.js';

describe('bad input: one clear message at its line, nothing run', () => {
  // The offline cases run without a server, in test/unit/errors.test.ts.
  for (const c of errorCases.filter((c) => !c.offline)) it(c.name, () => runErrorCase(c));
});

describe('what the server alone can tell, with what to do about it', () => {
  // The errors themselves are cases in test/cases/errors.ts; here, the file made right.
  const TRIGRAMS = GIN_ON_TEXT;

  it('an index built by hand with an operator class (gin_trgm_ops) and listed with it stays as it is', async () => {
    await withScratch('opclass-by-hand', async (s) => {
      await runBefore(s.db, `CREATE EXTENSION pg_trgm; CREATE TABLE docs (id integer, body text, n smallint DEFAULT 7); CREATE INDEX docs_body_trgm ON docs USING gin (body gin_trgm_ops);`);
      const listed = TRIGRAMS.replace('70000', '7').replace('columns: [body]', 'columns: [{ column: body, opclass: gin_trgm_ops }]');
      const { plan } = await planAgainst(s.db, checkSchema('schema.yaml', listed));
      expect(plan.steps).toEqual([]);
    });
  });
});
