// Which database a command talks to: --url, else DATABASE_URL (environment, then a .env file
// in the working directory), else libpq's PG* variables, else the embedded PGlite kept in
// .schema/. A URL or a keyword/value conninfo, completed from PG* variables as psql does.
import { existsSync, readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join, relative } from 'node:path';
import { parseEnv } from 'node:util';

export type Target =
  { readonly kind: 'server'; readonly url: string; readonly source: '--url' | 'DATABASE_URL' | '.env' | 'PG*'; readonly display: string } | { readonly kind: 'embedded'; readonly dir: string; readonly display: string };

export class TargetError extends Error {}

/**
 * A URL with an empty host (`postgresql://user@/db?host=/var/run/postgresql`, a Unix socket,
 * as psql takes it) parsed with a stand-in host: WHATWG URL refuses an empty one.
 */
function parseUrl(url: string): { readonly url: URL; readonly socket: boolean } {
  const socket = /^[a-z]+:\/\/([^/@]*@)?\//i.test(url);
  return { url: new URL(socket ? url.replace(/^([a-z]+:\/\/(?:[^/@]*@)?)\//i, '$1localhost/') : url), socket };
}

/** The same server and login, another database (a socket URL stays one). */
export function withDatabase(url: string, database: string): string {
  const { url: u, socket } = parseUrl(url);
  u.pathname = `/${encodeURIComponent(database)}`;
  const text = u.toString();
  return socket ? text.replace(/^([a-z]+:\/\/(?:[^/@]*@)?)localhost\//i, '$1/') : text;
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

/** The variables of libpq that name a server: any one of them set means "use a server". */
export const PG_VARIABLES = ['PGHOST', 'PGHOSTADDR', 'PGPORT', 'PGUSER', 'PGDATABASE', 'PGPASSWORD'] as const;

/** libpq's keywords this tool passes on, and the URL query parameter each becomes. */
const CONNINFO_PARAMETERS = new Set(['sslmode', 'sslrootcert', 'sslcert', 'sslkey', 'application_name', 'connect_timeout', 'options']);

/**
 * A keyword/value conninfo (`host=db port=5432 dbname=app user=me`) as a URL, read as libpq
 * reads it: values bare or single-quoted (with `\'` and `\\`), spaces around `=` allowed.
 */
export function conninfoToUrl(text: string, source: string): string {
  const parts = new Map<string, string>();
  let i = 0;
  const at = (): string => text[i] ?? '';
  while (i < text.length) {
    while (/\s/.test(at())) i++;
    if (i >= text.length) break;
    const keyStart = i;
    while (i < text.length && !/[\s=]/.test(at())) i++;
    const key = text.slice(keyStart, i);
    while (/\s/.test(at())) i++;
    if (at() !== '=') throw new TargetError(`${source}: missing "=" after "${key}" in the connection string`);
    i++;
    while (/\s/.test(at())) i++;
    let value = '';
    if (at() === "'") {
      i++;
      for (;;) {
        if (i >= text.length) throw new TargetError(`${source}: unterminated quoted string in the connection string`);
        if (at() === '\\') value += text[++i] ?? '';
        else if (at() === "'") break;
        else value += at();
        i++;
      }
      i++;
    } else {
      while (i < text.length && !/\s/.test(at())) {
        if (at() === '\\') i++;
        value += at();
        i++;
      }
    }
    if (!['host', 'hostaddr', 'port', 'dbname', 'user', 'password', ...CONNINFO_PARAMETERS].includes(key)) {
      throw new TargetError(`${source}: invalid connection option "${key}"`);
    }
    parts.set(key, value);
  }
  const params = new URLSearchParams();
  for (const [key, value] of parts) if (CONNINFO_PARAMETERS.has(key)) params.set(key, value);
  return formatUrl('postgresql:', {
    user: parts.get('user') ?? '',
    password: parts.get('password') ?? '',
    host: parts.get('host') || parts.get('hostaddr') || '',
    port: parts.get('port') ?? '',
    database: parts.get('dbname') ?? '',
    params,
  });
}

interface UrlParts {
  readonly user: string;
  readonly password: string;
  /** A name, an address, or a Unix socket folder (starting with `/`). */
  readonly host: string;
  readonly port: string;
  readonly database: string;
  /** Everything else in the query, in order. */
  readonly params: URLSearchParams;
}

function formatUrl(protocol: string, p: UrlParts): string {
  const params = new URLSearchParams(p.params);
  const socket = p.host.startsWith('/');
  const auth = p.user === '' ? '' : `${encodeURIComponent(p.user)}${p.password === '' ? '' : `:${encodeURIComponent(p.password)}`}@`;
  const host = socket ? '' : p.host.includes(':') ? `[${p.host}]` : p.host;
  const query = [...(socket ? [`host=${p.host}`] : []), ...(params.size > 0 ? [params.toString()] : [])].join('&');
  return `${protocol}//${auth}${host}${p.port === '' ? '' : `:${p.port}`}/${encodeURIComponent(p.database)}${query === '' ? '' : `?${query}`}`;
}

/** Where libpq would look for the server when no host is named: its socket folder, if the server is there; else localhost. */
function defaultHost(port: string): string {
  for (const dir of ['/var/run/postgresql', '/tmp']) if (existsSync(join(dir, `.s.PGSQL.${port || '5432'}`))) return dir;
  return 'localhost';
}

/**
 * The URL with what it leaves out filled in as libpq fills it: the host from PGHOST (else
 * PGHOSTADDR, else the socket folder or localhost), the port from PGPORT, the user from PGUSER
 * (else the user running the command), the database from PGDATABASE (else the user). The
 * password is left to the driver, which reads PGPASSWORD and ~/.pgpass as libpq does. A URL
 * that names everything is returned as it is.
 */
export function completeUrl(url: string, env: NodeJS.ProcessEnv): string {
  const { url: u, socket } = parseUrl(url);
  const hostParam = u.searchParams.get('host');
  const host = hostParam ?? (socket ? '' : decodeURIComponent(u.hostname));
  const user = u.searchParams.get('user') ?? decodeURIComponent(u.username);
  const database = decodeURIComponent(u.pathname.replace(/^\//, ''));
  const port = u.port;
  if (host !== '' && user !== '' && database !== '' && (port !== '' || !env['PGPORT'])) return url;
  const filledPort = port || env['PGPORT']?.trim() || '';
  const filledUser = user || env['PGUSER']?.trim() || userInfo().username;
  const params = new URLSearchParams(u.searchParams);
  params.delete('host');
  params.delete('user');
  return formatUrl(u.protocol, {
    user: filledUser,
    password: decodeURIComponent(u.password),
    host: host || env['PGHOST']?.trim() || env['PGHOSTADDR']?.trim() || defaultHost(filledPort),
    port: filledPort,
    database: database || env['PGDATABASE']?.trim() || filledUser,
    params,
  });
}

/** A URL, or a keyword/value conninfo given where a URL may be (`--url "host=db dbname=app"`). */
function readConnection(text: string, source: string, env: NodeJS.ProcessEnv): string {
  const conninfo = !/^[a-z][a-z0-9+.-]*:/i.test(text) && /^\s*[a-z_]+\s*=/i.test(text);
  const url = checkUrl(conninfo ? conninfoToUrl(text, source) : text, source);
  return completeUrl(url, env);
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
  const server = (text: string, source: Extract<Target, { kind: 'server' }>['source'], where: string): Target => {
    const url = readConnection(text, where, input.env);
    return { kind: 'server', url, source, display: redactUrl(url) };
  };
  if (input.url !== undefined && input.url !== '') return server(input.url, '--url', '--url');
  const fromEnv = input.env['DATABASE_URL'];
  if (fromEnv !== undefined && fromEnv.trim() !== '') return server(fromEnv.trim(), 'DATABASE_URL', 'DATABASE_URL');
  const fromFile = dotenvUrl(input.cwd);
  if (fromFile !== null) return server(fromFile, '.env', 'DATABASE_URL in .env');
  // libpq's own variables, as psql reads them: the server they name, its gaps filled as libpq fills them.
  if (PG_VARIABLES.some((v) => (input.env[v] ?? '').trim() !== '')) {
    const url = completeUrl('postgresql:///', input.env);
    return { kind: 'server', url, source: 'PG*', display: redactUrl(url) };
  }
  const dir = join(input.cwd, '.schema');
  return { kind: 'embedded', dir, display: (relative(input.cwd, dir) || '.') + '/' };
}

/** One line saying which database is used, as the first thing a command prints. */
export function describeTarget(target: Target): string {
  if (target.kind === 'embedded') {
    return `Using the embedded PostgreSQL (PGlite) in ${target.display} (set --url, DATABASE_URL or PGHOST to use a server)`;
  }
  const from =
    target.source === '--url'
      ? ''
      : ` (from ${target.source === '.env' ? 'DATABASE_URL in .env' : target.source === 'PG*' ? `${PG_VARIABLES.filter((v) => (process.env[v] ?? '').trim() !== '').join(', ') || 'PG* variables'}` : 'DATABASE_URL'})`;
  return `Using ${target.display}${from}`;
}
