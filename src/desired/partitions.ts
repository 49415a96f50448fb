// Reading schema.yaml: what makes a table partitioned (`partition_by:`) or a partition
// (`partition_of:` with `for_values:` or `default: true`). A partition has its parent's columns:
// it lists none, and the loader gives it a copy of its parent's for the checks, indexes and
// keys it has of its own. The key and bound texts are spelled by the server
// (spelling/partitions.ts).
import { objectPath, parseQualifiedName } from '../model/identifiers.js';
import type { DiagnosticCode, Position } from './diagnostics.js';
import { isMap, isString, type JsonMap } from './load-names.js';
import type { Path, SourceMap } from './source-map.js';
import type { Located, SpecPartitionOf, SpecTable } from './spec.js';
import { parseOneStatement } from './sql-text.js';

type Report = (pos: Position, code: DiagnosticCode, message: string, hint?: string) => void;

interface Entry {
  readonly schema: string;
  readonly name: string;
  readonly path: Path;
  readonly raw: JsonMap;
}

export interface Partitioning {
  readonly partitionBy?: Located<string>;
  readonly partitionOf?: SpecPartitionOf;
  /** A partition's parent as the file writes it: the names its own checks and indexes may read. */
  readonly parent?: Entry;
}

/** The parts of CREATE TABLE a key or bound text may make; anything else (a tablespace, options, a second clause) is refused. */
const ALLOWED: Readonly<Record<'key' | 'bound', ReadonlySet<string>>> = {
  key: new Set(['relation', 'partspec', 'oncommit']),
  bound: new Set(['relation', 'inhRelations', 'partbound', 'oncommit']),
};

/**
 * Null when `text` is one partition key (`RANGE (a)`) or one bound (`FOR VALUES ...`,
 * `DEFAULT`) and nothing more, else what is wrong: parsed as the CREATE TABLE clause it is,
 * never run.
 */
export function partitionTextProblem(text: string, what: 'key' | 'bound'): string | null {
  const prefix = what === 'key' ? 'CREATE TABLE t () PARTITION BY ' : 'CREATE TABLE t PARTITION OF p ';
  const one = parseOneStatement<Record<string, unknown>>(prefix + text, 'CreateStmt', 'CREATE TABLE');
  const words =
    what === 'key' ? 'one partition key such as "RANGE (column)", "LIST (column)" or "HASH (column)"' : 'one bound such as "FROM (\'2024-01-01\') TO (\'2024-02-01\')", "IN (\'eu\')" or "WITH (modulus 4, remainder 0)"';
  if (!one.ok) return `this is not ${words}${one.ok ? '' : `: ${one.error.message}`}`;
  const extra = Object.keys(one.value.stmt).filter((k) => !ALLOWED[what].has(k));
  // PostgreSQL evaluates a bound's expressions when the partition is made (by the spelling, in
  // `plan`): only literal values, MINVALUE and MAXVALUE, so that nothing of the file runs.
  const bound = one.value.stmt['partbound'] as Record<string, unknown> | undefined;
  const datums = [bound?.['listdatums'], bound?.['lowerdatums'], bound?.['upperdatums']].flatMap((d) => (Array.isArray(d) ? (d as unknown[]) : []));
  if (what === 'bound' && !datums.every(literalDatum)) return 'a bound may hold only literal values (and MINVALUE, MAXVALUE), not expressions';
  return extra.length > 0 || !one.value.stmt[what === 'key' ? 'partspec' : 'partbound'] ? `this is more than ${words}` : null;
}

/** A literal (`'2024-01-01'`, `-1`, `NULL`), one cast to a type (`'2024-01-01'::date`), MINVALUE or MAXVALUE. */
function literalDatum(node: unknown): boolean {
  const n = node as Record<string, Record<string, unknown> | undefined>;
  if (n['A_Const']) return true;
  const cast = n['TypeCast'];
  if (cast) return !!(cast['arg'] as Record<string, unknown> | undefined)?.['A_Const'];
  const fields = n['ColumnRef']?.['fields'];
  const word = Array.isArray(fields) && fields.length === 1 ? (fields[0] as { String?: { sval?: string } }).String?.sval : undefined;
  return word === 'minvalue' || word === 'maxvalue';
}

const label = (schema: string, name: string): string => (schema === 'public' ? name : `${schema}.${name}`);

