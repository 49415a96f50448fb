// The property the suite lacked (issue 14): over random pairs of schemas with rows, applying A,
// then B with every hazard allowed, then `downgrade -1`, keeps every promise (see
// support/round-trip.ts). A few dozen pairs here, new ones each run; thousands with `npm run
// fuzz`. A failure prints its seed and path: PROPERTY_SEED=<seed> PROPERTY_PATH=<path> replays it
// (see docs/testing.md).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateSchema } from '../src/operations/schema-file.js';
import { formatDiagnostic } from '../src/desired/diagnostics.js';
import { pairs, toYaml } from './support/random-schemas.js';
import { openBench, roundTrip } from './support/round-trip.js';

const env = (name: string): number | undefined => (process.env[name] === undefined ? undefined : Number(process.env[name]));
const RUNS = env('PROPERTY_RUNS') ?? 24;
const SEED = env('PROPERTY_SEED');
const PATH = process.env['PROPERTY_PATH'];

describe('round trips over random pairs of schemas', () => {
  it('every A and B passes validate offline, without a database (100 pairs)', () => {
    fc.assert(
      fc.property(pairs(), (pair) => {
        for (const yaml of [toYaml(pair.a), toYaml(pair.b, pair.a)]) {
          const problems = validateSchema('schema.yaml', yaml).map((d) => formatDiagnostic(d));
          expect(problems, yaml).toEqual([]);
        }
      }),
      { numRuns: 100, ...(SEED !== undefined ? { seed: SEED } : {}) },
    );
  });

  it(`apply A, rows, B, plan again, downgrade -1: nothing lost, nothing unsaid (${RUNS} pairs)`, async () => {
    const bench = await openBench('property');
    try {
      await fc.assert(
        fc.asyncProperty(pairs(), async (pair) => {
          await roundTrip(bench, pair);
        }),
        { numRuns: RUNS, ...(SEED !== undefined ? { seed: SEED } : {}), ...(PATH !== undefined ? { path: PATH } : {}) },
      );
    } finally {
      await bench.close();
    }
  }, 600_000);
});
