// Exclusion constraints (`exclusions:` on a table, the whole EXCLUDE clause as one string):
// added to a table with rows, changed, dropped, on a new table; each case is also downgraded.
import type { PlanCase } from '../support/cases.js';

const rooms = `CREATE TABLE bookings (id integer PRIMARY KEY, room integer NOT NULL, during tstzrange NOT NULL);
INSERT INTO bookings VALUES (1, 1, '[2026-01-01 10:00+00, 2026-01-01 11:00+00)'), (2, 2, '[2026-01-01 10:00+00, 2026-01-01 11:00+00)');`;

const bookings = (exclusions: string): string => `
extensions:
  btree_gist: {}
tables:
  bookings:
    columns:
      id: { type: integer, primary_key: true }
      room: { type: integer, nullable: false }
      during: { type: tstzrange, nullable: false }
${exclusions}`;

export const exclusionCases: readonly PlanCase[] = [
  {
    name: 'an exclusion added to a table with rows builds its index under the lock',
    before: `CREATE EXTENSION IF NOT EXISTS btree_gist; ${rooms}`,
    desired: bookings(`    exclusions:
      bookings_no_overlap: "EXCLUDE USING gist (room WITH =, during WITH &&)"
`),
    steps: ['add_check public.bookings.bookings_no_overlap'],
    hazards: { 'add_check public.bookings.bookings_no_overlap': ['may_fail', 'blocking'] },
    sqlContains: ['ADD CONSTRAINT bookings_no_overlap EXCLUDE USING gist (room WITH =, during WITH &&)'],
    after: [{ sql: "SELECT conname, contype::text FROM pg_constraint WHERE conrelid = 'public.bookings'::regclass AND contype = 'x'", rows: [{ conname: 'bookings_no_overlap', contype: 'x' }] }],
  },
  {
    name: 'a changed exclusion is dropped and added again; a dropped one is dropped',
    before: `CREATE EXTENSION IF NOT EXISTS btree_gist; ${rooms}
ALTER TABLE bookings ADD CONSTRAINT bookings_no_overlap EXCLUDE USING gist (room WITH =, during WITH &&);
ALTER TABLE bookings ADD CONSTRAINT bookings_gone EXCLUDE USING gist (during WITH &&) WHERE (room > 100);`,
    desired: bookings(`    exclusions:
      bookings_no_overlap: "EXCLUDE USING gist (room WITH =, during WITH &&) WHERE (room < 50) DEFERRABLE INITIALLY DEFERRED"
`),
    steps: ['drop_check public.bookings.bookings_gone', 'drop_check public.bookings.bookings_no_overlap', 'add_check public.bookings.bookings_no_overlap'],
    hazards: { 'add_check public.bookings.bookings_no_overlap': ['may_fail', 'blocking'] },
  },
  {
    name: 'a new table with an exclusion over a range only (no btree_gist needed), spelled by the server',
    desired: `
tables:
  slots:
    columns:
      id: { type: integer, primary_key: true }
      starts: { type: timestamp, nullable: false }
      ends: { type: timestamp, nullable: false }
    exclusions:
      slots_no_overlap: "exclude using gist (tsrange(starts, ends) with &&)"
`,
    steps: ['create_table public.slots'],
    after: [{ sql: "SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conname = 'slots_no_overlap'", rows: [{ def: 'EXCLUDE USING gist (tsrange(starts, ends) WITH &&)' }] }],
  },
];
