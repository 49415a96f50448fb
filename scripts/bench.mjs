#!/usr/bin/env node
// `npm run bench`: how long `schema` takes next to pg_dump on generated schemas of 100, 1,000 and
// 10,000 tables, and on the embedded database. Plain ESM against dist/ (run `npm run build` first).
// A benchmark, not a test: it prints a table of wall time, CPU time (user + sys of the child, the
// figure to trust on a loaded machine), peak RSS and the ratio to `pg_dump --schema-only`.
//
//   npm run bench                  100, 1,000 and 10,000 tables
//   npm run bench -- --quick       100 and 1,000 only
//   npm run bench -- --sizes 500   any sizes
//   npm run bench -- --runs 3      median of 3 runs per measurement (default 1; 3 for the fast ones)
//   npm run bench -- --save f.json / --baseline f.json   keep the figures / compare ratios with kept ones
//
// While it applies a size from empty, a second session (scripts/bench-bystander.mjs) keeps taking
// locks; the notes under the table say whether it saw any error.
//
// Each size gets its own database on the server (BENCH_URL, default postgres://postgres@127.0.0.1:5432),
// made by `schema apply` of the generated file from empty, then left in place for the next run.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate } from './bench-generate.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'bin', 'run.js');
const server = process.env.BENCH_URL ?? 'postgres://postgres@127.0.0.1:5432';
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : fallback;
};
const quick = args.includes('--quick');
const sizes = option('--sizes', quick ? '100,1000' : '100,1000,10000')
  .split(',')
  .map((s) => Number.parseInt(s, 10));
const runs = Number.parseInt(option('--runs', '1'), 10);
const savePath = option('--save', null);
const baselinePath = option('--baseline', null);
const work = join(tmpdir(), 'schema-bench');
const hasTime = existsSync('/usr/bin/time');

if (!existsSync(join(root, 'dist', 'commands', 'index.js'))) {
  console.error('dist/ is missing: run `npm run build` first');
  process.exit(1);
}

// ---- running and measuring ----

/** Seconds of a `/usr/bin/time -v` field ("Elapsed (wall clock) time (h:mm:ss or m:ss): 0:01.23"). */
function clock(text) {
  const parts = text.trim().split(':').map(Number);
  return parts.reduce((acc, p) => acc * 60 + p, 0);
}

