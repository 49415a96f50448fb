// What a revision file's statements do, read with PostgreSQL's own parser rather than believed
// from the file's comments: a statement that ends, opens or splits a transaction, or sets
// something for the rest of the session, is refused; every other one carries the hazards its
// effect has (what it drops, empties, overwrites, retypes or constrains). Pure.
import { parseSync } from 'libpg-query';
import '../model/identifiers.js'; // loads the parser module (top-level await)
import type { Hazard, HazardCode } from '../plan/types.js';

type Node = Record<string, unknown>;

/** A statement that cannot run inside a step, said for a person: what is wrong, and what to do. */
export interface Refusal {
  readonly problem: string;
  readonly hint: string;
}

export type StatementReading = { readonly ok: true; readonly hazards: readonly Hazard[] } | ({ readonly ok: false } & Refusal);

const TRANSACTION_WORDS: Readonly<Record<string, string>> = {
  TRANS_STMT_BEGIN: 'BEGIN',
  TRANS_STMT_START: 'START TRANSACTION',
  TRANS_STMT_COMMIT: 'COMMIT',
  TRANS_STMT_ROLLBACK: 'ROLLBACK',
  TRANS_STMT_SAVEPOINT: 'SAVEPOINT',
  TRANS_STMT_RELEASE: 'RELEASE SAVEPOINT',
  TRANS_STMT_ROLLBACK_TO: 'ROLLBACK TO SAVEPOINT',
  TRANS_STMT_PREPARE: 'PREPARE TRANSACTION',
  TRANS_STMT_COMMIT_PREPARED: 'COMMIT PREPARED',
  TRANS_STMT_ROLLBACK_PREPARED: 'ROLLBACK PREPARED',
};

/**
 * Functions that run SQL text of their own (here or on another server) or destroy stored data
 * the statement does not name: a call to one anywhere in a statement counts as code whose
 * effect cannot be read. Other functions the database already has are its own, and trusted.
 */
const OPAQUE_FUNCTIONS = new Set([
  'dblink',
  'dblink_exec',
  'dblink_send_query',
  'dblink_open',
  'query_to_xml',
  'query_to_xmlschema',
  'query_to_xml_and_xmlschema',
  'lo_unlink',
  'lo_import',
  'lo_export',
  'pg_file_write',
  'pg_file_unlink',
  'pg_file_rename',
]);

/**
 * Statements that only store an expression for later (a default, a check, a view's query, a
 * function's body) and evaluate nothing on rows as they run: a call they hold runs when rows
 * change later, not here.
 */
const DEFINES_ONLY = new Set([
  'CreateStmt',
  'ViewStmt',
  'CreateFunctionStmt',
  'CreatePolicyStmt',
  'AlterPolicyStmt',
  'CreateDomainStmt',
  'CommentStmt',
  'CreateTrigStmt',
  'RuleStmt',
  'CompositeTypeStmt',
  'DefineStmt',
  'CreateEnumStmt',
]);

const strings = (list: unknown): string[] => (Array.isArray(list) ? list.map((n) => ((n as Node)['String'] as { sval?: string } | undefined)?.sval ?? '').filter((s) => s !== '') : []);

/** `public.users` from a RangeVar (as written: unqualified stays unqualified). */
function relationName(rv: unknown): string {
  const r = (rv ?? {}) as { schemaname?: string; relname?: string };
  return [r.schemaname, r.relname].filter((p): p is string => typeof p === 'string' && p !== '').join('.') || '(a table)';
}

/** The name of one object of a DROP: a list of name parts, one name, or a type name. */
function droppedName(object: unknown): string {
  const o = object as Node;
  if (o['List']) return strings((o['List'] as { items?: unknown }).items).join('.');
  if (o['String']) return (o['String'] as { sval?: string }).sval ?? '';
  if (o['TypeName']) return strings((o['TypeName'] as { names?: unknown }).names).join('.');
  if (o['ObjectWithArgs']) return `${strings((o['ObjectWithArgs'] as { objname?: unknown }).objname).join('.')}()`;
  return '(an object)';
}

