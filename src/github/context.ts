// Where a plan was made, as the head of a pull-request comment says it: the server's user,
// host, port and database (never a password), when, and the heads of plans/; and the key of the
// comment's marker, one per database and schema file.
import type { Target } from '../db/target.js';
import type { PlanContext } from '../render/markdown.js';

/** `user@host:port/database` of a server URL (a socket folder as the host), without its password; null when it does not parse. */
function serverName(url: string): { readonly where: string; readonly key: string } | null {
  let u: URL;
  try {
    // An empty host (a Unix socket, named by `?host=`) parsed with a stand-in, as db/target.ts does.
    u = new URL(url.replace(/^([a-z]+:\/\/(?:[^/@]*@)?)\//i, '$1localhost/'));
  } catch {
    return null;
  }
  const host = u.searchParams.get('host') ?? decodeURIComponent(u.hostname);
  const user = u.searchParams.get('user') ?? decodeURIComponent(u.username);
  const place = `${host}${u.port ? `:${u.port}` : ''}/${decodeURIComponent(u.pathname.replace(/^\//, ''))}`;
  return { where: user ? `${user}@${place}` : place, key: place };
}

/** The context of a plan of `schemaFile` on `target`, at `at`, with `heads` the head revision ids of `plansDir`. */
export function planContext(target: Target, schemaFile: string, plansDir: string, heads: readonly string[], at: Date = new Date()): PlanContext {
  const server = target.kind === 'server' ? serverName(target.url) : null;
  const where = target.kind === 'embedded' ? `${target.display} (the embedded PostgreSQL)` : (server?.where ?? target.display);
  const place = target.kind === 'embedded' ? 'embedded' : (server?.key ?? 'server');
  return { where, at, plansDir: plansDir.endsWith('/') ? plansDir : `${plansDir}/`, heads, marker: `${place}:${schemaFile}` };
}
