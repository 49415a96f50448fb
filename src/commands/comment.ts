// `schema comment`: post the plan's markdown as the one sticky comment of a pull request, per
// database and schema file (found again by its hidden marker), creating or updating it.
import { readFile } from 'node:fs/promises';
import { Flags } from '@oclif/core';
import { UserError } from '../errors.js';
import { DEFAULT_API_URL, postStickyComment } from '../github/comment.js';
import { markerOf } from '../render/markdown.js';
import { FileCommand } from './base.js';

export default class Comment extends FileCommand<typeof Comment> {
  static override summary = 'Post a plan as the sticky comment of a pull request: created once, then updated in place.';
  static override description = `Reads markdown (from \`schema plan --format markdown\`) from --file or stdin and posts it on the pull request as one comment per database and schema file, found again by the hidden marker on its first line (\`<!-- schema-plan: KEY -->\`, written by plan; --marker overrides it). Other comments are left alone. The token is GITHUB_TOKEN (it needs pull-requests: write); the API is GITHUB_API_URL (default: GitHub's own, api.github.com). A body over GitHub's 65,536 characters is refused before anything is sent. No database and no schema file are read (--schema is accepted, as by every command, and not used).`;
  static override examples = [
    '<%= config.bin %> plan --format markdown > plan.md && <%= config.bin %> comment --repo octo-org/app --pr 42 --file plan.md',
    '<%= config.bin %> plan --format markdown | <%= config.bin %> comment --repo octo-org/app --pr 42',
  ];
  // No schema file is read here: its flag is hidden (the output flags stay).
  static override baseFlags: typeof FileCommand.baseFlags = { ...FileCommand.baseFlags, schema: { ...FileCommand.baseFlags.schema, hidden: true } };
  static override flags = {
    repo: Flags.string({ summary: 'The repository, owner/name (default: GITHUB_REPOSITORY).', env: 'GITHUB_REPOSITORY', required: true }),
    pr: Flags.integer({ summary: 'The number of the pull request.', required: true, min: 1 }),
    file: Flags.string({ summary: 'The markdown to post; - for stdin.', default: '-' }),
    marker: Flags.string({ summary: "The comment's key (default: the one on the markdown's first line, which plan writes from the database and schema file)." }),
  };

  async run(): Promise<void> {
    const markdown = await this.markdown();
    const key = this.flags.marker ?? markerOf(markdown);
    if (key === null || key.trim() === '') {
      throw new UserError('the markdown has no marker line (<!-- schema-plan: KEY -->) to find its comment by', 'pass --marker KEY, or post what `schema plan --format markdown` prints');
    }
    const posted = await postStickyComment({ repo: this.flags.repo, pr: this.flags.pr, apiUrl: process.env['GITHUB_API_URL'] || DEFAULT_API_URL, token: process.env['GITHUB_TOKEN'] ?? '' }, key, markdown);
    const where = posted.url ?? `comment ${posted.id}`;
    this.say(`${posted.action === 'created' ? 'Created' : posted.action === 'updated' ? 'Updated' : 'Unchanged:'} ${where}`);
  }

  private async markdown(): Promise<string> {
    const file = this.flags.file;
    if (file === '-') {
      if (process.stdin.isTTY) throw new UserError('no markdown to post: stdin is a terminal', 'pass --file plan.md, or pipe `schema plan --format markdown` in');
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    }
    try {
      return await readFile(file, 'utf8');
    } catch (error) {
      throw new UserError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
    }
  }
}
