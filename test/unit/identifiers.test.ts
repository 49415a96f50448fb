// Names: the one quoting function, PostgreSQL's own names for implicit keys, qualified names
// as written in schema.yaml, and string literals. Where the server decides, the server is asked.
import { describe, expect, it } from 'vitest';
import { identifierBytes, implicitName, parseQualifiedName, quoteIdent, quoteLiteral } from '../../src/model/identifiers.js';
import { withScratch } from '../support/scratch.js';

describe('quoteIdent', () => {
  it.each([
    // plain lower-case names stay as they are
    ['users', 'users'],
    ['order_items', 'order_items'],
    ['_private', '_private'],
    ['t1', 't1'],
    // reserved words are quoted
    ['order', '"order"'],
    ['user', '"user"'],
    ['select', '"select"'],
    ['table', '"table"'],
    ['from', '"from"'],
    ['check', '"check"'],
    // unreserved keywords are not
    ['name', 'name'],
    ['text', 'text'],
    ['abort', 'abort'],
    ['comment', 'comment'],
    ['key', 'key'],
    // non-reserved keywords that can still not be a bare column name (col_name_keyword) are
    ['int', '"int"'],
    ['between', '"between"'],
    // anything that is not a plain lower-case identifier
    ['Users', '"Users"'],
    ['my table', '"my table"'],
    ['a"b', '"a""b"'],
    ['"', '""""'],
    ['größe', '"größe"'],
    ['1st', '"1st"'],
    ['a$b', '"a$b"'],
    ['a-b', '"a-b"'],
    ['a.b', '"a.b"'],
  ])('%s -> %s', (name, quoted) => {
    expect(quoteIdent(name)).toBe(quoted);
  });

  it("agrees with the server's quote_ident, name by name", async () => {
    const names = [
      'users',
      'order',
      'user',
      'select',
      'table',
      'from',
      'check',
      'name',
      'text',
      'abort',
      'comment',
      'key',
      'int',
      'between',
      'value',
      'Users',
      'my table',
      'a"b',
      'größe',
      '1st',
      'a$b',
      'x1$',
      '_',
      'a-b',
      'a.b',
      'ÄÖ',
      'all',
      'analyse',
      'authorization',
      'binary',
      'current_user',
      'do',
      'end',
      'grant',
      'join',
      'left',
      'limit',
      'offset',
      'primary',
      'references',
      'returning',
      'time',
      'timestamp',
      'when',
      'window',
      'xmltable',
      'zone',
    ];
    await withScratch('quoteident', async (s) => {
      const rows = await s.db.query<{ q: string[] }>('SELECT array_agg(quote_ident(n) ORDER BY i) AS q FROM unnest($1::text[]) WITH ORDINALITY u(n, i)', [names]);
      expect(names.map(quoteIdent)).toEqual(rows[0]!.q);
    });
  });

  it('gives back the same name when the server reads the quoted form', async () => {
    const names = ['Mixed Case', 'with "quotes"', 'größe', 'order', '1st', 'a$b'];
    await withScratch('quoteroundtrip', async (s) => {
      await s.db.exec(`CREATE TABLE public.t (${names.map((n) => `${quoteIdent(n)} integer`).join(', ')})`);
      const rows = await s.db.query<{ attname: string }>("SELECT attname FROM pg_attribute WHERE attrelid = 'public.t'::regclass AND attnum > 0 ORDER BY attnum");
      expect(rows.map((r) => r.attname)).toEqual(names);
    });
  });
});

