#!/usr/bin/env node
// What the tests run in place of bin/run.js: hands the command (argv, working directory,
// environment, stdin) to the warm CLI server of the test file (test/support/cli-server.mjs, at
// SCHEMA_TEST_CLI_SOCKET) and prints what it printed, in order, ending with its exit status.
// Without a server, or on a terminal, it runs bin/run.js itself.
import { connect } from 'node:net';

const socketPath = process.env['SCHEMA_TEST_CLI_SOCKET'];
if (!socketPath || process.stdin.isTTY) {
  await import('../../bin/run.js');
} else {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  const env = { ...process.env };
  delete env['SCHEMA_TEST_CLI_SOCKET'];
  const request = { argv: process.argv.slice(2), cwd: process.cwd(), env, stdin: Buffer.concat(chunks).toString('base64') };
  const socket = connect(socketPath);
  let buffered = '';
  let status = null;
  socket.setEncoding('utf8');
  socket.on('connect', () => socket.write(`${JSON.stringify(request)}\n`));
  socket.on('data', (data) => {
    buffered += data;
    let end;
    while ((end = buffered.indexOf('\n')) >= 0) {
      const message = JSON.parse(buffered.slice(0, end));
      buffered = buffered.slice(end + 1);
      if ('o' in message) process.stdout.write(message.o);
      else if ('e' in message) process.stderr.write(message.e);
      else if ('status' in message) status = message.status;
    }
  });
  socket.on('error', (error) => {
    process.stderr.write(`schema-shim: the test CLI server at ${socketPath} failed: ${error.message}\n`);
    process.exitCode = 70;
  });
  socket.on('close', () => {
    if (status === null) {
      if (process.exitCode !== 70) process.stderr.write('schema-shim: the test CLI server ended before the command did\n');
      process.exitCode = 70;
    } else process.exitCode = status;
  });
}