/** Run a command once: wall, CPU (user + sys), peak RSS, exit status and output. */
function measure(command, commandArgs, { cwd = work, env = {}, timeoutMs = 30 * 60_000, input } = {}) {
  const started = process.hrtime.bigint();
  const wrapped = hasTime ? ['/usr/bin/time', ['-v', command, ...commandArgs]] : [command, commandArgs];
  const r = spawnSync(wrapped[0], wrapped[1], { cwd, env: { ...process.env, ...env }, input, timeout: timeoutMs, maxBuffer: 1 << 30, encoding: 'utf8' });
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  const stderr = r.stderr ?? '';
  const field = (name) => {
    const m = new RegExp(`\\t${name}: (.*)`).exec(stderr);
    return m ? m[1] : null;
  };
  const user = Number(field('User time \\(seconds\\)') ?? NaN);
  const sys = Number(field('System time \\(seconds\\)') ?? NaN);
  const rssKb = Number(field('Maximum resident set size \\(kbytes\\)') ?? NaN);
  const elapsed = field('Elapsed \\(wall clock\\) time \\(h:mm:ss or m:ss\\)');
  const exit = hasTime ? Number(field('Exit status') ?? r.status) : r.status;
  return {
    wall: elapsed ? clock(elapsed) : wall,
    cpu: user + sys,
    rss: rssKb / 1024,
    exit: r.error ? -1 : exit,
    stdout: r.stdout ?? '',
    stderr: hasTime ? stderr.replace(/\tCommand being timed:[\s\S]*$/, '') : stderr,
    timedOut: r.error?.code === 'ETIMEDOUT',
  };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Median of `n` runs of each figure; stops at the first failure and says so. */
function repeat(n, label, command, commandArgs, options = {}, okExits = [0]) {
  const got = [];
  for (let i = 0; i < n; i++) {
    const m = measure(command, commandArgs, options);
    if (!okExits.includes(m.exit)) {
      console.error(`  ${label}: exit ${m.exit}${m.timedOut ? ' (timed out)' : ''}\n${(m.stderr || m.stdout).split('\n').slice(-15).join('\n')}`);
      return { failed: true, label };
    }
    got.push(m);
  }
  return { label, wall: median(got.map((m) => m.wall)), cpu: median(got.map((m) => m.cpu)), rss: median(got.map((m) => m.rss)) };
}

const schemaCli = (sub, options) => ['node', [cli, ...sub], options];
const db = (n) => `bench_schema_${n}`;
const url = (name) => `${server.replace(/\/$/, '')}/${name}`;

function psql(sql) {
  const r = spawnSync('psql', [url('postgres'), '-v', 'ON_ERROR_STOP=1', '-qAtc', sql], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`psql: ${r.stderr}`);
  return r.stdout.trim();
}

/** The database of `n` tables, made once by `schema apply` (kept between runs when it has them all). */
function prepare(n, dir) {
  const name = db(n);
  const exists = psql(`SELECT count(*) FROM pg_database WHERE datname = '${name}'`) === '1';
  if (exists) {
    const r = spawnSync('psql', [url(name), '-qAtc', "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE 't\\_%'"], { encoding: 'utf8' });
    if (r.stdout.trim() === String(n)) return { made: false };
    psql(`DROP DATABASE ${name}`);
  }
  psql(`CREATE DATABASE ${name}`);
  rmSync(join(dir, 'plans'), { recursive: true, force: true });
  mkdirSync(join(dir, 'plans'), { recursive: true });
  const [cmd, a, o] = schemaCli(['apply', '--url', url(name), '--schema', 'schema.yaml', '--plans-dir', 'plans', '--auto-approve', '--no-data-checks', '-m', 'bench'], { cwd: dir });
  // Meanwhile a second session keeps taking locks: it must see no error.
  const seenFile = join(dir, 'bystander.json');
  rmSync(seenFile, { force: true });
  const bystander = spawn('node', [join(root, 'scripts', 'bench-bystander.mjs'), url(name), seenFile], { stdio: 'inherit' });
  const applied = repeat(1, `apply ${n} from empty`, cmd, a, o);
  bystander.kill('SIGTERM');
  spawnSync('sleep', ['1']);
  const seen = existsSync(seenFile) ? JSON.parse(readFileSync(seenFile, 'utf8')) : null;
  const locks = psql("SELECT current_setting('max_locks_per_transaction') || ' x (' || current_setting('max_connections') || ' + ' || current_setting('max_prepared_transactions') || ')'");
  notes.push(
    seen
      ? `[${n}] a second session during apply from empty (max_locks_per_transaction x connections: ${locks}): ${seen.transactions} transactions, ${seen.errors.length === 0 ? 'no error' : `${seen.errors.length} errors: ${seen.errors.join('; ')}`}; the other sessions of this database held at most ${seen.maxLocksOfApply} locks when it looked`
      : `[${n}] the second session during apply wrote nothing`,
  );
  return { made: true, applied };
}

/** migra, installed into a temporary folder (never a dependency of this project), or why not. */
function findMigra() {
  const dir = join(tmpdir(), 'schema-bench-migra');
  const bin = join(dir, 'node_modules', '.bin', 'migra');
  if (existsSync(bin)) return { bin };
  const version = spawnSync('npm', ['view', '@pgkit/migra', 'version'], { encoding: 'utf8', timeout: 60_000 });
  if (version.status !== 0) return { why: `npm view @pgkit/migra failed: ${(version.stderr || '').trim().split('\n')[0]}` };
  mkdirSync(dir, { recursive: true });
  const install = spawnSync('npm', ['install', '--prefix', dir, '--no-audit', '--no-fund', `@pgkit/migra@${version.stdout.trim()}`], { encoding: 'utf8', timeout: 300_000 });
  if (install.status !== 0 || !existsSync(bin)) return { why: `npm install of @pgkit/migra failed: ${(install.stderr || '').trim().split('\n').slice(-1)[0]}` };
  return { bin };
}

// ---- the run ----

mkdirSync(work, { recursive: true });
const rows = [];
const notes = [];
const fmt = (x, digits = 2) => (Number.isFinite(x) ? x.toFixed(digits) : '-');
const add = (size, r, floor) => {
  if (r.failed) {
    rows.push({ size, label: r.label, failed: true });
    return;
  }
  rows.push({ size, label: r.label, wall: r.wall, cpu: r.cpu, rss: r.rss, wallRatio: floor ? r.wall / floor.wall : NaN, cpuRatio: floor ? r.cpu / floor.cpu : NaN });
};

const migra = args.includes('--no-migra') ? { why: 'skipped (--no-migra)' } : findMigra();
if (migra.why) notes.push(`migra not run: ${migra.why}`);
console.error(`bench: sizes ${sizes.join(', ')}, ${runs} run(s) each; CPU = user + sys of the child${hasTime ? ' (/usr/bin/time -v)' : ' (unavailable: no /usr/bin/time)'}`);

for (const n of sizes) {
  const dir = join(work, String(n));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'schema.yaml'), generate(n));
  writeFileSync(join(dir, 'changed.yaml'), generate(n, true));
  console.error(`[${n}] preparing ${db(n)} ...`);
  const prepared = prepare(n, dir);
  const dump = repeat(runs, 'pg_dump --schema-only', 'pg_dump', ['--schema-only', '-f', '/dev/null', url(db(n))]);
  add(n, dump, dump.failed ? null : dump);
  const floor = dump.failed ? null : dump;
  if (prepared.made) add(n, prepared.applied, floor);
  console.error(`[${n}] plan, no change ...`);
  add(n, repeat(runs, 'plan, no change', ...schemaCli(['plan', '--url', url(db(n)), '--schema', 'schema.yaml', '--plans-dir', 'plans'], { cwd: dir })), floor);
  console.error(`[${n}] plan, 5% changed ...`);
  add(n, repeat(runs, 'plan, 5% of tables changed', ...schemaCli(['plan', '--url', url(db(n)), '--schema', 'changed.yaml', '--plans-dir', 'plans', '--no-data-checks'], { cwd: dir })), floor);
  console.error(`[${n}] validate ...`);
  add(n, repeat(runs, 'validate', ...schemaCli(['validate', '--schema', 'schema.yaml'], { cwd: dir })), floor);
  if (migra.bin) {
    console.error(`[${n}] migra ...`);
    add(n, repeat(runs, 'migra (same database both sides)', migra.bin, [url(db(n)), url(db(n))]), floor);
  }
}

