// An extension (`extensions:` in schema.yaml): the Model type, what the file leaves out filled in
// from the target, and the CREATE EXTENSION statement (the plan's and the spelling's). Pure.
import { quoteIdent, quoteLiteral } from './identifiers.js';

/**
 * An extension installed in the database (CREATE EXTENSION), keyed in the Model by its name.
 * The desired side may leave `schema` and `version` to the server (null): then any is right.
 * Read from the catalog, both are always set. plpgsql, which every database has, is left out.
 */
export interface Extension {
  readonly kind: 'extension';
  readonly name: string;
  /** The schema its objects are in; null: where CREATE EXTENSION puts them. */
  readonly schema: string | null;
  /** Its version as pg_extension.extversion spells it; null: the server's default version. */
  readonly version: string | null;
}

/** The extension every database has, left alone. */
export const BUILTIN_EXTENSIONS: ReadonlySet<string> = new Set(['plpgsql']);

/** An extension the server could install, and what CREATE EXTENSION without SCHEMA or VERSION makes of it there. */
export interface AvailableExtension {
  readonly name: string;
  readonly version: string | null;
  readonly schema: string;
}

/**
 * The desired extensions with what the file leaves out filled in: as the database has it when
 * installed, else as CREATE EXTENSION would make it on this server. An extension the server
 * does not have stays as it is (the target check reports it).
 */
export function resolveExtensions(desired: Readonly<Record<string, Extension>>, installed: Readonly<Record<string, Extension>>, available: readonly AvailableExtension[]): Record<string, Extension> {
  const out: Record<string, Extension> = {};
  for (const [name, x] of Object.entries(desired)) {
    const have = installed[name];
    const can = available.find((a) => a.name === name);
    out[name] = { ...x, schema: x.schema ?? have?.schema ?? can?.schema ?? null, version: x.version ?? have?.version ?? can?.version ?? null };
  }
  return out;
}

/** A version as pg_extension spells them (checked by the loader, or read from the catalog), checked again: it is written into the statement. */
const VERSION = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
export const extensionVersionSql = (x: Extension, v: string): string => {
  if (!VERSION.test(v)) throw new Error(`extension ${x.name} has a version that is not one: ${JSON.stringify(v)}`);
  return quoteLiteral(v);
};

/** `CREATE EXTENSION IF NOT EXISTS ... [SCHEMA ...] [VERSION ...]`: what the file leaves out, the server chooses. */
export function createExtensionSql(x: Extension): string {
  const schema = x.schema === null ? '' : ` SCHEMA ${quoteIdent(x.schema)}`;
  const v = x.version === null ? '' : ` VERSION ${extensionVersionSql(x, x.version)}`;
  return `CREATE EXTENSION IF NOT EXISTS ${quoteIdent(x.name)}${schema}${v}`;
}
