// Which database a command talks to: --url, else DATABASE_URL (environment, then a .env file
// in the working directory), else the embedded PGlite kept in .schema/.
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseEnv } from 'node:util';

export type Target =
  | { readonly kind: 'server'; readonly url: string; readonly source: '--url' | 'DATABASE_URL' | '.env'; readonly display: string }
  | { readonly kind: 'embedded'; readonly dir: string; readonly display: string };

export class TargetError extends Error {}

/**
 * A URL with an empty host (`postgresql://user@/db?host=/var/run/postgresql`, a Unix socket,
 * as psql takes it) parsed with a stand-in host: WHATWG URL refuses an empty one.
 */
function parseUrl(url: string): { readonly url: URL; readonly socket: boolean } {
  const socket = /^[a-z]+:\/\/([^/@]*@)?\//i.test(url);
  return { url: new URL(socket ? url.replace(/^([a-z]+:\/\/(?:[^/@]*@)?)\//i, '$1localhost/') : url), socket };
}

/** The URL with its password hidden (in the user part or as `?password=`), for messages. */
export function redactUrl(url: string): string {
  try {
    const { url: u, socket } = parseUrl(url);
    if (u.password) u.password = '***';
    if (u.searchParams.has('password')) u.searchParams.set('password', '***');
    const text = u.toString();
    return socket ? text.replace(/^([a-z]+:\/\/(?:[^/@]*@)?)localhost\//i, '$1/') : text;
  } catch {
    return url.replace(/:[^:@/]*@/, ':***@').replace(/([?&]password=)[^&]*/i, '$1***');
  }
}

const SSL_MODES = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full', 'no-verify'];

/** A `sslmode` psql would refuse, or verify-ca with no CA to verify against: said before connecting. */
function checkSslMode(mode: string, where: string, url: string): void {
  if (!SSL_MODES.includes(mode)) throw new TargetError(`invalid sslmode "${mode}" ${where}: use disable, allow, prefer, require, verify-ca or verify-full`);
  if (mode === 'verify-ca' && !/[?&]sslrootcert=/i.test(url)) {
    throw new TargetError(`sslmode=verify-ca ${where} needs the CA to check the server against: add sslrootcert=/path/to/ca.pem to the URL (or use sslmode=verify-full)`);
  }
}

/**
 * The connection strings to try, in order, so that `sslmode` (in the URL, else PGSSLMODE)
 * means what it means to psql (libpq): `require` encrypts without checking the certificate,
 * `verify-full` checks it, and `prefer` (or `allow`) falls back to a plain connection when the
 * server has no SSL. The driver otherwise reads `require` as `verify-full` and prints a
 * warning saying so.
 */
export function connectionStrings(url: string, env: NodeJS.ProcessEnv = process.env): string[] {
  const inUrl = /[?&]sslmode=([^&#]*)/i.exec(url)?.[1]?.toLowerCase();
  const fromEnv = inUrl ? undefined : env['PGSSLMODE']?.trim().toLowerCase() || undefined;
  if (fromEnv) checkSslMode(fromEnv, 'in PGSSLMODE', url);
  const withMode = fromEnv ? `${url}${url.includes('?') ? '&' : '?'}sslmode=${fromEnv}` : url;
  const mode = inUrl ?? fromEnv;
  if (!mode || /[?&]uselibpqcompat=/i.test(url)) return [withMode];
  const compat = `${withMode}${withMode.includes('?') ? '&' : '?'}uselibpqcompat=true`;
  if (mode !== 'prefer' && mode !== 'allow') return [compat];
  return [compat, withMode.replace(/([?&]sslmode=)[^&#]*/i, '$1disable')];
}

function checkUrl(url: string, source: string): string {
  let parsed: URL;
  try {
    parsed = parseUrl(url).url;
  } catch {
    throw new TargetError(`${source} is not a URL: ${redactUrl(url)} (expected postgres://user@host:5432/database)`);
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new TargetError(`${source} must be a postgres:// URL, not ${parsed.protocol}//...`);
  }
  const mode = parsed.searchParams.get('sslmode');
  if (mode !== null) checkSslMode(mode.toLowerCase(), `in ${source}`, url);
  return url;
}

function dotenvUrl(cwd: string): string | null {
  let text: string;
  try {
    text = readFileSync(join(cwd, '.env'), 'utf8');
  } catch {
    return null;
  }
  const value = parseEnv(text)['DATABASE_URL'];
  return value && value.trim() !== '' ? value.trim() : null;
}

export interface TargetInput {
  readonly url?: string | undefined;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
}

/** Resolve the target in the documented order. Reads .env; opens nothing. */
export function resolveTarget(input: TargetInput): Target {
  if (input.url !== undefined && input.url !== '') {
    const url = checkUrl(input.url, '--url');
    return { kind: 'server', url, source: '--url', display: redactUrl(url) };
  }
  const fromEnv = input.env['DATABASE_URL'];
  if (fromEnv !== undefined && fromEnv.trim() !== '') {
    const url = checkUrl(fromEnv.trim(), 'DATABASE_URL');
    return { kind: 'server', url, source: 'DATABASE_URL', display: redactUrl(url) };
  }
  const fromFile = dotenvUrl(input.cwd);
  if (fromFile !== null) {
    const url = checkUrl(fromFile, 'DATABASE_URL in .env');
    return { kind: 'server', url, source: '.env', display: redactUrl(url) };
  }
  const dir = join(input.cwd, '.schema');
  return { kind: 'embedded', dir, display: (relative(input.cwd, dir) || '.') + '/' };
}

/** One line saying which database is used, as the first thing a command prints. */
export function describeTarget(target: Target): string {
  if (target.kind === 'embedded') {
    return `Using the embedded PostgreSQL (PGlite) in ${target.display} (set --url or DATABASE_URL to use a server)`;
  }
  const from = target.source === '--url' ? '' : ` (from ${target.source === '.env' ? 'DATABASE_URL in .env' : 'DATABASE_URL'})`;
  return `Using ${target.display}${from}`;
}
