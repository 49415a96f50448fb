// A table's own settings in schema.yaml: `unlogged:` and its storage parameters (`with:`),
// checked against the parameters PostgreSQL takes for a table. Never touches a database.
import type { Diagnostic, Position } from './diagnostics.js';
import { suggestion } from './did-you-mean.js';
import type { Path, SourceMap } from './source-map.js';
import type { ReplicaIdentity } from '../model/model.js';

/** The storage parameters of a table (PostgreSQL 15, CREATE TABLE ... WITH); `toast.` ones live on its TOAST table and are not managed. */
export const TABLE_STORAGE_PARAMETERS: ReadonlySet<string> = new Set([
  'fillfactor',
  'toast_tuple_target',
  'parallel_workers',
  'autovacuum_enabled',
  'autovacuum_vacuum_threshold',
  'autovacuum_vacuum_insert_threshold',
  'autovacuum_vacuum_scale_factor',
  'autovacuum_vacuum_insert_scale_factor',
  'autovacuum_analyze_threshold',
  'autovacuum_analyze_scale_factor',
  'autovacuum_vacuum_cost_delay',
  'autovacuum_vacuum_cost_limit',
  'autovacuum_freeze_min_age',
  'autovacuum_freeze_max_age',
  'autovacuum_freeze_table_age',
  'autovacuum_multixact_freeze_min_age',
  'autovacuum_multixact_freeze_max_age',
  'autovacuum_multixact_freeze_table_age',
  'log_autovacuum_min_duration',
  'user_catalog_table',
  'vacuum_index_cleanup',
  'vacuum_truncate',
]);

export interface TableSettings {
  readonly unlogged?: true;
  readonly storage?: Readonly<Record<string, string>>;
  readonly replicaIdentity?: ReplicaIdentity;
}

/**
 * `unlogged:` and `with:` of the table at `path`. A value is kept as the text PostgreSQL will
 * store: a number as written, a boolean as `true`/`false`, a string as it is. The server checks
 * each value's range when the plan runs; a name it does not take is reported here.
 */
export function readTableSettings(raw: Readonly<Record<string, unknown>>, path: Path, map: SourceMap, diagnostics: Diagnostic[], uniqueIndexes: ReadonlySet<string>): TableSettings {
  const error = (pos: Position, message: string, hint?: string): void => {
    diagnostics.push({ ...pos, code: 'schema_violation', message, ...(hint ? { hint } : {}) });
  };
  const out: { unlogged?: true; storage?: Record<string, string>; replicaIdentity?: ReplicaIdentity } = {};
  if (raw['unlogged'] === true) out.unlogged = true;
  const identity = raw['replica_identity'];
  if (identity === 'full' || identity === 'nothing') out.replicaIdentity = identity;
  else if (typeof identity === 'object' && identity !== null && typeof (identity as Record<string, unknown>)['index'] === 'string') {
    const index = (identity as Record<string, string>)['index']!;
    if (uniqueIndexes.has(index)) out.replicaIdentity = { index };
    else
      error(
        map.value([...path, 'replica_identity', 'index']),
        `replica_identity names "${index}", which is not a unique index, unique constraint or primary key of this table.${suggestion(index, uniqueIndexes)}`,
        'name a unique, non-partial index over NOT NULL columns of the table',
      );
  }
  const given = raw['with'];
  if (typeof given === 'object' && given !== null && !Array.isArray(given)) {
    const storage: Record<string, string> = {};
    for (const [name, value] of Object.entries(given)) {
      const at = [...path, 'with', name];
      if (!TABLE_STORAGE_PARAMETERS.has(name)) {
        const toast = name.startsWith('toast.') ? ' (the parameters of its TOAST table are not managed yet)' : '';
        error(map.key(at), `storage parameter "${name}" is not one a table takes${toast}.${suggestion(name, TABLE_STORAGE_PARAMETERS)}`, 'see CREATE TABLE ... WITH in the PostgreSQL documentation for the list');
        continue;
      }
      if (typeof value === 'boolean') storage[name] = String(value);
      else if (typeof value === 'number') storage[name] = map.source(at) ?? String(value);
      else if (typeof value === 'string' && value !== '') storage[name] = value;
      else error(map.value(at), `storage parameter "${name}" needs a value: a number, true/false or a word`);
    }
    if (Object.keys(storage).length > 0) out.storage = storage;
  }
  return out;
}
