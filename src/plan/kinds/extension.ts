// The extension's planner: CREATE EXTENSION, ALTER EXTENSION (SET SCHEMA, UPDATE TO), DROP
// EXTENSION (RESTRICT: PostgreSQL refuses while anything outside the extension uses it). Pure.
import { createExtensionSql, extensionVersionSql, type Extension } from '../../model/extension.js';
import { quoteIdent } from '../../model/identifiers.js';
import { SCHEMA, draft, extensionUpdate, hazard } from '../drafts.js';
import type { Hazard } from '../types.js';
import type { KindPlanner } from './registry.js';

/** The token of an installed extension. */
export const EXTENSION = (name: string): string => `extension:${name}`;

/**
 * An update the server has no scripts for is refused (certain to fail); one it has no scripts
 * back from cannot be undone by the downgrade. Unknown scripts (a plan read back): it may fail.
 */
function updateHazards(from: Extension, to: Extension, updates: ReadonlySet<string> | null): Hazard[] {
  const [a, b] = [from.version ?? '?', to.version ?? '?'];
  if (updates === null) return [hazard('may_fail', `fails unless the server has scripts that update extension ${to.name} from version ${a} to ${b}`)];
  if (!updates.has(extensionUpdate(to.name, a, b))) {
    return [
      {
        code: 'may_fail',
        message: `the server has no scripts that update extension ${to.name} from version ${a} to ${b}, so PostgreSQL refuses: choose a version of pg_extension_update_paths('${to.name}')`,
        fails: true,
      },
    ];
  }
  if (!updates.has(extensionUpdate(to.name, b, a))) return [hazard('irreversible', `the server has no scripts back from version ${b} of extension ${to.name} to ${a}: the downgrade cannot undo this step`)];
  return [];
}

export const extension: KindPlanner<'extension'> = {
  create_extension: (c) => {
    const x = c.extension;
    return draft({
      op: 'create_extension',
      object: x.name,
      phase: 4,
      sql: [createExtensionSql(x)],
      provides: [EXTENSION(x.name)],
      requires: x.schema === null ? [] : [SCHEMA(x.schema)],
    });
  },

  alter_extension: (c, ctx) => {
    const { from, to } = c;
    const sql: string[] = [];
    if (c.changed.includes('schema') && to.schema !== null) sql.push(`ALTER EXTENSION ${quoteIdent(to.name)} SET SCHEMA ${quoteIdent(to.schema)}`);
    if (c.changed.includes('version') && to.version !== null) sql.push(`ALTER EXTENSION ${quoteIdent(to.name)} UPDATE TO ${extensionVersionSql(to, to.version)}`);
    const hazards = c.changed.includes('version') ? updateHazards(from, to, ctx.extensionUpdates) : [];
    return draft({
      op: 'alter_extension',
      object: to.name,
      phase: 4,
      sql,
      hazards,
      provides: [EXTENSION(to.name)],
      requires: c.changed.includes('schema') && to.schema !== null ? [SCHEMA(to.schema)] : [],
      releases: c.changed.includes('schema') && from.schema !== null ? [SCHEMA(from.schema)] : [],
    });
  },

  drop_extension: (c, ctx) => {
    const x = c.extension;
    const users = ctx.extensionTypeUsers.get(x.name) ?? [];
    const used: Hazard[] =
      users.length === 0
        ? []
        : [
            {
              code: 'may_fail',
              message: `${users.join(', ')} ${users.length === 1 ? 'has a type' : 'have types'} of extension ${x.name}, so PostgreSQL refuses to drop it: keep it under \`extensions:\` or change ${users.length === 1 ? 'that column' : 'those columns'} first`,
              fails: true,
            },
          ];
    return draft({
      op: 'drop_extension',
      object: x.name,
      // After the columns and tables that may use its types are gone (phase 3).
      phase: 6,
      sql: [`DROP EXTENSION ${quoteIdent(x.name)} RESTRICT`],
      hazards: [
        ...used,
        hazard(
          'data_loss',
          `drops extension ${x.name} with its functions, types and operators (and any data it keeps); PostgreSQL refuses while a column, index, view or function outside it uses them: undoing this step installs it anew`,
        ),
      ],
      removes: [EXTENSION(x.name)],
      releases: x.schema === null ? [] : [SCHEMA(x.schema)],
    });
  },
};
