// Domains: created, altered in place (default, NOT NULL, checks added, dropped or validated,
// comment), dropped. A new base type or collation cannot be altered in place: the domain is
// dropped and made again (which PostgreSQL refuses while a column uses it: see plan/kinds/domain.ts).
// A desired Model without `domains` (the file has no `domains:`) leaves them all as they are. Pure.
import type { Domain, DomainCheck } from '../../model/domain.js';
import type { Model } from '../../model/model.js';

export type DomainChange =
  | { readonly kind: 'create_domain'; readonly domain: Domain }
  /** Only what differs: every list may be empty but not all of them, and `default`, `nullable`, `comment` are set when they change. */
  | {
      readonly kind: 'alter_domain';
      readonly from: Domain;
      readonly to: Domain;
      readonly default: boolean;
      readonly nullable: boolean;
      readonly comment: boolean;
      readonly dropChecks: readonly DomainCheck[];
      readonly addChecks: readonly DomainCheck[];
      readonly validateChecks: readonly DomainCheck[];
    }
  /** `remade`: dropped to be made again (a new base type or collation). */
  | { readonly kind: 'drop_domain'; readonly domain: Domain; readonly remade: boolean };

/** A new base type or collation: what ALTER DOMAIN cannot change. */
const mustRemake = (a: Domain, b: Domain): boolean => a.type !== b.type || a.collation !== b.collation;

export function sameDomain(a: Domain, b: Domain): boolean {
  if (mustRemake(a, b) || a.default !== b.default || a.nullable !== b.nullable || a.comment !== b.comment) return false;
  const ak = Object.keys(a.checks);
  if (ak.length !== Object.keys(b.checks).length) return false;
  return ak.every((k) => b.checks[k] !== undefined && b.checks[k].definition === a.checks[k]!.definition && !b.checks[k].notValid === !a.checks[k]!.notValid);
}

/** The domain changes from `base` to `desired`; none when the desired Model leaves domains alone. */
export function diffDomains(base: Model, desired: Model): DomainChange[] {
  const wanted = desired.domains;
  if (wanted === undefined) return [];
  const have = base.domains ?? {};
  const out: DomainChange[] = [];
  for (const [key, from] of Object.entries(have)) {
    const to = wanted[key];
    if (!to) out.push({ kind: 'drop_domain', domain: from, remade: false });
    else if (mustRemake(from, to)) out.push({ kind: 'drop_domain', domain: from, remade: true });
  }
  for (const [key, to] of Object.entries(wanted)) {
    const from = have[key];
    if (!from || mustRemake(from, to)) {
      out.push({ kind: 'create_domain', domain: to });
      continue;
    }
    if (sameDomain(from, to)) continue;
    const dropChecks: DomainCheck[] = [];
    const addChecks: DomainCheck[] = [];
    const validateChecks: DomainCheck[] = [];
    for (const [name, c] of Object.entries(from.checks)) {
      const t = to.checks[name];
      if (!t || t.definition !== c.definition) dropChecks.push(c);
      else if (c.notValid && !t.notValid) validateChecks.push(t);
    }
    for (const [name, t] of Object.entries(to.checks)) {
      const c = from.checks[name];
      if (!c || c.definition !== t.definition) addChecks.push(t);
    }
    out.push({ kind: 'alter_domain', from, to, default: from.default !== to.default, nullable: from.nullable !== to.nullable, comment: from.comment !== to.comment, dropChecks, addChecks, validateChecks });
  }
  return out;
}
