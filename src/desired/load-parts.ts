// Reading schema.yaml: the parts of a table that name its columns (column lists, expressions,
// indexes, foreign keys and their references). See load.ts.
import { checkExclusion } from './sql-exclusion.js';
import { parseQualifiedName, qualify, quoteIdent } from '../model/identifiers.js';
import type { ReferentialAction } from '../model/model.js';
import type { Position } from './diagnostics.js';
import { suggestion } from './did-you-mean.js';
import type { Path } from './source-map.js';
import type { Located, SpecForeignKey, SpecIndex, SpecIndexKey, SpecTable } from './spec.js';
import { blankComments, checkExpression, type ColumnReference } from './sql-text.js';
import { isMap, isString, NamesReader, tableId, type Json, type JsonMap } from './load-names.js';

const ACTIONS: Record<string, ReferentialAction> = {
  no_action: 'no action',
  restrict: 'restrict',
  cascade: 'cascade',
  set_null: 'set null',
  set_default: 'set default',
};

export class PartsReader extends NamesReader {
  /** Column names of a list, each checked to exist in the table. */
  protected columnList(table: string, columns: ReadonlySet<string>, path: Path, raw: Json, what: string): Located<string>[] {
    if (!Array.isArray(raw)) return [];
    const out: Located<string>[] = [];
    const seen = new Set<string>();
    raw.forEach((c, i) => {
      const pos = this.map.value([...path, i]);
      if (!isString(c)) return;
      if (!columns.has(c)) {
        this.error(pos, 'unknown_column', `${what}: table "${table}" has no column "${c}".${suggestion(c, columns)}`);
        return;
      }
      if (seen.has(c)) {
        this.error(pos, 'duplicate_name', `${what}: column "${c}" is listed twice`);
        return;
      }
      seen.add(c);
      out.push({ value: c, pos });
    });
    return out;
  }

  protected checkColumnRefs(table: string, columns: ReadonlySet<string>, path: Path, refs: readonly ColumnReference[], what: string): boolean {
    let ok = true;
    for (const ref of refs) {
      const pos = this.map.inValue(path, ref.offset);
      if (ref.parts.length !== 1) {
        this.error(pos, 'bad_expression', `${what}: write the column name alone, not "${ref.parts.join('.')}"`);
        ok = false;
      } else if (!columns.has(ref.parts[0]!)) {
        this.error(pos, 'unknown_column', `${what}: table "${table}" has no column "${ref.parts[0]}".${suggestion(ref.parts[0]!, columns)}`);
        ok = false;
      }
    }
    return ok;
  }

  protected expression(table: string, columns: ReadonlySet<string>, path: Path, text: string, what: string): Located<string> | null {
    const checked = checkExpression(text);
    if (!checked.ok) {
      this.error(this.map.inValue(path, checked.error.offset), 'bad_expression', `${what}: ${checked.error.message}`);
      return null;
    }
    if (!this.checkColumnRefs(table, columns, path, checked.value, what)) return null;
    return { value: blankComments(text), pos: this.map.value(path) };
  }

  /** An `exclusions:` entry: one EXCLUDE clause as a string, over the table's own columns (desired/sql-exclusion.ts). */
  protected exclusion(table: string, columns: ReadonlySet<string>, path: Path, raw: Json, what: string): Located<string> | null {
    if (!isString(raw)) {
      this.error(this.map.value(path), 'bad_expression', `${what}: write the constraint as one string, e.g. "EXCLUDE USING gist (room WITH =, during WITH &&)"`);
      return null;
    }
    const checked = checkExclusion(raw);
    if (!checked.ok) {
      this.error(this.map.inValue(path, checked.error.offset), 'bad_expression', `${what}: ${checked.error.message}`);
      return null;
    }
    if (!this.checkColumnRefs(table, columns, path, checked.value, what)) return null;
    return { value: blankComments(raw), pos: this.map.value(path) };
  }

