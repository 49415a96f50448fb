// One sticky pull-request comment per database and schema file: found again by the hidden
// marker on its first line (`<!-- schema-plan: KEY -->`), updated in place, created when there is
// none. GitHub's REST calls: list the issue's comments (every page), create one, update one.
// Node's own fetch; the base URL and the token come from the caller (GITHUB_API_URL, GITHUB_TOKEN).
import { UserError } from '../errors.js';
import { COMMENT_LIMIT, markerKey, markerLine, markerOf } from '../render/markdown.js';

export interface CommentTarget {
  /** `owner/name`. */
  readonly repo: string;
  /** The pull request's number (its issue number). */
  readonly pr: number;
  /** The REST API's base URL, e.g. https://api.github.com or https://ghe.example.com/api/v3. */
  readonly apiUrl: string;
  readonly token: string;
}

export interface Posted {
  readonly action: 'created' | 'updated' | 'unchanged';
  readonly id: number;
  /** The comment's page address, when GitHub gives one. */
  readonly url: string | null;
}

interface IssueComment {
  readonly id: number;
  readonly body?: string | null;
  readonly html_url?: string;
  readonly user?: { readonly type?: string } | null;
}

export const DEFAULT_API_URL = 'https://api.github.com';

/** `owner/name`, or a UserError saying what it should look like. */
export function checkRepo(repo: string): string {
  if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(repo)) throw new UserError(`--repo must be owner/name, not "${repo}"`, 'e.g. --repo octo-org/app (in a workflow: ${{ github.repository }})');
  return repo;
}

/** The body as posted: the marker line of `key` first, the markdown's own marker line (if any) replaced by it. */
export function withMarker(markdown: string, key: string): string {
  const rest = markerOf(markdown) === null ? markdown : markdown.slice(markdown.indexOf('\n') + 1);
  return `${markerLine(key)}\n${rest}`;
}

/**
 * Create or update the one comment of `key` on the pull request with `markdown`. Comments
 * without the marker are left alone; of several with it, one written by a bot (an Action) is
 * preferred. Throws UserError on a body over GitHub's limit (before any call), and on any
 * answer but success: a bad token, no such repository or pull request, no network.
 */
export async function postStickyComment(target: CommentTarget, key: string, markdown: string): Promise<Posted> {
  const body = withMarker(markdown, key);
  if (body.length > COMMENT_LIMIT) {
    throw new UserError(
      `the comment is ${body.length.toLocaleString('en')} characters; GitHub takes at most ${COMMENT_LIMIT.toLocaleString('en')}: nothing was posted`,
      'render it with `schema plan --format markdown`, which cuts the steps and the SQL to fit (see --max-chars)',
    );
  }
  const api = new GitHubApi(target);
  const repo = checkRepo(target.repo);
  const marked = (await api.listComments(`/repos/${repo}/issues/${target.pr}/comments`)).filter((c) => markerOf(c.body ?? '') === markerKey(key));
  const existing = marked.find((c) => c.user?.type === 'Bot') ?? marked[0];
  if (existing && existing.body === body) return { action: 'unchanged', id: existing.id, url: existing.html_url ?? null };
  const saved = existing ? await api.send('PATCH', `/repos/${repo}/issues/comments/${existing.id}`, { body }) : await api.send('POST', `/repos/${repo}/issues/${target.pr}/comments`, { body });
  return { action: existing ? 'updated' : 'created', id: saved.id, url: saved.html_url ?? null };
}

/** The few calls the comment needs, each failure a UserError that says what to check. */
class GitHubApi {
  private readonly base: URL;

  constructor(private readonly target: CommentTarget) {
    try {
      this.base = new URL(target.apiUrl.replace(/\/+$/, '') + '/');
    } catch {
      throw new UserError(`GITHUB_API_URL is not a URL: "${target.apiUrl}"`, `leave it unset for ${DEFAULT_API_URL}`);
    }
    if (target.token.trim() === '') {
      throw new UserError('GITHUB_TOKEN is not set: posting a comment needs a token that may write to pull requests', 'in a workflow: env: GITHUB_TOKEN: ${{ github.token }}, with permissions: pull-requests: write');
    }
  }

  /** Every comment of the issue, following the `Link: <...>; rel="next"` pages (on the same server only). */
  async listComments(path: string): Promise<IssueComment[]> {
    const all: IssueComment[] = [];
    let next: URL | null = this.url(`${path}?per_page=100`);
    for (let page = 0; next && page < 100; page++) {
      const response = await this.call('GET', next, path);
      const comments = (await response.json()) as IssueComment[];
      if (!Array.isArray(comments)) throw new UserError(`GitHub answered GET ${path} with something other than a list of comments`);
      all.push(...comments);
      const link = /<([^>]+)>;\s*rel="next"/.exec(response.headers.get('link') ?? '')?.[1];
      next = link && new URL(link, this.base).origin === this.base.origin ? new URL(link, this.base) : null;
    }
    return all;
  }

  async send(method: 'POST' | 'PATCH', path: string, json: { body: string }): Promise<IssueComment> {
    const response = await this.call(method, this.url(path), path, JSON.stringify(json));
    return (await response.json()) as IssueComment;
  }

  private url(path: string): URL {
    return new URL(path.replace(/^\//, ''), this.base);
  }

  private async call(method: string, url: URL, path: string, body?: string): Promise<Response> {
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: {
          accept: 'application/vnd.github+json',
          authorization: `Bearer ${this.target.token}`,
          'user-agent': 'schema-plan-comment',
          'x-github-api-version': '2022-11-28',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body }),
        signal: AbortSignal.timeout(30_000),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const reason = cause?.code ?? cause?.message ?? (error as Error).message;
      throw new UserError(`could not reach GitHub at ${this.base.origin} (${reason}); nothing was posted`, 'check the network, or GITHUB_API_URL for GitHub Enterprise');
    }
    if (response.ok) return response;
    throw await failure(response, method, path, this.target);
  }
}

/** GitHub's answer to a call that failed, as one message and what to do about it. */
async function failure(response: Response, method: string, path: string, target: CommentTarget): Promise<UserError> {
  let said = '';
  try {
    const text = ((await response.json()) as { message?: unknown }).message;
    if (typeof text === 'string') said = `: ${text.replace(/[\u0000-\u001f\u007f]+/g, ' ').slice(0, 200)}`;
  } catch {
    // No JSON: the status says enough.
  }
  const what = `GitHub answered ${method} ${path} with ${response.status}${said}; nothing was posted`;
  switch (response.status) {
    case 401:
      return new UserError(what, 'GITHUB_TOKEN was refused: check that it is set to a valid token (in a workflow: ${{ github.token }})');
    case 403:
      return new UserError(what, 'the token may not write here: give the job permissions: pull-requests: write (a pull request from a fork gets a read-only token)');
    case 404:
      return new UserError(what, `check --repo ${target.repo} and --pr ${target.pr}: a repository the token cannot read also answers 404`);
    default:
      return new UserError(what);
  }
}
