// ESLint for src/ and test/: typescript-eslint's type-checked rules, and the import rules of
// docs/architecture.md ("Imports between folders"): the folders of src/ form layers, a file
// imports only its own folder and the layers below it, the pure core (diff/, plan/, render/)
// touches no database and no file system, and only commands/ and hooks/ touch oclif and
// `process`. There are no exceptions: an import that breaks a rule fails `npm run lint`.
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const ROOT = import.meta.dirname;

/**
 * The layers of src/, lowest first. A file may import files of its own folder and of the
 * layers below its own, never one above. Folder cycles are then impossible: every cycle
 * needs an import going up. Every folder of src/ (and every file at its root) has a layer.
 */
const LAYERS = [
  ['model'], // the Model types, quoting, fingerprints: imports nothing of ours
  ['db'], // connections, targets, scratch databases
  ['introspect'], // catalog queries and rows -> Model
  ['desired'], // schema.yaml -> Spec -> desired Model
  ['errors.ts'], // UserError, CancelledError, SpecError: every layer above may throw them
  ['diff'], // (Model, Model) -> Change[]
  ['plan'], // Change[] -> ordered steps, SQL text, hazards
  ['spelling'], // the spelling transaction: the desired Model as PostgreSQL spells it
  ['render'], // Plan -> text, JSON, markdown, SQL
  ['revisions'], // revision files, the chain, the ledger
  ['checks'], // figures behind hazards, read from the target
  ['apply'], // running plans and revisions
  ['verify'], // replays in scratch databases
  ['operations'], // the use cases (plan, apply, upgrade/downgrade, check, drift, merge, script), consent, the UI port
  ['index.ts'], // the root: the library's exports
  ['github'], // the sticky pull-request comment: GitHub's REST calls
  ['commands'], // oclif commands
  ['hooks'], // oclif hooks
];

/** The pure core: plain data in and out, no database handle, no file system. */
const PURE = ['diff', 'plan', 'render'];

const entries = readdirSync(resolve(ROOT, 'src'));
const layered = LAYERS.flat();
const unplaced = entries.filter((e) => !layered.includes(e));
if (unplaced.length > 0) throw new Error(`eslint.config.js: give src/${unplaced.join(', src/')} a layer in LAYERS`);

/** The zones of import-x/no-restricted-paths: what each entry of src/ may not import. */
function zones() {
  const path = (entry) => `./src/${entry}`;
  const layers = LAYERS.flatMap((layer, i) => {
    const below = LAYERS.slice(0, i).flat();
    const above = entries.filter((e) => !below.includes(e) && !layer.includes(e));
    const allowed = below.length > 0 ? below.join(', ') : 'nothing else';
    return layer.map((entry) => ({
      target: path(entry),
      from: above.map(path),
      message: `src/${entry} imports its own files and ${allowed} (the layers of eslint.config.js, see docs/architecture.md#imports-between-folders).`,
    }));
  });
  const pure = {
    target: PURE.map(path),
    from: ['db', 'introspect'].map(path),
    message: 'diff/, plan/ and render/ are pure: plain data in and out, no database (see docs/architecture.md).',
  };
  const drafts = {
    target: entries.filter((e) => e !== 'plan').map(path),
    from: './src/plan/steps.ts',
    message: "plan/steps.ts (the drafts) is plan's inside: use the Plan of plan/types.ts.",
  };
  return [...layers.filter((zone) => zone.from.length > 0), pure, drafts];
}

const boundaries = { rules: { layers: importX.rules['no-restricted-paths'] } };

const NOT_OUTSIDE_COMMANDS = [
  { name: '@oclif/core', message: 'Only commands/ and hooks/ use oclif.' },
  { name: 'process', message: 'Only commands/ and hooks/ touch the process: take what you need as a parameter.' },
  { name: 'node:process', message: 'Only commands/ and hooks/ touch the process: take what you need as a parameter.' },
];
const NOT_IN_PURE_CORE = [
  ...['pg', '@electric-sql/pglite', 'proper-lockfile'].map((name) => ({ name, message: 'diff/, plan/ and render/ are pure: no database.' })),
  ...['fs', 'fs/promises', 'node:fs', 'node:fs/promises'].map((name) => ({ name, message: 'diff/, plan/ and render/ are pure: no file system.' })),
  { name: 'chalk', allowTypeImports: true, message: 'chalk is passed into renderers (so tests render without colour): import its types only.' },
];

export default defineConfig(
  { ignores: ['dist/', 'node_modules/', '.schema/', 'coverage/', 'tmp/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { project: ['./tsconfig.test.json'], tsconfigRootDir: ROOT } },
    plugins: { 'import-x': importX, boundaries },
    settings: {
      'import-x/extensions': ['.ts', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js', '.json', '.node'], extensionAlias: { '.js': ['.ts', '.js'] }, conditionNames: ['types', 'import', 'require', 'default'] })],
    },
    rules: {
      // The boundaries skip an import they cannot resolve, so every import must resolve.
      'import-x/no-unresolved': ['error', { ignore: ['^@electric-sql/pglite/contrib/'] }],
      // `_`-named bindings are deliberate: destructuring a member away, an unused parameter.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
      // Control characters are matched on purpose (quoting names, terminal escape codes).
      'no-control-regex': 'off',
      // Runs of spaces in a regular expression match aligned output as it is printed.
      'no-regex-spaces': 'off',
      // Async methods that do not await implement an async interface (oclif's parse and catch).
      '@typescript-eslint/require-await': 'off',
      // String(x) of an unknown value is how messages show what the user wrote.
      '@typescript-eslint/no-base-to-string': 'off',
      // TODO: 21 assertions the compiler no longer needs; `eslint --fix` removes them. Turn on
      // once the issue 10 restructuring has landed, to keep its branches free of conflicts.
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
    },
  },
  // JavaScript files (bin/run.js, scripts, this one) are Node scripts outside the TypeScript project.
  { files: ['**/*.{js,mjs,cjs}'], extends: [tseslint.configs.disableTypeChecked], languageOptions: { globals: globals.node } },
  {
    files: ['src/**/*.ts'],
    rules: {
      'boundaries/layers': ['error', { zones: zones() }],
      // Cycles between files of one folder (between folders, the layers already forbid them).
      // Type-only imports do not count: they are gone at run time.
      'import-x/no-cycle': 'error',
      'no-restricted-globals': ['error', { name: 'process', message: 'Only commands/ and hooks/ touch the process: take what you need as a parameter.' }],
      '@typescript-eslint/no-restricted-imports': ['error', { paths: NOT_OUTSIDE_COMMANDS }],
    },
  },
  {
    files: PURE.map((folder) => `src/${folder}/**/*.ts`),
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { paths: [...NOT_OUTSIDE_COMMANDS, ...NOT_IN_PURE_CORE] }] },
  },
  {
    files: ['src/commands/**/*.ts', 'src/hooks/**/*.ts'],
    rules: { 'no-restricted-globals': 'off', '@typescript-eslint/no-restricted-imports': 'off' },
  },
  {
    // TODO(issue 10): `connectionStrings` reads PGSSLMODE from process.env by default; the
    // command should pass the environment in, as it does to `resolveTarget`.
    files: ['src/db/target.ts'],
    rules: { 'no-restricted-globals': 'off' },
  },
  {
    // A sentinel symbol is thrown to leave a deep walk early; every error is an Error.
    files: ['src/apply/chain-state.ts'],
    rules: { '@typescript-eslint/only-throw-error': 'off' },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      // Tests read the CLI's JSON output (JSON.parse gives `any`) and pass methods to expect().
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
);
