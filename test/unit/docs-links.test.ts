// The documentation as a reader follows it, without a server: every relative link (and its
// #anchor) leads somewhere in the repository, no link leaves it, every page in docs/ can be
// reached from the README, and the README stays a front door (at most 10 KB).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(new URL(import.meta.url).pathname), '../..');
const PAGES = [
  'README.md',
  'CONTRIBUTING.md',
  'plans/README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

const read = (page: string): string => readFileSync(join(ROOT, page), 'utf8');

/** The text outside fenced code blocks, line by line (fenced lines become empty, so line numbers hold). */
function prose(text: string): string[] {
  let fence: string | null = null;
  return text.split('\n').map((line) => {
    const open = /^\s{0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence === null && open) {
      fence = open[0]!.repeat(open.length);
      return '';
    }
    if (fence !== null) {
      if (line.trim().startsWith(fence)) fence = null;
      return '';
    }
    return line;
  });
}

/** Inline code spans hold text, not links: `[a](b)` in backticks is no link. */
const withoutCode = (line: string): string => line.replace(/(`+)(?:(?!\1).)+\1/g, ' ');

interface Link {
  readonly line: number;
  readonly target: string;
}

/** Inline links and images, reference definitions and autolinks, with their line. */
function links(text: string): Link[] {
  const out: Link[] = [];
  prose(text).forEach((raw, i) => {
    const line = withoutCode(raw);
    for (const m of line.matchAll(/!?\[(?:[^[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]*)>?(?:\s+"[^"]*")?\s*\)/g)) out.push({ line: i + 1, target: m[1]! });
    const definition = /^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(\s|$)/.exec(line);
    if (definition) out.push({ line: i + 1, target: definition[1]! });
    for (const m of line.matchAll(/<([a-z][a-z0-9+.-]*:[^>\s]+)>/gi)) out.push({ line: i + 1, target: m[1]! });
  });
  return out;
}

/** The anchors GitHub gives a page's headings: lower case, punctuation dropped, spaces as hyphens, repeats numbered. */
function anchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const line of prose(text)) {
    const heading = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line)?.[1];
    if (heading === undefined) continue;
    const words = heading.replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1');
    const base = words
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
      .replace(/ /g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

/** What is wrong with one link of `page`, or null. */
function problem(page: string, target: string): string | null {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//')) return `${target} points outside the repository`;
  const [path = '', anchor] = target.split('#', 2) as [string, string | undefined];
  const file = path === '' ? join(ROOT, page) : resolve(dirname(join(ROOT, page)), decodeURIComponent(path));
  const inside = relative(ROOT, file);
  if (inside.startsWith('..') || resolve(ROOT, inside) !== file) return `${target} leaves the repository`;
  if (!existsSync(file)) return `${target}: no such file`;
  if (anchor !== undefined && file.endsWith('.md') && !anchors(readFileSync(file, 'utf8')).has(decodeURIComponent(anchor))) return `${target}: no heading with the anchor #${anchor} in ${inside}`;
  return null;
}

describe('documentation links', () => {
  it.each(PAGES)('%s: every relative link resolves, none leaves the repository', (page) => {
    const text = read(page);
    const found = links(text);
    const wrong = found.flatMap((l) => {
      const p = problem(page, l.target);
      return p ? [`${page}:${l.line}: ${p}`] : [];
    });
    expect(wrong).toEqual([]);
    // Not even as plain text: a web address in the docs is a link a reader would follow.
    const web = text.split('\n').flatMap((line, i) => (/https?:\/\//i.test(line) ? [`${page}:${i + 1}: ${line.trim()}`] : []));
    expect(web).toEqual([]);
  });

  it('every page in docs/ can be reached from the README', () => {
    const reached = new Set<string>(['README.md']);
    const queue = ['README.md'];
    while (queue.length > 0) {
      const page = queue.shift()!;
      for (const { target } of links(read(page))) {
        const path = target.split('#', 1)[0]!;
        if (!path.endsWith('.md') || problem(page, target) !== null) continue;
        const next = relative(ROOT, resolve(dirname(join(ROOT, page)), decodeURIComponent(path)));
        if (!reached.has(next)) {
          reached.add(next);
          queue.push(next);
        }
      }
    }
    expect(PAGES.filter((p) => p.startsWith('docs/') && !reached.has(p))).toEqual([]);
  });

  it('the README is a front door of at most 10 KB', () => {
    expect(Buffer.byteLength(read('README.md'))).toBeLessThanOrEqual(10 * 1024);
  });

  it('finds the links it checks (inline, images, definitions, autolinks; not those in code)', () => {
    const sample = [
      'See [a](docs/a.md#x-y "title"), ![img](pic.png) and <https://example.org>.',
      '[ref]: docs/b.md',
      'In code, `[no](link.md)` is text; [`code`](c.md) is a link.',
      '```',
      '[not](in-a-fence.md)',
      '```',
    ].join('\n');
    expect(links(sample)).toEqual([
      { line: 1, target: 'docs/a.md#x-y' },
      { line: 1, target: 'pic.png' },
      { line: 1, target: 'https://example.org' },
      { line: 2, target: 'docs/b.md' },
      { line: 3, target: 'c.md' },
    ]);
    expect([...anchors('# The plan\n## `schema downgrade [TARGET]`\n## Names, quoting and YAML details\n## The plan')]).toEqual(['the-plan', 'schema-downgrade-target', 'names-quoting-and-yaml-details', 'the-plan-1']);
    expect(problem('README.md', 'https://example.org')).toMatch(/outside the repository/);
    expect(problem('README.md', '../outside.md')).toMatch(/leaves the repository/);
  });
});
