// Model values for tests that build a Model by hand (renderers, the diff): a column with the
// defaults of a plain nullable one, anything else given.
import type { Column } from '../../src/model/model.js';

export const column = (name: string, type = 'integer', extra: Partial<Column> = {}): Column => ({
  kind: 'column',
  name,
  type,
  typeRef: null,
  nullable: true,
  default: null,
  identity: null,
  comment: null,
  ...extra,
});
