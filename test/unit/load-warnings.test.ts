// schema.yaml -> Spec, beside the one table of loader errors (test/cases/errors.ts, whose
// offline cases test/unit/errors.test.ts runs): what is close to an error but right, names and
// types that are warnings with a Spec all the same, and where positions name the file.
import { describe, expect, it } from 'vitest';
import { loadSpec } from '../../src/desired/load.js';

describe('loadSpec diagnostics', () => {
  it('puts the file name given into every position', () => {
    const result = loadSpec('db/shop.yaml', 'tables:\n  t:\n    columns:\n      id: integr\n');
    expect(result.diagnostics.map((d) => d.file)).toEqual(['db/shop.yaml']);
  });
});

describe('loadSpec accepts what is close to an error but right', () => {
  const ok = (yaml: string) => {
    const result = loadSpec('schema.yaml', yaml);
    expect(result.diagnostics).toEqual([]);
    expect(result.spec).not.toBeNull();
    return result.spec!;
  };

  it('a chain of renames: each source is itself renamed', () => {
    const spec = ok(`tables:
  a:
    renamed_from: b
    columns: { id: integer }
  b:
    renamed_from: c
    columns:
      x: { type: integer, renamed_from: y }
      y: { type: integer, renamed_from: z }
`);
    expect(spec.tables.map((t) => t.renamedFrom?.value.name)).toEqual(['b', 'c']);
  });

  it('names of exactly 63 bytes, ASCII or not', () => {
    const spec = ok(`tables:
  ${'t'.repeat(63)}:
    columns:
      ${'é'.repeat(31)}x: integer
`);
    expect(spec.tables[0]!.name).toHaveLength(63);
    expect(Buffer.byteLength(spec.tables[0]!.columns[0]!.name)).toBe(63);
  });

  it('an index in another schema named like a table', () => {
    ok(`tables:
  users:
    columns:
      id: integer
  billing.things:
    columns:
      id: integer
    indexes:
      users: { columns: [id] }
`);
  });

  it('the same check name on two tables (constraint names are per table)', () => {
    ok(`tables:
  t:
    columns:
      a: integer
    checks:
      positive: a > 0
  u:
    columns:
      a: integer
    checks:
      positive: a > 0
`);
  });

  it('identity on smallint, integer and bigint however they are spelled', () => {
    ok(`tables:
  t:
    columns:
      a: { type: int, identity: always }
      b: { type: int8, identity: by_default }
      c: { type: smallint, identity: by_default }
`);
  });

  it('a default that is a function call, not a column', () => {
    const spec = ok(`tables:
  t:
    columns:
      made: { type: timestamptz, default: { sql: now() } }
      day: { type: date, default: { sql: CURRENT_DATE } }
`);
    expect(spec.tables[0]!.columns.map((c) => c.default)).toMatchObject([
      { kind: 'expression', sql: 'now()' },
      { kind: 'expression', sql: 'CURRENT_DATE' },
    ]);
  });
});

describe('names with characters that cannot be seen, or that reorder the text, are warnings', () => {
  const yaml = `enums:
  "mood\u200d": [ok, "b\u2066ad"]
tables:
  "\ufeffusers":
    renamed_from: "people\u200c"
    columns:
      id: integer
      "e\u200bmail": { type: text, renamed_from: "mail\u2060" }
    indexes:
      "users\u202eidx": { columns: [id] }
`;

  it('each at its line, with a Spec all the same: the names are used as they are', () => {
    const result = loadSpec('schema.yaml', yaml);
    expect(result.spec).not.toBeNull();
    expect(result.spec!.tables[0]!.name).toBe('\ufeffusers');
    expect(result.diagnostics.map((d) => [d.line, d.col, d.code, d.severity, d.message])).toEqual([
      [2, 3, 'hidden_character', 'warning', 'enum "mood<U+200D>" contains U+200D (zero width joiner), which cannot be seen: it looks like "mood" but is another name'],
      [2, 17, 'hidden_character', 'warning', 'enum value "b<U+2066>ad" contains U+2066 (left-to-right isolate), which changes the order in which the text around it is shown, so the name can look like another'],
      [4, 3, 'hidden_character', 'warning', 'table "<U+FEFF>users" contains U+FEFF (zero width no-break space), which cannot be seen: it looks like "users" but is another name'],
      [5, 19, 'hidden_character', 'warning', 'renamed_from "people<U+200C>" contains U+200C (zero width non-joiner), which cannot be seen: it looks like "people" but is another name'],
      [8, 7, 'hidden_character', 'warning', 'column "e<U+200B>mail" contains U+200B (zero width space), which cannot be seen: it looks like "email" but is another name'],
      [8, 45, 'hidden_character', 'warning', 'renamed_from "mail<U+2060>" contains U+2060 (word joiner), which cannot be seen: it looks like "mail" but is another name'],
      [10, 7, 'hidden_character', 'warning', 'index "users<U+202E>idx" contains U+202E (right-to-left override), which changes the order in which the text around it is shown, so the name can look like another'],
    ]);
  });

  it('in text that is not a name (a comment), nothing is said', () => {
    const result = loadSpec('schema.yaml', `tables:\n  t:\n    comment: "a\u200bb"\n    columns:\n      id: integer\n`);
    expect(result.diagnostics).toEqual([]);
  });
});

