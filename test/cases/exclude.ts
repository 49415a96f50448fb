// Objects that belong to someone else, left alone by `exclude:` in the file or `--exclude` on
// plan and apply. Each case: a database made by `sql`, the schema file, the extra arguments, and
// either the steps of the plan (`op object`; applied, the `kept` objects are still there and the
// plan is then empty) or the diagnostics (by substring, in order).

export interface ExcludeCase {
  readonly name: string;
  readonly sql: string;
  readonly yaml: string;
  readonly args?: readonly string[];
  readonly steps?: readonly string[];
  /** Relations (`schema.name`) that must still exist after apply. */
  readonly kept?: readonly string[];
  readonly errors?: readonly string[];
}

const TOOL = `CREATE TABLE film (id integer PRIMARY KEY, title text NOT NULL);
CREATE TABLE tool_log (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, what text);
CREATE TABLE tool_state (k text PRIMARY KEY, v jsonb);
CREATE INDEX tool_log_what ON tool_log (what);
CREATE SCHEMA replication;
CREATE TABLE replication.slots (id integer, lsn text);
CREATE VIEW tool_recent AS SELECT what FROM tool_log;
INSERT INTO tool_log (what) VALUES ('kept');`;

const FILM = `tables:
  film:
    columns:
      id: { type: integer, primary_key: true }
      title: { type: text, nullable: false }
`;

export const EXCLUDE_CASES: readonly ExcludeCase[] = [
  {
    name: "exclude: in the file: another tool's tables, its view and a schema of its own are neither changed nor dropped",
    sql: TOOL,
    yaml: `exclude: [ "public.tool_*", "replication.*" ]\n${FILM}`,
    steps: [],
    kept: ['public.tool_log', 'public.tool_state', 'public.tool_recent', 'replication.slots'],
  },
  {
    name: 'exclude: in the file, and a new table of ours beside them: only ours is made',
    sql: TOOL,
    yaml: `exclude: [ "tool_*", "replication.*" ]\n${FILM}  rental:\n    columns:\n      id: integer\n`,
    steps: ['create_table public.rental'],
    kept: ['public.tool_log', 'public.tool_state', 'public.tool_recent', 'replication.slots'],
  },
  {
    name: '--exclude on the command line does the same',
    sql: TOOL,
    yaml: FILM,
    args: ['--exclude', 'public.tool_*', '--exclude', 'replication.*'],
    steps: [],
    kept: ['public.tool_log', 'public.tool_state', 'public.tool_recent', 'replication.slots'],
  },
  {
    name: 'without exclude, the same file drops them (what exclude prevents)',
    sql: TOOL.replace(/^CREATE VIEW.*\n/m, ''),
    yaml: FILM,
    steps: ['drop_table public.tool_log', 'drop_table public.tool_state', 'drop_table replication.slots', 'drop_schema replication'],
  },
  {
    name: 'a table the file declares and exclude: names is an error at its line',
    sql: TOOL,
    yaml: `exclude:\n  - "public.tool_*"\n${FILM}  tool_log:\n    columns:\n      id: bigint\n`,
    errors: ['schema.yaml:8:3: table "public.tool_log" is excluded by exclude: "public.tool_*" (at schema.yaml:2:5)'],
  },
  {
    name: 'a table the file declares and --exclude names is an error at its line',
    sql: TOOL,
    yaml: FILM,
    args: ['--exclude', 'f*'],
    errors: ['schema.yaml:2:3: table "public.film" is excluded by --exclude "f*"'],
  },
];
