// Domains (`domains:`): made before the tables and functions that use them, changed in place
// (default, NOT NULL, checks, comment), remade for a new base type when no column uses them,
// dropped after the columns that use them, and kept by a file without `domains:`. Each case is
// planned, applied, planned again (empty), compared with a database built directly from the
// file, and downgraded (test/support/cases.ts).
import type { PlanCase } from '../support/cases.js';

const FILMS = `
tables:
  films:
    columns:
      id: { type: bigint, primary_key: true }
      release_year: year
`;

const YEAR = `
domains:
  year:
    type: integer
    checks:
      year_check: VALUE >= 1901 AND VALUE <= 2155
`;

const BEFORE = `CREATE DOMAIN year AS integer CONSTRAINT year_check CHECK (VALUE >= 1901 AND VALUE <= 2155);
CREATE TABLE films (id bigint PRIMARY KEY, release_year year);
INSERT INTO films VALUES (1, 1999), (2, NULL);`;

export const domainCases: readonly PlanCase[] = [
  {
    name: 'make a domain and a table with a column of it: the domain first',
    desired: `${FILMS}${YEAR}`,
    steps: ['create_domain public.year', 'create_table public.films'],
    after: [{ sql: `SELECT format_type(atttypid, atttypmod) AS type FROM pg_attribute WHERE attrelid = 'public.films'::regclass AND attname = 'release_year'`, rows: [{ type: 'year' }] }],
  },
  {
    name: 'a domain written by hand and listed as written plans nothing (no perpetual diff)',
    before: BEFORE,
    desired: `${FILMS}
domains:
  year:
    type: int4
    checks:
      year_check: value >= 1901 and value <= 2155
`,
    steps: [],
  },
  {
    name: 'a default, NOT NULL and a comment set on a domain in use: rows with NULL are counted',
    before: `${BEFORE} DELETE FROM films WHERE release_year IS NULL;`,
    desired: `${FILMS}
domains:
  year:
    type: integer
    nullable: false
    default: 2000
    comment: a year a film came out
    checks:
      year_check: VALUE >= 1901 AND VALUE <= 2155
`,
    steps: ['alter_domain public.year'],
    hazards: { 'alter_domain public.year': ['may_fail'] },
    sqlContains: ['ALTER DOMAIN public.year SET DEFAULT 2000', 'ALTER DOMAIN public.year SET NOT NULL', "COMMENT ON DOMAIN public.year IS 'a year a film came out'"],
  },
  {
    name: 'a check added to a domain in use: NOT VALID, then validated; a changed check is dropped and added',
    before: BEFORE,
    desired: `${FILMS}
domains:
  year:
    type: integer
    checks:
      year_check: VALUE >= 1888 AND VALUE <= 2155
      year_even: VALUE % 1 = 0
`,
    steps: ['alter_domain public.year'],
    hazards: { 'alter_domain public.year': ['may_fail'] },
    sqlContains: ['ALTER DOMAIN public.year DROP CONSTRAINT year_check', 'ALTER DOMAIN public.year ADD CONSTRAINT year_even CHECK (((VALUE % 1) = 0)) NOT VALID', 'ALTER DOMAIN public.year VALIDATE CONSTRAINT year_even'],
  },
  {
    name: 'a check, the default and NOT NULL dropped from a domain',
    before: `CREATE DOMAIN code AS text NOT NULL DEFAULT 'x' CONSTRAINT code_short CHECK (length(VALUE) < 10);`,
    desired: `
tables: {}
domains:
  code: text
`,
    steps: ['alter_domain public.code'],
  },
  {
    name: 'a new base type of a domain no column uses: dropped and made again',
    before: `CREATE DOMAIN code AS text;`,
    desired: `
tables: {}
domains:
  code: { type: varchar(20), collation: C }
`,
    steps: ['drop_domain public.code', 'create_domain public.code'],
    hazards: {},
  },
  {
    name: 'a domain dropped with the column that uses it: the column first',
    before: BEFORE,
    desired: `
tables:
  films:
    columns:
      id: { type: bigint, primary_key: true }
domains: {}
`,
    steps: ['drop_column public.films.release_year', 'drop_domain public.year'],
    hazards: { 'drop_column public.films.release_year': ['data_loss', 'irreversible'] },
  },
  {
    name: 'a domain over an enum, and a function taking the domain: enum, domain, function, in that order',
    desired: `
enums:
  mood: [sad, happy]
domains:
  good_mood:
    type: mood
    default: happy
    checks:
      not_sad: VALUE <> 'sad'
functions:
  cheer:
    sql: "CREATE FUNCTION cheer(m public.good_mood) RETURNS text LANGUAGE sql AS $$ SELECT m::text $$"
tables:
  people:
    columns:
      id: { type: bigint, primary_key: true }
      mood: good_mood
`,
    steps: ['create_enum public.mood', 'create_domain public.good_mood', 'create_function public.cheer(m public.good_mood)', 'create_table public.people'],
  },
  {
    name: 'a file without domains: keeps the database domains as they are',
    before: `CREATE DOMAIN code AS text CONSTRAINT code_short CHECK (length(VALUE) < 10);`,
    desired: 'tables: {}\n',
    steps: [],
  },
];
