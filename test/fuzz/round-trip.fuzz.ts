// `npm run fuzz`: the round-trip property (support/round-trip.ts) over many random pairs, run
// by test/fuzz/run.mjs with FUZZ_RUNS and FUZZ_SEED. Unlike the suite it does not stop at the
// first failure: every pair runs, failures are grouped by what went wrong, and the first pair of
// each group is then shrunk by fast-check to a minimal one (replayed from the seed and its run
// number), printed as schema.yaml A, its rows, and schema.yaml B.
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { describePair, pairs, type Pair } from '../support/random-schemas.js';
import { beforeSql, openBench, roundTrip, RoundTripFailure, type Bench, type Outcome } from '../support/round-trip.js';

const RUNS = Number(process.env['FUZZ_RUNS'] ?? 2000);
const SEED = Number(process.env['FUZZ_SEED'] ?? Date.now() % 2 ** 31);
/** How long shrinking one group's pair may take. */
const SHRINK_MS = Number(process.env['FUZZ_SHRINK_SECONDS'] ?? 300) * 1000;

interface Found {
  readonly signature: string;
  readonly runs: number[];
  readonly first: string;
}

function signatureOf(error: unknown): string {
  return error instanceof RoundTripFailure ? error.signature : `unexpected error: ${String((error as Error)?.message ?? error).split('\n')[0]}`;
}

/** How often each op and hazard came up in B's plans: what the run exercised. */
const ops = new Map<string, number>();

async function attempt(bench: Bench, pair: Pair): Promise<Outcome> {
  return roundTrip(bench, pair, (plan) => {
    for (const s of plan.steps) for (const k of [s.op, ...s.hazards.map((h) => h.code)]) ops.set(k, (ops.get(k) ?? 0) + 1);
  });
}

it(`round trips over ${RUNS} random pairs (seed ${SEED})`, async () => {
  const bench = await openBench('fuzz');
  const outcomes = new Map<string, number>();
  const found = new Map<string, Found>();
  const mutations = new Map<string, number>();
  const started = Date.now();
  let run = 0;
  try {
    console.log(`fuzz: ${RUNS} pairs, seed ${SEED} (again: npm run fuzz -- --runs ${RUNS} --seed ${SEED})`);
    await fc.check(
      fc.asyncProperty(pairs(), async (pair) => {
        const index = run++;
        for (const m of pair.mutations) mutations.set(m.split(' ')[0]!, (mutations.get(m.split(' ')[0]!) ?? 0) + 1);
        try {
          const outcome = await attempt(bench, pair);
          outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
        } catch (error) {
          const signature = signatureOf(error);
          const group = found.get(signature) ?? { signature, runs: [], first: (error as Error).message };
          group.runs.push(index);
          if (!found.has(signature)) {
            found.set(signature, group);
            console.log(`fuzz: run ${index}: new failure: ${signature}`);
          }
        }
        if ((index + 1) % 50 === 0) console.log(`fuzz: ${index + 1} of ${RUNS} pairs in ${Math.round((Date.now() - started) / 1000)} s, ${[...found.values()].reduce((n, g) => n + g.runs.length, 0)} failing`);
        return true;
      }),
      { numRuns: RUNS, seed: SEED },
    );

    const failing = [...found.values()].reduce((n, g) => n + g.runs.length, 0);
    const summary = [
      `fuzz: ${run} pairs checked, seed ${SEED}, in ${Math.round((Date.now() - started) / 1000)} s`,
      `  ${[...outcomes].map(([o, n]) => `${n} ${o}`).join(', ')}${failing > 0 ? `, ${failing} failed` : ''}`,
      `  mutations: ${[...mutations]
        .sort((x, y) => y[1] - x[1])
        .map(([k, n]) => `${k} ${n}`)
        .join(', ')}`,
      `  steps and hazards planned: ${[...ops]
        .sort((x, y) => y[1] - x[1])
        .map(([k, n]) => `${k} ${n}`)
        .join(', ')}`,
      ...[...found.values()].map((g) => `  ${g.runs.length} x ${g.signature} (runs ${g.runs.slice(0, 10).join(', ')}${g.runs.length > 10 ? ', ...' : ''})`),
    ];
    console.log(summary.join('\n'));

    for (const g of found.values()) {
      // Shrink the first pair of the group, keeping to failures of the same kind.
      const details = await fc.check(
        fc.asyncProperty(pairs(), async (pair) => {
          try {
            await attempt(bench, pair);
          } catch (error) {
            if (signatureOf(error) === g.signature) throw error;
          }
          return true;
        }),
        { seed: SEED, path: String(g.runs[0]), numRuns: 1, interruptAfterTimeLimit: SHRINK_MS },
      );
      const pair = details.counterexample?.[0];
      console.log(
        [
          `\n===== ${g.signature}: ${g.runs.length} of ${run} pairs; run ${g.runs[0]} shrunk in ${details.numShrinks} steps${details.interrupted ? ' (stopped by the time limit)' : ''}`,
          `replay: npm run fuzz -- --runs ${g.runs[0]! + 1} --seed ${SEED}`,
          pair ? describePair(pair) : '(the pair did not fail again when replayed)',
          ...(pair ? ["--- A as SQL, with its rows (a case's `before`) ---", await beforeSql(bench, pair)] : []),
          '--- what went wrong ---',
          details.errorInstance instanceof Error ? details.errorInstance.message : g.first,
        ].join('\n'),
      );
    }
    console.log(summary.join('\n'));
  } finally {
    await bench.close();
  }
  expect([...found.keys()], 'failures (see above)').toEqual([]);
});
