// Reading schema.yaml: tables and their columns, defaults and keys. See load.ts.
import { implicitName, parseQualifiedName } from '../model/identifiers.js';
import type { IdentityKind } from '../model/model.js';
import type { Position } from './diagnostics.js';
import { literalDefaultProblem } from './literal-defaults.js';
import type { Path } from './source-map.js';
import { entriesAsWritten } from './names.js';
import type { Located, SpecCheck, SpecColumn, SpecDefault, SpecForeignKey, SpecIndex, SpecKey, SpecTable, SpecUnique } from './spec.js';
import { blankComments, checkExpression, subqueryOffset } from './sql-text.js';
import { isMap, isString, type Json, type JsonMap, type Relation } from './load-names.js';
import { PartsReader } from './load-parts.js';
import { readTableSettings } from './table-settings.js';
import { readDefault } from './defaults.js';
import { readTablePolicies } from './policies.js';

const IDENTITY_TYPES = new Set(['int2', 'int4', 'int8']);

/**
 * Date and time input words PostgreSQL reads as the moment they are read (`'now'`, `'today'`,
 * also inside `'today 10:00'` or an array), by type: as a literal default they are read once,
 * when the default is made, and keep that moment. The spelling reads them again on every
 * plan, so such a default would never compare equal either.
 */
const MOMENT_WORDS: Readonly<Record<string, RegExp>> = {
  date: /\b(now|today|tomorrow|yesterday)\b/i,
  timestamp: /\b(now|today|tomorrow|yesterday)\b/i,
  timestamptz: /\b(now|today|tomorrow|yesterday)\b/i,
  time: /\b(now)\b/i,
  timetz: /\b(now)\b/i,
};

/** What to write instead of a literal default naming `word`, as an expression read at each insert. */
const MOMENT_EXPRESSIONS: Readonly<Record<string, string>> = {
  now: 'now()',
  today: 'CURRENT_DATE',
  tomorrow: 'CURRENT_DATE + 1',
  yesterday: 'CURRENT_DATE - 1',
};

/** The moment word in a literal default of a built-in date or time type, or null. */
function momentWord(names: readonly string[], literal: string): string | null {
  const [schema, name] = names.length === 2 ? names : ['pg_catalog', names[0] ?? ''];
  const words = schema === 'pg_catalog' ? MOMENT_WORDS[name!] : undefined;
  return words?.exec(literal)?.[1]?.toLowerCase() ?? null;
}

/**
 * The key `unique` repeats, as words (`the primary key "t_pkey"`), or null. PostgreSQL's CREATE
 * TABLE keeps one index of keys with the same columns in the same order and the same NULLS
 * [NOT] DISTINCT, the primary key's first, and drops the others silently; ALTER TABLE ADD
 * would make a second one. Only that exact repetition is refused: the same columns in another
 * order make another index, which PostgreSQL keeps.
 */
function duplicatedKey(unique: SpecUnique, primaryKey: SpecKey | null, prior: readonly SpecUnique[]): string | null {
  // A key checked at another time is another index to PostgreSQL: not a repetition.
  const columns = (k: SpecKey): string => JSON.stringify([k.columns.map((c) => c.value), k.deferrable ?? false, k.initiallyDeferred ?? false]);
  if (unique.columns.length === 0) return null;
  if (primaryKey && !unique.nullsNotDistinct && columns(primaryKey) === columns(unique)) return `the primary key "${primaryKey.name}" (line ${primaryKey.pos.line})`;
  const twin = prior.find((u) => u.nullsNotDistinct === unique.nullsNotDistinct && columns(u) === columns(unique));
  return twin ? `unique constraint "${twin.name}" (line ${twin.pos.line})` : null;
}

