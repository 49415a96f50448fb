// The `schema` executable for tests. `BIN` is test/support/schema-shim.mjs: run as bin/run.js
// is run (`node BIN args...`, by spawnSync or from a shell line), it hands the command to one
// warm CLI server per test file (test/support/cli-server.mjs) instead of starting node, oclif
// and the WebAssembly parser again, which costs about 1 s of CPU a command on these machines.
// What a command prints, its exit status and what it changes are the same: the server runs it
// through oclif as bin/run.js does, in the command's own working directory and environment.
// `REAL_BIN` is bin/run.js itself, for what only a process of its own shows: a terminal,
// signals, commands run side by side, the executable as installed.
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

export const REAL_BIN = new URL('../../bin/run.js', import.meta.url).pathname;
export const BIN = new URL('./schema-shim.mjs', import.meta.url).pathname;

const SERVER = new URL('./cli-server.mjs', import.meta.url).pathname;
const folder = mkdtempSync(join(tmpdir(), 'schema-cli-server-'));
const socketPath = join(folder, 'socket');

const server: ChildProcess = fork(SERVER, [socketPath], {
  // Pipes, never the terminal vitest may run in: a command sees what it sees under spawnSync.
  stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  env: { ...process.env },
  // SCHEMA_TEST_CLI_PROFILE=folder writes a CPU profile of each server there.
  execArgv: process.env['SCHEMA_TEST_CLI_PROFILE'] ? ['--cpu-prof', '--cpu-prof-dir', process.env['SCHEMA_TEST_CLI_PROFILE']] : [],
});
await new Promise<void>((resolve, reject) => {
  server.once('message', () => resolve());
  server.once('exit', (code) => reject(new Error(`the test CLI server exited (${code}) before it was ready`)));
});
for (const stream of [server.stdout, server.stderr]) {
  stream?.pipe(process.stderr);
  (stream as unknown as { unref?: () => void } | null)?.unref?.();
}
server.unref();
server.channel?.unref();
process.env['SCHEMA_TEST_CLI_SOCKET'] = socketPath;

afterAll(() => {
  delete process.env['SCHEMA_TEST_CLI_SOCKET'];
  // The server ends when its channel closes (and writes its profile, when asked for one).
  if (server.connected) server.disconnect();
  setTimeout(() => server.kill(), 5000).unref();
  rmSync(folder, { recursive: true, force: true });
});
