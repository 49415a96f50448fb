// JSON Schema validation of the parsed YAML (schemas/schema.json, with ajv), each violation
// turned into one diagnostic at the line where the offending value is written.
import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { Diagnostic } from './diagnostics.js';
import { suggestion } from './did-you-mean.js';
import type { Path, SourceMap } from './source-map.js';

const SCHEMA_URL = new URL('../../schemas/schema.json', import.meta.url);

let compiled: ValidateFunction | null = null;

function validator(): ValidateFunction {
  if (compiled === null) {
    const ajv = new Ajv({ allErrors: true, strict: false, verbose: true });
    compiled = ajv.compile(JSON.parse(readFileSync(SCHEMA_URL, 'utf8')) as object);
  }
  return compiled;
}

/** The path of a JSON pointer into `data`: a step is a number only in a list (a key `007` stays text). */
function pointerToPath(pointer: string, data: unknown): (string | number)[] {
  if (pointer === '') return [];
  const path: (string | number)[] = [];
  let at = data;
  for (const raw of pointer.slice(1).split('/')) {
    const step = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    const index = Array.isArray(at) && /^\d+$/.test(step) ? Number(step) : null;
    path.push(index ?? step);
    at = typeof at === 'object' && at !== null ? (at as Record<string | number, unknown>)[index ?? step] : undefined;
  }
  return path;
}

/** `tables.users.columns.id` for messages. */
export function describePath(path: Path): string {
  return path.length === 0
    ? 'the file'
    : path
        .map((p) => (typeof p === 'number' ? `[${p}]` : p))
        .join('.')
        .replaceAll('.[', '[');
}

function describeTypes(type: unknown): string {
  const list = Array.isArray(type) ? type : [type];
  const words: Record<string, string> = {
    string: 'a string',
    object: 'a map',
    array: 'a list',
    boolean: 'true or false',
    number: 'a number',
    null: 'null',
  };
  return list.map((t) => words[String(t)] ?? String(t)).join(' or ');
}

const DURATION_HINT = 'write it like 5s, 500ms, 10min or 1h (0s for no limit)';

/** The schema of a duration (lock_timeout, statement_timeout): a string of this pattern. */
const isDurationSchema = (schema: unknown): boolean => (schema as { pattern?: string } | undefined)?.pattern?.includes('(ms|s|min|h)') === true;

function toDiagnostic(error: ErrorObject, map: SourceMap, data: unknown): Diagnostic | null {
  const path = pointerToPath(error.instancePath, data);
  const where = describePath(path);
  switch (error.keyword) {
    case 'if':
      return null; // the failing "then" branch reports the real problem
    case 'additionalProperties': {
      const key = (error.params as { additionalProperty: string }).additionalProperty;
      const known = Object.keys((error.parentSchema as { properties?: object } | undefined)?.properties ?? {});
      const hint = known.length > 0 ? `known keys here: ${known.join(', ')}` : undefined;
      return {
        ...map.key([...path, key]),
        code: 'unknown_key',
        message: `${where}: unknown key "${key}".${suggestion(key, known)}`,
        ...(hint ? { hint } : {}),
      };
    }
    case 'required': {
      const missing = (error.params as { missingProperty: string }).missingProperty;
      return { ...map.key(path), code: 'schema_violation', message: `${where}: "${missing}" is required` };
    }
    case 'type':
      // A number where a duration belongs (`lock_timeout: 5`): its unit is what is missing.
      if (typeof error.data === 'number' && isDurationSchema(error.parentSchema)) {
        return { ...map.value(path), code: 'schema_violation', message: `${where}: ${error.data} needs a unit, like ${error.data}s`, hint: DURATION_HINT };
      }
      return {
        ...map.value(path),
        code: 'schema_violation',
        message: `${where}: must be ${describeTypes((error.params as { type: unknown }).type)}`,
      };
    case 'enum': {
      const allowed = (error.params as { allowedValues: unknown[] }).allowedValues.map(String);
      return {
        ...map.value(path),
        code: 'schema_violation',
        message: `${where}: must be one of ${allowed.join(', ')}`,
      };
    }
    case 'oneOf':
      return {
        ...map.value(path),
        code: 'schema_violation',
        message: `${where}: give exactly one of "column" or "expression"`,
      };
    case 'pattern': {
      const duration = isDurationSchema(error.parentSchema);
      return {
        ...map.value(path),
        code: 'schema_violation',
        message: duration ? `${where}: ${JSON.stringify(error.data)} is not a duration` : `${where}: ${JSON.stringify(error.data)} is not in the expected form`,
        ...(duration ? { hint: DURATION_HINT } : {}),
      };
    }
    case 'minimum':
      return { ...map.value(path), code: 'schema_violation', message: `${where}: must be ${(error.params as { limit: number }).limit} or more` };
    case 'minItems':
    case 'minProperties':
      return { ...map.value(path), code: 'schema_violation', message: `${where}: must not be empty` };
    default:
      return { ...map.value(path), code: 'schema_violation', message: `${where}: ${error.message ?? 'is not valid'}` };
  }
}

/** Every violation of schemas/schema.json in `data`, each once, at its own line. */
export function validateAgainstSchema(data: unknown, map: SourceMap): Diagnostic[] {
  const validate = validator();
  if (validate(data)) return [];
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  const errors = validate.errors ?? [];
  // A "oneOf" failure also reports each branch's own "required" error; keep only the summary.
  const oneOfPaths = new Set(errors.filter((e) => e.keyword === 'oneOf').map((e) => e.instancePath));
  for (const error of errors) {
    if (error.keyword === 'required' && oneOfPaths.has(error.instancePath) && error.schemaPath.includes('/oneOf/')) continue;
    const d = toDiagnostic(error, map, data);
    if (d === null) continue;
    const id = `${d.line}:${d.col}:${d.message}`;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push(d);
  }
  return out;
}
