// Extensions: the catalog query, its rows and the Model they build. The rows keep plpgsql (a
// copy of the schema needs every extension first: see db/scratch.ts); the Model leaves it out.
import { BUILTIN_EXTENSIONS, type Extension } from '../../model/extension.js';

export interface ExtensionRow {
  readonly name: string;
  readonly schema: string;
  /** Absent in rows read before extensions were managed. */
  readonly version?: string;
}

/** The extensions installed, in the order they were created (a dependency comes first). */
export function extensionsSql(): string {
  return `SELECT e.extname AS name, n.nspname AS schema, e.extversion AS version
    FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace
    ORDER BY e.oid`;
}

/** The Model's extensions, by name; plpgsql, which every database has, left out. */
export function buildExtensions(rows: readonly ExtensionRow[]): Record<string, Extension> {
  const out: Record<string, Extension> = {};
  for (const r of rows) if (!BUILTIN_EXTENSIONS.has(r.name)) out[r.name] = { kind: 'extension', name: r.name, schema: r.schema, version: r.version ?? null };
  return out;
}

/** An extension the server could install (pg_available_extensions): what a file may name. */
export interface AvailableExtensionRow {
  readonly name: string;
  readonly default_version: string | null;
  /** The schema its control file fixes (a non-relocatable one's), else null: CREATE EXTENSION then uses the first schema of the search path. */
  readonly schema: string | null;
}

export function availableExtensionsSql(): string {
  return `SELECT a.name, a.default_version, v.schema
    FROM pg_catalog.pg_available_extensions a
    LEFT JOIN pg_catalog.pg_available_extension_versions v ON v.name = a.name AND v.version = a.default_version
    ORDER BY 1`;
}

/** An update of an installed extension the server has scripts for (pg_extension_update_paths). */
export interface ExtensionUpdateRow {
  readonly name: string;
  readonly source: string;
  readonly target: string;
}

export function extensionUpdatesSql(): string {
  return `SELECT e.extname AS name, u.source, u.target
    FROM pg_catalog.pg_extension e, pg_catalog.pg_extension_update_paths(e.extname) u
    WHERE u.path IS NOT NULL AND e.extname <> 'plpgsql'
    ORDER BY 1, 2, 3`;
}

/** A type that belongs to an installed extension (citext's `public.citext`), as columns spell their types. */
export interface ExtensionTypeRow {
  readonly name: string;
  readonly type: string;
}

export function extensionTypesSql(): string {
  return `SELECT e.extname AS name, pg_catalog.format_type(t.oid, NULL) AS type
    FROM pg_catalog.pg_extension e
    JOIN pg_catalog.pg_depend d ON d.refclassid = 'pg_catalog.pg_extension'::regclass AND d.refobjid = e.oid AND d.deptype = 'e' AND d.classid = 'pg_catalog.pg_type'::regclass
    JOIN pg_catalog.pg_type t ON t.oid = d.objid
    WHERE e.extname <> 'plpgsql'
    ORDER BY 1, 2`;
}
