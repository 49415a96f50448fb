import { defineConfig } from 'vitest/config';
import LongestFirst from './test/support/sequencer.js';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    setupFiles: ['test/support/drop-scratch.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // Two cores here, but a file spends much of its time waiting on PostgreSQL and on the CLI
    // processes it starts: three files at a time, each in its own scratch databases.
    maxWorkers: 3,
    // The longest files first, on a clean checkout too (test/durations.json).
    sequence: { sequencer: LongestFirst },
  },
});
