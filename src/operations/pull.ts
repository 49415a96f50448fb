// The pull use case: read a database and write it as the text of schema.yaml (see render/schema-yaml.ts).
// Reads only; the text it gives is checked to be a file schema reads.
import { dirname, join } from 'node:path';
import { withReadOnlyDb } from '../db/db.js';
import type { Target } from '../db/target.js';
import { formatDiagnostic, isError } from '../desired/diagnostics.js';
import { UserError } from '../errors.js';
import { introspect } from '../introspect/introspect.js';
import { selectObjects, type Selection } from '../model/select.js';
import { schemaYaml, type PullNote, type SchemaYamlOptions } from '../render/schema-yaml.js';
import { validateSchema } from './schema-file.js';

export interface Pulled {
  readonly text: string;
  /** The `.sql` files schema.yaml names (`file:`), by path relative to its folder: the long bodies. */
  readonly files: ReadonlyMap<string, string>;
  /** The same schema as the files of a folder, by name in it (tables.yaml, views.yaml ...): what `pull` writes when --schema names a folder. */
  readonly parts: ReadonlyMap<string, string>;
  /** What the file cannot say exactly, or what the choice of objects left dangling. */
  readonly notes: readonly PullNote[];
  /** What the database holds that schema does not manage yet, counted per kind ("2 views"). */
  readonly skipped: readonly string[];
  /** `2 tables, 1 enum, 1 sequence`. */
  readonly summary: string;
}

const counted = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** `target` as schema.yaml named `file` (for messages), with `selection` applied. Throws UserError, writing nothing, when the database holds what the file cannot say. */
export async function pullSchema(target: Target, file: string, selection: Selection = { include: [], exclude: [] }, now = new Date(), options: SchemaYamlOptions & { readonly folder?: boolean } = {}): Promise<Pulled> {
  const found = await withReadOnlyDb(target, (db) => introspect(db));
  const picked = selectObjects(found.model, selection);
  const when = now.toISOString().replace(/\.\d+Z$/, 'Z');
  const { text, notes, files, parts } = schemaYaml(picked.model, [`Pulled by \`schema pull\` from ${target.display} at ${when}.`, 'Review it, then `schema plan` on that database should say "No changes".'], options);
  // Checked as it will be read, the .sql files from memory (none is written yet).
  const fromMemory = (rel: string, from: string): { text: string; file: string } | { error: string } => {
    const sql = files.get(rel);
    return sql === undefined ? { error: 'no such file' } : { text: sql, file: join(dirname(from), rel) };
  };
  const source = options.folder === true ? [...parts].map(([name, partText]) => ({ file: join(file, name), text: partText })) : text;
  const problems = validateSchema(file, source, fromMemory).filter(isError);
  if (problems.length > 0) {
    throw new UserError(
      `the database holds what schema.yaml cannot say, so nothing was written:\n${problems.map(formatDiagnostic).join('\n')}`,
      'leave those objects out with --exclude, or change them in the database first',
    );
  }
  const sequences = Object.keys(picked.model.sequences ?? {}).length;
  const domains = Object.keys(picked.model.domains ?? {}).length;
  const types = Object.keys(picked.model.types ?? {}).length;
  const extensions = Object.keys(picked.model.extensions ?? {}).length;
  const all = Object.values(picked.model.views ?? {});
  const views = all.filter((v) => !v.materialized).length;
  const materialized = all.length - views;
  const functions = /^functions:/m.test(text) ? Object.keys(picked.model.functions ?? {}).length : 0;
  const triggers = /^triggers:/m.test(text) ? Object.keys(picked.model.triggers ?? {}).length : 0;
  const policies = Object.keys(picked.model.policies ?? {}).length;
  const summary = [
    counted(Object.keys(picked.model.tables).length, 'table'),
    counted(Object.keys(picked.model.enums).length, 'enum'),
    ...(domains > 0 ? [counted(domains, 'domain')] : []),
    ...(types > 0 ? [counted(types, 'type')] : []),
    ...(sequences > 0 ? [counted(sequences, 'sequence')] : []),
    ...(extensions > 0 ? [counted(extensions, 'extension')] : []),
    ...(views > 0 ? [counted(views, 'view')] : []),
    ...(materialized > 0 ? [counted(materialized, 'materialized view')] : []),
    ...(functions > 0 ? [counted(functions, 'function')] : []),
    ...(triggers > 0 ? [counted(triggers, 'trigger')] : []),
    ...(policies > 0 ? [policies === 1 ? '1 policy' : `${policies} policies`] : []),
  ].join(', ');
  // Materialized views are written (under `materialized_views:`), not skipped.
  const skipped = Object.entries(found.unmanaged.counts)
    .filter(([what, n]) => n > 0 && what !== 'materialized view')
    .map(([what, n]) => `${n} ${what}`);
  return { text, files, parts, notes: [...picked.notes, ...notes], skipped, summary };
}
