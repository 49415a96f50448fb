#!/usr/bin/env node
// The second session of `npm run bench`: while `schema apply` runs from empty, it keeps taking
// locks as another application would (a transaction that makes a table and an index, rolled
// back), and writes what it saw to a JSON file: how many transactions, and every error. An
// "out of shared memory" here is what a plan that fills the server's lock table does to others.
//
//   node scripts/bench-bystander.mjs URL OUT.json     (stops on SIGTERM, after writing OUT.json)
import { writeFileSync } from 'node:fs';
import pg from 'pg';

const [url, out] = process.argv.slice(2);
const seen = { transactions: 0, errors: [], maxLocksOfApply: 0 };
const save = () => writeFileSync(out, JSON.stringify(seen) + '\n');
let running = true;
process.on('SIGTERM', () => {
  running = false;
});

const client = new pg.Client({ connectionString: url });
await client.connect();
for (let i = 0; running; i++) {
  try {
    await client.query('BEGIN');
    await client.query(`CREATE TEMP TABLE bystander_${i} (a integer PRIMARY KEY, b text)`);
    await client.query(`CREATE INDEX ON bystander_${i} (b)`);
    const [row] = (
      await client.query(
        'SELECT count(*)::int AS n FROM pg_catalog.pg_locks l JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid WHERE a.datname = pg_catalog.current_database() AND l.pid <> pg_catalog.pg_backend_pid()',
      )
    ).rows;
    seen.maxLocksOfApply = Math.max(seen.maxLocksOfApply, row.n);
    await client.query('ROLLBACK');
    seen.transactions++;
  } catch (error) {
    if (seen.errors.length < 20) seen.errors.push(String(error.message ?? error));
    await client.query('ROLLBACK').catch(() => undefined);
  }
  if (i % 20 === 0) save();
  await new Promise((r) => setTimeout(r, 20));
}
save();
await client.end();