/**
 * Every node under `root` as [type, fields], depth first, without recursion (a statement a
 * stranger wrote can nest deeper than the stack allows). The parser's JSON wraps each node in
 * an object with one key, its type, in capitals (`{"DeleteStmt": {...}}`).
 */
function* nodesOf(root: unknown): Generator<[string, Node]> {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const value = stack.pop();
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push(value[i]);
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    const entries = Object.entries(value as Node);
    if (entries.length === 1 && /^[A-Z]/.test(entries[0]![0]) && entries[0]![1] !== null && typeof entries[0]![1] === 'object') {
      yield [entries[0]![0], entries[0]![1] as Node];
    }
    for (let i = entries.length - 1; i >= 0; i--) stack.push(entries[i]![1]);
  }
}

/** Built-in types by the parser's internal name, as people write them. */
const TYPE_WORDS: Readonly<Record<string, string>> = {
  int2: 'smallint',
  int4: 'integer',
  int8: 'bigint',
  float4: 'real',
  float8: 'double precision',
  bool: 'boolean',
  varchar: 'character varying',
  bpchar: 'character',
  timestamptz: 'timestamp with time zone',
  timestamp: 'timestamp without time zone',
  timetz: 'time with time zone',
  time: 'time without time zone',
};

/** A TypeName as a person reads it: `character varying(10)[]`, `public.mood` (an interval's fields are left out). */
function typeWords(typeName: Node | undefined): string {
  const written = strings(typeName?.['names']);
  // `bigint` reads as pg_catalog.int8; `timestamptz(3)` as a bare timestamptz.
  const names = written.length === 2 && written[0] === 'pg_catalog' ? written.slice(1) : written;
  const name = names.join('.');
  const base = TYPE_WORDS[name] ?? name;
  const mods = ((typeName?.['typmods'] as Node[] | undefined) ?? []).map((m) => (m['A_Const'] as { ival?: { ival?: number } } | undefined)?.ival?.ival ?? 0);
  const shown = name === 'interval' ? [] : mods;
  const words = shown.length > 0 ? base.replace(/^(timestamp|time)( with(?:out)? time zone)$/, `$1(${shown.join(',')})$2`) : base;
  const withMods = shown.length > 0 && words === base ? `${base}(${shown.join(',')})` : words;
  return withMods + '[]'.repeat(((typeName?.['arrayBounds'] as unknown[] | undefined) ?? []).length);
}

const funcName = (call: Node): string => strings(call['funcname']).join('.');
const lastPart = (name: string): string => name.split('.').pop() ?? name;

/**
 * An UPDATE that only fills NULLs of the one column it sets (`SET c = ... WHERE c IS NULL`,
 * or `WHERE c IS NULL AND ...`, a batch of them): it overwrites no stored value.
 */
function onlyFillsNulls(update: Node): boolean {
  const targets = (update['targetList'] as Node[] | undefined) ?? [];
  if (targets.length !== 1 || update['fromClause'] !== undefined) return false;
  const column = ((targets[0]!['ResTarget'] as { name?: string } | undefined) ?? {}).name;
  const where = update['whereClause'] as Node | undefined;
  const and = where?.['BoolExpr'] as { boolop?: string; args?: Node[] } | undefined;
  const conditions = and?.boolop === 'AND_EXPR' ? (and.args ?? []) : where ? [where] : [];
  return conditions.some((condition) => {
    const test = condition['NullTest'] as { nulltesttype?: string; arg?: Node } | undefined;
    const tested = strings((test?.arg?.['ColumnRef'] as { fields?: unknown } | undefined)?.fields);
    return column !== undefined && test?.nulltesttype === 'IS_NULL' && tested.length === 1 && tested[0] === column;
  });
}

/** `CHECK (c IS NOT NULL)`: the column it proves has no NULL, or null for any other check. */
function notNullColumn(constraint: Node): string | null {
  const test = (constraint['raw_expr'] as Node | undefined)?.['NullTest'] as { nulltesttype?: string; arg?: Node } | undefined;
  const column = strings((test?.arg?.['ColumnRef'] as { fields?: unknown } | undefined)?.fields);
  return constraint['contype'] === 'CONSTR_CHECK' && test?.nulltesttype === 'IS_NOT_NULL' && column.length === 1 ? column[0]! : null;
}

