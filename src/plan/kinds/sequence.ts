// The sequence's planner: CREATE SEQUENCE, ALTER SEQUENCE (only the options that differ, and
// its owner), DROP SEQUENCE; and the SQL of those statements. Pure.
import type { SequenceAspect } from '../../diff/kinds/sequence.js';
import { objectPath, qualify, quoteIdent } from '../../model/identifiers.js';
import type { Table } from '../../model/model.js';
import { SEQUENCE_TYPE_RANGES, type Sequence } from '../../model/sequence.js';
import { COLUMN, RELATION, SCHEMA, TABLE, draft, hazard, type Context, type Draft } from '../drafts.js';
import { createSequence } from '../sql.js';
import type { Hazard } from '../types.js';
import type { KindPlanner } from './registry.js';

const INTEGER = /^-?[0-9]+$/;
const path = (s: Sequence): string => objectPath(s.schema, s.name);
/** The owning table as the tokens name it. */
const ownerTable = (s: Sequence): Table | null => (s.ownedBy === null ? null : ({ schema: s.schema, name: s.ownedBy.table } as Table));
const ownerTokens = (s: Sequence): string[] => {
  const t = ownerTable(s);
  return t === null ? [] : [TABLE(t), COLUMN(t, s.ownedBy!.column)];
};
const owner = (s: Sequence): string => (s.ownedBy === null ? 'NONE' : `${qualify(s.schema, s.ownedBy.table)}.${quoteIdent(s.ownedBy.column)}`);

/** `ALTER SEQUENCE ... AS ... INCREMENT BY ...`: the options of `changed`, as `to` has them. */
export function alterSequenceSql(to: Sequence, changed: readonly SequenceAspect[]): string {
  const numbers = [to.start, to.increment, to.min, to.max, to.cache];
  // Values of the file (checked by the loader) or of the catalog, checked again: they are written into the statement.
  if (!SEQUENCE_TYPE_RANGES[to.type] || !numbers.every((n) => INTEGER.test(n))) throw new Error(`sequence ${path(to)} has options that are not a sequence's: ${JSON.stringify(to)}`);
  const clauses: string[] = [];
  if (changed.includes('type')) clauses.push(`AS ${to.type}`);
  if (changed.includes('increment')) clauses.push(`INCREMENT BY ${to.increment}`);
  if (changed.includes('min')) clauses.push(`MINVALUE ${to.min}`);
  if (changed.includes('max')) clauses.push(`MAXVALUE ${to.max}`);
  if (changed.includes('start')) clauses.push(`START WITH ${to.start}`);
  if (changed.includes('cache')) clauses.push(`CACHE ${to.cache}`);
  if (changed.includes('cycle')) clauses.push(to.cycle ? 'CYCLE' : 'NO CYCLE');
  if (changed.includes('owned_by')) clauses.push(`OWNED BY ${owner(to)}`);
  return `ALTER SEQUENCE ${qualify(to.schema, to.name)} ${clauses.join(' ')}`;
}

/** Where the values it has handed out may no longer fit: a bound moved inward. */
function boundHazards(from: Sequence, to: Sequence): Hazard[] {
  const out: Hazard[] = [];
  if (BigInt(to.max) < BigInt(from.max)) out.push(hazard('may_fail', `fails if sequence ${path(to)} has already counted past ${to.max}, its new MAXVALUE`));
  if (BigInt(to.min) > BigInt(from.min)) out.push(hazard('may_fail', `fails if sequence ${path(to)} has already counted below ${to.min}, its new MINVALUE`));
  return out;
}

/** Defaults of the desired state that call a sequence the plan drops: PostgreSQL refuses while they do. */
function usedBy(ctx: Context, s: Sequence): Hazard[] {
  const users = ctx.sequenceUsers.get(path(s)) ?? [];
  if (users.length === 0) return [];
  return [
    {
      code: 'may_fail',
      message: `the default of ${users.join(', ')} uses sequence ${path(s)}, so PostgreSQL refuses to drop it: declare it under \`sequences:\` or give ${users.length === 1 ? 'that column' : 'those columns'} another default`,
      fails: true,
    },
  ];
}

export const sequence: KindPlanner<'sequence'> = {
  create_sequence: (c) => {
    const s = c.sequence;
    const create = draft({
      op: 'create_sequence',
      object: path(s),
      phase: 4,
      sql: [createSequence({ schema: s.schema, name: s.name }, s)],
      provides: [RELATION(s.schema, s.name)],
      requires: [SCHEMA(s.schema)],
    });
    if (s.ownedBy === null) return create;
    // Owned once its column exists (a default of that column may call it, so it is made first).
    const own: Draft = draft({
      op: 'alter_sequence',
      object: path(s),
      phase: 5,
      sql: [alterSequenceSql(s, ['owned_by'])],
      requires: [RELATION(s.schema, s.name), ...ownerTokens(s)],
    });
    return [create, own];
  },

  alter_sequence: (c) =>
    draft({
      op: 'alter_sequence',
      object: path(c.to),
      phase: 5,
      sql: [alterSequenceSql(c.to, c.changed)],
      hazards: boundHazards(c.from, c.to),
      requires: [RELATION(c.to.schema, c.to.name), ...(c.changed.includes('owned_by') ? ownerTokens(c.to) : [])],
      // Its old column gives it up before that column goes.
      releases: c.changed.includes('owned_by') ? ownerTokens(c.from) : [],
    }),

  drop_sequence: (c, ctx) => {
    const s = c.sequence;
    return draft({
      op: 'drop_sequence',
      object: path(s),
      phase: 6,
      sql: [`DROP SEQUENCE ${qualify(s.schema, s.name)}`],
      hazards: [...usedBy(ctx, s), hazard('data_loss', `drops sequence ${path(s)} and the value it has reached: undoing this step makes it anew, counting again from ${s.start}`)],
      removes: [RELATION(s.schema, s.name)],
      releases: [SCHEMA(s.schema), ...ownerTokens(s)],
    });
  },
};
