import { describe, expect, it } from 'vitest';
import { checkSchema, planAgainst } from '../src/api.js';
import { SpecError } from '../src/errors.js';
import { errorCases } from './cases/errors.js';
import { runBefore, runErrorCase } from './support/cases.js';
import { withScratch } from './support/scratch.js';

describe('bad input: one clear message at its line, nothing run', () => {
  for (const c of errorCases) it(c.name, () => runErrorCase(c));
});

describe('what the server alone can tell, with what to do about it', () => {
  const TRIGRAMS = `tables:
  docs:
    columns:
      id: integer
      body: text
      n: { type: smallint, default: 70000 }
    indexes:
      docs_body_trgm: { columns: [body], method: gin }
`;

  it('a gin index on text says how to index text; a default that does not fit says to change it', async () => {
    await withScratch('opclass-hint', async (s) => {
      const error = await planAgainst(s.db, checkSchema('schema.yaml', TRIGRAMS)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SpecError);
      expect((error as SpecError).diagnostics.map((d) => [d.line, d.message, d.hint])).toEqual([
        [6, 'default of column "n": the default 70000 does not fit type smallint: smallint out of range', 'change the default, or the type'],
        [
          8,
          'index "docs_body_trgm": data type text has no default operator class for access method "gin"',
          `gin has default operator classes for arrays, jsonb and tsvector: for text, index an expression such as { expression: "to_tsvector('simple', column)" }, or use btree; schema.yaml cannot name an operator class (such as pg_trgm's gin_trgm_ops) yet`,
        ],
      ]);
    });
  });

  it('an index built by hand with an operator class (gin_trgm_ops) and listed as it is stays as it is', async () => {
    await withScratch('opclass-by-hand', async (s) => {
      await runBefore(s.db, `CREATE EXTENSION pg_trgm; CREATE TABLE docs (id integer, body text, n smallint DEFAULT 7); CREATE INDEX docs_body_trgm ON docs USING gin (body gin_trgm_ops);`);
      const { plan } = await planAgainst(s.db, checkSchema('schema.yaml', TRIGRAMS.replace('70000', '7')));
      expect(plan.steps).toEqual([]);
    });
  });
});
