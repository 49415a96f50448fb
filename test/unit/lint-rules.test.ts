// The import rules of eslint.config.js (docs/architecture.md, "Imports between folders"): a new
// import that breaks one fails the lint, with a message that says which rule, and the named
// exceptions of today allow exactly the imports they list. Snippets are linted as if they were
// files of src/, without type information (only the import rules run), so no file is written.
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = new URL('../..', import.meta.url).pathname;

const IMPORT_RULES = new Set(['boundaries/layers', 'import-x/no-unresolved', 'no-restricted-globals', '@typescript-eslint/no-restricted-imports']);

interface LintCase {
  readonly name: string;
  /** Where the snippet pretends to live. */
  readonly file: string;
  readonly code: string;
  /** Every problem, as `rule: start of the message`; none for an import the rules allow. */
  readonly problems: readonly string[];
}

const cases: readonly LintCase[] = [
  { name: 'a folder imports model/', file: 'src/diff/new.ts', code: `import { quoteIdent } from '../model/identifiers.js';\nexport const q = quoteIdent;`, problems: [] },
  {
    name: 'a folder imports the layers below it',
    file: 'src/apply/new.ts',
    code: `import { introspect } from '../introspect/introspect.js';\nimport { renderSql } from '../render/sql.js';\nexport const f = [introspect, renderSql];`,
    problems: [],
  },
  {
    name: 'db/ imports nothing above it',
    file: 'src/db/new.ts',
    code: `import { load } from '../desired/load.js';\nexport const f = load;`,
    problems: ['boundaries/layers: Unexpected path "../desired/load.js" imported in restricted zone. src/db imports its own files and model '],
  },
  {
    name: 'an import going up the layers',
    file: 'src/introspect/new.ts',
    code: `import { buildPlan } from '../plan/plan.js';\nexport const f = buildPlan;`,
    problems: ['boundaries/layers: Unexpected path "../plan/plan.js" imported in restricted zone. src/introspect imports its own files and model, db '],
  },
  {
    name: 'apply/ does not import verify/ (the folder cycle of today is one named exception)',
    file: 'src/apply/new.ts',
    code: `import { verifyPlan } from '../verify/verify.js';\nexport const f = verifyPlan;`,
    problems: [
      'boundaries/layers: Unexpected path "../verify/verify.js" imported in restricted zone. src/apply imports its own files and model, db, introspect, desired, errors.ts, diff, plan, spelling, render, revisions, checks ',
    ],
  },
  {
    name: 'a type-only import counts',
    file: 'src/render/new.ts',
    code: `import type { Chain } from '../revisions/chain.js';\nexport type C = Chain;`,
    problems: ['boundaries/layers: Unexpected path "../revisions/chain.js" imported in restricted zone. src/render imports its own files and model, db, introspect, desired, errors.ts, diff, plan, spelling '],
  },
  {
    name: 'the pure core takes no database handle',
    file: 'src/plan/new.ts',
    code: `import type { Db } from '../db/db.js';\nexport type D = Db;`,
    problems: ['boundaries/layers: Unexpected path "../db/db.js" imported in restricted zone. diff/, plan/ and render/ are pure'],
  },
  {
    name: 'the pure core uses no driver and no file system',
    file: 'src/render/new.ts',
    code: `import pg from 'pg';\nimport { readFileSync } from 'node:fs';\nexport const f = [pg, readFileSync];`,
    problems: [
      "@typescript-eslint/no-restricted-imports: 'pg' import is restricted from being used. diff/, plan/ and render/ are pure: no database.",
      "@typescript-eslint/no-restricted-imports: 'node:fs' import is restricted from being used. diff/, plan/ and render/ are pure: no file system.",
    ],
  },
  { name: 'renderers take chalk as a type', file: 'src/render/new.ts', code: `import type { ChalkInstance } from 'chalk';\nexport type C = ChalkInstance;`, problems: [] },
  {
    name: 'renderers do not make their own chalk',
    file: 'src/render/new.ts',
    code: `import { Chalk } from 'chalk';\nexport const c = new Chalk();`,
    problems: ["@typescript-eslint/no-restricted-imports: 'chalk' import is restricted from being used. chalk is passed into renderers"],
  },
  {
    name: 'only commands/ and hooks/ use oclif and process',
    file: 'src/apply/new.ts',
    code: `import { Command } from '@oclif/core';\nexport const c = [Command, process.cwd()];`,
    problems: [
      "@typescript-eslint/no-restricted-imports: '@oclif/core' import is restricted from being used. Only commands/ and hooks/ use oclif.",
      "no-restricted-globals: Unexpected use of 'process'. Only commands/ and hooks/ touch the process",
    ],
  },
  { name: 'commands/ use oclif and process', file: 'src/commands/new.ts', code: `import { Command } from '@oclif/core';\nexport const c = [Command, process.cwd()];`, problems: [] },
  {
    name: "plan's drafts stay inside plan/",
    file: 'src/checks/new.ts',
    code: `import { byteSize } from '../plan/steps.js';\nexport const f = byteSize;`,
    problems: ['boundaries/layers: Unexpected path "../plan/steps.js" imported in restricted zone. plan/steps.ts (the drafts) is plan\'s inside'],
  },
  {
    name: 'the spelling transaction reads the desired side and the catalog',
    file: 'src/spelling/new.ts',
    code: `import { toModel } from '../desired/to-model.js';\nimport { tempCatalogSql } from '../introspect/catalog.js';\nexport const f = [toModel, tempCatalogSql];`,
    problems: [],
  },
  {
    name: 'an import that does not resolve fails (the layers could not check it)',
    file: 'src/plan/new.ts',
    code: `import { x } from '../db/nowhere.js';\nexport const f = x;`,
    problems: ["import-x/no-unresolved: Unable to resolve path to module '../db/nowhere.js'."],
  },
];

let eslint: ESLint;

beforeAll(() => {
  eslint = new ESLint({
    cwd: ROOT,
    // Snippets are not files of the TypeScript project: parse them without type information.
    overrideConfig: [{ files: ['**/*.ts'], languageOptions: { parserOptions: { project: null, projectService: false } } }],
    ruleFilter: ({ ruleId }) => IMPORT_RULES.has(ruleId),
  });
});

describe('the import rules of eslint.config.js', () => {
  it.each(cases)('$name', async ({ file, code, problems }) => {
    const [result] = await eslint.lintText(code, { filePath: `${ROOT}${file}` });
    const found = (result?.messages ?? []).map((m) => `${m.ruleId ?? 'fatal'}: ${m.message}`);
    expect(found).toHaveLength(problems.length);
    problems.forEach((problem, i) => expect(found[i]).toContain(problem));
  });
});
