// A schema made of several YAML files (a folder): each file is parsed alone (load.ts), then their
// top-level keys are merged here into the data of one file. A map (`tables:`, `views:`,
// `settings:` ...) may be split across files, entry by entry; a list (`schemas:`) is the files'
// lists one after the other. The same entry (the same table, view, enum, setting ...) in two
// files is an error at both places. The merged source map finds each path in the file that
// wrote it.
import type { Diagnostic } from './diagnostics.js';
import { entriesAsWritten, keepKeyOrder } from './names.js';
import { isMap, type Json, type JsonMap } from './load-names.js';
import { MergedSourceMap, type Path, type SourceMap } from './source-map.js';

/** One YAML file of a schema made of several (a folder): its path, for positions, and its text. */
export interface SchemaPart {
  readonly file: string;
  readonly text: string;
}

interface Read {
  readonly data: Json;
  readonly map: SourceMap;
}

const where = (d: { file: string; line: number; col: number }): string => `${d.file}:${d.line}:${d.col}`;

/** The data of `parts` as one file's, with a source map that knows which file wrote what. */
export function mergeParts(folder: string, parts: readonly Read[]): { data: Json; map: SourceMap; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const data: JsonMap = {};
  const order: string[] = [];
  /** Who wrote each top-level key (the first file), each entry of a map, and each run of a list. */
  const topOwner = new Map<string, SourceMap>();
  const entryOwner = new Map<string, Map<string, SourceMap>>();
  const runs = new Map<string, { start: number; length: number; map: SourceMap }[]>();
  const subOrder = new Map<string, string[]>();
  const twice = (map: SourceMap, path: Path, other: SourceMap, what: string): void => {
    const here = map.key(path);
    const there = other.key(path);
    diagnostics.push({
      ...here,
      code: 'duplicate_name',
      message: `${what} is declared in two files: here and at ${where(there)}`,
      hint: 'keep it in one file of the folder (each name, and each setting, belongs to one file)',
    });
  };
  for (const part of parts) {
    if (part.data === null || part.data === undefined) continue; // an empty file adds nothing
    if (!isMap(part.data)) {
      diagnostics.push({
        ...part.map.value([]),
        code: 'schema_violation',
        message: 'a file of a schema folder must be a map of keys (tables:, views: ...)',
        hint: 'write `tables:` and the other keys at the top of the file',
      });
      continue;
    }
    for (const [key, value] of entriesAsWritten(part.data)) {
      const first = topOwner.get(key);
      if (first === undefined) {
        topOwner.set(key, part.map);
        order.push(key);
        if (isMap(value)) {
          data[key] = { ...value };
          subOrder.set(
            key,
            entriesAsWritten(value).map(([k]) => k),
          );
          entryOwner.set(key, new Map(Object.keys(value).map((k) => [k, part.map])));
        } else if (Array.isArray(value)) {
          data[key] = [...(value as Json[])];
          runs.set(key, [{ start: 0, length: value.length, map: part.map }]);
        } else {
          data[key] = value;
        }
        continue;
      }
      const merged = data[key];
      if (value === null) continue; // `views:` with nothing under it adds nothing
      if (isMap(merged) && isMap(value)) {
        const owners = entryOwner.get(key)!;
        for (const [k, v] of entriesAsWritten(value)) {
          const other = owners.get(k);
          if (other !== undefined) {
            twice(part.map, [key, k], other, `${key}.${k}`);
            continue;
          }
          owners.set(k, part.map);
          subOrder.get(key)!.push(k);
          merged[k] = v;
        }
      } else if (Array.isArray(merged) && Array.isArray(value)) {
        runs.get(key)!.push({ start: merged.length, length: value.length, map: part.map });
        merged.push(...(value as Json[]));
      } else {
        twice(part.map, [key], first, `\`${key}:\``);
      }
    }
  }
  for (const [key, keys] of subOrder) keepKeyOrder(data[key] as JsonMap, keys);
  keepKeyOrder(data, order);
  const firstMap = parts[0]!.map;
  const route = (path: Path): { map: SourceMap; path: Path } => {
    if (path.length === 0) return { map: firstMap, path };
    const top = String(path[0]);
    const owner = topOwner.get(top) ?? firstMap;
    if (path.length === 1) return { map: owner, path };
    const entries = entryOwner.get(top);
    if (entries) return { map: entries.get(String(path[1])) ?? owner, path };
    const list = runs.get(top);
    const i = typeof path[1] === 'number' ? path[1] : Number(path[1]);
    const run = list?.find((r) => i >= r.start && i < r.start + r.length);
    if (run) return { map: run.map, path: [top, i - run.start, ...path.slice(2)] };
    return { map: owner, path };
  };
  return { data: order.length === 0 ? null : data, map: new MergedSourceMap(folder, firstMap, route), diagnostics };
}
