// The planner of domains. Made in phase 4 with the enums, before the tables and functions that
// use them (they require its TYPE token); dropped in phase 6, after the columns, tables and
// functions using it are gone (they release its USES token). ALTER DOMAIN changes the default,
// NOT NULL, checks and comment in place; a check added while columns of existing tables use the
// domain is added NOT VALID and then validated, with a figure of the rows that violate it. A new
// base type or collation is a drop and a create, which PostgreSQL refuses while a column uses
// the domain: that drop is certain to fail, naming the columns. Pure.
import { objectPath, qualify, quoteIdent, quoteLiteral } from '../../model/identifiers.js';
import { domainBody, domainPath, qualifiedTypeOf, type Domain } from '../../model/domain.js';
import type { Table } from '../../model/model.js';
import { SCHEMA, TYPE, USES, and, draft, hazard, isNew, lockOnTables, named, type Context } from '../drafts.js';
import type { Hazard } from '../types.js';
import { checkCondition } from '../sql.js';
import type { KindPlanner } from './registry.js';

/** The columns of the state the plan leads to whose type is `d` (or an array of it). */
function columnsOf(ctx: Context, d: Domain): { table: Table; column: string }[] {
  const out: { table: Table; column: string }[] = [];
  for (const t of Object.values(ctx.tables)) {
    for (const c of t.columns) {
      const q = qualifiedTypeOf(c.type);
      if (q !== null && q.schema === d.schema && q.name === d.name) out.push({ table: t, column: c.name });
    }
  }
  return out;
}

/** Columns holding values of today: of a table that exists, not added by the plan. */
const existing = (ctx: Context, d: Domain): { table: Table; column: string }[] => columnsOf(ctx, d).filter((u) => !isNew(ctx, u.table) && !ctx.addedColumns.has(objectPath(u.table.schema, u.table.name, u.column)));

/** The base type a domain stands on, when it is a type of the database (an enum, another domain). */
const baseTokens = (d: Domain, make: (schema: string, name: string) => string): string[] => {
  const q = qualifiedTypeOf(d.type);
  return q === null ? [] : [make(q.schema, q.name)];
};

/** `VALUE` of a domain's check replaced by a column, outside quoted text and names. */
export function valueAs(condition: string, column: string): string {
  return condition.replace(/'(?:[^']|'')*'|"(?:[^"]|"")*"|\bVALUE\b/g, (m) => (m === 'VALUE' ? quoteIdent(column) : m));
}

const alter = (d: Domain): string => `ALTER DOMAIN ${qualify(d.schema, d.name)}`;

const commentSql = (d: Domain): string => `COMMENT ON DOMAIN ${qualify(d.schema, d.name)} IS ${d.comment === null ? 'NULL' : quoteLiteral(d.comment)}`;

