// The `schema` CLI kept warm for the tests of one file: node, oclif, libpg-query's WebAssembly
// and our modules load once (about 1 s of CPU on these machines) instead of once per command.
// test/support/cli.ts starts it; test/support/schema-shim.mjs, the executable the tests run in
// place of bin/run.js, hands it each command over a Unix socket: argv, working directory,
// environment and stdin. The server runs the commands one at a time, exactly as bin/run.js runs
// them (oclif's `run` over the same Config, errors through oclif's `handle`), and streams back
// what the command wrote to stdout and stderr, in order, then its exit status.
//
//   fork('test/support/cli-server.mjs', ['/tmp/socket-path'])   (sends 'ready' once it listens)
import { createServer } from 'node:net';
import { Readable } from 'node:stream';
import { Config, run } from '@oclif/core';
import { Exit, handle } from '@oclif/core/handle';

const socketPath = process.argv[2];
const BIN = new URL('../../bin/run.js', import.meta.url).pathname;
const config = await Config.load(new URL('../../', import.meta.url).pathname);

/** The command running now: where its output goes, and its stdin. */
let current = null;
let exitStatus = null;

// oclif's `handle` ends the process through Exit.exit; here it records the status instead.
Exit.exit = (code = 0) => {
  exitStatus = code;
};

const original = { stdout: process.stdout.write.bind(process.stdout), stderr: process.stderr.write.bind(process.stderr) };
for (const name of ['stdout', 'stderr']) {
  process[name].write = (chunk, encoding, callback) => {
    const done = typeof encoding === 'function' ? encoding : callback;
    if (!current) return original[name](chunk, encoding, callback);
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    current.send({ [name === 'stdout' ? 'o' : 'e']: text });
    if (done) queueMicrotask(() => done());
    return true;
  };
}
// stdin is what the shim read from its own (a pipe, never a terminal).
Object.defineProperty(process, 'stdin', { configurable: true, get: () => current?.stdin ?? Readable.from([]) });

// An error that escapes a command would end a real process with its stack and status 1: say so,
// and end this server too, since its state is no longer known (the shim then runs commands itself).
for (const event of ['uncaughtException', 'unhandledRejection']) {
  process.on(event, (error) => {
    if (current) {
      current.send({ e: `${error instanceof Error ? error.stack : String(error)}\n` });
      current.send({ status: 1 });
    }
    process.exit(1);
  });
}

const baseEnv = { ...process.env };
const queue = [];
let busy = false;

async function runOne(request, send) {
  const stdin = Readable.from(request.stdin ? [Buffer.from(request.stdin, 'base64')] : []);
  stdin.isTTY = false;
  current = { send, stdin };
  exitStatus = null;
  process.exitCode = undefined;
  process.chdir(request.cwd);
  for (const key of Object.keys(process.env)) delete process.env[key];
  Object.assign(process.env, request.env);
  process.argv = [process.execPath, BIN, ...request.argv];
  try {
    if (request.argv[0] === '--version') {
      // bin/run.js answers --version itself.
      const { name, version } = config.pjson;
      const arch = process.arch === 'ia32' ? 'x86' : process.arch;
      process.stdout.write(`${name}/${version} ${process.platform}-${arch} node-${process.version}\n`);
    } else await run(request.argv, config);
  } catch (error) {
    await handle(error);
  }
  // Let the writes and callbacks of the command's last tick land before the status.
  await new Promise((resolve) => setImmediate(resolve));
  const status = exitStatus ?? (typeof process.exitCode === 'number' ? process.exitCode : 0);
  current = null;
  process.exitCode = undefined;
  for (const key of Object.keys(process.env)) delete process.env[key];
  Object.assign(process.env, baseEnv);
  send({ status });
}

async function drain() {
  if (busy) return;
  busy = true;
  while (queue.length > 0) {
    const { request, send } = queue.shift();
    await runOne(request, send);
  }
  busy = false;
}

const server = createServer((socket) => {
  let buffered = '';
  socket.setEncoding('utf8');
  socket.on('error', () => undefined);
  socket.on('data', (data) => {
    buffered += data;
    const end = buffered.indexOf('\n');
    if (end < 0) return;
    const request = JSON.parse(buffered.slice(0, end));
    buffered = '';
    const send = (message) => {
      if (!socket.destroyed) socket.write(`${JSON.stringify(message)}\n`);
      if ('status' in message) socket.end();
    };
    queue.push({ request, send });
    void drain();
  });
});
server.listen(socketPath, () => process.send?.('ready'));
// The test file that started this server is gone: so is the server.
process.on('disconnect', () => process.exit(0));
