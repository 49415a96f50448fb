// The planners of every kind of object, by kind: the registry of plan/. Typed over ObjectKind
// and KindChanges, so a kind without a planner, or a Change kind no planner handles, does not
// compile.
import type { KindChanges } from '../../diff/changes.js';
import type { ObjectKind } from '../../model/objects.js';
import type { Handler, Handlers } from '../drafts.js';
import { check } from './check.js';
import { column } from './column.js';
import { enumType } from './enum.js';
import { extension } from './extension.js';
import { foreignKey } from './foreign-key.js';
import { index } from './index.js';
import { ownedSequence } from './owned-sequence.js';
import { primaryKey } from './primary-key.js';
import { schema } from './schema.js';
import { sequence } from './sequence.js';
import { table } from './table.js';
import { unique } from './unique.js';
import { view } from './view.js';
import { routine } from './function.js';
import { trigger } from './trigger.js';
import { policy } from './policy.js';
import { domain } from './domain.js';
import { compositeType } from './composite.js';

/** The planner of one kind: a handler for each of its Change kinds. */
export type KindPlanner<K extends ObjectKind> = { readonly [C in KindChanges[K]]: Handler<C> };

export const PLANNERS: { readonly [K in ObjectKind]: KindPlanner<K> } = {
  schema,
  extension,
  enum: enumType,
  sequence,
  table,
  column,
  owned_sequence: ownedSequence,
  primary_key: primaryKey,
  unique,
  check,
  index,
  foreign_key: foreignKey,
  view,
  function: routine,
  trigger,
  policy,
  domain,
  composite_type: compositeType,
};

/** Every Change kind's handler, from the planners of the kinds (a Change kind missing here does not compile). */
export const handlers: Handlers = {
  ...PLANNERS.schema,
  ...PLANNERS.extension,
  ...PLANNERS.enum,
  ...PLANNERS.sequence,
  ...PLANNERS.table,
  ...PLANNERS.column,
  ...PLANNERS.owned_sequence,
  ...PLANNERS.primary_key,
  ...PLANNERS.unique,
  ...PLANNERS.check,
  ...PLANNERS.index,
  ...PLANNERS.foreign_key,
  ...PLANNERS.view,
  ...PLANNERS.function,
  ...PLANNERS.trigger,
  ...PLANNERS.policy,
  ...PLANNERS.domain,
  ...PLANNERS.composite_type,
};
