// Hostile schema files: one case per attack a stranger's pull request could try on `plan`
// (and validate, check) run in CI against a real database, and per field of the file that
// carries text. The target always holds TARGET_SQL; every case must leave it exactly as it was,
// put no planted secret in any output, disturb no other session and finish in bounded time.

/** The target every case runs against: rows to read, a table to destroy, secrets to steal. */
export const TARGET_SQL = `
CREATE TABLE public.t (id integer PRIMARY KEY, a text, n integer);
INSERT INTO public.t SELECT g, 'row ' || g, g FROM generate_series(1, 40) g;
CREATE TABLE public.victim (x integer);
INSERT INTO public.victim VALUES (1), (2);
CREATE TABLE public.secrets (s text);
INSERT INTO public.secrets VALUES ('${'PLANTED'}-SECRET-7f3a');
CREATE SEQUENCE public.counter;
`;

/** Text no output may hold: the planted row, a server file's first line, a password hash. */
export const SECRETS = ['PLANTED-SECRET-7f3a', 'root:x:0:0', 'SCRAM-SHA-256$', 'md5'];

/** What a case knows at run time: the pid of a bystander session the attack may try to kill. */
export interface Context {
  readonly pid: number;
}

export interface HostileCase {
  readonly name: string;
  /** The rest of table `t` (after its columns id, a, n) and any more tables. */
  readonly yaml: (ctx: Context) => string;
  /** `plan`'s exit status: 0 (planned, the attack not measured), 1 (refused at a line). */
  readonly exit: 0 | 1;
  /** Text `plan` (text format) must print: the refusal, or why a figure was not measured. */
  readonly says?: string;
}

/** The file: table t with its columns and `extra` (indented under t), victim and secrets kept. */
export function fileWith(extra: string, columns = ''): string {
  return `tables:
  t:
    columns:
      id: { type: integer, primary_key: true }
      a: text
      n: integer
${columns}${extra}  victim:
    columns:
      x: integer
  secrets:
    columns:
      s: text
`;
}

const check = (expression: string): string => `    checks:\n      hostile: ${JSON.stringify(expression)}\n`;

/** The file with column n of t retyped to bigint, converted by `using`. */
const retyped = (using: string): string => fileWith('').replace('      n: integer\n', `      n: { type: bigint, using: ${JSON.stringify(using)} }\n`);

/** The file with a NOT NULL column d added to t (which has rows), filled by `backfill: { sql }`. */
const backfilled = (sql: string): string => fileWith('', `      d: { type: text, nullable: false, backfill: { sql: ${JSON.stringify(sql)} } }\n`);