describe('implicitName', () => {
  it('joins table, column and label when they fit', () => {
    expect(implicitName('users', 'email', 'key')).toBe('users_email_key');
    expect(implicitName('users', null, 'pkey')).toBe('users_pkey');
    expect(implicitName('My Table', 'Col', 'key')).toBe('My Table_Col_key');
  });

  it('never exceeds 63 bytes, cutting the longer part first and never splitting a character', () => {
    const name = implicitName('t'.repeat(60), 'c'.repeat(60), 'key');
    expect(identifierBytes(name)).toBe(63);
    // 63 - len('__key') = 58 bytes are left for both parts; on a tie the second gives way first.
    expect(name).toBe(`${'t'.repeat(29)}_${'c'.repeat(29)}_key`);
    const short = implicitName('t'.repeat(60), 'id', 'key');
    expect(short).toBe(`${'t'.repeat(56)}_id_key`);
    expect(implicitName('t'.repeat(30), 'c'.repeat(60), 'key')).toBe(`${'t'.repeat(29)}_${'c'.repeat(29)}_key`);
    const unicode = implicitName('é'.repeat(40), null, 'pkey');
    expect(identifierBytes(unicode)).toBeLessThanOrEqual(63);
    expect(unicode).toBe(`${'é'.repeat(29)}_pkey`);
  });

  it('gives the names PostgreSQL itself gives, checked on the server', async () => {
    const table = 'a'.repeat(60);
    const column = 'long_column_'.padEnd(50, 'c');
    const twoByte = 'é'.repeat(30); // 60 bytes
    const cases = [
      // the brief's case: a 60-character table, a long column with a UNIQUE constraint
      { table, columns: [`id integer PRIMARY KEY`, `"${column}" integer UNIQUE`, `x integer UNIQUE`] },
      // multibyte characters: a cut must not split one
      { table: twoByte, columns: [`id integer PRIMARY KEY`, `"${column}" integer UNIQUE`, `"é${twoByte}" integer UNIQUE`] },
      // short names are not cut at all
      { table: 'orders', columns: ['id integer PRIMARY KEY', 'code text UNIQUE'] },
    ];
    await withScratch('implicitname', async (s) => {
      for (const c of cases) {
        await s.db.exec(`CREATE TABLE public."${c.table}" (${c.columns.join(', ')})`);
        const rows = await s.db.query<{ conname: string; contype: string; col: string }>(
          `SELECT conname, contype, a.attname AS col FROM pg_constraint k JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = k.conkey[1]
           WHERE conrelid = 'public."${c.table}"'::regclass ORDER BY conname`,
        );
        expect(rows.length).toBe(c.columns.length);
        for (const r of rows) {
          const expected = r.contype === 'p' ? implicitName(c.table, null, 'pkey') : implicitName(c.table, r.col, 'key');
          expect(r.conname, `${r.contype} on ${c.table}(${r.col})`).toBe(expected);
        }
      }
    });
  });
});

describe('parseQualifiedName', () => {
  it.each([
    ['a', { schema: 'public', name: 'a' }],
    ['a.b', { schema: 'a', name: 'b' }],
    ['billing.invoices', { schema: 'billing', name: 'invoices' }],
    ['"a.b"', { schema: 'public', name: 'a.b' }],
    ['"My ""x"""."T"', { schema: 'My "x"', name: 'T' }],
    ['"My Schema".t', { schema: 'My Schema', name: 't' }],
    ['s."Odd.Name"', { schema: 's', name: 'Odd.Name' }],
    ['Users', { schema: 'public', name: 'Users' }],
    ['größe', { schema: 'public', name: 'größe' }],
  ])('%s', (text, expected) => {
    expect(parseQualifiedName(text)).toEqual(expected);
  });

  it('puts an unqualified name in the schema it is given', () => {
    expect(parseQualifiedName('invoices', 'billing')).toEqual({ schema: 'billing', name: 'invoices' });
    expect(parseQualifiedName('public.invoices', 'billing')).toEqual({ schema: 'public', name: 'invoices' });
  });

  it.each(['', 'a.b.c', 'a.', '.a', '..', '"open', 'a"b', '"a"b', '"a".', '""', '"".a', 'a.""'])('rejects %j', (text) => {
    expect(parseQualifiedName(text)).toBeNull();
  });
});

describe('quoteLiteral', () => {
  it('doubles single quotes and nothing else', () => {
    expect(quoteLiteral('active')).toBe("'active'");
    expect(quoteLiteral("it's")).toBe("'it''s'");
    expect(quoteLiteral('')).toBe("''");
    expect(quoteLiteral('a\\b')).toBe("'a\\b'");
  });

  it('reads back as the same text on the server', async () => {
    const values = ["it's", "''", 'back\\slash', 'line\nbreak', 'größe ✓', '$$dollar$$', '"double"', '--not a comment', '; DROP TABLE x; --'];
    await withScratch('quoteliteral', async (s) => {
      const rows = await s.db.query<{ v: string[] }>(`SELECT ARRAY[${values.map(quoteLiteral).join(', ')}]::text[] AS v`);
      expect(rows[0]!.v).toEqual(values);
    });
  });
});
