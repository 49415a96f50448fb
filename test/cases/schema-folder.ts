// A schema made of a folder of YAML files (`--schema db/`): each case is the files (path in the
// folder -> text), and either the diagnostics `schema validate` must print (file:line:col and
// message, by substring, in order) or, for a folder that is valid, the steps of its plan on an
// empty database.

export interface FolderCase {
  readonly name: string;
  readonly files: Readonly<Record<string, string>>;
  /** Lines `validate` prints on stderr, each by substring, in this order; none when the folder is valid. */
  readonly errors?: readonly string[];
  /** For a valid folder: the `op object` of each step of its plan on an empty database. */
  readonly steps?: readonly string[];
}

const FILM = `tables:
  film:
    columns:
      id: { type: integer, primary_key: true }
      title: { type: text, nullable: false }
`;

export const FOLDER_CASES: readonly FolderCase[] = [
  {
    name: 'merged: tables split across files and a subfolder, a view whose file: is relative to the YAML file naming it, schemas from two files',
    files: {
      'film.yaml': FILM,
      'people/actor.yml': `tables:
  actor:
    columns:
      id: { type: integer, primary_key: true }
      film_id: integer
    foreign_keys:
      actor_film_fk: { columns: [ film_id ], references: { table: film, columns: [ id ] } }
views:
  actor_films:
    file: views/actor_films.sql
schemas: [ archive ]
`,
      'people/views/actor_films.sql': 'SELECT a.id, f.title FROM public.actor a JOIN public.film f ON f.id = a.film_id\n',
      'settings.yaml': 'settings:\n  lock_timeout: 2s\nschemas: [ reports ]\n',
      'notes.txt': 'not YAML, not read\n',
      '.hidden.yaml': 'this: [ is not read\n',
    },
    steps: ['create_schema archive', 'create_schema reports', 'create_table public.film', 'create_table public.actor', 'add_foreign_key public.actor.actor_film_fk', 'create_view public.actor_films'],
  },
  {
    name: 'the same table in two files: an error at the second, naming the first',
    files: { 'a.yaml': FILM, 'b.yaml': FILM.replace('title: { type: text, nullable: false }', 'title: text') },
    errors: ['b.yaml:2:3: tables.film is declared in two files: here and at ', 'a.yaml:2:3'],
  },
  {
    name: 'the same setting in two files',
    files: { 'a.yaml': `settings:\n  lock_timeout: 2s\n${FILM}`, 'b.yaml': 'settings:\n  online: true\n  lock_timeout: 5s\n' },
    errors: ['b.yaml:3:3: settings.lock_timeout is declared in two files: here and at ', 'a.yaml:2:3'],
  },
  {
    name: 'an error in the second file is at its line in that file',
    files: { 'a.yaml': FILM, 'b.yaml': 'tables:\n  actor:\n    columns:\n      id: { type: integr }\n' },
    errors: ['b.yaml:4:19: unknown type "integr"'],
  },
  {
    name: 'a reference in one file to a table of another that is not there',
    files: { 'a.yaml': FILM, 'b.yaml': 'tables:\n  actor:\n    columns:\n      id: integer\n    foreign_keys:\n      fk: { columns: [ id ], references: { table: flim, columns: [ id ] } }\n' },
    errors: ['b.yaml:6:'],
  },
  {
    name: 'file: is relative to the YAML file that names it, not to the folder',
    files: { 'a.yaml': FILM, 'v.sql': 'SELECT 1 AS one\n', 'sub/b.yaml': 'views:\n  one:\n    file: v.sql\n' },
    errors: ['b.yaml:3:11: view "public.one": cannot read file "v.sql": no such file'],
  },
  {
    name: 'YAML broken in one file: the error is at its line there',
    files: { 'a.yaml': FILM, 'b.yaml': 'tables:\n  actor: [\n' },
    errors: ['b.yaml:3:1: invalid YAML'],
  },
  {
    name: 'a folder without YAML files',
    files: { 'README.md': 'nothing here\n' },
    errors: ['the folder holds no .yaml or .yml file'],
  },
];