  protected buildIndex(table: string, columns: ReadonlySet<string>, name: string, path: Path, pos: Position, raw: JsonMap): SpecIndex | null {
    const keys: SpecIndexKey[] = [];
    if (Array.isArray(raw['columns'])) {
      raw['columns'].forEach((k, i) => {
        const kpath = [...path, 'columns', i];
        const entry: JsonMap = isString(k) ? { column: k } : isMap(k) ? k : {};
        const descending = entry['order'] === 'desc';
        const nullsFirst = entry['nulls'] === 'first' ? true : entry['nulls'] === 'last' ? false : null;
        const details = { ...this.keyDetails(name, kpath, entry), descending, nullsFirst };
        if (isString(entry['column'])) {
          const cpos = this.map.value(isString(k) ? kpath : [...kpath, 'column']);
          const column = entry['column'];
          if (columns.has(column)) keys.push({ column: { value: column, pos: cpos }, expression: null, ...details });
          else this.error(cpos, 'unknown_column', `index "${name}": table "${table}" has no column "${column}".${suggestion(column, columns)}`);
        } else if (isString(entry['expression'])) {
          const expr = this.expression(table, columns, [...kpath, 'expression'], entry['expression'], `index "${name}"`);
          if (expr) keys.push({ column: null, expression: expr, ...details });
        }
      });
    }
    const method = isString(raw['method']) ? raw['method'] : 'btree';
    const unique = raw['unique'] === true;
    if (unique && method !== 'btree') {
      this.error(this.map.value([...path, 'method']), 'conflict', `index "${name}": only btree indexes can be unique, not ${method}`);
    }
    const nullsNotDistinct = raw['nulls_not_distinct'] === true;
    if (nullsNotDistinct && !unique) {
      this.error(this.map.key([...path, 'nulls_not_distinct']), 'conflict', `index "${name}": nulls_not_distinct only means something for a unique index`, 'add `unique: true`, or remove nulls_not_distinct');
    }
    const include = this.columnList(table, columns, [...path, 'include'], raw['include'], `index "${name}"`);
    const where = isString(raw['where']) ? this.expression(table, columns, [...path, 'where'], raw['where'], `index "${name}"`) : null;
    return { name, pos, unique, nullsNotDistinct, method, keys, include, where, with: this.storageParameters(name, [...path, 'with'], raw['with']), comment: isString(raw['comment']) ? raw['comment'] : null };
  }

  /** A key's `opclass:` (a name, or schema.name) and `collation:` (as a column's), as SQL. */
  private keyDetails(index: string, path: Path, entry: JsonMap): Pick<SpecIndexKey, 'opclass' | 'collation'> {
    let opclass: Located<string> | null = null;
    if (isString(entry['opclass'])) {
      const pos = this.map.value([...path, 'opclass']);
      const q = parseQualifiedName(entry['opclass'], '');
      if (q === null || q.name === '') this.error(pos, 'bad_name', `index "${index}": opclass "${entry['opclass']}" is not a name or schema.name`, 'write an operator class such as text_pattern_ops');
      else opclass = { value: q.schema === '' ? quoteIdent(q.name) : qualify(q.schema, q.name), pos };
    }
    return { opclass, collation: this.collationSql(`index "${index}"`, [...path, 'collation'], entry['collation']) };
  }

  /**
   * `collation:` as SQL: a name as pg_collation lists it (`C`, `en_US.utf8`), quoted whole; or
   * a qualified name written as SQL with double quotes (`"public"."german"`).
   */
  protected collationSql(what: string, path: Path, raw: Json): Located<string> | null {
    if (!isString(raw)) return null;
    const pos = this.map.value(path);
    if (!raw.startsWith('"')) return raw === '' ? null : { value: quoteIdent(raw), pos };
    const q = parseQualifiedName(raw, 'pg_catalog');
    if (q === null || q.name === '' || q.schema === '') {
      this.error(pos, 'bad_name', `collation of ${what}: ${raw} is not a name or "schema"."name"`, 'write the name alone (C, en_US.utf8), or the schema and name in double quotes');
      return null;
    }
    return { value: q.schema === 'pg_catalog' ? quoteIdent(q.name) : `${quoteIdent(q.schema)}.${quoteIdent(q.name)}`, pos };
  }

