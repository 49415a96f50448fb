// `exclude:` of schema.yaml (and `--exclude` of plan and apply): patterns of schema.name naming
// objects that belong to someone else (an extension's, another tool's, a replication's tables).
// The plan leaves them alone (operations/exclude.ts takes them out of the database's side); here,
// the file's own patterns are read, and an object the file declares that a pattern matches is an
// error at its line: the file cannot both manage an object and leave it alone.
import { selects } from '../model/select.js';
import type { Diagnostic, Position } from './diagnostics.js';
import type { SourceMap } from './source-map.js';
import type { Located, Spec } from './spec.js';

/** The patterns under `exclude:` (the JSON Schema has checked they are strings). */
export function readExclude(raw: unknown, map: SourceMap): Located<string>[] {
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((p, i) => (typeof p === 'string' && p !== '' ? [{ value: p, pos: map.value(['exclude', i]) }] : []));
}

const where = (p: Position): string => `${p.file}:${p.line}:${p.col}`;

/** An error at each object of `spec` that one of `patterns` matches; `from` says where the patterns were given when not in the file. */
export function excludedDiagnostics(spec: Spec, patterns: readonly { readonly value: string; readonly pos?: Position }[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  if (patterns.length === 0) return out;
  const matchers = patterns.map((p) => ({ ...p, keeps: selects({ include: [], exclude: [p.value] }) }));
  const kinds: [string, readonly { readonly schema: string; readonly name: string; readonly pos: Position }[] | undefined][] = [
    ['table', spec.tables],
    ['enum', spec.enums],
    ['sequence', spec.sequences],
    ['view', spec.views],
    ['materialized view', spec.materializedViews],
    ['function', spec.functions],
    ['trigger', spec.triggers],
  ];
  for (const [noun, objects] of kinds) {
    for (const o of objects ?? []) {
      const hit = matchers.find((m) => !m.keeps(o.schema, o.name));
      if (!hit) continue;
      const given = hit.pos ? `exclude: "${hit.value}" (at ${where(hit.pos)})` : `--exclude "${hit.value}"`;
      out.push({
        ...o.pos,
        code: 'conflict',
        message: `${noun} "${o.schema}.${o.name}" is excluded by ${given}: the file cannot both declare it and leave it to someone else`,
        hint: 'remove it from the file, or make the pattern narrower',
      });
    }
  }
  return out;
}
