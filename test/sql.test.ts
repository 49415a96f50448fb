// `schema sql` (defect 13): the user's own SQL on the target, rows printed as a table: the
// embedded database in .schema/ can be opened by hand, and a server the same way. Through the
// real CLI: an argument, a script on stdin, and a prompt on a terminal.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { scratch, type Scratch } from './support/scratch.js';
import { BIN, REAL_BIN } from './support/cli.js';

const hasScript = spawnSync('script', ['--version']).status === 0;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'schema-sql-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The environment without any server named: the target is the embedded database in `dir`/.schema. */
function embeddedEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of Object.keys(env)) if (name === 'DATABASE_URL' || name.startsWith('PG')) delete env[name];
  return env;
}

const sql = (args: string[], input?: string, env: NodeJS.ProcessEnv = embeddedEnv()) =>
  spawnSync('node', [BIN, 'sql', ...args, '--no-color'], { cwd: dir, encoding: 'utf8', env, ...(input !== undefined ? { input } : {}) });

describe('schema sql on the embedded database', () => {
  it('runs the statements of its argument, prints rows as a table with the values as PostgreSQL writes them, and keeps what it wrote', () => {
    const made = sql([
      `create table notes (id int primary key, body text, done boolean, at timestamptz, price numeric(6,2)); insert into notes values (1, 'first', true, '2024-01-02 03:04:05+00', 1.5), (2, null, false, null, null)`,
    ]);
    expect(made.status, made.stderr).toBe(0);
    expect(made.stdout).toBe('CREATE\nINSERT 2\n');
    expect(made.stderr).toContain('Using the embedded PostgreSQL (PGlite) in .schema/');

    // A second run: the rows are there, and unqualified names resolve as in psql.
    const read = sql(['select id, body, done, at, price from notes order by id']);
    expect(read.status, read.stderr).toBe(0);
    expect(read.stdout).toBe(
      [
        ' id | body  | done | at                     | price',
        '----+-------+------+------------------------+-------',
        ' 1  | first | t    | 2024-01-02 03:04:05+00 | 1.50',
        ' 2  |       | f    |                        |',
        '(2 rows)',
        '',
      ].join('\n'),
    );
  });

  it('runs a script from stdin and stops at the first error, saying which; the statements before it stay done, none after it runs', () => {
    const r = sql([], 'create table t (id int);\ninsert into t values (1);\ninsert into nowhere values (2);\ninsert into t values (3);\n');
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('CREATE\nINSERT 1\n');
    expect(r.stderr).toContain('error: statement 3 of 4 failed: relation "nowhere" does not exist; the 2 statements before it stayed done\n');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(sql(['select count(*) as n from t']).stdout).toBe(' n\n---\n 1\n(1 row)\n');
  });

  it('refuses SQL with a quote never closed, and empty SQL, before running anything', () => {
    const unclosed = sql(["create table x (id int); select 'never closed"]);
    expect(unclosed.status).toBe(1);
    expect(unclosed.stderr).toContain('error: the SQL has a quoted string, quoted name or /* comment that is never closed; nothing was run\n');
    expect(sql(['select count(*) from pg_catalog.pg_tables where tablename = $$x$$']).stdout).toContain(' 0\n(1 row)');
    const empty = sql([' ; ']);
    expect(empty.status).toBe(1);
    expect(empty.stderr).toContain('error: no SQL to run\n');
  });

  it.skipIf(!hasScript)('on a terminal without an argument, prompts for statements, goes on after an error, and leaves on \\q', async () => {
    const command = ['node', REAL_BIN, 'sql'].map((a) => `'${a}'`).join(' ');
    const child = spawn('script', ['-qfec', command, '/dev/null'], { cwd: dir, env: { ...embeddedEnv(), NO_COLOR: '1' } });
    let output = '';
    const steps = ['select 40 +\n', '2 as answer;\n', 'select nope;\n', 'select 7 as after;\n', '\\q\n'];
    let prompts = 0;
    const code = await new Promise<number | null>((resolve) => {
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const seen = (output.match(/schema[=-]> /g) ?? []).length;
        while (prompts < seen && prompts < steps.length) child.stdin.write(steps[prompts++]!);
      });
      child.on('close', resolve);
    });
    expect(code).toBe(0);
    expect(output).toContain('schema-> ');
    expect(output).toMatch(/ answer\r?\n--------\r?\n 42\r?\n\(1 row\)/);
    expect(output).toContain('error: column "nope" does not exist');
    expect(output).toMatch(/ after\r?\n-------\r?\n 7\r?\n\(1 row\)/);
  });
});

describe('schema sql on a server', () => {
  let s: Scratch;
  beforeEach(async () => {
    s = await scratch('sqlcmd');
  });
  afterEach(async () => {
    await s.drop();
  });

  it('runs on --url: writes there, and prints the server text of every value', async () => {
    const r = sql(['--url', s.url, `create table public.t (id bigint, j jsonb, b bytea); insert into t values (1, '{"a": [1, 2]}', '\\x00ff'); select * from t`]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe(['CREATE', 'INSERT 1', ' id | j             | b', '----+---------------+--------', ' 1  | {"a": [1, 2]} | \\x00ff', '(1 row)', ''].join('\n'));
    expect(await s.db.query('SELECT id::text AS id FROM public.t')).toEqual([{ id: '1' }]);
    const update = sql(['--url', s.url, 'update t set id = id + 1']);
    expect(update.stdout).toBe('UPDATE 1\n');
    expect(await s.db.query('SELECT id::text AS id FROM public.t')).toEqual([{ id: '2' }]);
  });
});
