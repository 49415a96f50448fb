// `npm run test:unit`: the tests that need no PostgreSQL server, for quick feedback. There is
// no global setup (it finds or starts a server), and the scratch-database helpers are pointed
// at a closed port, so a test here that reaches for a server fails at once instead of
// finding the local one.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/render.test.ts'],
    // These check the pure code against a real server as well (withScratch): `npm test` runs them.
    exclude: ['test/unit/casts.test.ts', 'test/unit/identifiers.test.ts'],
    provide: { adminUrl: 'postgres://postgres@127.0.0.1:9/postgres', runId: 'unit' },
    testTimeout: 30_000,
    hookTimeout: 30_000,
    maxWorkers: 2,
  },
});
