import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // Two cores here, but a file spends much of its time waiting on PostgreSQL and on the CLI
    // processes it starts: three files at a time, each in its own scratch databases.
    maxWorkers: 3,
  },
});
