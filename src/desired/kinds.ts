// Where schema.yaml declares each kind of object: the registry of desired/, typed over
// ObjectKind, so a new kind does not compile until it says where the file declares it (or that
// it cannot). test/unit/objects.test.ts checks that schemas/schema.json has each of these keys.

import type { ObjectKind } from '../model/objects.js';

/**
 * The keys leading to a kind's declarations: a key of the file, then a key of a table
 * (`['tables', 'indexes']`); null for a kind the file cannot declare.
 */
export const DECLARED_IN: { readonly [K in ObjectKind]: readonly [string] | readonly ['tables', string] | null } = {
  schema: ['schemas'],
  extension: ['extensions'],
  enum: ['enums'],
  sequence: ['sequences'],
  table: ['tables'],
  column: ['tables', 'columns'],
  // A serial's sequence comes with its column; schema.yaml cannot declare `serial`.
  owned_sequence: null,
  primary_key: ['tables', 'primary_key'],
  unique: ['tables', 'unique'],
  check: ['tables', 'checks'],
  index: ['tables', 'indexes'],
  foreign_key: ['tables', 'foreign_keys'],
  view: ['views'],
  function: ['functions'],
  trigger: ['triggers'],
  policy: ['tables', 'policies'],
  domain: ['domains'],
  composite_type: ['types'],
};
