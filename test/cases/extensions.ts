// Extensions (`extensions:`): installed (with a column of an extension's type), moved to another
// schema, updated, dropped, and left alone by a file without `extensions:`. Each case is planned,
// applied, planned again (empty), compared with a database built directly from the file, and
// downgraded (test/support/cases.ts).
import type { ErrorCase, PlanCase } from '../support/cases.js';

export const extensionCases: readonly PlanCase[] = [
  {
    name: 'install extensions, one in a schema of its own, and a column of an extension type',
    desired: `
extensions:
  pg_trgm: {}
  citext: { schema: public }
  hstore: { schema: ext, version: '1.7' }
tables:
  users:
    columns:
      id: { type: bigint, primary_key: true }
      email: citext
      attrs: ext.hstore
`,
    steps: ['create_schema ext', 'create_extension pg_trgm', 'create_extension citext', 'create_extension hstore', 'create_table public.users'],
    sqlContains: ['CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public VERSION', 'CREATE EXTENSION IF NOT EXISTS citext SCHEMA public VERSION', "CREATE EXTENSION IF NOT EXISTS hstore SCHEMA ext VERSION '1.7'"],
    after: [
      {
        sql: `SELECT e.extname AS name, n.nspname AS schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname <> 'plpgsql' ORDER BY 1`,
        rows: [
          { name: 'citext', schema: 'public' },
          { name: 'hstore', schema: 'ext' },
          { name: 'pg_trgm', schema: 'public' },
        ],
      },
      { sql: `INSERT INTO users VALUES (1, 'Ann@Example.com', 'a=>1') RETURNING (email = 'ann@example.com') AS same, (attrs OPERATOR(ext.->) 'a') AS a`, rows: [{ same: true, a: '1' }] },
      { sql: `SELECT extversion AS v FROM pg_extension WHERE extname = 'hstore'`, rows: [{ v: '1.7' }] },
    ],
  },
  {
    name: 'move an extension to another schema; one the file does not move stays where it is',
    before: `CREATE SCHEMA ext; CREATE EXTENSION pg_trgm; CREATE EXTENSION citext SCHEMA ext;`,
    desired: `
schemas: [tools]
extensions:
  pg_trgm: { schema: tools }
  citext: { schema: ext }
tables: {}
`,
    steps: ['create_schema tools', 'alter_extension pg_trgm'],
    sqlContains: ['ALTER EXTENSION pg_trgm SET SCHEMA tools'],
    after: [
      {
        sql: `SELECT e.extname AS name, n.nspname AS schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname <> 'plpgsql' ORDER BY 1`,
        rows: [
          { name: 'citext', schema: 'ext' },
          { name: 'pg_trgm', schema: 'tools' },
        ],
      },
    ],
  },
  {
    name: 'drop an extension the file no longer has, after the column of its type; the one it keeps stays',
    before: `CREATE EXTENSION citext; CREATE EXTENSION pg_trgm; CREATE TABLE t (id integer, name citext);`,
    desired: `
extensions:
  pg_trgm: {}
tables:
  t:
    columns:
      id: integer
`,
    steps: ['drop_column public.t.name', 'drop_extension citext'],
    hazards: { 'drop_column public.t.name': ['data_loss', 'irreversible'], 'drop_extension citext': ['data_loss'] },
    sqlContains: ['DROP EXTENSION citext RESTRICT'],
    after: [{ sql: `SELECT extname FROM pg_extension WHERE extname <> 'plpgsql' ORDER BY 1`, rows: [{ extname: 'pg_trgm' }] }],
  },
];

export const extensionErrorCases: readonly ErrorCase[] = [
  {
    name: 'bad extension entries, each at its line',
    desired: `extensions:
  "pg trgm": {}
  plpgsql: {}
  citext: { schema: pg_toast }
  hstore: { version: "1.8; DROP TABLE x" }
  pg_trgm: { owner: me }
  pg_stat_statements: { version: 1.10 }
tables: {}
`,
    errors: [
      { line: 2, col: 3, code: 'bad_name', message: 'extension "pg trgm" is not an extension\'s name' },
      { line: 3, col: 3, code: 'reserved_name', message: 'extension "plpgsql" is in every database and is left alone' },
      { line: 4, code: 'reserved_name', message: 'extension "citext": schema "pg_toast" is reserved' },
      { line: 5, code: 'schema_violation', message: 'extension "hstore": version "1.8; DROP TABLE x" is not a version' },
      { line: 6, code: 'unknown_key', message: 'owner' },
      { line: 7, code: 'schema_violation', message: 'extension "pg_stat_statements": version 1.1 is a number, not text: YAML reads 1.10 as 1.1' },
    ],
  },
  {
    name: 'an extension the server does not have is an error at its line, from plan',
    desired: `extensions:
  citext: {}
  pg_trgmm: {}
tables: {}
`,
    errors: [{ line: 3, col: 3, code: 'bad_reference', message: 'extension "pg_trgmm" is not available on this server. Did you mean "pg_trgm"?' }],
  },
  {
    name: 'with an extension to install, a type neither it nor the database has is still an error at its line',
    desired: `extensions:
  citext: {}
tables:
  t:
    columns:
      a: citext
      b: citxet
`,
    // Checked by the spelling, which installs citext first: PostgreSQL's words, without a did-you-mean.
    errors: [{ line: 7, col: 10, code: 'bad_expression', message: 'column "b": type "citxet" does not exist' }],
  },
];
