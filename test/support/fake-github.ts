// A stand-in for GitHub's REST API on a local port (node:http, no network): the calls the sticky
// comment makes (list an issue's comments page by page with Link headers, create one, update
// one) and GitHub's answers to a bad token (401), a wrong path (404) and a body too long (422).
// It serves pull request 7 of octo/app; every call is recorded.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const TOKEN = 'ghs_test_token';

export interface StoredComment {
  id: number;
  body: string;
  user: { login: string; type: 'User' | 'Bot' };
}

/** A pull request's comments as GitHub keeps them, and every call made to it. */
export class FakeGitHub {
  readonly comments: StoredComment[] = [];
  readonly calls: string[] = [];
  /** GitHub pages at most 100; smaller here only when a test says so. */
  pageSize = 100;
  private nextId = 1000;
  private server!: Server;
  url = '';

  add(body: string, user: StoredComment['user'] = { login: 'someone', type: 'User' }): StoredComment {
    const comment = { id: this.nextId++, body, user };
    this.comments.push(comment);
    return comment;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      void this.handle(req, res);
    });
    await new Promise<void>((done) => this.server.listen(0, '127.0.0.1', done));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise((done) => this.server.close(done));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', this.url);
    this.calls.push(`${req.method} ${url.pathname}${url.search}`);
    const send = (status: number, data: unknown, headers: Record<string, string> = {}): void => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(data));
    };
    if (req.headers.authorization !== `Bearer ${TOKEN}`) return send(401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' });
    const html = (id: number): string => `https://github.test/octo/app/pull/7#issuecomment-${id}`;
    const list = /^\/repos\/octo\/app\/issues\/7\/comments$/.test(url.pathname);
    const one = /^\/repos\/octo\/app\/issues\/comments\/(\d+)$/.exec(url.pathname);
    if (list && req.method === 'GET') {
      const perPage = Math.min(this.pageSize, Number(url.searchParams.get('per_page') ?? 30));
      const page = Number(url.searchParams.get('page') ?? 1);
      const slice = this.comments.slice((page - 1) * perPage, page * perPage).map((c) => ({ ...c, html_url: html(c.id) }));
      const last = Math.max(1, Math.ceil(this.comments.length / perPage));
      const link: Record<string, string> =
        page < last ? { link: `<${this.url}${url.pathname}?per_page=${perPage}&page=${page + 1}>; rel="next", <${this.url}${url.pathname}?per_page=${perPage}&page=${last}>; rel="last"` } : {};
      return send(200, slice, link);
    }
    const body = chunks.length > 0 ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { body: string }).body : '';
    if (body.length > 65_536) return send(422, { message: 'Validation Failed', errors: [{ message: 'body is too long (maximum is 65536 characters)' }] });
    if (list && req.method === 'POST') {
      const made = this.add(body, { login: 'github-actions[bot]', type: 'Bot' });
      return send(201, { ...made, html_url: html(made.id) });
    }
    if (one && req.method === 'PATCH') {
      const found = this.comments.find((c) => c.id === Number(one[1]));
      if (!found) return send(404, { message: 'Not Found' });
      found.body = body;
      return send(200, { ...found, html_url: html(found.id) });
    }
    return send(404, { message: 'Not Found' });
  }
}