export const HOSTILE_CASES: readonly HostileCase[] = [
  {
    name: 'an exclusion breaks out of its constraint to drop a table',
    yaml: () => fileWith(`    exclusions:\n      hostile: ${JSON.stringify('EXCLUDE USING gist (n WITH =)); DROP TABLE public.victim; --')}\n`),
    exit: 1,
    says: 'exclusion "hostile": syntax error',
  },
  {
    name: 'an exclusion kills another session from its index expression and predicate',
    yaml: ({ pid }) => fileWith(`    exclusions:\n      hostile: ${JSON.stringify(`EXCLUDE USING gist ((pg_terminate_backend(${pid})::int) WITH =) WHERE (pg_cancel_backend(${pid}))`)}\n`),
    exit: 1,
    says: 'IMMUTABLE',
  },
  {
    name: 'a check turns standard_conforming_strings off, the next one breaks out of its literal',
    yaml: () =>
      fileWith(`    checks:
      first: ${JSON.stringify("set_config('standard_conforming_strings', 'off', false) <> 'x'")}
      second: ${JSON.stringify("a <> 'q\\' || ' ; COMMIT; DROP TABLE public.victim; --'")}
`),
    exit: 0,
    says: 'not measured: calls volatile function set_config()',
  },
  {
    name: 'a check reads another table through query_to_xml',
    yaml: () => fileWith(check("query_to_xml('select * from public.secrets', true, true, '')::text::int > 0")),
    exit: 0,
    says: 'not measured: calls volatile function query_to_xml()',
  },
  {
    name: 'a check reads a server file',
    yaml: () => fileWith(check("pg_read_file('/etc/passwd')::int > 0")),
    exit: 0,
    says: 'not measured: calls volatile function pg_read_file()',
  },
  {
    name: 'a check reads password hashes',
    yaml: () => fileWith(check("(pg_catalog.current_setting('data_directory') || a)::int > 0")),
    exit: 0,
    says: 'which PostgreSQL does not mark IMMUTABLE',
  },
  {
    name: 'a check kills another session',
    yaml: ({ pid }) => fileWith(check(`pg_terminate_backend(${pid}) OR n > 0`)),
    exit: 0,
    says: 'not measured: calls volatile function pg_terminate_backend()',
  },
  {
    name: 'a check cancels another session',
    yaml: ({ pid }) => fileWith(check(`pg_cancel_backend(${pid}) OR n > 0`)),
    exit: 0,
    says: 'not measured: calls volatile function pg_cancel_backend()',
  },
  {
    name: 'a check leaves a large object behind (lo_import)',
    yaml: () => fileWith(check("lo_import('/etc/hostname') > 0")),
    exit: 0,
    says: 'not measured: calls volatile function lo_import()',
  },
  {
    name: 'a check leaves a large object behind (lo_from_bytea)',
    yaml: () => fileWith(check("lo_from_bytea(0, 'x'::bytea) > 0")),
    exit: 0,
    says: 'not measured: calls volatile function lo_from_bytea()',
  },
  {
    name: 'a check sleeps',
    yaml: () => fileWith(check('pg_sleep(600) IS NULL')),
    exit: 0,
    says: 'not measured: calls volatile function pg_sleep()',
  },
  {
    name: 'a check advances a sequence',
    yaml: () => fileWith(check("nextval('public.counter') > 0")),
    exit: 0,
    says: 'not measured: calls volatile function nextval()',
  },
  {
    name: 'a check takes an advisory lock it never gives back',
    yaml: () => fileWith(check('pg_advisory_lock(42) IS NOT NULL')),
    exit: 0,
    says: 'not measured: calls volatile function pg_advisory_lock()',
  },
  {
    name: 'a check sets a setting for the role',
    yaml: () => fileWith(check("set_config('search_path', 'evil', false) IS NOT NULL")),
    exit: 0,
    says: 'not measured: calls volatile function set_config()',
  },
  {
    name: 'a check ends the statement',
    yaml: () => fileWith(check('n > 0); DROP TABLE public.victim; --')),
    exit: 1,
    says: 'check "hostile": unbalanced ")"',
  },
  {
    name: 'a check with a second statement after a semicolon',
    yaml: () => fileWith(check('n > 0; DROP TABLE public.victim')),
    exit: 1,
    says: 'a ";" ends a statement; write a single expression',
  },
  {
    name: "a column's using: reads another table through query_to_xml",
    yaml: () => retyped("query_to_xml('select * from public.secrets', true, true, '')::text::bigint + n"),
    exit: 0,
    says: 'not measured: calls volatile function query_to_xml()',
  },
  {
    name: "a column's using: reads another table through a subquery",
    yaml: () => retyped('(SELECT pg_catalog.count(*) FROM public.secrets) + n'),
    exit: 0,
    says: 'not measured: cannot use subquery',
  },
  {
    name: "a column's using: sleeps",
    yaml: () => retyped('n + pg_sleep(600)::text::bigint'),
    exit: 0,
    says: 'not measured: calls volatile function pg_sleep()',
  },
  {
    name: "a column's using: ends the statement",
    yaml: () => retyped('n); DROP TABLE public.victim; --'),
    exit: 1,
    says: 'using of column "n": unbalanced ")"',
  },
  {
    name: "a column's backfill: reads another table through a subquery",
    yaml: () => backfilled("(SELECT pg_catalog.string_agg(s, ',') FROM public.secrets)"),
    exit: 1,
    says: 'backfill of column "d" has a subquery; a backfill may read only the row\'s own columns',
  },
  {
    name: "a column's backfill: reads another table through query_to_xml",
    yaml: () => backfilled("query_to_xml('select * from public.secrets', true, true, '')::text || a"),
    exit: 0,
    says: 'the value is not evaluated before apply (calls volatile function query_to_xml())',
  },
  {
    name: "a column's backfill: sleeps",
    yaml: () => backfilled('a || pg_sleep(600)::text'),
    exit: 0,
    says: 'the value is not evaluated before apply (calls volatile function pg_sleep())',
  },
  {
    name: "a column's backfill: ends the statement",
    yaml: () => backfilled("'x'); DROP TABLE public.victim; --"),
    exit: 1,
    says: 'backfill of column "d": unbalanced ")"',
  },
  {
    name: 'a check that reads no column is planned whole',
    yaml: () => fileWith(check('1 > 0')),
    exit: 0,
    says: 'CHECK ((1 > 0))',
  },
  {
    name: 'a unique index on an expression that would write',
    yaml: () => fileWith(`    indexes:\n      t_hostile: { unique: true, columns: [{ expression: "lower(a) || lo_import('/etc/hostname')::text" }] }\n`),
    exit: 1,
    says: 'IMMUTABLE',
  },
  {
    name: "an index's where that reads another table",
    yaml: () => fileWith(`    indexes:\n      t_hostile: { unique: true, columns: [a], where: "query_to_xml('select * from public.secrets', true, true, '') IS NOT NULL" }\n`),
    exit: 1,
    says: 'IMMUTABLE',
  },
  {
    name: 'a default expression that would write when evaluated',
    yaml: () => fileWith('', `      d: { type: text, nullable: false, default: { sql: "pg_read_file('/etc/passwd') || lo_import('/etc/hostname')::text" } }\n`),
    exit: 0,
  },
  {
    name: 'a default expression that ends the statement',
    yaml: () => fileWith('', `      d: { type: text, default: { sql: "'x'); DROP TABLE public.victim; --" } }\n`),
    exit: 1,
    says: 'default of column "d": unbalanced ")"',
  },
  {
    name: 'a literal default that breaks out of its quotes',
    yaml: () => fileWith('', `      d: { type: text, default: "x'); DROP TABLE public.victim; --" }\n`),
    exit: 0,
  },
  {
    name: 'a literal default with backslashes',
    yaml: () => fileWith('', `      d: { type: text, default: 'C:\\temp\\new' }\n`),
    exit: 0,
    says: "DEFAULT 'C:\\temp\\new'",
  },
  {
    name: 'a comment that breaks out of its quotes',
    yaml: () => fileWith(`    comment: "x'; DROP TABLE public.victim; --"\n`),
    exit: 0,
  },
  {
    name: 'an enum value that breaks out of its quotes',
    yaml: () => `enums:\n  mood: ["a'); DROP TABLE public.victim; --", "b"]\n${fileWith('', '      m: mood\n')}`,
    exit: 0,
  },
  {
    name: 'a table name that breaks out of its quotes',
    yaml: () => `${fileWith('')}  'x"; DROP TABLE public.victim; --':\n    columns:\n      id: integer\n`,
    exit: 1,
    says: 'is not a name or schema.name',
  },
  {
    name: 'a column name that breaks out of its quotes',
    yaml: () => fileWith('', `      'c"); DROP TABLE public.victim; --': integer\n`),
    exit: 0,
  },
  {
    name: 'a type that ends the statement',
    yaml: () => fileWith('', `      d: { type: "integer); DROP TABLE public.victim; --" }\n`),
    exit: 1,
    says: 'unbalanced ")"',
  },
  {
    name: 'a type that carries a default',
    yaml: () => fileWith('', `      d: { type: "integer DEFAULT pg_sleep(600)" }\n`),
    exit: 1,
  },
  {
    name: 'markdown in a check: links, images, mentions, HTML',
    yaml: () => fileWith(check("a <> '[click](https://evil.example/x) ![i](https://evil.example/i.png) @someone #12 </details><img src=x>'")),
    exit: 0,
  },
  {
    // Making a view runs nothing of its SELECT: planning (which spells it as a temporary view) neither sleeps, reads the file nor the secret.
    name: 'a view sleeps, reads a server file, the secrets and another session',
    yaml: ({ pid }) =>
      `${fileWith('')}views:
  spy:
    sql: ${JSON.stringify(`SELECT (pg_sleep(60) IS NULL) AS z, pg_read_file('/etc/passwd') AS f, (SELECT string_agg(s, ',') FROM secrets) AS leak, pg_terminate_backend(${pid}) AS k`)}
`,
    exit: 0,
  },
  {
    name: 'a view whose SELECT ends and another statement follows',
    yaml: () => `${fileWith('')}views:
  v:
    sql: "SELECT 1; DROP TABLE public.victim"
`,
    exit: 1,
    says: 'a ";" ends the SELECT here and another statement follows',
  },
  {
    name: 'a view whose WITH query deletes',
    yaml: () => `${fileWith('')}views:
  v:
    sql: "WITH d AS (DELETE FROM public.victim RETURNING x) SELECT x FROM d"
`,
    exit: 1,
    says: 'WITH query "d" changes data: a view only reads',
  },
  {
    // Making a function runs nothing of its body (check_function_bodies is off while it is spelled).
    name: 'a function whose body drops a table, sleeps, reads the secrets and another session',
    yaml: ({ pid }) =>
      `${fileWith('')}functions:
  evil:
    sql: ${JSON.stringify(`CREATE FUNCTION evil() RETURNS text LANGUAGE sql AS $$ DROP TABLE public.victim; SELECT pg_sleep(60)::text || pg_read_file('/etc/passwd') || (SELECT string_agg(s, ',') FROM public.secrets) || pg_terminate_backend(${pid})::text $$`)}
`,
    exit: 0,
  },
  {
    name: 'a function statement that ends and another statement follows',
    yaml: () => `${fileWith('')}functions:
  f:
    sql: "CREATE FUNCTION f() RETURNS integer LANGUAGE sql AS $$ SELECT 1 $$; DROP TABLE public.victim"
`,
    exit: 1,
    says: 'this is 2 statements: write exactly one CREATE FUNCTION, CREATE PROCEDURE or CREATE AGGREGATE',
  },
  {
    // A trigger is made on the real table to be spelled, in the rolled-back transaction: its WHEN and its function run for no row.
    name: 'a trigger on a table with rows, whose WHEN sleeps and whose function deletes',
    yaml: ({ pid }) =>
      `${fileWith('')}functions:
  wipe:
    sql: ${JSON.stringify('CREATE FUNCTION wipe() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN DELETE FROM public.victim; RETURN NEW; END $$')}
triggers:
  t_wipe:
    sql: ${JSON.stringify(`CREATE TRIGGER t_wipe BEFORE INSERT OR UPDATE ON t FOR EACH ROW WHEN (pg_sleep(60) IS NULL AND pg_terminate_backend(${pid})) EXECUTE FUNCTION public.wipe()`)}
`,
    exit: 0,
  },
  {
    // Its function exists, so the trigger is spelled on table t itself, in the rolled-back transaction.
    name: 'a trigger spelled on a table with rows, whose WHEN sleeps and kills another session',
    yaml: ({ pid }) =>
      `${fileWith('')}triggers:
  t_spy:
    sql: ${JSON.stringify(`CREATE TRIGGER t_spy BEFORE UPDATE ON t FOR EACH ROW WHEN (pg_sleep(60) IS NULL AND pg_terminate_backend(${pid})) EXECUTE FUNCTION suppress_redundant_updates_trigger()`)}
`,
    exit: 0,
  },
  {
    // A policy is made on a temporary stand-in of its table to be spelled: its expressions are evaluated for no row.
    name: 'a policy whose USING sleeps, reads the secrets, drops a table and kills another session',
    yaml: ({ pid }) =>
      fileWith(`    row_level_security: true
    policies:
      spy:
        using: ${JSON.stringify(`pg_sleep(60) IS NULL AND (SELECT string_agg(s, ',') FROM public.secrets) IS NOT NULL AND pg_terminate_backend(${pid}) AND query_to_xml('DROP TABLE public.victim', true, true, '') IS NOT NULL`)}
        with_check: ${JSON.stringify("pg_read_file('/etc/passwd') IS NOT NULL")}
`),
    exit: 0,
  },
  {
    name: 'a policy USING that ends and a DROP follows after a semicolon',
    yaml: () =>
      fileWith(`    policies:
      smuggle:
        using: "true); DROP TABLE public.victim; --"
`),
    exit: 1,
    says: 'policy "smuggle" on table "t": using:',
  },
  {
    name: 'a policy WITH CHECK that closes its parenthesis to add a clause of its own',
    yaml: () =>
      fileWith(`    policies:
      widen:
        command: update
        using: "true"
        with_check: "true) WITH CHECK (true"
`),
    exit: 1,
    says: 'policy "widen" on table "t": with_check:',
  },
  {
    // The domain is made in the rolled-back transaction to be spelled: its default and check run for no row, and no data check reads values through it.
    name: 'a domain whose default and check sleep and kill another session, given to a column with rows and to a new one',
    yaml: ({ pid }) =>
      `domains:
  guarded:
    type: integer
    default: { sql: ${JSON.stringify(`(pg_sleep(60) IS NULL AND pg_terminate_backend(${pid}))::integer`)} }
    checks:
      spy: ${JSON.stringify(`pg_sleep(60) IS NULL AND pg_terminate_backend(${pid}) AND VALUE > 0`)}
${fileWith('', '      d: guarded\n').replace('      n: integer', '      n: guarded')}`,
    exit: 0,
  },
  {
    name: 'an expression of 100 KB, nested 12,500 deep',
    yaml: () => fileWith(check(`n > ${Array.from({ length: 12_500 }, (_x, i) => `(${i} + `).join('')}0${')'.repeat(12_500)}`)),
    exit: 1,
    says: "nested too deeply for PostgreSQL's parser",
  },
  {
    name: 'an expression of 100 KB, flat',
    yaml: () => fileWith(check(`n > 0${Array.from({ length: 9_000 }, (_x, i) => ` OR n = ${i}`).join('')}`)),
    exit: 0,
  },
  {
    name: 'a partition key breaks out of its clause to drop a table',
    yaml: () => fileWith(`  parted:\n    partition_by: ${JSON.stringify('RANGE (id)); DROP TABLE public.victim; --')}\n    columns:\n      id: integer\n`),
    exit: 1,
    says: 'this is not one partition key',
  },
  {
    name: 'a partition key calls a function that kills another session',
    yaml: ({ pid }) => fileWith(`  parted:\n    partition_by: ${JSON.stringify(`RANGE ((pg_terminate_backend(${pid})::int))`)}\n    columns:\n      id: integer\n`),
    exit: 1,
    says: 'IMMUTABLE',
  },
  {
    name: 'a partition bound reads a server file (PostgreSQL would evaluate it when the partition is made)',
    yaml: () => fileWith(`  parted:\n    partition_by: "LIST (a)"\n    columns:\n      a: text\n  parted_1:\n    partition_of: parted\n    for_values: ${JSON.stringify("IN (pg_read_file('/etc/passwd'))")}\n`),
    exit: 1,
    says: 'a bound may hold only literal values',
  },
  {
    name: 'a partition bound kills another session',
    yaml: ({ pid }) =>
      fileWith(`  parted:\n    partition_by: "RANGE (a)"\n    columns:\n      a: integer\n  parted_1:\n    partition_of: parted\n    for_values: ${JSON.stringify(`FROM (1) TO ((pg_terminate_backend(${pid}))::int)`)}\n`),
    exit: 1,
    says: 'a bound may hold only literal values',
  },
];