export class TableReader extends PartsReader {
  protected buildColumn(path: Path, name: string, raw: Json): (SpecColumn & { pk: boolean; unique: boolean; nullableSet: boolean }) | null {
    const pos = this.map.key(path);
    if (!this.checkName(name, pos, 'column')) return null;
    const def: JsonMap = isString(raw) ? { type: raw } : isMap(raw) ? raw : {};
    const typePath = isString(raw) ? path : [...path, 'type'];
    if (!isString(def['type'])) return null;
    const typeText = def['type'];
    const resolved = this.resolveType(typeText, typePath);
    const identity = (def['identity'] === 'always' || def['identity'] === 'by_default' ? def['identity'] : null) as IdentityKind | null;
    if (identity && resolved) {
      const n = resolved.names;
      const base = n[n.length - 1] ?? '';
      if (n.length > 2 || (n.length === 2 && n[0] !== 'pg_catalog') || !IDENTITY_TYPES.has(base)) {
        this.error(this.map.value([...path, 'identity']), 'conflict', `column "${name}": an identity column must be smallint, integer or bigint, not ${typeText}`);
      }
    }
    let dflt = this.buildDefault(name, [...path, 'default'], def['default']);
    const word = dflt && resolved && isString(def['default']) ? momentWord(resolved.names, def['default']) : null;
    if (dflt && word) {
      const instead = MOMENT_EXPRESSIONS[word]!;
      this.error(
        dflt.pos,
        'bad_expression',
        `default of column "${name}": the literal '${word}' is read once, when the default is made, and keeps that moment for every row`,
        `for the time of each insert, write an expression: default: { sql: ${instead} }`,
      );
      dflt = null;
    }
    // Checked here, not only when `plan` spells the file, so it is reported with every other problem.
    const literalProblem = dflt && resolved?.builtin !== undefined && isString(def['default']) ? literalDefaultProblem(resolved.builtin, def['default']) : null;
    if (dflt && literalProblem !== null) {
      this.error(dflt.pos, 'bad_expression', `default of column "${name}": ${literalProblem}`, 'change the default, or the type');
      dflt = null;
    }
    // `backfill:` as a literal, checked like a literal default; `{ sql: ... }` is read with the table's columns (buildTable).
    const backfillRaw = def['backfill'];
    let backfill: Located<string> | null = null;
    if (backfillRaw !== undefined && backfillRaw !== null && !isMap(backfillRaw)) {
      const literal = this.buildDefault(name, [...path, 'backfill'], backfillRaw);
      const problem = literal && resolved?.builtin !== undefined && isString(backfillRaw) ? literalDefaultProblem(resolved.builtin, backfillRaw) : null;
      if (literal && problem !== null)
        this.error(literal.pos, 'bad_expression', `backfill of column "${name}": ${problem.replace(/^the default /, 'the value ')}`, 'change the value, or write an expression: backfill: { sql: ... }');
      else if (literal) backfill = { value: literal.sql, pos: literal.pos };
    }
    if (identity && dflt) {
      this.error(dflt.pos, 'conflict', `column "${name}" has both a default and an identity`, 'an identity column takes its values from its sequence; remove `default`');
    }
    const generatedRaw = def['generated'];
    if (generatedRaw !== undefined && generatedRaw !== null) {
      const gpos = this.map.key([...path, 'generated']);
      const other = def['default'] !== undefined && def['default'] !== null ? 'a default' : identity ? 'an identity' : backfillRaw !== undefined && backfillRaw !== null ? 'a backfill' : null;
      const key = other === 'a default' ? 'default' : other === 'an identity' ? 'identity' : 'backfill';
      if (other !== null) this.error(gpos, 'conflict', `column "${name}" has both a generation expression and ${other}`, `a generated column takes its values from its expression; remove \`${key}\` (or \`generated\`)`);
    }
    const collation = this.collationSql(`column "${name}"`, [...path, 'collation'], def['collation']);
    const pk = def['primary_key'] === true;
    const nullableSet = typeof def['nullable'] === 'boolean';
    // PostgreSQL makes primary key and identity columns NOT NULL; the desired state says so too.
    const nullable = nullableSet ? (def['nullable'] as boolean) : !pk && identity === null;
    if ((pk || identity) && nullable) {
      const what = pk ? 'a primary key' : 'an identity column';
      this.error(this.map.key([...path, 'nullable']), 'conflict', `column "${name}" is ${what}, which is never nullable`, 'remove `nullable: true`');
    }
    if (nullable && backfillRaw !== undefined && backfillRaw !== null) {
      this.error(this.map.key([...path, 'backfill']), 'conflict', `column "${name}" is nullable: backfill fills its NULL rows only when it becomes NOT NULL`, 'add `nullable: false`, or remove `backfill`');
    }
    let renamedFrom: Located<string> | null = null;
    if (isString(def['renamed_from'])) {
      const rpos = this.map.value([...path, 'renamed_from']);
      if (this.checkName(def['renamed_from'], rpos, 'column')) renamedFrom = { value: def['renamed_from'], pos: rpos };
      if (def['renamed_from'] === name) renamedFrom = null;
    }
    return {
      name,
      pos,
      type: { value: resolved ? blankComments(typeText) : typeText, pos: this.map.value(typePath) },
      nullable,
      default: dflt,
      identity,
      comment: isString(def['comment']) ? def['comment'] : null,
      renamedFrom,
      using: null,
      backfill,
      generated: null,
      collation,
      pk,
      unique: def['unique'] === true,
      nullableSet,
    };
  }

