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
