// Materialized views (`materialized_views:`): made with an index (WITH DATA and WITH NO DATA), a
// new text drops and makes one again (its index made again), one the file no longer lists is
// dropped, one written by hand and listed as written plans nothing, made again around a column
// the plan retypes, a view on one and one on a view made again together, and kept by a file
// without the key. Each case is planned, applied, planned again (empty), compared with a
// database built directly from the file, and downgraded (test/support/cases.ts).
import type { PlanCase } from '../support/cases.js';

const ORDERS = `
tables:
  orders:
    columns:
      id: { type: bigint, primary_key: true }
      day: date
      total: integer
`;

const BEFORE = `CREATE TABLE orders (id bigint PRIMARY KEY, day date, total integer);
INSERT INTO orders VALUES (1, '2026-01-01', 10), (2, '2026-01-01', 5), (3, '2026-01-02', 7);`;

const DAILY = `SELECT day, sum(total) AS total FROM orders GROUP BY day`;

export const materializedViewCases: readonly PlanCase[] = [
  {
    name: 'make a materialized view with a unique index and a comment, and one without data',
    before: BEFORE,
    desired: `${ORDERS}
materialized_views:
  reports.daily:
    sql: ${DAILY}
    comment: totals by day
    indexes:
      daily_day: { columns: [day], unique: true }
  pending:
    sql: |
      SELECT id FROM orders WHERE total > 6 -- not refreshed yet
    with_data: false
`,
    steps: ['create_schema reports', 'create_view reports.daily', 'create_view_index reports.daily.daily_day', 'create_view public.pending'],
    sqlContains: [
      'CREATE MATERIALIZED VIEW reports.daily AS SELECT orders.day,',
      'GROUP BY orders.day\nWITH DATA',
      "COMMENT ON MATERIALIZED VIEW reports.daily IS 'totals by day'",
      'CREATE UNIQUE INDEX daily_day ON reports.daily USING btree (day)',
      'WHERE orders.total > 6\nWITH NO DATA',
    ],
    after: [
      {
        sql: `SELECT day::text, total::int FROM reports.daily ORDER BY day`,
        rows: [
          { day: '2026-01-01', total: 15 },
          { day: '2026-01-02', total: 7 },
        ],
      },
      { sql: `REFRESH MATERIALIZED VIEW CONCURRENTLY reports.daily; SELECT ispopulated AS p FROM pg_matviews WHERE matviewname = 'pending'`, rows: [{ p: false }] },
    ],
  },
  {
    name: 'a materialized view written by hand and listed as written plans nothing',
    before: `${BEFORE}
CREATE MATERIALIZED VIEW daily AS ${DAILY};
CREATE UNIQUE INDEX daily_day ON daily (day);`,
    desired: `${ORDERS}
materialized_views:
  daily:
    sql: ${DAILY}
    indexes:
      daily_day: { columns: [day], unique: true }
`,
    steps: [],
  },
  {
    name: 'a new text drops the materialized view and makes it again, its index and the view on it too',
    before: `${BEFORE}
CREATE MATERIALIZED VIEW daily AS ${DAILY};
CREATE UNIQUE INDEX daily_day ON daily (day);
CREATE VIEW big_days AS SELECT day FROM daily WHERE total > 8;`,
    desired: `${ORDERS}
materialized_views:
  daily:
    sql: SELECT day, sum(total) AS total, count(*) AS n FROM orders GROUP BY day
    indexes:
      daily_day: { columns: [day], unique: true }
views:
  big_days:
    sql: SELECT day FROM daily WHERE total > 8
`,
    steps: ['drop_view public.big_days', 'drop_view public.daily', 'create_view public.daily', 'create_view public.big_days', 'create_view_index public.daily.daily_day'],
    hazards: { 'create_view public.daily': ['blocking'] },
    sqlContains: ['DROP MATERIALIZED VIEW public.daily'],
    after: [{ sql: `SELECT n::int FROM daily WHERE day = '2026-01-01'`, rows: [{ n: 2 }] }],
  },
  {
    name: 'an index is added and one dropped on a materialized view that stays',
    before: `${BEFORE}
CREATE MATERIALIZED VIEW daily AS ${DAILY};
CREATE INDEX daily_total ON daily (total);`,
    desired: `${ORDERS}
materialized_views:
  daily:
    sql: ${DAILY}
    indexes:
      daily_day: { columns: [{ column: day, order: desc }], unique: true }
`,
    steps: ['drop_view_index public.daily.daily_total', 'create_view_index public.daily.daily_day'],
    sqlContains: ['CREATE UNIQUE INDEX daily_day ON public.daily USING btree (day DESC)'],
  },
  {
    name: 'drop a materialized view the file no longer lists, with the view standing on it',
    before: `${BEFORE}
CREATE MATERIALIZED VIEW daily AS ${DAILY};
CREATE VIEW big_days AS SELECT day FROM daily WHERE total > 8;`,
    desired: `${ORDERS}
materialized_views: {}
views: {}
`,
    steps: ['drop_view public.big_days', 'drop_view public.daily'],
    after: [{ sql: `SELECT count(*)::int AS n FROM pg_matviews`, rows: [{ n: 0 }] }],
  },
  {
    name: 'a column under a materialized view is retyped: it is dropped first and made again after, with its index',
    before: `${BEFORE}
CREATE MATERIALIZED VIEW daily AS ${DAILY};
CREATE UNIQUE INDEX daily_day ON daily (day);`,
    desired:
      ORDERS.replace('total: integer', 'total: bigint') +
      `
materialized_views:
  daily:
    sql: ${DAILY}
    indexes:
      daily_day: { columns: [day], unique: true }
`,
    steps: ['drop_view public.daily', 'alter_column public.orders.total', 'create_view public.daily', 'create_view_index public.daily.daily_day'],
    hazards: { 'alter_column public.orders.total': ['table_rewrite'], 'create_view public.daily': ['blocking'] },
    after: [{ sql: `SELECT pg_typeof(total)::text AS t FROM daily LIMIT 1`, rows: [{ t: 'numeric' }] }],
  },
  {
    name: 'a materialized view on a view the plan makes is made after it',
    before: BEFORE,
    desired: `${ORDERS}
views:
  big:
    sql: SELECT id, total FROM orders WHERE total > 6
materialized_views:
  big_totals:
    sql: SELECT sum(total) AS s FROM big
`,
    steps: ['create_view public.big', 'create_view public.big_totals'],
    after: [{ sql: `SELECT s::int FROM big_totals`, rows: [{ s: 17 }] }],
  },
  {
    name: 'a file without materialized_views: keeps them, and its views: leaves them alone',
    before: `${BEFORE}
CREATE MATERIALIZED VIEW daily AS ${DAILY};
CREATE VIEW ids AS SELECT id FROM orders;`,
    desired: `${ORDERS}
views: {}
`,
    steps: ['drop_view public.ids'],
  },
  {
    name: 'a view a managed materialized view stands on is made again: the materialized view is dropped before and made again after',
    before: `${BEFORE}
CREATE VIEW big AS SELECT id, total FROM orders WHERE total > 6;
CREATE MATERIALIZED VIEW big_totals AS SELECT sum(total) AS s FROM big;`,
    desired: `${ORDERS}
views:
  big:
    sql: SELECT total, id FROM orders WHERE total > 8
materialized_views:
  big_totals:
    sql: SELECT sum(total) AS s FROM big
`,
    steps: ['drop_view public.big_totals', 'drop_view public.big', 'create_view public.big', 'create_view public.big_totals'],
    hazards: { 'create_view public.big_totals': ['blocking'] },
    after: [{ sql: `SELECT s::int FROM big_totals`, rows: [{ s: 10 }] }],
  },
  {
    name: 'with materialized_views:, a materialized view on a view the file drops is dropped first, not in the way',
    before: `${BEFORE}
CREATE VIEW big AS SELECT id, total FROM orders WHERE total > 6;
CREATE MATERIALIZED VIEW big_totals AS SELECT sum(total) AS s FROM big;`,
    desired: `${ORDERS}
views: {}
materialized_views: {}
`,
    steps: ['drop_view public.big_totals', 'drop_view public.big'],
  },
  {
    name: 'one on a table the plan makes, its text as written ending in a comment, made WITH NO DATA all the same',
    desired: `${ORDERS}
materialized_views:
  late:
    sql: |
      SELECT id FROM orders -- ids only
    with_data: false
`,
    steps: ['create_table public.orders', 'create_view public.late'],
    sqlContains: ['-- ids only\nWITH NO DATA'],
    after: [{ sql: `SELECT ispopulated AS p FROM pg_matviews WHERE matviewname = 'late'`, rows: [{ p: false }] }],
  },
];
