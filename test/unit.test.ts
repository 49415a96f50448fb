// The pure parts, one by one: the cast table, names and quoting (checked against the server),
// token-level renames, ordering, the revision chain, and statement splitting.
import { describe, expect, it } from 'vitest';
import { implicitName, parseQualifiedName, quoteIdent } from '../src/model/identifiers.js';
import type { Column } from '../src/model/model.js';
import { mentionsType, parenthesized, renameColumnIn } from '../src/model/sql-tokens.js';
import { conversion } from '../src/plan/casts.js';
import { order } from '../src/plan/order.js';
import type { Draft } from '../src/plan/steps.js';
import type { Step } from '../src/plan/types.js';
import { branchesOf, branchOrders } from '../src/revisions/branches.js';
import { Chain, revisionsToDowngrade, revisionsToUpgrade, selectRange } from '../src/revisions/chain.js';
import { formatRevision, parseRevision, splitStatements } from '../src/revisions/file.js';
import { withScratch } from './support/scratch.js';

const col = (type: string, typeRef: Column['typeRef'] = null): Column => ({
  kind: 'column',
  name: 'c',
  type,
  typeRef,
  nullable: true,
  default: null,
  identity: null,
  comment: null,
});

describe('the cast table', () => {
  const cases: Array<[string, string, 'widening' | 'lossy', boolean, 'cast' | 'via_text' | null]> = [
    // from, to, verdict, rewrites, explicit cast
    ['smallint', 'integer', 'widening', true, null],
    ['integer', 'bigint', 'widening', true, null],
    ['bigint', 'integer', 'lossy', true, null],
    ['integer', 'smallint', 'lossy', true, null],
    ['integer', 'numeric', 'widening', true, null],
    ['integer', 'numeric(12,2)', 'widening', true, null],
    ['bigint', 'numeric(12,2)', 'lossy', true, null],
    ['integer', 'double precision', 'widening', true, null],
    ['bigint', 'double precision', 'lossy', true, null],
    ['integer', 'real', 'lossy', true, null],
    ['numeric(10,2)', 'numeric(12,2)', 'widening', false, null],
    ['numeric(10,2)', 'numeric(12,4)', 'widening', true, null],
    ['numeric(10,2)', 'numeric(8,0)', 'lossy', true, null],
    ['numeric(10,2)', 'numeric(10,1)', 'lossy', true, null],
    ['numeric(10,2)', 'numeric', 'widening', false, null],
    ['numeric', 'numeric(10,2)', 'lossy', true, null],
    ['numeric(10,2)', 'integer', 'lossy', true, null],
    ['real', 'double precision', 'widening', true, null],
    ['double precision', 'real', 'lossy', true, null],
    ['double precision', 'numeric', 'lossy', true, null],
    ['character varying(10)', 'character varying(100)', 'widening', false, null],
    ['character varying(100)', 'character varying(10)', 'lossy', true, null],
    ['character varying(10)', 'text', 'widening', false, null],
    ['character varying(10)', 'character varying', 'widening', false, null],
    ['text', 'character varying', 'widening', false, null],
    ['text', 'character varying(10)', 'lossy', true, null],
    ['character(5)', 'text', 'lossy', true, null],
    ['character(5)', 'character(10)', 'widening', true, null],
    ['text', 'integer', 'lossy', true, 'cast'],
    ['text', 'uuid', 'lossy', true, 'cast'],
    ['text', 'jsonb', 'lossy', true, 'cast'],
    ['integer', 'text', 'widening', true, null],
    ['integer', 'character varying(5)', 'lossy', true, null],
    ['integer', 'character varying(11)', 'widening', true, null],
    ['uuid', 'text', 'widening', true, null],
    ['date', 'timestamp without time zone', 'widening', true, null],
    ['date', 'timestamp with time zone', 'widening', true, null],
    ['timestamp without time zone', 'timestamp with time zone', 'widening', true, null],
    ['timestamp with time zone', 'timestamp without time zone', 'lossy', true, null],
    ['timestamp with time zone', 'date', 'lossy', true, null],
    ['timestamp(3) with time zone', 'timestamp(6) with time zone', 'widening', false, null],
    ['timestamp(6) with time zone', 'timestamp(3) with time zone', 'lossy', true, null],
    ['timestamp(3) without time zone', 'timestamp without time zone', 'widening', false, null],
    ['time without time zone', 'time with time zone', 'widening', true, null],
    ['time with time zone', 'time without time zone', 'lossy', true, null],
    ['interval', 'time without time zone', 'lossy', true, null],
    ['json', 'jsonb', 'lossy', true, null],
    ['jsonb', 'json', 'widening', true, null],
    ['cidr', 'inet', 'widening', false, null],
    ['inet', 'cidr', 'lossy', true, null],
    ['bit varying(5)', 'bit varying(10)', 'widening', false, null],
    ['bit(5)', 'bit(10)', 'lossy', true, null],
    ['integer[]', 'bigint[]', 'widening', true, null],
    ['bigint[]', 'integer[]', 'lossy', true, null],
    ['text[]', 'text', 'widening', true, null],
    ['boolean', 'integer', 'widening', true, 'cast'],
    ['bytea', 'text', 'widening', true, null],
  ];
  it.each(cases)('%s -> %s is %s (rewrite: %s, explicit: %s)', (from, to, verdict, rewrite, explicit) => {
    const c = conversion(col(from), col(to));
    expect(c.lossy === null ? 'widening' : 'lossy').toBe(verdict);
    expect(c.rewrite).toBe(rewrite);
    expect(c.explicit).toBe(explicit);
  });

  it('says why a change is lossy in words a person checks', () => {
    expect(conversion(col('integer'), col('smallint')).lossy).toBe('values outside -32768..32767 fail');
    expect(conversion(col('character varying(100)'), col('character varying(10)')).lossy).toBe('values longer than 10 characters (trailing spaces aside) make the change fail; trailing spaces beyond 10 are cut');
    expect(conversion(col('numeric(10,2)'), col('numeric(8,0)')).lossy).toBe('values are rounded from 2 to 0 decimal places, and those that round up to 9 integer digits fail');
    expect(conversion(col('timestamp with time zone'), col('date')).lossy).toBe('the time of day is lost');
  });

  it('enums convert through text, both ways', () => {
    const mood = { schema: 'public', name: 'mood', array: false };
    expect(conversion(col('text'), col('public.mood', mood))).toMatchObject({ explicit: 'via_text' });
    expect(conversion(col('public.mood', mood), col('text'))).toMatchObject({ lossy: null, explicit: null });
    expect(conversion(col('public.mood', mood), col('integer'))).toMatchObject({ explicit: 'via_text' });
  });
});

