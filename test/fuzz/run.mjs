#!/usr/bin/env node
// `npm run fuzz -- [--runs N] [--seed S]`: runs test/fuzz/round-trip.fuzz.ts with vitest (which
// finds the test PostgreSQL as the suite does), printing the seed so a run can be repeated.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const usage = 'usage: npm run fuzz -- [--runs N] [--seed S] [--shrink-seconds N]';
let values;
try {
  ({ values } = parseArgs({ options: { runs: { type: 'string', default: '2000' }, seed: { type: 'string' }, 'shrink-seconds': { type: 'string', default: '300' }, help: { type: 'boolean' } } }));
} catch (error) {
  console.error(`error: ${error.message}\n${usage}`);
  process.exit(1);
}
if (values.help) {
  console.log(usage);
  process.exit(0);
}
const seed = values.seed ?? String(Math.floor(Math.random() * 2 ** 31));
for (const [flag, value] of [
  ['--runs', values.runs],
  ['--seed', seed],
  ['--shrink-seconds', values['shrink-seconds']],
]) {
  if (!/^\d+$/.test(value) || Number(value) > 2 ** 31 - 1 || (flag === '--runs' && Number(value) === 0)) {
    console.error(`error: ${flag} takes a whole number${flag === '--runs' ? ' above 0' : ''}, not ${JSON.stringify(value)}\n${usage}`);
    process.exit(1);
  }
}
console.log(`fuzz: ${values.runs} pairs, seed ${seed}`);
const root = fileURLToPath(new URL('../../', import.meta.url));
const vitest = fileURLToPath(new URL('../../node_modules/vitest/vitest.mjs', import.meta.url));
const result = spawnSync(process.execPath, [vitest, 'run', '--config', 'vitest.fuzz.config.ts'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, FUZZ_RUNS: values.runs, FUZZ_SEED: seed, FUZZ_SHRINK_SECONDS: values['shrink-seconds'] },
});
process.exit(result.status ?? 1);
