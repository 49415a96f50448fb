// Runs several `schema` commands at once in ONE node process, each as `bin/run.js` runs it
// (oclif's `run` over the built commands), and prints, as one JSON line, what each printed
// (stdout, and stdout with stderr as a person sees them), its exit status and its time. The
// commands overlap as separate processes would (each its own connections), but node, oclif and
// the modules start once instead of once per command: test/security.test.ts runs its seven
// commands per hostile file this way. Each command's output is told apart by the async context
// it writes from.
//
//   node test/support/cli-batch.mjs '[["validate"], ["plan", "--url", "..."]]'
import { AsyncLocalStorage } from 'node:async_hooks';
import { Config, run } from '@oclif/core';

const commands = JSON.parse(process.argv[2] ?? '[]');
const capture = new AsyncLocalStorage();
const original = { stdout: process.stdout.write.bind(process.stdout), stderr: process.stderr.write.bind(process.stderr) };

for (const name of ['stdout', 'stderr']) {
  process[name].write = (chunk, encoding, callback) => {
    const into = capture.getStore();
    if (!into) return original[name](chunk, encoding, callback);
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    into.out += text;
    if (name === 'stdout') into.stdout += text;
    const done = typeof encoding === 'function' ? encoding : callback;
    if (done) queueMicrotask(() => done());
    return true;
  };
}

const config = await Config.load(new URL('../../', import.meta.url).pathname);

const results = await Promise.all(
  commands.map((argv) =>
    capture.run({ out: '', stdout: '' }, async () => {
      const into = capture.getStore();
      const started = Date.now();
      let status = 0;
      try {
        await run(argv, config);
      } catch (error) {
        // A command ends with oclif's ExitError (its status); anything else is what bin/run.js would show.
        const exit = error?.oclif?.exit;
        if (typeof exit === 'number') status = exit;
        else {
          status = 1;
          into.out += `${error instanceof Error ? error.message : String(error)}\n`;
        }
      }
      return { status, out: into.out, stdout: into.stdout, ms: Date.now() - started };
    }),
  ),
);
original.stdout(JSON.stringify(results) + '\n', () => process.exit(0));