describe('names', () => {
  it('quotes exactly as the server does', async () => {
    const names = ['users', 'order', 'user', 'select', 'table', 'name', 'text', 'abort', 'Users', 'my table', 'a"b', 'größe', '1st', 'a$b', '_x', 'int', 'between', 'value'];
    await withScratch('quote', async (s) => {
      const rows = await s.db.query<{ q: string[] }>('SELECT array_agg(quote_ident(n) ORDER BY i) AS q FROM unnest($1::text[]) WITH ORDINALITY u(n, i)', [names]);
      expect(names.map(quoteIdent)).toEqual(rows[0]!.q);
    });
  });

  it('names implicit keys as the server does, cut to 63 bytes', async () => {
    const table = 't'.repeat(40);
    const column = 'c'.repeat(40);
    const unicodeTable = 'ä'.repeat(35);
    await withScratch('implicit', async (s) => {
      await s.db.exec(`CREATE TABLE public."${table}" ("${column}" integer UNIQUE, id integer PRIMARY KEY); CREATE TABLE public."${unicodeTable}" (id integer PRIMARY KEY)`);
      const rows = await s.db.query<{ conname: string }>(`SELECT conname FROM pg_constraint WHERE conrelid IN ('public."${table}"'::regclass, 'public."${unicodeTable}"'::regclass) ORDER BY conname`);
      expect(rows.map((r) => r.conname).sort()).toEqual([implicitName(table, column, 'key'), implicitName(table, null, 'pkey'), implicitName(unicodeTable, null, 'pkey')].sort());
    });
    expect(Buffer.byteLength(implicitName(table, column, 'key'))).toBe(63);
  });

  it('reads qualified names, quotes and dots included', () => {
    expect(parseQualifiedName('users')).toEqual({ schema: 'public', name: 'users' });
    expect(parseQualifiedName('billing.invoices')).toEqual({ schema: 'billing', name: 'invoices' });
    expect(parseQualifiedName('"my.table"')).toEqual({ schema: 'public', name: 'my.table' });
    expect(parseQualifiedName('"My ""x"""."T"')).toEqual({ schema: 'My "x"', name: 'T' });
    for (const bad of ['', 'a.b.c', 'a.', '.a', '"open', 'a"b']) expect(parseQualifiedName(bad)).toBeNull();
  });
});