/**
 * Reads the statements of one direction of a revision, in order, as the planner judges its own
 * steps. A table the revision creates holds no rows until a statement puts some there, so what
 * can fail or block on existing rows does not count for it. A column a validated
 * `CHECK (c IS NOT NULL)` covers is set NOT NULL without a scan. A function, trigger or rule the
 * revision creates makes later statements that could run it count as code whose effect cannot
 * be read.
 */
export class StatementReader {
  private readonly createdFunctions = new Set<string>();
  /** Code this revision made that runs when rows change (a trigger, a rule, a default calling such a function), said for a message. */
  private rowCode: string | null = null;
  /** Tables created by this revision that no statement has put rows in or renamed anything to, as written. */
  private readonly newTables = new Set<string>();
  /** `table.column` with a validated NOT NULL check; NOT VALID ones by `table.constraint`. */
  private readonly provenNotNull = new Set<string>();
  private readonly notValidNotNull = new Map<string, string>();

  /** One statement (without its `;`): refused, or its hazards. */
  read(sql: string): StatementReading {
    let stmts: { stmt?: Node }[];
    try {
      stmts = (parseSync(sql) as { stmts?: { stmt?: Node }[] }).stmts ?? [];
    } catch (error) {
      const message = error instanceof RangeError ? 'it is nested too deeply to read' : error instanceof Error ? error.message : String(error);
      return { ok: false, problem: `PostgreSQL's parser cannot read this statement: ${message}`, hint: 'a revision holds only statements PostgreSQL can run; restore the file from version control' };
    }
    if (stmts.length !== 1 || !stmts[0]!.stmt) return { ok: false, problem: 'this is not one SQL statement', hint: 'restore the file from version control' };
    const [type, fields] = Object.entries(stmts[0]!.stmt)[0] as [string, Node];
    const refused = refusal(type, fields, sql);
    if (refused) return { ok: false, ...refused };
    const hazards: Hazard[] = [];
    const add = (code: HazardCode, message: string): void => {
      if (!hazards.some((h) => h.code === code && h.message === `the SQL ${message}`)) hazards.push({ code, message: `the SQL ${message}` });
    };
    // Every node under the statement, once: a statement can be long.
    const inner = [...nodesOf(fields)];
    this.topLevel(type, fields, inner, add);
    this.nested(type, fields, inner, add);
    this.track(type, fields, inner);
    return { ok: true, hazards };
  }

