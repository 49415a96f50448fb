// Writes test/durations.json from vitest's record of the last run (node_modules/.vite): each
// test file's time in whole seconds. test/support/sequencer.ts starts the longest files first
// with it, on a clean checkout too, where vitest has no record and would start them in name
// order, leaving the longest for last. Run it after a full `npm test` when files were added or
// their times moved a lot.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const cache = join(root, 'node_modules/.vite/vitest');
const [hash] = readdirSync(cache);
if (!hash) throw new Error('no vitest results yet: run npm test first');
const { results } = JSON.parse(readFileSync(join(cache, hash, 'results.json'), 'utf8'));
const seconds = Object.fromEntries(
  results
    .map(([key, r]) => [key.replace(/^:/, ''), Math.round(r.duration / 1000)])
    .filter(([file]) => file.startsWith('test/') && !file.startsWith('test/tmp'))
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)),
);
writeFileSync(join(root, 'test/durations.json'), `${JSON.stringify(seconds, null, 2)}\n`);
console.log(`test/durations.json: ${Object.keys(seconds).length} files`);
