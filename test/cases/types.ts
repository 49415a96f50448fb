// Composite types (`types:`): made before the tables and functions that use them, attributes
// added at the end, dropped and retyped in place, remade when the kept ones change their order,
// dropped after the columns that use them, and kept by a file without `types:`. Each case is
// planned, applied, planned again (empty), compared with a database built directly from the
// file, and downgraded (test/support/cases.ts).
import type { PlanCase } from '../support/cases.js';

const POINT = `CREATE TYPE point2 AS (x integer, y integer);`;

export const compositeTypeCases: readonly PlanCase[] = [
  {
    name: 'make a composite type, a function returning it and a table with a column of it: the type first',
    desired: `
types:
  point2:
    attributes: { x: integer, y: integer }
    comment: a point on a grid
functions:
  origin:
    sql: "CREATE FUNCTION origin() RETURNS public.point2 LANGUAGE sql AS $$ SELECT ROW(0, 0)::public.point2 $$"
tables:
  shapes:
    columns:
      id: { type: bigint, primary_key: true }
      at: point2
`,
    steps: ['create_composite_type public.point2', 'create_function public.origin()', 'create_table public.shapes'],
    after: [{ sql: `SELECT (origin()).x AS x`, rows: [{ x: 0 }] }],
  },
  {
    name: 'a composite type written by hand and listed as written plans nothing (no perpetual diff)',
    before: POINT,
    desired: `
tables: {}
types:
  point2:
    attributes: { x: int4, y: int }
`,
    steps: [],
  },
  {
    name: 'attributes added at the end, dropped and retyped, and a comment, on a type no column uses: one ALTER TYPE',
    before: `CREATE TYPE point2 AS (x integer, y integer, label text);`,
    desired: `
tables: {}
types:
  point2:
    attributes: { x: bigint, label: text, z: integer }
    comment: three dimensions
`,
    steps: ['alter_composite_type public.point2'],
    sqlContains: ['ALTER TYPE public.point2 DROP ATTRIBUTE y, ADD ATTRIBUTE z integer, ALTER ATTRIBUTE x TYPE bigint', "COMMENT ON TYPE public.point2 IS 'three dimensions'"],
  },
  {
    name: 'an attribute dropped from a type a column uses: its values there are lost',
    before: `${POINT} CREATE TABLE shapes (id bigint PRIMARY KEY, at point2); INSERT INTO shapes VALUES (1, ROW(1, 2));`,
    desired: `
tables:
  shapes:
    columns:
      id: { type: bigint, primary_key: true }
      at: point2
types:
  point2:
    attributes: { x: integer }
`,
    steps: ['alter_composite_type public.point2'],
    hazards: { 'alter_composite_type public.point2': ['data_loss'] },
  },
  {
    name: 'the kept attributes in another order: dropped and made again',
    before: POINT,
    desired: `
tables: {}
types:
  point2:
    attributes: { y: integer, x: integer }
`,
    steps: ['drop_composite_type public.point2', 'create_composite_type public.point2'],
  },
  {
    name: 'a composite type dropped with the column that uses it: the column first',
    before: `${POINT} CREATE TABLE shapes (id bigint PRIMARY KEY, at point2);`,
    desired: `
tables:
  shapes:
    columns:
      id: { type: bigint, primary_key: true }
types: {}
`,
    steps: ['drop_column public.shapes.at', 'drop_composite_type public.point2'],
    hazards: { 'drop_column public.shapes.at': ['data_loss', 'irreversible'] },
  },
  {
    name: 'a file without types: keeps the database composite types as they are',
    before: POINT,
    desired: 'tables: {}\n',
    steps: [],
  },
];