  /** What the statement itself does. */
  private topLevel(type: string, s: Node, inner: readonly [string, Node][], add: (code: HazardCode, message: string) => void): void {
    switch (type) {
      case 'DropStmt': {
        const kind = String(s['removeType'] ?? '');
        const objects = ((s['objects'] as unknown[] | undefined) ?? []).map(droppedName);
        const names = objects.join(', ');
        if (kind === 'OBJECT_TABLE') {
          add('data_loss', `drops table ${names} and every row in it`);
          add('irreversible', `drops table ${names}: undoing it cannot bring its rows back`);
        } else if (kind === 'OBJECT_SEQUENCE') {
          add('irreversible', `drops sequence ${names}: undoing it makes it anew, counting from its start`);
        }
        if (s['behavior'] === 'DROP_CASCADE') add('data_loss', `drops ${kindWord(kind)} ${names} with CASCADE, which also drops whatever depends on it, columns and tables included`);
        return;
      }
      case 'DropOwnedStmt':
        add('data_loss', 'drops every object the named roles own (DROP OWNED), tables and their rows included');
        return;
      case 'TruncateStmt':
        add('data_loss', `empties ${((s['relations'] as Node[] | undefined) ?? []).map((r) => relationName(r['RangeVar'])).join(', ')} (TRUNCATE)`);
        return;
      case 'AlterTableStmt':
        this.alterTable(s, add);
        return;
      case 'IndexStmt': {
        const on = relationName(s['relation']);
        if (this.newTables.has(on)) return;
        if (s['unique']) add('may_fail', `builds a unique index on ${on}: it fails if rows share a key`);
        if (!s['concurrent']) add('blocking', `builds an index on ${on} under a SHARE lock: writes wait`);
        return;
      }
      case 'DoStmt':
        add('data_loss', 'runs a DO block: what its code changes cannot be read from the statement, so it may destroy data');
        return;
      case 'CallStmt': {
        const call = ((s['funccall'] as Node | undefined) ?? {}) as Node;
        add('data_loss', `calls the procedure ${funcName(call) || '(unnamed)'}(): what it changes cannot be read from the statement, so it may destroy data`);
        return;
      }
      case 'ExecuteStmt':
        add('data_loss', `runs the prepared statement ${String(s['name'] ?? '')}, whose text is not in the revision, so it may destroy data`);
        return;
      case 'LoadStmt':
        add('data_loss', 'loads a shared library into the server (LOAD): what its code does cannot be read, so it may destroy data');
        return;
      case 'CopyStmt':
        if (s['is_program']) add('data_loss', 'runs a program on the server (COPY ... PROGRAM): what it does cannot be read, so it may destroy data');
        else if (s['filename'] !== undefined) add('data_loss', `${s['is_from'] ? 'reads' : 'writes'} the server file ${String(s['filename'])} (COPY): what that changes cannot be read from the statement`);
        return;
      case 'CreateEventTrigStmt':
        add('data_loss', 'creates an event trigger: its code runs on every later DDL statement, and what it changes cannot be read, so it may destroy data');
        return;
      case 'CreateFunctionStmt':
        this.createdFunctions.add(lastPart(strings(s['funcname']).join('.')));
        return;
      case 'CreateTrigStmt':
        this.rowCode ??= `the trigger ${String(s['trigname'] ?? '')} on ${relationName(s['relation'])}`;
        return;
      case 'RuleStmt':
        this.rowCode ??= `the rule ${String(s['rulename'] ?? '')} on ${relationName(s['relation'])}`;
        return;
      case 'SelectStmt': {
        // A step has no reason to run a query but to call a function for what it does.
        const call = inner.find(([t]) => t === 'FuncCall');
        if (call) add('data_loss', `runs a query that calls ${funcName(call[1])}(): what a function changes cannot be read from the statement, so it may destroy data`);
        return;
      }
      default:
        return;
    }
  }

  /** What any statement does through the parts it holds: data changed by DML (also in a WITH), functions called. */
  private nested(type: string, s: Node, inner: readonly [string, Node][], add: (code: HazardCode, message: string) => void): void {
    const changesRows = (t: string, n: Node): boolean => ['InsertStmt', 'UpdateStmt', 'DeleteStmt', 'MergeStmt', 'TruncateStmt'].includes(t) || (t === 'CopyStmt' && n['is_from'] === true);
    let runsDml = false;
    for (const [t, n] of [[type, s] as [string, Node], ...inner]) {
      if (t === 'DeleteStmt') add('data_loss', `deletes rows of ${relationName(n['relation'])}`);
      else if (t === 'UpdateStmt' && !onlyFillsNulls(n)) add('data_loss', `overwrites values in ${relationName(n['relation'])} (UPDATE)`);
      else if (t === 'MergeStmt') add('data_loss', `changes rows of ${relationName(n['relation'])} (MERGE), overwriting or deleting some`);
      else if (t === 'InsertStmt' && (n['onConflictClause'] as Node | undefined)?.['action'] === 'ONCONFLICT_UPDATE')
        add('data_loss', `overwrites rows of ${relationName(n['relation'])} that conflict (INSERT ... ON CONFLICT DO UPDATE)`);
      else if (t === 'FuncCall') {
        const name = funcName(n);
        const last = lastPart(name);
        const opaque = OPAQUE_FUNCTIONS.has(last);
        if (!opaque && !this.createdFunctions.has(last)) continue;
        // Stored for later: it runs when rows change, which a later statement of the revision may do.
        if (DEFINES_ONLY.has(type)) this.rowCode ??= `a ${type === 'ViewStmt' ? 'view' : 'definition'} that calls ${name}()`;
        else if (opaque) add('data_loss', `calls ${name}(), which runs SQL text of its own or changes stored data the statement does not show`);
        else add('data_loss', `calls ${name}(), which this revision creates: what its code changes cannot be read from the statement, so it may destroy data`);
      }
      if (changesRows(t, n)) runsDml = true;
    }
    if ((runsDml || type === 'AlterTableStmt') && this.rowCode) add('data_loss', `changes rows after this revision created ${this.rowCode}: what that code does cannot be read, so it may destroy data`);
  }

