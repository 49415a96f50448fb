// Row-level security and policies (`row_level_security:`, `force_row_level_security:` and
// `policies:` on a table): switched on and forced, a policy for each command, altered in place
// (USING, roles), dropped and made again (a changed command), dropped, one calling a function
// (dropped with it), one on a column the plan retypes, kept by a table without `policies:`, and
// written by hand and listed as written (no perpetual diff). Each case is planned, applied,
// planned again (empty), compared with a database built directly from the file, and downgraded
// (test/support/cases.ts). The roles are PostgreSQL's own (pg_read_all_data, pg_monitor): every
// cluster has them, so no case makes a role.
import type { PlanCase } from '../support/cases.js';

const DOCS = `
tables:
  docs:
    columns:
      id: { type: bigint, primary_key: true }
      owner: { type: text, nullable: false }
      public: { type: boolean, nullable: false, default: false }
`;

const TABLE = `CREATE TABLE docs (id bigint PRIMARY KEY, owner text NOT NULL, public boolean NOT NULL DEFAULT false);`;

const WITH_POLICY = `${TABLE}
ALTER TABLE docs ENABLE ROW LEVEL SECURITY;
CREATE POLICY owner_reads ON docs FOR SELECT TO pg_read_all_data USING (owner = current_user);`;

const IS_OWNER = `CREATE FUNCTION is_owner(o text) RETURNS boolean LANGUAGE sql STABLE AS $$ SELECT o = current_user $$;`;

const rls = `SELECT relrowsecurity AS enabled, relforcerowsecurity AS forced FROM pg_class WHERE oid = 'public.docs'::regclass`;

