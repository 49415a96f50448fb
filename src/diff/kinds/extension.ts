// Extensions: created, moved to another schema, updated to another version, dropped. A desired
// Model without `extensions` (the file has no `extensions:`) leaves them all as they are; a
// schema or version the file leaves out is whatever the database has. Pure.
import type { Extension } from '../../model/extension.js';
import type { Model } from '../../model/model.js';

/** What an `alter_extension` changes. */
export type ExtensionAspect = 'schema' | 'version';

export type ExtensionChange =
  | { readonly kind: 'create_extension'; readonly extension: Extension }
  /** `changed`: what differs between `from` and `to`, never empty. */
  | { readonly kind: 'alter_extension'; readonly from: Extension; readonly to: Extension; readonly changed: readonly ExtensionAspect[] }
  | { readonly kind: 'drop_extension'; readonly extension: Extension };

/** What `to` asks for that `from` does not have (a null of `to` asks for nothing). */
export function extensionChanges(from: Extension, to: Extension): ExtensionAspect[] {
  const out: ExtensionAspect[] = [];
  if (to.schema !== null && to.schema !== from.schema) out.push('schema');
  if (to.version !== null && to.version !== from.version) out.push('version');
  return out;
}

export const sameExtension = (a: Extension, b: Extension): boolean => extensionChanges(a, b).length === 0 && extensionChanges(b, a).length === 0;

/** The extension changes from `base` to `desired`. */
export function diffExtensions(base: Model, desired: Model): ExtensionChange[] {
  const wanted = desired.extensions;
  if (wanted === undefined) return [];
  const have = base.extensions ?? {};
  const out: ExtensionChange[] = [];
  for (const [name, to] of Object.entries(wanted)) {
    const from = have[name];
    if (!from) {
      out.push({ kind: 'create_extension', extension: to });
      continue;
    }
    const changed = extensionChanges(from, to);
    if (changed.length > 0) out.push({ kind: 'alter_extension', from, to, changed });
  }
  for (const [name, x] of Object.entries(have)) if (!wanted[name]) out.push({ kind: 'drop_extension', extension: x });
  return out;
}