  /** What later statements are judged by: the tables this revision made, the columns proven NOT NULL. */
  private track(type: string, s: Node, inner: readonly [string, Node][]): void {
    const rows = new Set(['InsertStmt', 'UpdateStmt', 'DeleteStmt', 'MergeStmt', 'CopyStmt', 'RenameStmt', 'AlterObjectSchemaStmt', 'CreateTableAsStmt', 'CallStmt', 'DoStmt', 'ExecuteStmt']);
    const attaches = type === 'AlterTableStmt' && ((s['cmds'] as Node[] | undefined) ?? []).some((c) => (c['AlterTableCmd'] as Node | undefined)?.['subtype'] === 'AT_AttachPartition');
    // Anything that can put rows in a table, or give a table with rows a new table's name: none is new any more.
    if (rows.has(type) || attaches || inner.some(([t]) => rows.has(t))) this.newTables.clear();
    if (type === 'CreateStmt') this.newTables.add(relationName(s['relation']));
    if (type === 'DropStmt' && s['removeType'] === 'OBJECT_TABLE') for (const name of ((s['objects'] as unknown[] | undefined) ?? []).map(droppedName)) this.newTables.delete(name);
    if (type !== 'AlterTableStmt') return;
    const table = relationName(s['relation']);
    for (const wrapped of (s['cmds'] as Node[] | undefined) ?? []) {
      const cmd = (wrapped['AlterTableCmd'] ?? {}) as Node;
      const constraint = ((cmd['def'] as Node | undefined)?.['Constraint'] ?? {}) as Node;
      const column = cmd['subtype'] === 'AT_AddConstraint' ? notNullColumn(constraint) : null;
      if (column && constraint['skip_validation']) this.notValidNotNull.set(`${table}.${String(constraint['conname'] ?? '')}`, `${table}.${column}`);
      else if (column) this.provenNotNull.add(`${table}.${column}`);
      const validated = cmd['subtype'] === 'AT_ValidateConstraint' ? this.notValidNotNull.get(`${table}.${String(cmd['name'] ?? '')}`) : undefined;
      if (validated) this.provenNotNull.add(validated);
      if (cmd['subtype'] === 'AT_AlterColumnType' || cmd['subtype'] === 'AT_DropColumn') this.provenNotNull.delete(`${table}.${String(cmd['name'] ?? '')}`);
    }
  }

