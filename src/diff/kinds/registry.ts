// What makes two objects of a kind the same, by kind: the registry of diff/. Typed over
// ObjectKind, so a kind without its comparison does not compile. The passes that turn the
// differences into Changes are in this folder too, run in their order by diff/diff.ts.
import type { KindObjects, ObjectKind } from '../../model/objects.js';
import { sameEnum } from './enum.js';
import { sameExtension } from './extension.js';
import { sameForeignKey } from './foreign-key.js';
import { sameSequence } from './sequence.js';
import { sameCheck } from './check.js';
import { sameColumn } from './column.js';
import { sameIndex } from './index.js';
import { samePrimaryKey } from './primary-key.js';
import { sameSchema } from './schema.js';
import { sameTable } from './table.js';
import { sameUnique } from './unique.js';
import { sameView } from './view.js';
import { sameRoutine } from './function.js';
import { sameTrigger } from './trigger.js';
import { samePolicy } from './policy.js';
import { sameDomain } from './domain.js';
import { sameCompositeType } from './composite.js';

export const SAME: { readonly [K in ObjectKind]: (a: KindObjects[K], b: KindObjects[K]) => boolean } = {
  schema: sameSchema,
  extension: sameExtension,
  enum: sameEnum,
  sequence: sameSequence,
  table: sameTable,
  column: sameColumn,
  // Not compared: a sequence a column owns is part of the column (see Column.ownedSequences).
  owned_sequence: () => true,
  primary_key: samePrimaryKey,
  unique: sameUnique,
  check: sameCheck,
  index: sameIndex,
  foreign_key: sameForeignKey,
  view: sameView,
  function: sameRoutine,
  trigger: sameTrigger,
  policy: samePolicy,
  domain: sameDomain,
  composite_type: sameCompositeType,
};