export const domain: KindPlanner<'domain'> = {
  create_domain: (c) => {
    const d = c.domain;
    return draft({
      op: 'create_domain',
      object: domainPath(d),
      phase: 4,
      sql: [`CREATE DOMAIN ${qualify(d.schema, d.name)} ${domainBody(d)}`, ...(d.comment === null ? [] : [commentSql(d)])],
      provides: [TYPE(d.schema, d.name)],
      requires: [SCHEMA(d.schema), ...baseTokens(d, TYPE)],
    });
  },

  alter_domain: (c, ctx) => {
    const { from, to } = c;
    const name = domainPath(to);
    const users = existing(ctx, to);
    const hazards: Hazard[] = [];
    const sql: string[] = [];
    for (const k of c.dropChecks) sql.push(`${alter(to)} DROP CONSTRAINT ${quoteIdent(k.name)}`);
    if (c.default) sql.push(to.default === null ? `${alter(to)} DROP DEFAULT` : `${alter(to)} SET DEFAULT ${to.default}`);
    if (c.nullable) {
      sql.push(`${alter(to)} ${to.nullable ? 'DROP' : 'SET'} NOT NULL`);
      if (!to.nullable) {
        if (users.length === 0) hazards.push(hazard('may_fail', `fails if any column of domain ${name} holds NULL`));
        for (const u of users) {
          hazards.push(hazard('may_fail', `fails if any row of ${objectPath(u.table.schema, u.table.name)} has NULL in ${u.column} (of domain ${name})`, { kind: 'nulls', table: named(u.table), column: u.column }, true));
        }
      }
    }
    for (const k of c.addChecks) {
      const body = `CONSTRAINT ${quoteIdent(k.name)} ${k.definition}`;
      if (users.length === 0 || k.notValid) {
        sql.push(`${alter(to)} ADD ${body}${k.notValid ? ' NOT VALID' : ''}`);
        continue;
      }
      // Added without reading a row, then every value checked (under a lighter lock than a plain ADD).
      sql.push(`${alter(to)} ADD ${body} NOT VALID`, `${alter(to)} VALIDATE CONSTRAINT ${quoteIdent(k.name)}`);
      for (const u of users) {
        const condition = `NOT (${valueAs(checkCondition(k.definition), u.column)})`;
        hazards.push(
          hazard(
            'may_fail',
            `fails if any row of ${objectPath(u.table.schema, u.table.name)} has a value of ${u.column} that violates ${k.definition} (of domain ${name})`,
            { kind: 'where', table: named(u.table), condition, example: null, file_text: true },
            true,
          ),
        );
      }
    }
    for (const k of c.validateChecks) {
      sql.push(`${alter(to)} VALIDATE CONSTRAINT ${quoteIdent(k.name)}`);
      for (const u of users) {
        const condition = `NOT (${valueAs(checkCondition(k.definition), u.column)})`;
        hazards.push(
          hazard(
            'may_fail',
            `fails if any row of ${objectPath(u.table.schema, u.table.name)} has a value of ${u.column} that violates ${k.definition}`,
            { kind: 'where', table: named(u.table), condition, example: null, file_text: true },
            true,
          ),
        );
      }
    }
    if (c.comment) sql.push(commentSql(to));
    const checking = c.addChecks.length + c.validateChecks.length > 0 || (c.nullable && !to.nullable);
    return draft({
      op: 'alter_domain',
      object: name,
      phase: 4,
      sql,
      hazards,
      ...(checking
        ? lockOnTables(
            ctx,
            null,
            users.map((u) => u.table),
            'SHARE',
          )
        : {}),
      provides: [TYPE(from.schema, from.name)],
    });
  },

  drop_domain: (c, ctx) => {
    const d = c.domain;
    const kept = existing(ctx, d);
    const hazards: Hazard[] = [];
    if (kept.length > 0) {
      const cols = kept.map((u) => objectPath(u.table.schema, u.table.name, u.column));
      const why = c.remade
        ? `domain ${domainPath(d)} changes its base type or collation, which ALTER DOMAIN cannot do: it would be dropped and made again, and PostgreSQL refuses to drop it while ${and(cols)} ${cols.length === 1 ? 'uses' : 'use'} it`
        : `PostgreSQL refuses to drop domain ${domainPath(d)} while ${and(cols)} ${cols.length === 1 ? 'uses' : 'use'} it`;
      const fix = c.remade
        ? 'declare a new domain under another name, move the columns to it (their `type:`), and drop this one in a later plan'
        : 'change the type of those columns under `tables:`, or keep the domain under `domains:`';
      hazards.push({ code: 'may_fail', message: `${why}: ${fix}, then plan again`, fails: true });
    }
    return draft({
      op: 'drop_domain',
      object: domainPath(d),
      phase: 6,
      sql: [`DROP DOMAIN ${qualify(d.schema, d.name)}`],
      hazards,
      removes: [TYPE(d.schema, d.name), USES(d.schema, d.name)],
      releases: [SCHEMA(d.schema), ...baseTokens(d, USES)],
    });
  },
};