  private alterTable(s: Node, add: (code: HazardCode, message: string) => void): void {
    if (s['objtype'] !== 'OBJECT_TABLE') return;
    const table = relationName(s['relation']);
    // No rows yet: nothing to fail on or to wait for (the planner says the same of its own steps).
    const empty = this.newTables.has(table);
    for (const wrapped of (s['cmds'] as Node[] | undefined) ?? []) {
      const cmd = (wrapped['AlterTableCmd'] ?? {}) as Node;
      const column = `${table}.${String(cmd['name'] ?? '')}`;
      switch (cmd['subtype']) {
        case 'AT_DropColumn':
          add('data_loss', `drops column ${column} and its values`);
          add('irreversible', `drops column ${column}: undoing it cannot bring its values back`);
          break;
        case 'AT_AlterColumnType': {
          const def = ((cmd['def'] as Node | undefined)?.['ColumnDef'] ?? {}) as Node;
          const type = typeWords(def['typeName'] as Node | undefined);
          const using = def['raw_default'] !== undefined ? ' with a USING expression' : '';
          add('lossy_type_change', `changes the type of ${column} to ${type}${using}: whether every value it holds converts unchanged cannot be told from the file`);
          break;
        }
        case 'AT_SetNotNull':
          if (empty || this.provenNotNull.has(column)) break;
          add('may_fail', `sets ${column} NOT NULL: it fails if a row has NULL there`);
          add('blocking', `sets ${column} NOT NULL, scanning ${table} under an ACCESS EXCLUSIVE lock: reads and writes wait`);
          break;
        case 'AT_AddConstraint':
        case 'AT_ValidateConstraint': {
          const c = ((cmd['def'] as Node | undefined)?.['Constraint'] ?? {}) as Node;
          if (empty) break;
          if (cmd['subtype'] === 'AT_ValidateConstraint') {
            add('may_fail', `validates the constraint ${String(cmd['name'] ?? '')} on ${table}: it fails if a row violates it`);
            break;
          }
          const kind = String(c['contype'] ?? '');
          const words: Readonly<Record<string, string>> = {
            CONSTR_CHECK: 'a check',
            CONSTR_UNIQUE: 'a unique key',
            CONSTR_PRIMARY: 'a primary key',
            CONSTR_FOREIGN: 'a foreign key',
            CONSTR_EXCLUSION: 'an exclusion constraint',
            CONSTR_NOTNULL: 'a NOT NULL constraint',
          };
          if (!words[kind] || c['skip_validation']) break;
          add('may_fail', `adds ${words[kind]} to ${table}: it fails if a row does not satisfy it`);
          add('blocking', `adds ${words[kind]} to ${table}, checking every row under a lock that makes writes wait`);
          break;
        }
        case 'AT_AddColumn': {
          const def = ((cmd['def'] as Node | undefined)?.['ColumnDef'] ?? {}) as Node;
          const constraints = ((def['constraints'] as Node[] | undefined) ?? []).map((n) => String((n['Constraint'] as Node | undefined)?.['contype'] ?? ''));
          const notNull = def['is_not_null'] === true || constraints.includes('CONSTR_NOTNULL') || constraints.includes('CONSTR_PRIMARY');
          const filled = def['raw_default'] !== undefined || constraints.includes('CONSTR_DEFAULT') || constraints.includes('CONSTR_IDENTITY') || constraints.includes('CONSTR_GENERATED');
          if (notNull && !filled && !empty) add('may_fail', `adds the NOT NULL column ${table}.${String(def['colname'] ?? '')} without a default: it fails if ${table} has rows`);
          break;
        }
        default:
          break;
      }
    }
  }
}

function kindWord(removeType: string): string {
  return removeType
    .replace(/^OBJECT_/, '')
    .toLowerCase()
    .replace(/_/g, ' ');
}

/** Why `type` cannot run inside a step, or null when it can. */
function refusal(type: string, s: Node, sql: string): Refusal | null {
  if (type === 'TransactionStmt') {
    const words = TRANSACTION_WORDS[String(s['kind'])] ?? 'transaction control';
    const written = /^\s*(\w+)/.exec(sql)?.[1]?.toUpperCase();
    const said = written && !words.startsWith(written) ? `${written} (a ${words})` : words;
    return {
      problem: `${said} inside a step: schema opens and commits each revision's transaction itself, so this would commit, undo or split part of the revision behind its back and could leave it half applied`,
      hint: 'remove it: the steps of a revision run in one transaction (a CREATE INDEX CONCURRENTLY on its own), and a step that fails rolls the whole revision back',
    };
  }
  if (type === 'VariableSetStmt' && !s['is_local'] && !(s['kind'] === 'VAR_SET_MULTI' && s['name'] === 'TRANSACTION')) {
    const what = s['kind'] === 'VAR_RESET_ALL' ? 'RESET ALL' : `${String(s['kind']).startsWith('VAR_RESET') ? 'RESET' : 'SET'} ${String(s['name'] ?? '')}`;
    return {
      problem: `${what} without LOCAL inside a step: the setting would outlive the revision and change how the statements schema runs after it (its ledger record, the next revision) are read`,
      hint: "write SET LOCAL, which ends with the revision's transaction",
    };
  }
  return null;
}

/**
 * The hazards of statements read on their own, in order (the steps an interrupted apply left,
 * whose stated hazards cannot be believed): a statement that cannot be read, or is more than
 * one, counts as destroying data.
 */
export function hazardsInSql(statements: readonly string[]): Hazard[] {
  const reader = new StatementReader();
  return statements.flatMap((sql): Hazard[] => {
    const read = reader.read(sql);
    return read.ok ? [...read.hazards] : [{ code: 'data_loss', message: `the SQL cannot be read as one statement a plan makes: ${read.problem}` }];
  });
}