describe('token-level edits of spelled SQL', () => {
  it('renames a column but not a function, a qualified part or a type of the same name', () => {
    const renames = new Map([['qty', 'quantity']]);
    expect(renameColumnIn('CHECK ((qty >= 0) AND (qty(1) > 0) AND (x.qty = 1) AND (1::qty IS NULL))', renames)).toBe('CHECK ((quantity >= 0) AND (qty(1) > 0) AND (x.qty = 1) AND (1::qty IS NULL))');
    expect(renameColumnIn(`(note = 'qty'::text)`, renames)).toBe(`(note = 'qty'::text)`);
    expect(renameColumnIn('("Old Name" > 1)', new Map([['Old Name', 'new']]))).toBe('(new > 1)');
  });

  it('finds a type in an expression, and parenthesises once', () => {
    expect(mentionsType(`(status = 'new'::public.status)`, 'public', 'status')).toBe(true);
    expect(mentionsType(`(status = 'public.status'::text)`, 'public', 'status')).toBe(false);
    expect(parenthesized('(a > 1)')).toBe('(a > 1)');
    expect(parenthesized('(a > 1) AND (b > 2)')).toBe('((a > 1) AND (b > 2))');
    expect(parenthesized(`lower(')')`)).toBe(`(lower(')'))`);
  });
});

describe('ordering', () => {
  const draft = (op: Draft['op'], phase: number, tokens: Partial<Pick<Draft, 'provides' | 'requires' | 'removes' | 'releases' | 'softRequires' | 'softReleases'>> = {}): Draft => ({
    op,
    object: `${op}-${phase}-${JSON.stringify(tokens)}`,
    phase,
    sql: [],
    hazards: [],
    provides: [],
    requires: [],
    removes: [],
    releases: [],
    ...tokens,
  });

  it('follows the tokens, and the phases among independent steps', () => {
    const create = draft('create_table', 4, { provides: ['t'] });
    const fk = draft('add_foreign_key', 6, { requires: ['t'] });
    const dropFk = draft('drop_foreign_key', 1, { releases: ['u'] });
    const dropTable = draft('drop_table', 3, { removes: ['u'] });
    const index = draft('create_index', 5, { requires: ['t'] });
    expect(order([fk, index, create, dropTable, dropFk]).map((d) => d.op)).toEqual(['drop_foreign_key', 'drop_table', 'create_table', 'create_index', 'add_foreign_key']);
  });

  it('lets an edge win over a phase, and a removal come before a re-creation', () => {
    const needsLater = draft('drop_index', 2, { requires: ['x'] });
    const provider = draft('alter_column', 5, { provides: ['x'] });
    expect(order([needsLater, provider]).map((d) => d.op)).toEqual(['alter_column', 'drop_index']);
    const recreate = draft('create_index', 2, { provides: ['idx'] });
    const remove = draft('drop_index', 5, { removes: ['idx'] });
    expect(order([recreate, remove]).map((d) => d.op)).toEqual(['drop_index', 'create_index']);
  });

  it('names the steps of a cycle', () => {
    const a = draft('create_table', 4, { provides: ['a'], requires: ['b'] });
    const b = draft('create_table', 4, { provides: ['b'], requires: ['a'] });
    expect(() => order([a, b])).toThrow(/in a cycle: create_table .*, create_table/);
  });

  it('keeps soft edges (a default using a sequence) unless they close a cycle', () => {
    const usesLater = draft('create_table', 4, { provides: ['y'], softRequires: ['x_seq'] });
    const makes = draft('create_table', 4, { provides: ['x', 'x_seq'] });
    expect(order([usesLater, makes]).map((d) => d.object)).toEqual([makes.object, usesLater.object]);
    // Each uses the other's sequence: no order works, and none is forced.
    const a = draft('drop_table', 3, { removes: ['a_seq'], softReleases: ['b_seq'] });
    const b = draft('drop_table', 3, { removes: ['b_seq'], softReleases: ['a_seq'] });
    expect(order([a, b]).map((d) => d.object)).toEqual([a.object, b.object]);
  });
});

