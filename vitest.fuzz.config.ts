// `npm run fuzz` (test/fuzz/run.mjs): the round-trip property over thousands of pairs, apart
// from the suite.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/fuzz/**/*.fuzz.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    setupFiles: ['test/support/drop-scratch.ts'],
    testTimeout: 24 * 3_600_000,
    hookTimeout: 180_000,
  },
});
