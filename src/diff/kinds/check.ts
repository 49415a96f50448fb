// Checks: compared by name, renamed when only the name differs; one left NOT VALID is validated. Pure.
import type { Check, Table } from '../../model/model.js';
import type { Change } from '../changes.js';
import { diffNamed, type TableFacts } from '../facts.js';

export const sameCheck = (a: Check, b: Check): boolean => a.definition === b.definition;

export function diffChecks(tkey: string, bt: Table, dt: Table, changes: Change[], facts: TableFacts): void {
  const checks = diffNamed(tkey, bt.checks, dt.checks, sameCheck, facts);
  for (const c of checks.dropped) changes.push({ kind: 'drop_check', table: bt, check: c });
  for (const [a, b] of checks.renamed) changes.push({ kind: 'rename_constraint', table: dt, from: a.name, to: b.name, constraint: b });
  for (const c of checks.added) changes.push({ kind: 'add_check', table: dt, check: c });
  const dropped = new Set(checks.dropped.map((c) => c.name));
  for (const c of Object.values(bt.checks)) {
    if (c.notValid && dt.checks[c.name] && !dropped.has(c.name)) changes.push({ kind: 'validate_constraint', table: dt, constraint: dt.checks[c.name]! });
  }
}
