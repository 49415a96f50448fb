// The order test files start in: the longest first (their times in test/durations.json, written
// by scripts/test-durations.mjs), so that three at a time finish together instead of one long
// file running alone at the end. A file not listed yet counts as a minute.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const seconds = JSON.parse(readFileSync(new URL('../durations.json', import.meta.url), 'utf8')) as Record<string, number>;

export default class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const root = new URL('../..', import.meta.url).pathname;
    const time = (f: TestSpecification): number => seconds[relative(root, f.moduleId)] ?? 60;
    return [...files].sort((a, b) => time(b) - time(a));
  }
}
