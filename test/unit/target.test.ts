// Which database a command talks to, and how its URL is shown: never with a password.
import { describe, expect, it } from 'vitest';
import { connectionStrings, redactUrl, resolveTarget, TargetError } from '../../src/db/target.js';

const resolve = (url: string) => resolveTarget({ url, env: {}, cwd: '/nowhere' });

describe('target URLs', () => {
  it('hides a password in the user part and in the query', () => {
    expect(redactUrl('postgres://app:s3cret@db:5432/app')).toBe('postgres://app:***@db:5432/app');
    expect(redactUrl('postgres://app@db:5432/app?password=s3cret&sslmode=require')).toBe('postgres://app@db:5432/app?password=***&sslmode=require');
    expect(resolve('postgres://app@db/app?password=s3cret')).toMatchObject({ kind: 'server', display: 'postgres://app@db/app?password=***' });
  });

  it('takes a Unix socket URL with an empty host, as psql does', () => {
    const url = 'postgresql://postgres@/app?host=/var/run/postgresql';
    expect(resolve(url)).toEqual({ kind: 'server', url, source: '--url', display: url });
    expect(redactUrl('postgresql://u:pw@/app?host=/tmp')).toBe('postgresql://u:***@/app?host=/tmp');
  });

  it('refuses an sslmode psql would refuse, and verify-ca without a CA, before connecting', () => {
    expect(() => resolve('postgres://db/app?sslmode=bogus')).toThrow(new TargetError('invalid sslmode "bogus" in --url: use disable, allow, prefer, require, verify-ca or verify-full'));
    expect(() => resolve('postgres://db/app?sslmode=verify-ca')).toThrow(/^sslmode=verify-ca in --url needs the CA to check the server against: add sslrootcert=/);
    expect(resolve('postgres://db/app?sslmode=verify-ca&sslrootcert=/etc/ca.pem')).toMatchObject({ kind: 'server' });
  });

  it('refuses what is not a postgres URL, without showing its password', () => {
    expect(() => resolve('mysql://u:pw@db/app')).toThrow(new TargetError('--url must be a postgres:// URL, not mysql://...'));
    expect(() => resolve('not a url')).toThrow(TargetError);
  });

  it('reads sslmode as psql does: require without checking the certificate, prefer falling back to plain', () => {
    expect(connectionStrings('postgres://db/app')).toEqual(['postgres://db/app']);
    expect(connectionStrings('postgres://db/app?sslmode=require')).toEqual(['postgres://db/app?sslmode=require&uselibpqcompat=true']);
    expect(connectionStrings('postgres://db/app?sslmode=prefer&application_name=x')).toEqual([
      'postgres://db/app?sslmode=prefer&application_name=x&uselibpqcompat=true',
      'postgres://db/app?sslmode=disable&application_name=x',
    ]);
    // PGSSLMODE as psql reads it, when the URL says nothing.
    expect(connectionStrings('postgres://db/app', { PGSSLMODE: 'prefer' })).toEqual(['postgres://db/app?sslmode=prefer&uselibpqcompat=true', 'postgres://db/app?sslmode=disable']);
    expect(connectionStrings('postgres://db/app?sslmode=disable', { PGSSLMODE: 'require' })).toEqual(['postgres://db/app?sslmode=disable&uselibpqcompat=true']);
    expect(() => connectionStrings('postgres://db/app', { PGSSLMODE: 'bogus' })).toThrow(new TargetError('invalid sslmode "bogus" in PGSSLMODE: use disable, allow, prefer, require, verify-ca or verify-full'));
    // Someone who chose the driver's reading keeps it.
    expect(connectionStrings('postgres://db/app?sslmode=require&uselibpqcompat=false')).toEqual(['postgres://db/app?sslmode=require&uselibpqcompat=false']);
  });
});

describe('libpq conventions, as psql reads them', () => {
  const at = (input: { url?: string; env?: NodeJS.ProcessEnv }) => resolveTarget({ url: input.url, env: input.env ?? {}, cwd: '/nowhere' });
  const PG = { PGHOST: 'db.internal', PGPORT: '6543', PGUSER: 'app', PGDATABASE: 'shop', PGPASSWORD: 's3cret' };

  it('PG* variables name a server when there is no --url or DATABASE_URL; the password stays with the driver, never in the URL', () => {
    expect(at({ env: PG })).toEqual({ kind: 'server', url: 'postgresql://app@db.internal:6543/shop', source: 'PG*', display: 'postgresql://app@db.internal:6543/shop' });
    // One is enough; what is missing is filled as libpq fills it (the database is the user's name).
    expect(at({ env: { PGUSER: 'app', PGHOST: '10.0.0.5' } })).toMatchObject({ kind: 'server', url: 'postgresql://app@10.0.0.5/app' });
    expect(at({ env: { PGHOST: '/var/run/postgresql', PGUSER: 'app', PGDATABASE: 'shop' } })).toMatchObject({ url: 'postgresql://app@/shop?host=/var/run/postgresql' });
  });

  it('--url first, then DATABASE_URL, then PG* variables, then the embedded database', () => {
    expect(at({ url: 'postgres://u@h:5432/d', env: { ...PG, DATABASE_URL: 'postgres://x@y:5432/z' } })).toMatchObject({ url: 'postgres://u@h:5432/d', source: '--url' });
    expect(at({ env: { ...PG, DATABASE_URL: 'postgres://x@y:5432/z' } })).toMatchObject({ url: 'postgres://x@y:5432/z', source: 'DATABASE_URL' });
    expect(at({ env: PG })).toMatchObject({ source: 'PG*' });
    expect(at({ env: { PGSSLMODE: 'require' } })).toMatchObject({ kind: 'embedded' });
  });

  it('fills what a URL leaves out from PG* variables: postgres:///db works', () => {
    expect(at({ url: 'postgres:///shop', env: { PGHOST: '127.0.0.1', PGUSER: 'postgres' } })).toMatchObject({ url: 'postgres://postgres@127.0.0.1/shop' });
    expect(at({ url: 'postgres://db/shop', env: { PGPORT: '6543', PGUSER: 'app' } })).toMatchObject({ url: 'postgres://app@db:6543/shop' });
    expect(at({ url: 'postgres://me@db:5432/shop', env: PG })).toMatchObject({ url: 'postgres://me@db:5432/shop' });
  });

  it('takes a keyword/value conninfo as psql does, and refuses an option libpq does not know', () => {
    expect(at({ url: 'host=127.0.0.1 port=5433 dbname=shop user=app' })).toMatchObject({ kind: 'server', url: 'postgresql://app@127.0.0.1:5433/shop', display: 'postgresql://app@127.0.0.1:5433/shop' });
    expect(at({ url: "host = db dbname='my shop' user=app password='p w' sslmode=require" })).toMatchObject({ display: 'postgresql://app:***@db/my%20shop?sslmode=require' });
    expect(at({ url: "dbname=shop user=app password='a\\'b'", env: { PGHOST: 'db' } })).toMatchObject({ url: "postgresql://app:a'b@db/shop" });
    expect(() => at({ url: 'host=db colour=red' })).toThrow(new TargetError('--url: invalid connection option "colour"'));
    expect(() => at({ url: "host=db password='open" })).toThrow(new TargetError('--url: unterminated quoted string in the connection string'));
  });
});
