// docs/commands.md against the command classes it is generated from (`npm run docs:commands`):
// one section per command, with its summary and every flag, so a changed command whose page
// was not generated again fails here. No server: the classes are only read.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/commands/index.js';

const page = readFileSync(new URL('../../docs/commands.md', import.meta.url), 'utf8');

/** The generated section of one command: from its heading to the next. */
function section(name: string): string | null {
  const start = page.search(new RegExp(`^## \`schema ${name}( |\`)`, 'm'));
  if (start < 0) return null;
  const next = page.slice(start + 1).search(/^## /m);
  return next < 0 ? page.slice(start) : page.slice(start, start + 1 + next);
}

describe('docs/commands.md', () => {
  it('has a section for each command and no other', () => {
    const documented = [...page.matchAll(/^## `schema ([a-z-]+)/gm)].map((m) => m[1]!).sort();
    expect(documented).toEqual(Object.keys(COMMANDS).sort());
  });

  it.each(Object.entries(COMMANDS))('schema %s: its summary and every flag, as the class has them', (name, command) => {
    const text = section(name);
    expect(text, `no section for schema ${name}: run npm run docs:commands`).not.toBeNull();
    expect(text).toContain(command.summary!);
    const flags = { ...command.baseFlags, ...command.flags };
    const missing = Object.entries(flags).filter(([flag, def]) => {
      const spelled = (def as { allowNo?: boolean }).allowNo ? `--[no-]${flag}` : `--${flag}`;
      return !text!.includes(spelled);
    });
    expect(
      missing.map(([flag]) => flag),
      'flags missing from docs/commands.md: run npm run docs:commands',
    ).toEqual([]);
  });
});