/** The partitioning of one table of the file; problems are reported where they are written. */
export function readPartitioning(entry: Entry, tables: ReadonlyMap<string, Entry>, map: SourceMap, report: Report): Partitioning {
  const { schema, name, path, raw } = entry;
  const at = (key: string): Path => [...path, key];
  const out: { partitionBy?: Located<string>; partitionOf?: SpecPartitionOf; parent?: Entry } = {};
  if (isString(raw['partition_by'])) {
    const problem = partitionTextProblem(raw['partition_by'], 'key');
    if (problem)
      report(
        map.value(at('partition_by')),
        'bad_expression',
        `partition_by of table "${label(schema, name)}": ${problem}`,
        'write the key as PARTITION BY takes it: RANGE, LIST or HASH and the columns or expressions in parentheses',
      );
    else out.partitionBy = { value: raw['partition_by'], pos: map.value(at('partition_by')) };
  }
  const forValues = isString(raw['for_values']) ? raw['for_values'] : null;
  const forProblem = forValues === null ? null : partitionTextProblem(`FOR VALUES ${forValues}`, 'bound');
  if (forProblem) report(map.value(at('for_values')), 'bad_expression', `for_values of table "${label(schema, name)}": ${forProblem}`, 'write the bound as FOR VALUES takes it, without the words FOR VALUES');
  const isDefault = raw['default'] === true;
  if (!isString(raw['partition_of'])) {
    if (forValues !== null)
      report(map.key(at('for_values')), 'conflict', `table "${label(schema, name)}" has for_values but no partition_of`, 'add `partition_of: <parent>` (a partitioned table of this file), or remove for_values');
    if (isDefault) report(map.key(at('default')), 'conflict', `table "${label(schema, name)}" has default: true but no partition_of`, 'add `partition_of: <parent>` (a partitioned table of this file), or remove default');
    return out;
  }
  const ofPos = map.value(at('partition_of'));
  const q = parseQualifiedName(raw['partition_of'], schema);
  if (q === null) {
    report(ofPos, 'bad_name', `partition_of "${raw['partition_of']}" is not a name or schema.name`);
    return out;
  }
  const parent = tables.get(`${q.schema}.${q.name}`);
  let ok = true;
  if (!parent) {
    report(
      ofPos,
      'unknown_table',
      `table "${label(schema, name)}" is a partition of "${label(q.schema, q.name)}", which is not a table of this file`,
      'define the partitioned table under `tables:` (with partition_by), or correct the name',
    );
    ok = false;
  } else if (parent === entry) {
    report(ofPos, 'conflict', `table "${label(schema, name)}" cannot be a partition of itself`, 'name its partitioned parent');
    ok = false;
  } else if (!isString(parent.raw['partition_by'])) {
    report(
      ofPos,
      'conflict',
      `table "${label(schema, name)}" is a partition of "${label(q.schema, q.name)}", which has no partition_by`,
      `add partition_by to "${label(q.schema, q.name)}" (such as "RANGE (column)"), or correct the name`,
    );
    ok = false;
  }
  if (forValues !== null && isDefault) {
    report(
      map.key(at('default')),
      'conflict',
      `partition "${label(schema, name)}" has both for_values and default: true`,
      'keep one: for_values for a bound, default: true for the partition taking the rows no other one takes',
    );
    ok = false;
  } else if (forValues === null && !isDefault) {
    report(ofPos, 'conflict', `partition "${label(schema, name)}" has neither for_values nor default: true`, `add its bound, such as for_values: "FROM ('2024-01-01') TO ('2024-02-01')", or default: true`);
    ok = false;
  }
  if (raw['columns'] !== undefined) {
    report(
      map.key(at('columns')),
      'conflict',
      `partition "${label(schema, name)}" lists columns: a partition has the columns of its parent`,
      `remove columns: and change the columns of "${label(q.schema, q.name)}" instead`,
    );
    ok = false;
  }
  if (!ok || !parent || forProblem) return out;
  const bound: Located<string> = forValues !== null ? { value: `FOR VALUES ${forValues}`, pos: map.value(at('for_values')) } : { value: 'DEFAULT', pos: map.value(at('default')) };
  out.partitionOf = { schema: q.schema, table: q.name, pos: ofPos, bound };
  out.parent = parent;
  return out;
}

/** The column names a partition's checks and indexes may read: those of its first ancestor that lists columns. */
export function inheritedColumnNames(entry: Entry, parts: ReadonlyMap<Entry, Partitioning>): ReadonlySet<string> | undefined {
  const seen = new Set<Entry>();
  let at: Entry | undefined = parts.get(entry)?.parent;
  while (at && !seen.has(at)) {
    seen.add(at);
    const up = parts.get(at);
    if (!up?.parent) return new Set(isMap(at.raw['columns']) ? Object.keys(at.raw['columns']) : []);
    at = up.parent;
  }
  return undefined;
}

/** Partitions get a copy of their parent's columns (without renames or conversions: those are the parent's). */
export function withInheritedColumns(tables: readonly SpecTable[]): SpecTable[] {
  const byPath = new Map(tables.map((t) => [objectPath(t.schema, t.name), t]));
  const done = new Map<string, SpecTable>();
  const resolve = (t: SpecTable, depth: number): SpecTable => {
    const key = objectPath(t.schema, t.name);
    const ready = done.get(key);
    if (ready) return ready;
    let out = t;
    const of = t.partitionOf;
    const parent = of ? byPath.get(objectPath(of.schema, of.table)) : undefined;
    if (parent && depth < 32) {
      const columns = resolve(parent, depth + 1).columns.map((c) => ({ ...c, renamedFrom: null, using: null, backfill: null }));
      out = { ...t, columns };
    }
    done.set(key, out);
    return out;
  };
  return tables.map((t) => resolve(t, 0));
}