  /**
   * `generated:` (a string, or `{ sql: ... }`): one expression over the row's own columns, none
   * of them generated (PostgreSQL refuses that), checked like a check's text.
   */
  protected generatedExpression(table: string, columns: ReadonlySet<string>, generated: ReadonlySet<string>, column: string, path: Path, raw: Json): Located<string> | null {
    const text = isString(raw) ? raw : isMap(raw) && isString(raw['sql']) ? raw['sql'] : null;
    if (text === null) return null;
    const textPath = isString(raw) ? path : [...path, 'sql'];
    const what = `generation expression of column "${column}"`;
    const expr = this.expression(table, columns, textPath, text, what);
    if (expr === null) return null;
    const checked = checkExpression(text);
    for (const ref of checked.ok ? checked.value : []) {
      const name = ref.parts[0]!;
      if (ref.parts.length !== 1 || !generated.has(name)) continue;
      const self = name === column;
      this.error(
        this.map.inValue(textPath, ref.offset),
        'bad_expression',
        self ? `${what} reads the column itself` : `${what} reads "${name}", which is a generated column too: PostgreSQL does not allow that`,
        self ? 'compute it from the other columns of the row' : `compute it from the columns "${name}" is computed from`,
      );
      return null;
    }
    return expr;
  }

  /** A key's `deferrable:` and `initially_deferred:` (which needs it, and implies it when absent). */
  protected keyTiming(what: string, path: Path, raw: JsonMap): Pick<SpecKey, 'deferrable' | 'initiallyDeferred'> {
    const initiallyDeferred = raw['initially_deferred'] === true;
    if (initiallyDeferred && raw['deferrable'] === false) this.error(this.map.key([...path, 'initially_deferred']), 'conflict', `${what}: initially_deferred needs deferrable`, 'remove `deferrable: false`');
    const deferrable = raw['deferrable'] === true || initiallyDeferred;
    return deferrable ? { deferrable, initiallyDeferred } : {};
  }

  protected buildDefault(column: string, path: Path, raw: Json): SpecDefault | null {
    return readDefault(this.map, (pos, code, message, hint) => this.error(pos, code, message, hint), `column "${column}"`, path, raw, 'a default cannot read other columns');
  }

  /**
   * `backfill: { sql: ... }`: one expression over the row's own columns (as named once the
   * plan's renames ran), like a check's, and without a subquery: it is run on every NULL row by
   * an UPDATE, so it may not read other rows or tables. Null for any other form.
   */
  protected backfillExpression(table: string, columns: ReadonlySet<string>, column: string, path: Path, raw: Json): Located<string> | null {
    if (!isMap(raw) || !isString(raw['sql'])) return null;
    const sqlPath = [...path, 'sql'];
    const what = `backfill of column "${column}"`;
    const checked = checkExpression(raw['sql']);
    if (!checked.ok) {
      this.error(this.map.inValue(sqlPath, checked.error.offset), 'bad_expression', `${what}: ${checked.error.message}`);
      return null;
    }
    // Before its column names: those of a subquery are another table's.
    const subquery = subqueryOffset(raw['sql']);
    if (subquery !== null) {
      this.error(
        this.map.inValue(sqlPath, subquery),
        'bad_expression',
        `${what} has a subquery; a backfill may read only the row's own columns`,
        'compute the value from the columns of the row, or fill the column with your own UPDATE before the plan',
      );
      return null;
    }
    if (!this.checkColumnRefs(table, columns, sqlPath, checked.value, what)) return null;
    return { value: blankComments(raw['sql']), pos: this.map.value(sqlPath) };
  }