  /** `with:` storage parameters: names as PostgreSQL spells them, values as text. */
  private storageParameters(index: string, path: Path, raw: Json): Located<Readonly<Record<string, string>>> | null {
    if (!isMap(raw)) return null;
    const out: Record<string, string> = {};
    for (const [name, value] of Object.entries(raw)) {
      if (!/^[a-z_][a-z0-9_]*$/.test(name)) {
        this.error(this.map.key([...path, name]), 'bad_name', `index "${index}": storage parameter "${name}" is not a parameter name`, 'write it in lower case, as fillfactor or fastupdate');
        continue;
      }
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') out[name] = String(value);
    }
    return Object.keys(out).length === 0 ? null : { value: out, pos: this.map.value(path) };
  }

  /** `on_delete_columns:`, which only `set_null` and `set_default` take, naming columns of the key. */
  private deleteColumns(table: string, name: string, key: readonly Located<string>[], path: Path, raw: Json, onDelete: string): Located<string>[] | null {
    if (onDelete !== 'set null' && onDelete !== 'set default') {
      this.error(this.map.key(path), 'conflict', `foreign key "${name}": on_delete_columns needs on_delete set_null or set_default`, 'remove on_delete_columns, or set on_delete: set_null');
      return null;
    }
    const inKey = new Set(key.map((c) => c.value));
    const named = Array.isArray(raw) ? raw : [];
    const outside = named.findIndex((c) => isString(c) && !inKey.has(c));
    if (outside >= 0) {
      const c = String(named[outside]);
      this.error(this.map.value([...path, outside]), 'unknown_column', `foreign key "${name}": on_delete_columns names "${c}", which is not a column of the key`, `name columns of the key: ${[...inKey].join(', ')}`);
      return null;
    }
    const list = this.columnList(table, inKey, path, raw, `foreign key "${name}" on_delete_columns`);
    return list.length === 0 ? null : list;
  }

  protected parseReference(text: string): { table: string; columns: string[] | null } | null {
    const m = /^\s*([^()]+?)\s*(?:\(([^()]*)\))?\s*$/.exec(text);
    if (!m) return null;
    const columns =
      m[2] === undefined
        ? null
        : m[2].split(',').map((c) =>
            c
              .trim()
              .replace(/^"(.*)"$/, '$1')
              .replaceAll('""', '"'),
          );
    if (columns?.some((c) => c === '')) return null;
    return { table: m[1]!, columns };
  }

  protected buildForeignKey(table: string, columns: ReadonlySet<string>, name: string, path: Path, pos: Position, raw: JsonMap): SpecForeignKey | null {
    const list = this.columnList(table, columns, [...path, 'columns'], raw['columns'], `foreign key "${name}"`);
    // A column already reported unknown would make the counts below disagree falsely.
    if (!Array.isArray(raw['columns']) || list.length !== raw['columns'].length) return null;
    const refPath = [...path, 'references'];
    const refPos = this.map.value(refPath);
    const refRaw = raw['references'];
    let ref: { table: string; columns: string[] | null } | null = null;
    let colPaths: Path[] = [];
    if (isString(refRaw)) {
      ref = this.parseReference(refRaw);
      if (ref === null) {
        this.error(refPos, 'bad_reference', `foreign key "${name}": cannot read references "${refRaw}"`, 'write `table(column, ...)`, `schema.table(column)` or `table`');
        return null;
      }
      colPaths = (ref.columns ?? []).map(() => refPath);
    } else if (isMap(refRaw) && isString(refRaw['table'])) {
      const cols = Array.isArray(refRaw['columns']) ? refRaw['columns'].filter(isString) : null;
      ref = { table: refRaw['table'], columns: cols };
      colPaths = (cols ?? []).map((_c, i) => [...refPath, 'columns', i]);
    }
    if (ref === null) return null;
    const q = parseQualifiedName(ref.table);
    if (q === null) {
      this.error(refPos, 'bad_reference', `foreign key "${name}": "${ref.table}" is not a table name`);
      return null;
    }
    const onDelete = ACTIONS[String(raw['on_delete'] ?? 'no_action')] ?? 'no action';
    const onUpdate = ACTIONS[String(raw['on_update'] ?? 'no_action')] ?? 'no action';
    const onDeleteColumns = raw['on_delete_columns'] === undefined ? null : this.deleteColumns(table, name, list, [...path, 'on_delete_columns'], raw['on_delete_columns'], onDelete);
    const initiallyDeferred = raw['initially_deferred'] === true;
    if (initiallyDeferred && raw['deferrable'] === false) {
      this.error(this.map.key([...path, 'initially_deferred']), 'conflict', `foreign key "${name}": initially_deferred needs deferrable`);
    }
    return {
      name,
      pos,
      columns: list,
      references: {
        schema: q.schema,
        table: q.name,
        columns: (ref.columns ?? []).map((c, i) => ({ value: c, pos: this.map.value(colPaths[i] ?? refPath) })),
        pos: refPos,
      },
      onDelete,
      onDeleteColumns,
      onUpdate,
      match: raw['match'] === 'full' ? 'full' : 'simple',
      deferrable: raw['deferrable'] === true || initiallyDeferred,
      initiallyDeferred,
    };
  }

