// Token-level edits of SQL that PostgreSQL spelled: renaming a column inside a stored check or
// index expression, and finding whether an expression names a type.
import { describe, expect, it } from 'vitest';
import { mentionsType, renameColumnIn } from '../../src/model/sql-tokens.js';

const rename = (sql: string, from: string, to: string) => renameColumnIn(sql, new Map([[from, to]]));

describe('renameColumnIn', () => {
  it('renames every use of the column', () => {
    expect(rename('CHECK ((qty >= 0) AND (qty < 100))', 'qty', 'quantity')).toBe('CHECK ((quantity >= 0) AND (quantity < 100))');
    expect(rename('(lower(email) = email)', 'email', 'mail')).toBe('(lower(mail) = mail)');
  });

  it('leaves a function of the same name alone', () => {
    expect(rename('CHECK ((lower(lower) <> lower))', 'lower', 'name_lc')).toBe('CHECK ((lower(name_lc) <> name_lc))');
  });

  it('leaves a qualified part of the same name alone', () => {
    expect(rename('(qty = (x.qty + public.qty(1)))', 'qty', 'quantity')).toBe('(quantity = (x.qty + public.qty(1)))');
  });

  it('leaves a type after :: alone', () => {
    // a column and an enum both called status
    expect(rename("(status <> 'gone'::public.status)", 'status', 'state')).toBe("(state <> 'gone'::public.status)");
    expect(rename('((amount)::money > (0)::money)', 'money', 'cash')).toBe('((amount)::money > (0)::money)');
    expect(rename('((money)::money > (0)::money)', 'money', 'cash')).toBe('((cash)::money > (0)::money)');
  });

  it('leaves string literals of the same text alone', () => {
    expect(rename("((note = 'qty'::text) AND (qty > 0))", 'qty', 'quantity')).toBe("((note = 'qty'::text) AND (quantity > 0))");
    expect(rename("((note)::text ~~ 'qty%'::text)", 'qty', 'quantity')).toBe("((note)::text ~~ 'qty%'::text)");
  });

  it('does not rename a column whose name only starts the same', () => {
    expect(rename('((qty > 0) AND (qty_max > qty))', 'qty', 'quantity')).toBe('((quantity > 0) AND (qty_max > quantity))');
  });

  it('quotes as needed on both sides', () => {
    expect(rename('("Old Name" > 1)', 'Old Name', 'new')).toBe('(new > 1)');
    expect(rename('(total > 1)', 'total', 'Total Amount')).toBe('("Total Amount" > 1)');
    expect(rename('("order" > 1)', 'order', 'position')).toBe('("position" > 1)');
    expect(rename('(pos > 1)', 'pos', 'user')).toBe('("user" > 1)');
    // an unquoted `order` in the text would be the keyword, never the column
    expect(rename('(a > 1) ORDER BY a', 'order', 'x')).toBe('(a > 1) ORDER BY a');
  });

  it('keeps multibyte text before and after the rename intact', () => {
    // PostgreSQL prints a non-ASCII name quoted
    expect(rename(`(("größe" > 0) AND (note = 'ä ö ü'::text) AND ("größe" < 10))`, 'größe', 'size')).toBe("((size > 0) AND (note = 'ä ö ü'::text) AND (size < 10))");
    expect(rename("((note = 'ä'::text) AND (qty > 0))", 'qty', 'menge')).toBe("((note = 'ä'::text) AND (menge > 0))");
  });

  it('swaps two columns in one pass', () => {
    expect(
      renameColumnIn(
        '(a < b)',
        new Map([
          ['a', 'b'],
          ['b', 'a'],
        ]),
      ),
    ).toBe('(b < a)');
  });

  it('returns the text unchanged when there is nothing to rename', () => {
    const sql = 'CHECK ((total >= (0)::numeric))';
    expect(renameColumnIn(sql, new Map())).toBe(sql);
    expect(rename(sql, 'other', 'x')).toBe(sql);
  });
});

describe('mentionsType', () => {
  it('finds a schema-qualified type, as pg_get_expr prints it with an empty search_path', () => {
    expect(mentionsType("(status = 'new'::public.order_status)", 'public', 'order_status')).toBe(true);
    expect(mentionsType("(tags && '{a}'::public.order_status[])", 'public', 'order_status')).toBe(true);
    expect(mentionsType('(s = \'x\'::"My Schema"."Mood")', 'My Schema', 'Mood')).toBe(true);
  });

  it('does not see the type in a string, in another schema, or in a longer name', () => {
    expect(mentionsType("(status = 'public.order_status'::text)", 'public', 'order_status')).toBe(false);
    expect(mentionsType("(status = 'new'::billing.order_status)", 'public', 'order_status')).toBe(false);
    expect(mentionsType("(status = 'new'::public.order_status_old)", 'public', 'order_status')).toBe(false);
    expect(mentionsType('(order_status IS NOT NULL)', 'public', 'order_status')).toBe(false);
    expect(mentionsType("(s = 'x'::public.mood)", 'public', 'Mood')).toBe(false);
  });
});