export const policyCases: readonly PlanCase[] = [
  {
    name: 'a new table with row-level security and a policy for each command: the policies and the switch after the table',
    desired: `${DOCS}
    row_level_security: true
    policies:
      everyone_reads:
        using: public
      owner_selects:
        command: select
        roles: [pg_read_all_data, pg_monitor]
        using: owner = current_user
      owner_inserts:
        command: insert
        with_check: owner = current_user
        comment: rows are added by their owner
      owner_updates:
        command: update
        using: owner = current_user
        with_check: owner = current_user
      owner_deletes:
        command: delete
        as: restrictive
        using: owner = current_user
`,
    steps: [
      'create_table public.docs',
      'create_policy public.docs.everyone_reads',
      'create_policy public.docs.owner_selects',
      'create_policy public.docs.owner_inserts',
      'create_policy public.docs.owner_updates',
      'create_policy public.docs.owner_deletes',
      'alter_row_security public.docs',
    ],
    after: [
      { sql: rls, rows: [{ enabled: true, forced: false }] },
      {
        sql: `SELECT policyname, permissive, roles::text[] AS roles, cmd FROM pg_policies WHERE tablename = 'docs' ORDER BY 1`,
        rows: [
          { policyname: 'everyone_reads', permissive: 'PERMISSIVE', roles: ['public'], cmd: 'ALL' },
          { policyname: 'owner_deletes', permissive: 'RESTRICTIVE', roles: ['public'], cmd: 'DELETE' },
          { policyname: 'owner_inserts', permissive: 'PERMISSIVE', roles: ['public'], cmd: 'INSERT' },
          { policyname: 'owner_selects', permissive: 'PERMISSIVE', roles: ['pg_monitor', 'pg_read_all_data'], cmd: 'SELECT' },
          { policyname: 'owner_updates', permissive: 'PERMISSIVE', roles: ['public'], cmd: 'UPDATE' },
        ],
      },
    ],
  },
  {
    name: 'row-level security switched on for an existing table with no policy: a hazard (every row hidden from other roles)',
    before: TABLE,
    desired: `${DOCS}
    row_level_security: true
    policies: {}
`,
    steps: ['alter_row_security public.docs'],
    hazards: { 'alter_row_security public.docs': ['blocking'] },
    sqlContains: ['ALTER TABLE public.docs ENABLE ROW LEVEL SECURITY'],
  },
  {
    name: 'row-level security forced on a table that has a policy: no hazard',
    before: WITH_POLICY,
    desired: `${DOCS}
    row_level_security: true
    force_row_level_security: true
`,
    steps: ['alter_row_security public.docs'],
    sqlContains: ['ALTER TABLE public.docs FORCE ROW LEVEL SECURITY'],
    after: [{ sql: rls, rows: [{ enabled: true, forced: true }] }],
  },
  {
    name: 'a policy written by hand and listed as written plans nothing (no perpetual diff)',
    before: WITH_POLICY,
    desired: `${DOCS}
    row_level_security: true
    policies:
      owner_reads:
        command: select
        roles: [pg_read_all_data]
        using: "owner = CURRENT_USER -- the owner alone"
`,
    steps: [],
  },
  {
    name: 'a table without policies: or row_level_security: keeps them as they are',
    before: WITH_POLICY,
    desired: DOCS,
    steps: [],
  },
  {
    name: 'USING and roles changed: altered in place',
    before: WITH_POLICY,
    desired: `${DOCS}
    row_level_security: true
    policies:
      owner_reads:
        command: select
        roles: [pg_monitor, pg_read_all_data]
        using: owner = current_user or public
`,
    steps: ['alter_policy public.docs.owner_reads'],
    sqlContains: ['ALTER POLICY owner_reads ON public.docs TO pg_monitor, pg_read_all_data USING (((owner = CURRENT_USER) OR public))'],
  },
  {
    name: 'a changed command (and kind): dropped and made again',
    before: WITH_POLICY,
    desired: `${DOCS}
    row_level_security: true
    policies:
      owner_reads:
        command: all
        as: restrictive
        roles: [pg_read_all_data]
        using: owner = current_user
`,
    steps: ['drop_policy public.docs.owner_reads', 'create_policy public.docs.owner_reads'],
  },
  {
    name: 'a policy dropped and row-level security switched off',
    before: WITH_POLICY,
    desired: `${DOCS}
    row_level_security: false
    policies: {}
`,
    steps: ['drop_policy public.docs.owner_reads', 'alter_row_security public.docs'],
    after: [{ sql: rls, rows: [{ enabled: false, forced: false }] }],
  },
  {
    name: 'a policy calling a new function: made after the function',
    before: TABLE,
    desired: `${DOCS}
    row_level_security: true
    policies:
      owner_reads:
        using: is_owner(owner)
functions:
  is_owner:
    sql: "${IS_OWNER}"
`,
    steps: ['create_function public.is_owner(o text)', 'create_policy public.docs.owner_reads', 'alter_row_security public.docs'],
    sqlContains: ['USING (public.is_owner(owner))'],
  },
  {
    name: 'a policy dropped with the function it calls: the policy goes first',
    before: `${TABLE}
${IS_OWNER}
CREATE POLICY owner_reads ON docs USING (is_owner(owner));`,
    desired: `${DOCS}
    policies: {}
functions: {}
`,
    steps: ['drop_policy public.docs.owner_reads', 'drop_function public.is_owner(o text)'],
    hazards: { 'drop_function public.is_owner(o text)': ['may_fail'] },
  },
  {
    name: 'a policy on a column the plan retypes: dropped before the retype, made again after it (kept by a table without policies: too)',
    before: WITH_POLICY,
    desired: `${DOCS.replace('owner: { type: text', 'owner: { type: varchar(100)')}
    row_level_security: true
`,
    steps: ['drop_policy public.docs.owner_reads', 'alter_column public.docs.owner', 'create_policy public.docs.owner_reads'],
    hazards: { 'alter_column public.docs.owner': ['lossy_type_change', 'irreversible', 'table_rewrite'] },
  },
  {
    name: 'a renamed table keeps its policies and row-level security, listed or not',
    before: WITH_POLICY,
    desired: `${DOCS.replace('  docs:\n', '  papers:\n    renamed_from: docs\n')}
    row_level_security: true
  notes:
    columns:
      id: integer
`,
    steps: ['rename_table public.papers', 'rename_constraint public.papers.papers_pkey', 'create_table public.notes'],
  },
  {
    name: 'a table dropped with its policies: they go with it',
    before: WITH_POLICY,
    desired: 'tables: {}\n',
    steps: ['drop_table public.docs'],
    hazards: { 'drop_table public.docs': ['data_loss', 'irreversible'] },
  },
];