  /**
   * Resolve each foreign key's target: the table, its columns (its primary key when none are
   * named), and a unique key over them. Returns the table with every reference complete.
   */
  protected resolveForeignKeys(table: SpecTable, tables: readonly SpecTable[], byId: ReadonlyMap<string, SpecTable>): SpecTable {
    const foreignKeys: SpecForeignKey[] = [];
    for (const fk of table.foreignKeys) {
      const ref = fk.references;
      const target = byId.get(tableId({ schema: ref.schema, name: ref.table }));
      const refName = ref.schema === 'public' ? ref.table : `${ref.schema}.${ref.table}`;
      if (!target) {
        // Said without asking the database: a table the file does not define is one no plan can
        // reference, whether the database has it or not.
        const names = tables.map((t) => (t.schema === 'public' ? t.name : `${t.schema}.${t.name}`));
        this.error(
          ref.pos,
          'unknown_table',
          `foreign key "${fk.name}" references unknown table "${refName}".${suggestion(refName, names)}`,
          `a foreign key references a table of this file: define "${refName}" under \`tables:\`, or correct the name (a table of an inheritance tree in the database cannot be referenced: schema does not manage them, so add such a key by hand)`,
        );
        continue;
      }
      let refColumns = ref.columns.map((c) => c.value);
      if (refColumns.length === 0) {
        if (!target.primaryKey) {
          this.error(ref.pos, 'bad_reference', `foreign key "${fk.name}": table "${refName}" has no primary key`, `name the referenced columns: ${refName}(column)`);
          continue;
        }
        refColumns = target.primaryKey.columns.map((c) => c.value);
      }
      const located = ref.columns.length > 0 ? ref.columns : refColumns.map((c) => ({ value: c, pos: ref.pos }));
      const targetColumns = new Set(target.columns.map((c) => c.name));
      let ok = true;
      for (const c of located) {
        if (!targetColumns.has(c.value)) {
          this.error(c.pos, 'unknown_column', `foreign key "${fk.name}": table "${refName}" has no column "${c.value}".${suggestion(c.value, targetColumns)}`);
          ok = false;
        }
      }
      if (!ok) continue;
      if (refColumns.length !== fk.columns.length) {
        this.error(ref.pos, 'bad_reference', `foreign key "${fk.name}" has ${fk.columns.length} column(s) but references ${refColumns.length}`);
        continue;
      }
      const wanted = [...refColumns].sort().join('\u0000');
      const keys = [
        ...(target.primaryKey ? [target.primaryKey.columns] : []),
        ...target.uniques.map((u) => u.columns),
        ...target.indexes.filter((i) => i.unique && !i.where && i.keys.every((k) => k.column)).map((i) => i.keys.map((k) => k.column!)),
      ];
      if (
        !keys.some(
          (k) =>
            k
              .map((c) => c.value)
              .sort()
              .join('\u0000') === wanted,
        )
      ) {
        this.error(
          ref.pos,
          'bad_reference',
          `foreign key "${fk.name}": ${refName}(${refColumns.join(', ')}) is not a primary key or unique constraint`,
          `a foreign key must reference a unique key; add \`unique: true\` or a unique constraint on ${refName}(${refColumns.join(', ')})`,
        );
        continue;
      }
      foreignKeys.push({ ...fk, references: { ...ref, columns: located } });
    }
    return { ...table, foreignKeys };
  }
}