describe('the revision chain', () => {
  const revision = (id: string, parents: string[], at: string) => {
    const created = new Date(`2026-01-0${at}T00:00:00Z`);
    const { text } = formatRevision({ steps: [], downgrade: [] }, { id, parents, created, message: id });
    return parseRevision(`2026010${at}T000000Z_${id}.sql`, text);
  };
  // aaa111 <- aaa222 <- bbb333, and a branch aaa111 <- ccc444, merged by ddd555.
  const chain = Chain.of([revision('aaa111', [], '1'), revision('aaa222', ['aaa111'], '2'), revision('bbb333', ['aaa222'], '3'), revision('ccc444', ['aaa111'], '4'), revision('ddd555', ['bbb333', 'ccc444'], '5')]);

  it('orders parents first and finds the head', () => {
    expect(chain.ordered.map((r) => r.revision)).toEqual(['aaa111', 'aaa222', 'bbb333', 'ccc444', 'ddd555']);
    expect(chain.head()?.revision).toBe('ddd555');
  });

  it('finds revisions by unambiguous prefix, and says when one is ambiguous', () => {
    expect(chain.find('bb').revision).toBe('bbb333');
    expect(() => chain.find('aaa')).toThrow('"aaa" is ambiguous: aaa111, aaa222');
    expect(() => chain.find('fff')).toThrow('no revision starts with "fff"');
  });

  it('resolves upgrade and downgrade targets through the merge', () => {
    expect(revisionsToUpgrade(chain, new Set(['aaa111']), 'head').map((r) => r.revision)).toEqual(['aaa222', 'bbb333', 'ccc444', 'ddd555']);
    expect(revisionsToUpgrade(chain, new Set(['aaa111']), '+2').map((r) => r.revision)).toEqual(['aaa222', 'bbb333']);
    expect(revisionsToUpgrade(chain, new Set(['aaa111']), 'ccc').map((r) => r.revision)).toEqual(['ccc444']);
    const all = new Set(chain.ordered.map((r) => r.revision));
    expect(revisionsToDowngrade(chain, all, '-2').map((r) => r.revision)).toEqual(['ddd555', 'ccc444']);
    expect(revisionsToDowngrade(chain, all, 'aaa2').map((r) => r.revision)).toEqual(['ddd555', 'ccc444', 'bbb333']);
    expect(revisionsToDowngrade(chain, all, 'base')).toHaveLength(5);
  });

  it('steps back along the order the database applied, not the order of the files', () => {
    // This database applied the branch ccc444 before aaa222 and bbb333.
    const applied = ['aaa111', 'ccc444', 'aaa222', 'bbb333', 'ddd555'];
    expect(revisionsToDowngrade(chain, applied, '-2').map((r) => r.revision)).toEqual(['ddd555', 'bbb333']);
    expect(revisionsToDowngrade(chain, applied, 'base').map((r) => r.revision)).toEqual(['ddd555', 'bbb333', 'aaa222', 'ccc444', 'aaa111']);
    expect(revisionsToDowngrade(chain, applied, 'ccc').map((r) => r.revision)).toEqual(['ddd555', 'bbb333', 'aaa222']);
  });

  it('refuses to upgrade to a revision the database is past, and does nothing for the one it stands on', () => {
    const applied = new Set(['aaa111', 'aaa222', 'bbb333']);
    expect(() => revisionsToUpgrade(chain, applied, 'aaa2')).toThrow('cannot upgrade to aaa222 (20260102T000000Z_aaa222.sql): it is behind the current revision of this database, bbb333 (20260103T000000Z_bbb333.sql)');
    expect(revisionsToUpgrade(chain, applied, 'bbb')).toEqual([]);
    expect(revisionsToUpgrade(chain, applied, 'ccc').map((r) => r.revision)).toEqual(['ccc444']);
  });

  it('refuses a bare number, showing both readings when it is also a revision prefix; a count in the wrong direction points to the other command', () => {
    const numbered = Chain.of([revision('2a9f00', [], '1'), revision('2b7e11', ['2a9f00'], '2'), revision('31c4d2', ['2b7e11'], '3')]);
    const all = ['2a9f00', '2b7e11', '31c4d2'];
    expect(() => revisionsToDowngrade(numbered, all, '2')).toThrow(
      '"2" could mean two things: `schema downgrade -2` for the last 2 revisions, or `schema downgrade 2a9f00` for revision 2a9f00 (20260101T000000Z_2a9f00.sql), or `schema downgrade 2b7e11` for revision 2b7e11 (20260102T000000Z_2b7e11.sql)',
    );
    expect(() => revisionsToDowngrade(numbered, all, '3')).toThrow(
      '"3" could mean two things: `schema downgrade -3` for the last 3 revisions, or `schema downgrade 31c4d2` for revision 31c4d2 (20260103T000000Z_31c4d2.sql)',
    );
    expect(() => revisionsToUpgrade(numbered, new Set(['2a9f00']), '1')).toThrow('no revision starts with "1"; a count is written with its sign: `schema upgrade +1` for the next revision');
    expect(() => revisionsToUpgrade(numbered, new Set(['2a9f00']), '31')).toThrow('"31" could mean two things: `schema upgrade +31` for the next 31 revisions, or `schema upgrade 31c4d2`');
    // The signed count and the prefix with a letter each mean one thing.
    expect(revisionsToDowngrade(numbered, all, '-2').map((r) => r.revision)).toEqual(['31c4d2', '2b7e11']);
    expect(revisionsToDowngrade(numbered, all, '2a').map((r) => r.revision)).toEqual(['31c4d2', '2b7e11']);
    let wrong: unknown;
    try {
      revisionsToUpgrade(numbered, new Set(all), '-1');
    } catch (error) {
      wrong = error;
    }
    expect(wrong).toMatchObject({ message: 'upgrade goes forward only, so it takes no "-1"', hint: 'to go back 1, run `schema downgrade -1`' });
    expect(() => revisionsToDowngrade(numbered, all, '+1')).toThrow('downgrade goes back only, so it takes no "+1"');
  });

  it('says a reversed history range is reversed, and gives an empty one as empty', () => {
    const ids = (range: string, current: string[] | null = null) => selectRange(chain, range, current?.map((c) => chain.get(c)!) ?? null).map((r) => r.revision);
    expect(() => ids('head:base')).toThrow('the range "head:base" is reversed: its start (ddd555) comes after its end (base)');
    expect(() => ids('bbb333:base')).toThrow('the range "bbb333:base" is reversed');
    expect(() => ids('bbb:aaa1')).toThrow('the range "bbb:aaa1" is reversed: its start (bbb333) comes after its end (aaa111)');
    expect(() => ids('current:-1', ['bbb333'])).toThrow('is reversed');
    expect(ids('base:base')).toEqual([]);
    expect(ids('bbb333:bbb333')).toEqual(['bbb333']);
  });

  it('selects history ranges', () => {
    const ids = (range: string, current: string[] | null = null) => selectRange(chain, range, current?.map((c) => chain.get(c)!) ?? null).map((r) => r.revision);
    expect(ids('base:head')).toEqual(['ddd555', 'ccc444', 'bbb333', 'aaa222', 'aaa111']);
    expect(ids('aaa222:bbb333')).toEqual(['bbb333', 'aaa222']);
    expect(ids('-1:current', ['bbb333'])).toEqual(['bbb333', 'aaa222']);
    expect(ids(':aaa2')).toEqual(['aaa222', 'aaa111']);
    expect(() => ids('current:head')).toThrow('"current" needs a database');
  });

  it('keeps a history range to one line of descent across branches, as Alembic does', () => {
    const ids = (range: string, current: string[] | null = null) => selectRange(chain, range, current?.map((c) => chain.get(c)!) ?? null).map((r) => r.revision);
    // From a revision on one branch: its descendants only, never the other branch.
    expect(ids('aaa222:head')).toEqual(['ddd555', 'bbb333', 'aaa222']);
    expect(ids('ccc:head')).toEqual(['ddd555', 'ccc444']);
    expect(ids('aaa222:')).toEqual(['ddd555', 'bbb333', 'aaa222']);
    expect(ids('aaa111:ddd555')).toEqual(['ddd555', 'ccc444', 'bbb333', 'aaa222', 'aaa111']);
    expect(() => ids('ccc444:bbb333')).toThrow('the range "ccc444:bbb333" has its ends on different branches: ccc444 is not an ancestor of bbb333');
    expect(() => ids('ccc:current', ['bbb333'])).toThrow('has its ends on different branches');
    // +N walks forward from the database's revision along its descendants, not into the other branch.
    expect(ids('current:+1', ['aaa222'])).toEqual(['bbb333', 'aaa222']);
    expect(ids('+1:', ['aaa222'])).toEqual(['ddd555', 'bbb333']);
    expect(() => ids('current:+2', ['ccc444'])).toThrow('"+2" goes past the last revision');
    expect(ids('current:+1', ['ccc444'])).toEqual(['ddd555', 'ccc444']);
    // Through a merge or a branch point, a relative walk is ambiguous (Alembic's "Ambiguous walk").
    expect(() => ids('-1:')).toThrow('"-1" is ambiguous: ddd555 (20260105T000000Z_ddd555.sql) is a merge of bbb333 and ccc444');
    expect(ids('-1:current', ['bbb333'])).toEqual(['bbb333', 'aaa222']);
    expect(() => ids('current:+1', ['aaa111'])).toThrow('"+1" is ambiguous: aaa111 (20260101T000000Z_aaa111.sql) branches into aaa222 and ccc444');
  });

  it('with two heads, head is both of them, and -N has no one revision to count from', () => {
    const open = Chain.of([revision('aaa111', [], '1'), revision('aaa222', ['aaa111'], '2'), revision('ccc444', ['aaa111'], '4')]);
    const ids = (range: string) => selectRange(open, range, null).map((r) => r.revision);
    expect(ids('base:head')).toEqual(['ccc444', 'aaa222', 'aaa111']);
    expect(ids('head:head')).toEqual(['ccc444', 'aaa222']);
    expect(ids('head:')).toEqual(['ccc444', 'aaa222']);
    expect(ids('aaa222:head')).toEqual(['aaa222']);
    expect(() => ids('-1:')).toThrow('plans/ has 2 heads, so "-1" has no one revision to count from');
  });

  it('refuses cycles and unknown parents, naming files', () => {
    expect(() => Chain.of([revision('aaa111', ['zzz999'], '1')])).toThrow('20260101T000000Z_aaa111.sql (revision aaa111) revises zzz999, which is not in the folder');
    expect(() => Chain.of([revision('aaa111', ['bbb222'], '1'), revision('bbb222', ['aaa111'], '2')])).toThrow(/revise each other in a cycle/);
  });
});