  /** `inherited`: a partition's, the names of its parent's columns (it lists none of its own). */
  protected buildTable(schema: string, name: string, path: Path, raw: JsonMap, inherited?: ReadonlySet<string>): SpecTable | null {
    const pos = this.map.key(path);
    const columnsRaw = isMap(raw['columns']) && !inherited ? raw['columns'] : {};
    const columnNames = new Set(inherited ?? Object.keys(columnsRaw));
    const generatedNames = new Set(Object.entries(columnsRaw).flatMap(([cname, craw]) => (isMap(craw) && craw['generated'] !== undefined && craw['generated'] !== null ? [cname] : [])));
    const columns = entriesAsWritten(columnsRaw)
      .map(([cname, craw]) => {
        const built = this.buildColumn([...path, 'columns', cname], cname, craw);
        const generated = built && isMap(craw) ? this.generatedExpression(name, columnNames, generatedNames, cname, [...path, 'columns', cname, 'generated'], craw['generated']) : null;
        const column = built && generated ? { ...built, generated } : built;
        // `using:` reads the table's columns (as named once the plan's renames ran), like a check.
        const cpath = [...path, 'columns', cname];
        const text = isMap(craw) ? craw['using'] : undefined;
        const filled = column && isMap(craw) ? this.backfillExpression(name, columnNames, cname, [...cpath, 'backfill'], craw['backfill']) : null;
        const withBackfill = column && filled ? { ...column, backfill: filled } : column;
        if (withBackfill === null || !isString(text)) return withBackfill;
        return { ...withBackfill, using: this.expression(name, columnNames, [...cpath, 'using'], text, `using of column "${cname}"`) };
      })
      .filter((c): c is NonNullable<typeof c> => c !== null);
    const constraintNames = new Map<string, Relation>();
    const claimConstraint = (cname: string, what: string, cpos: Position): boolean => {
      if (!this.checkName(cname, cpos, what)) return false;
      this.claim(constraintNames, `table "${name}"`, cname, `${what} "${cname}"`, cpos, 'the constraints of a table need names of their own: choose another name');
      return true;
    };
    const claimIndex = (iname: string, what: string, ipos: Position): void => {
      this.claim(this.relations, `schema "${schema}"`, iname, `${what} "${iname}"`, ipos, 'tables, indexes and the indexes of keys share one namespace per schema: choose another name');
    };

    // Primary key: on the table, or `primary_key: true` on one column.
    let primaryKey: SpecKey | null = null;
    let pkComplete = true;
    const pkColumns = columns.filter((c) => c.pk);
    const pkRaw = raw['primary_key'];
    if (pkRaw !== undefined) {
      const pkPath = [...path, 'primary_key'];
      const kpos = this.map.key(pkPath);
      if (pkColumns.length > 0) {
        this.error(kpos, 'conflict', `table "${name}" has both \`primary_key\` and a column with \`primary_key: true\``, 'keep one of them');
      }
      const listRaw = isMap(pkRaw) ? pkRaw['columns'] : pkRaw;
      const listPath = isMap(pkRaw) ? [...pkPath, 'columns'] : pkPath;
      const pkName = isMap(pkRaw) && isString(pkRaw['name']) ? pkRaw['name'] : implicitName(name, null, 'pkey');
      const list = this.columnList(name, columnNames, listPath, listRaw, `primary key of "${name}"`);
      pkComplete = Array.isArray(listRaw) && list.length === listRaw.length;
      if (claimConstraint(pkName, 'primary key', kpos)) claimIndex(pkName, 'primary key', kpos);
      primaryKey = { name: pkName, pos: kpos, columns: list, ...(isMap(pkRaw) ? this.keyTiming(`primary key "${pkName}"`, pkPath, pkRaw) : {}) };
    } else if (pkColumns.length > 1) {
      this.error(
        pkColumns[1]!.pos,
        'conflict',
        `table "${name}" has more than one column with \`primary_key: true\``,
        `for a composite key write \`primary_key: [${pkColumns.map((c) => c.name).join(', ')}]\` on the table`,
      );
    } else if (pkColumns.length === 1) {
      const c = pkColumns[0]!;
      const pkName = implicitName(name, null, 'pkey');
      if (claimConstraint(pkName, 'primary key', c.pos)) claimIndex(pkName, 'primary key', c.pos);
      primaryKey = { name: pkName, pos: c.pos, columns: [{ value: c.name, pos: c.pos }] };
    }
    // Primary key columns are NOT NULL in PostgreSQL; say so in the desired state too.
    const pkSet = new Set(primaryKey?.columns.map((c) => c.value) ?? []);
    const finalColumns: SpecColumn[] = columns.map((c) => {
      if (pkSet.has(c.name) && c.nullable && !c.pk) {
        if (c.nullableSet) {
          this.error(this.map.key([...path, 'columns', c.name, 'nullable']), 'conflict', `column "${c.name}" is in the primary key, which is never nullable`, 'remove `nullable: true`');
        }
      }
      // Field by field, in the order buildColumn writes them: a rest pattern that leaves keys
      // out (`{ pk, ...column }`) takes V8's slow path, 0.5 s over the 90,000 columns of 10,000 tables.
      return {
        name: c.name,
        pos: c.pos,
        type: c.type,
        nullable: pkSet.has(c.name) ? false : c.nullable,
        default: c.default,
        identity: c.identity,
        comment: c.comment,
        renamedFrom: c.renamedFrom,
        using: c.using,
        backfill: c.backfill,
        generated: c.generated ?? null,
        collation: c.collation ?? null,
      };
    });

    // Unique constraints: `unique: true` on columns, and the table's `unique` map.
    const uniques: SpecUnique[] = [];
    // `complete`: every column was found (an unknown one, already reported, is left out of the list).
    const completeUniques: SpecUnique[] = [];
    const addUnique = (unique: SpecUnique, written: Position, complete: boolean): void => {
      const twin = complete ? duplicatedKey(unique, pkComplete ? primaryKey : null, completeUniques) : null;
      if (complete) completeUniques.push(unique);
      if (twin === null) uniques.push(unique);
      else {
        this.error(
          written,
          'conflict',
          `unique constraint "${unique.name}" duplicates ${twin} on (${unique.columns.map((c) => c.value).join(', ')}): PostgreSQL would not create it with the table, so it would be planned again on every run`,
          'remove it: the key already there makes these columns unique',
        );
      }
    };
    for (const c of columns.filter((col) => col.unique)) {
      const uname = implicitName(name, c.name, 'key');
      if (claimConstraint(uname, 'unique constraint', c.pos)) claimIndex(uname, 'unique constraint', c.pos);
      addUnique({ name: uname, pos: c.pos, columns: [{ value: c.name, pos: c.pos }], nullsNotDistinct: false }, this.map.key([...path, 'columns', c.name, 'unique']), true);
    }
    if (isMap(raw['unique'])) {
      for (const [uname, uraw] of entriesAsWritten(raw['unique'])) {
        const upath = [...path, 'unique', uname];
        const upos = this.map.key(upath);
        if (claimConstraint(uname, 'unique constraint', upos)) claimIndex(uname, 'unique constraint', upos);
        const listRaw = isMap(uraw) ? uraw['columns'] : uraw;
        const listPath = isMap(uraw) ? [...upath, 'columns'] : upath;
        const list = this.columnList(name, columnNames, listPath, listRaw, `unique constraint "${uname}"`);
        const complete = Array.isArray(listRaw) && list.length === listRaw.length;
        const timing = isMap(uraw) ? this.keyTiming(`unique constraint "${uname}"`, upath, uraw) : {};
        addUnique({ name: uname, pos: upos, columns: list, nullsNotDistinct: isMap(uraw) && uraw['nulls_not_distinct'] === true, ...timing }, upos, complete);
      }
    }

    const checks: SpecCheck[] = [];
    if (isMap(raw['checks'])) {
      for (const [cname, craw] of entriesAsWritten(raw['checks'])) {
        const cpath = [...path, 'checks', cname];
        const cpos = this.map.key(cpath);
        claimConstraint(cname, 'check constraint', cpos);
        const text = isString(craw) ? craw : isMap(craw) && isString(craw['expression']) ? craw['expression'] : null;
        if (text === null) continue;
        const expr = this.expression(name, columnNames, isString(craw) ? cpath : [...cpath, 'expression'], text, `check "${cname}"`);
        if (expr) checks.push({ name: cname, pos: cpos, expression: expr });
      }
    }
    if (isMap(raw['exclusions'])) {
      for (const [xname, xraw] of entriesAsWritten(raw['exclusions'])) {
        const xpath = [...path, 'exclusions', xname];
        const xpos = this.map.key(xpath);
        // An exclusion's index takes its name too.
        if (claimConstraint(xname, 'exclusion constraint', xpos)) claimIndex(xname, 'exclusion constraint', xpos);
        const text = this.exclusion(name, columnNames, xpath, xraw, `exclusion "${xname}"`);
        if (text) checks.push({ name: xname, pos: xpos, expression: text, exclusion: true });
      }
    }

    const indexes: SpecIndex[] = [];
    if (isMap(raw['indexes'])) {
      for (const [iname, iraw] of entriesAsWritten(raw['indexes'])) {
        const ipath = [...path, 'indexes', iname];
        const ipos = this.map.key(ipath);
        if (!this.checkName(iname, ipos, 'index') || !isMap(iraw)) continue;
        claimIndex(iname, 'index', ipos);
        const index = this.buildIndex(name, columnNames, iname, ipath, ipos, iraw);
        if (index) indexes.push(index);
      }
    }

    const foreignKeys: SpecForeignKey[] = [];
    if (isMap(raw['foreign_keys'])) {
      for (const [fname, fraw] of entriesAsWritten(raw['foreign_keys'])) {
        const fpath = [...path, 'foreign_keys', fname];
        const fpos = this.map.key(fpath);
        if (!claimConstraint(fname, 'foreign key', fpos) || !isMap(fraw)) continue;
        const fk = this.buildForeignKey(name, columnNames, fname, fpath, fpos, fraw);
        if (fk) foreignKeys.push(fk);
      }
    }

    let renamedFrom: SpecTable['renamedFrom'] = null;
    if (isString(raw['renamed_from'])) {
      const rpos = this.map.value([...path, 'renamed_from']);
      const q = parseQualifiedName(raw['renamed_from'], schema);
      if (q === null) this.error(rpos, 'bad_name', `renamed_from "${raw['renamed_from']}" is not a name or schema.name`);
      else if (this.checkName(q.schema, rpos, 'schema') && this.checkName(q.name, rpos, 'table')) {
        if (q.schema !== schema || q.name !== name) renamedFrom = { value: q, pos: rpos };
      }
    }

    return {
      schema,
      name,
      pos,
      comment: isString(raw['comment']) ? raw['comment'] : null,
      renamedFrom,
      ...readTableSettings(raw, path, this.map, this.diagnostics, new Set([...(primaryKey ? [primaryKey.name] : []), ...uniques.map((u) => u.name), ...indexes.filter((i) => i.unique).map((i) => i.name)])),
      columns: finalColumns,
      primaryKey,
      uniques,
      checks,
      indexes,
      foreignKeys,
      ...readTablePolicies({ map: this.map, error: (...a) => this.error(...a), checkName: (...a) => this.checkName(...a) }, name, path, raw),
    };
  }
}
