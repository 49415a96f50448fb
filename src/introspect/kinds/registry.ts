// Where each kind of object is read from the catalog, by kind: the registry of introspect/.
// Typed over ObjectKind, so a kind without its catalog part does not compile. Kinds may share
// a query (the four constraint kinds read one), and a kind read with another (a sequence a
// column owns, read with its column) names that query's rows and no SQL of its own.
import type { ObjectKind } from '../../model/objects.js';
import type { Scope } from '../scope.js';
import { columnsSql } from './column.js';
import { constraintsSql } from './constraint.js';
import { enumsSql } from './enum.js';
import { extensionsSql } from './extension.js';
import { indexesSql } from './index.js';
import { schemasSql } from './schema.js';
import { sequencesSql } from './sequence.js';
import { tablesSql } from './table.js';
import { viewsSql } from './view.js';
import { routinesSql } from './function.js';
import { triggersSql } from './trigger.js';
import { policiesSql } from './policy.js';
import { domainsSql } from './domain.js';
import { compositeTypesSql } from './composite.js';

/** The rows of the catalog read that hold a kind's objects: a key of `CatalogRows`. */
export type KindRows = 'schemas' | 'extensions' | 'enums' | 'sequences' | 'tables' | 'columns' | 'constraints' | 'indexes' | 'views' | 'routines' | 'triggers' | 'policies' | 'domains' | 'composite_types';

export interface KindCatalog {
  /** The key of the catalog read its rows are under. */
  readonly rows: KindRows;
  /** The query of those rows; null when they come with another kind's (`rows` names whose). */
  readonly sql: ((scope: Scope, serverVersion: number) => string) | null;
  /** Also read back from the spelling transaction's temporary tables (`tempCatalogSql`). */
  readonly spelled: boolean;
}

const constraints: KindCatalog = { rows: 'constraints', sql: constraintsSql, spelled: true };

export const CATALOG: { readonly [K in ObjectKind]: KindCatalog } = {
  schema: { rows: 'schemas', sql: () => schemasSql(), spelled: false },
  extension: { rows: 'extensions', sql: () => extensionsSql(), spelled: false },
  enum: { rows: 'enums', sql: () => enumsSql(), spelled: false },
  sequence: { rows: 'sequences', sql: () => sequencesSql(), spelled: false },
  table: { rows: 'tables', sql: (scope) => tablesSql(scope), spelled: false },
  column: { rows: 'columns', sql: (scope) => columnsSql(scope), spelled: true },
  owned_sequence: { rows: 'columns', sql: null, spelled: true },
  primary_key: constraints,
  unique: constraints,
  check: constraints,
  index: { rows: 'indexes', sql: indexesSql, spelled: true },
  foreign_key: constraints,
  view: { rows: 'views', sql: viewsSql, spelled: false },
  function: { rows: 'routines', sql: (scope) => routinesSql(scope), spelled: false },
  trigger: { rows: 'triggers', sql: (scope) => triggersSql(scope), spelled: false },
  policy: { rows: 'policies', sql: (scope) => policiesSql(scope), spelled: false },
  domain: { rows: 'domains', sql: () => domainsSql(), spelled: false },
  composite_type: { rows: 'composite_types', sql: () => compositeTypesSql(), spelled: false },
};

/** Each query of the kinds once, as `[rows key, SQL]`, in the order of CATALOG. */
export function kindQueries(scope: Scope, serverVersion: number): Array<[KindRows, string]> {
  const out = new Map<KindRows, string>();
  for (const k of Object.values(CATALOG)) {
    if (k.sql !== null && !out.has(k.rows) && (scope === 'database' || k.spelled)) out.set(k.rows, k.sql(scope, serverVersion));
  }
  return [...out];
}