// The embedded database (PGlite in .schema/): the example schema.yaml, planned once to make it, then warm.
{
  const dir = join(work, 'embedded');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'plans'), { recursive: true });
  copyFileSync(join(root, 'schema.yaml'), join(dir, 'schema.yaml'));
  const env = { DATABASE_URL: '' };
  const quickRuns = Math.max(runs, 3);
  // plan reads only: on a folder without .schema/ it plans against an in-memory database. apply makes .schema/.
  console.error('[embedded] plan (no .schema/ yet: in memory) ...');
  add('embedded', repeat(1, 'plan, example, no .schema/ yet (in memory)', ...schemaCli(['plan'], { cwd: dir, env })), null);
  console.error('[embedded] apply (makes .schema/) ...');
  add('embedded', repeat(1, 'apply, example, from empty (makes .schema/)', ...schemaCli(['apply', '--auto-approve', '-m', 'bench'], { cwd: dir, env })), null);
  add('embedded', repeat(quickRuns, 'plan, example, warm', ...schemaCli(['plan'], { cwd: dir, env })), null);
  add('embedded', repeat(quickRuns, 'validate, example', ...schemaCli(['validate'], { cwd: dir, env })), null);
  add('embedded', repeat(quickRuns, 'history', ...schemaCli(['history'], { cwd: dir, env })), null);
  add('embedded', repeat(quickRuns, 'current', ...schemaCli(['current'], { cwd: dir, env })), null);
  add('embedded', repeat(quickRuns, '--version', ...schemaCli(['--version'], { cwd: dir, env })), null);
  add('embedded', repeat(quickRuns, '--help', ...schemaCli(['--help'], { cwd: dir, env })), null);
}

// ---- the table ----

const header = '| tables | what | wall s | CPU s | peak RSS MB | wall / pg_dump | CPU / pg_dump |';
const lines = [header, '| ---: | --- | ---: | ---: | ---: | ---: | ---: |'];
for (const r of rows) {
  if (r.failed) lines.push(`| ${r.size} | ${r.label} | failed | | | | |`);
  else lines.push(`| ${r.size} | ${r.label} | ${fmt(r.wall)} | ${fmt(r.cpu)} | ${fmt(r.rss, 0)} | ${fmt(r.wallRatio, 1)} | ${fmt(r.cpuRatio, 1)} |`);
}
console.log(lines.join('\n'));
for (const note of notes) console.log(`\n${note}`);

if (savePath) writeFileSync(savePath, JSON.stringify({ date: new Date().toISOString(), rows }, null, 2) + '\n');
if (baselinePath && existsSync(baselinePath)) {
  const before = JSON.parse(readFileSync(baselinePath, 'utf8')).rows;
  const worse = [];
  for (const r of rows) {
    const b = before.find((x) => x.size === r.size && x.label === r.label);
    if (!b || r.failed || b.failed || !Number.isFinite(r.cpuRatio) || !Number.isFinite(b.cpuRatio)) continue;
    if (r.cpuRatio > b.cpuRatio * 1.25) worse.push(`${r.size} ${r.label}: CPU ratio ${fmt(b.cpuRatio, 1)} -> ${fmt(r.cpuRatio, 1)}`);
  }
  if (worse.length > 0) console.log(`\n!!! REGRESSION of more than 25% against ${baselinePath}:\n!!! ${worse.join('\n!!! ')}`);
  else console.log(`\nno ratio more than 25% worse than ${baselinePath}`);
}
