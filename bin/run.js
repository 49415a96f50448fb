#!/usr/bin/env node
// The `schema` executable.
// `--version` needs neither the commands nor oclif: answered here, as oclif would (name/version
// platform-arch node-version), without loading either (about 0.8 s of CPU otherwise).
if (process.argv[2] === '--version') {
  const { readFileSync } = await import('node:fs');
  const { name, version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  const arch = process.arch === 'ia32' ? 'x86' : process.arch;
  process.stdout.write(`${name}/${version} ${process.platform}-${arch} node-${process.version}\n`);
} else {
  const { execute } = await import('@oclif/core');
  await execute({ dir: import.meta.url });
}