describe('branches of the chain', () => {
  const revision = (id: string, parents: string[], at: string, objects: string[]) => {
    const steps: Step[] = objects.map((object) => ({ op: 'alter_column', object, sql: ['SELECT 1'], hazards: [] }));
    const { text } = formatRevision({ steps, downgrade: [] }, { id, parents, created: new Date(`2026-01-0${at}T00:00:00Z`), message: id });
    return parseRevision(`2026010${at}T000000Z_${id}.sql`, text);
  };
  // base <- a1 <- a2 and base <- b1 <- b2: a1, b1 and b2 change the users table; a2 another.
  const chain = Chain.of([
    revision('base00', [], '1', ['public.users']),
    revision('aaa111', ['base00'], '2', ['public.users.name']),
    revision('aaa222', ['aaa111'], '3', ['public.orders']),
    revision('bbb111', ['base00'], '4', ['public.users']),
    revision('bbb222', ['bbb111'], '5', ['public.users.name', 'public.users_log']),
  ]);
  const ids = (orders: readonly (readonly { revision: string }[])[]) => orders.map((o) => o.map((r) => r.revision).join(' '));

  it('finds what revisions on different branches both change, an object and one inside it included', () => {
    const b = branchesOf(chain);
    expect(b.shared.map((r) => r.revision)).toEqual(['base00']);
    expect(b.conflicts).toEqual(['public.users', 'public.users.name']);
    expect([...b.conflicting].sort()).toEqual(['aaa111', 'bbb111', 'bbb222']);
  });

  it('orders the conflicting revisions every way their branches allow, the chain order first', () => {
    const { orders, sampled } = branchOrders(chain, branchesOf(chain));
    expect(sampled).toBe(false);
    expect(ids(orders)).toEqual(['aaa111 aaa222 bbb111 bbb222', 'bbb111 aaa111 aaa222 bbb222', 'bbb111 bbb222 aaa111 aaa222']);
  });

  it('past the limit, orders whole branches only', () => {
    const { orders, sampled } = branchOrders(chain, branchesOf(chain), 2);
    expect(sampled).toBe(true);
    expect(ids(orders)).toEqual(['aaa111 aaa222 bbb111 bbb222', 'bbb111 bbb222 aaa111 aaa222']);
  });
});

describe('statement splitting', () => {
  it("splits where PostgreSQL's scanner sees a statement end, not inside strings, quotes or comments", () => {
    const sql = `-- a comment; with a semicolon\nCREATE TABLE "a;b" (x text DEFAULT 'x;y');\nCOMMENT ON TABLE "a;b" IS $$it's; fine$$;\n  SELECT 1 -- trailing; comment\n;`;
    expect(splitStatements(sql)).toEqual([`CREATE TABLE "a;b" (x text DEFAULT 'x;y')`, `COMMENT ON TABLE "a;b" IS $$it's; fine$$`, 'SELECT 1 -- trailing; comment']);
  });
});