describe('offline, types only the database can confirm are warnings', () => {
  const yaml = `tables:
  t:
    columns:
      email: citext
      tags: hstore
      vec: extensions.vector(3)
      also: public.citext
`;

  it('each at its line, with a Spec all the same', () => {
    const result = loadSpec('schema.yaml', yaml);
    expect(result.spec).not.toBeNull();
    expect(result.diagnostics.map((d) => [d.line, d.col, d.code, d.severity])).toEqual([
      [4, 14, 'unverified_type', 'warning'],
      [5, 13, 'unverified_type', 'warning'],
      [6, 12, 'unverified_type', 'warning'],
      [7, 13, 'unverified_type', 'warning'],
    ]);
    expect(result.diagnostics[0]!.message).toBe('type "citext" is neither built in nor an enum of this file: `schema plan` will check it against the database');
  });

  it('a slip of a built-in type is an error offline with its did-you-mean; a slip of an enum of the file a warning', () => {
    const slips = `enums:
  mood: [ok]
tables:
  t:
    columns:
      a: intger
      b: { type: jsnob, nullable: false }
      c: timestampz
      d: public.integr
      e: posint
      f: mod
      g: varchr(10)
`;
    const result = loadSpec('schema.yaml', slips);
    expect(result.spec).toBeNull();
    expect(result.diagnostics.map((d) => [d.line, d.col, d.code, d.severity, d.message])).toEqual([
      [6, 10, 'unknown_type', undefined, 'unknown type "intger". Did you mean "integer"?'],
      [7, 18, 'unknown_type', undefined, 'unknown type "jsnob". Did you mean "jsonb"?'],
      [8, 10, 'unknown_type', undefined, 'unknown type "timestampz". Did you mean "timestamptz"?'],
      [9, 10, 'unknown_type', undefined, 'unknown type "public.integr". Did you mean "integer"?'],
      [10, 10, 'unknown_type', undefined, 'unknown type "posint". Did you mean "point"?'],
      [11, 10, 'unverified_type', 'warning', 'type "mod" is neither built in nor an enum of this file. Did you mean "mood"?'],
      [12, 10, 'unknown_type', undefined, 'unknown type "varchr(10)". Did you mean "varchar"?'],
    ]);
    expect(result.diagnostics[4]!.hint).toBe('if the database has a type "posint" (a domain, or an extension\'s type), `schema plan` accepts it there');
    // Against a database that has none of them, each is an error.
    const online = loadSpec('schema.yaml', slips, { knownTypes: new Set() });
    expect(online.spec).toBeNull();
    expect(online.diagnostics.map((d) => [d.line, d.code, d.severity])).toEqual([6, 7, 8, 9, 10, 11, 12].map((line) => [line, 'unknown_type', undefined]));
  });

  it.each([
    ['integer', ' 42 '],
    ['integer', '-7'],
    ['integer', '0x1F'],
    ['integer', '1_000'],
    ['smallint', '-32768'],
    ['bigint', '9223372036854775807'],
    ['boolean', 'TRUE'],
    ['boolean', 'of'],
    ['boolean', 'y'],
    ['boolean', '0'],
    ['boolean', 'on'],
    ['numeric', '1e3'],
    ['numeric', '.5'],
    ['numeric', 'NaN'],
    ['real', '-inf'],
    ['double precision', 'Infinity'],
    ['uuid', 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11'],
    ['uuid', '{a0eebc999c0b4ef8bb6d6bb9bd380a11}'],
    ['integer[]', 'abc'],
    ['date', 'whenever'],
  ])('a text default %s accepts (or leaves to the server): %s', (type, value) => {
    const result = loadSpec('schema.yaml', `tables:\n  t:\n    columns:\n      x: { type: "${type}", default: "${value}" }\n`);
    expect(result.diagnostics).toEqual([]);
  });

  it('against a database (known types given), an unknown type is an error', () => {
    const result = loadSpec('schema.yaml', yaml, { knownTypes: new Set(['public.citext']) });
    expect(result.spec).toBeNull();
    expect(result.diagnostics.map((d) => [d.line, d.code, d.severity])).toEqual([
      [5, 'unknown_type', undefined],
      [6, 'unknown_type', undefined],
    ]);
  });
});
