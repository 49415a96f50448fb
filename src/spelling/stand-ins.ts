// Stand-ins for the file's new or changed enums in the spelling transaction. Creating them in
// their own schema needs CREATE there (and a changed one, ownership of today's type); a
// temporary type needs only the TEMPORARY privilege, the one a read-mostly CI role has. Each
// such enum is made as a temporary type of a name no one writes (`standin$1`), and every type
// name that means it (`status` as the spelling's search_path resolves it, `billing.status`) is
// rewritten to it in the parsed statement, only where a type name stands. What the server
// prints back (`"standin$1"`, `'a'::"standin$1"`) is restored to the enum's own name. An enum
// whose unqualified name another type could answer to first is made the old way, in its schema.
import { parseSync, scanSync } from 'libpg-query';
import { walkAst } from '../model/ast.js';
import { objectPath, qualify, quoteIdent, quoteLiteral } from '../model/identifiers.js';
import type { Model } from '../model/model.js';
import { BUILTIN_TYPES } from '../desired/builtin-types.js';
import type { Spec, SpecEnum } from '../desired/spec.js';

type AstNode = Record<string, unknown>;

/** The spelling resolves unqualified names as a new session does: through `public`. */
const SEARCHED = 'public';

export class StandIns {
  /** By object path of the enum: its stand-in's name. */
  private readonly byPath = new Map<string, string>();
  /** By stand-in name: the enum it stands for. */
  private readonly byName = new Map<string, SpecEnum>();
  /** The enums made in their own schema instead (their names clash with another type's). */
  readonly inPlace: readonly SpecEnum[];
  private readonly restoring: RegExp | null;

  constructor(spec: Spec, current: Model) {
    const changed = spec.enums.filter((e) => {
      const existing = current.enums[objectPath(e.schema, e.name)];
      return !existing || existing.values.join('\u0000') !== e.values.map((v) => v.value).join('\u0000');
    });
    const named = (name: string): number =>
      spec.enums.filter((e) => e.name === name).length + Object.values(current.enums).filter((e) => e.name === name && !spec.enums.some((s) => s.schema === e.schema && s.name === e.name)).length;
    const inPlace: SpecEnum[] = [];
    for (const e of changed) {
      if (BUILTIN_TYPES.has(e.name) || named(e.name) > 1) {
        inPlace.push(e);
        continue;
      }
      const stand = `standin$${this.byName.size + 1}`;
      this.byName.set(stand, e);
      this.byPath.set(objectPath(e.schema, e.name), stand);
    }
    this.inPlace = inPlace;
    // `"standin$1"`, maybe after its schema (`pg_temp_3.`), never inside a longer name.
    this.restoring = this.byName.size === 0 ? null : /(?:\bpg_temp(?:_\d+)?\.)?"standin\$(\d+)"/g;
  }

  /** The statements making the stand-ins. */
  setup(): { readonly e: SpecEnum; readonly sql: string }[] {
    return [...this.byName].map(([stand, e]) => ({ e, sql: `CREATE TYPE pg_temp.${quoteIdent(stand)} AS ENUM (${e.values.map((v) => quoteLiteral(v.value)).join(', ')})` }));
  }

  /** `sql` with each name of a stood-in enum, where a type name stands, made its stand-in's. */
  rewrite(sql: string): string {
    if (this.byName.size === 0) return sql;
    let parsed: unknown;
    try {
      parsed = parseSync(sql);
    } catch {
      return sql; // the server will say what is wrong with it
    }
    const found: { start: number; tokens: number; stand: string }[] = [];
    walkAst(parsed, (obj) => {
      const names = obj['names'];
      if (Array.isArray(names) && 'typemod' in obj && typeof obj['location'] === 'number' && names.length <= 2) {
        const parts = names.map((n) => ((n as AstNode)['String'] as { sval?: string } | undefined)?.sval ?? '');
        const stand = this.byPath.get(parts.length === 2 ? objectPath(parts[0]!, parts[1]!) : objectPath(SEARCHED, parts[0]!));
        if (stand) found.push({ start: obj['location'] as number, tokens: parts.length * 2 - 1, stand });
      }
    });
    if (found.length === 0) return sql;
    const bytes = Buffer.from(sql, 'utf8');
    const tokens = scanSync(sql).tokens;
    const pieces: Buffer[] = [];
    let at = 0;
    for (const f of found.sort((a, b) => a.start - b.start)) {
      const i = tokens.findIndex((t) => t.start === f.start);
      const last = tokens[i + f.tokens - 1];
      if (i < 0 || !last || f.start < at) continue;
      pieces.push(bytes.subarray(at, f.start), Buffer.from(`pg_temp.${quoteIdent(f.stand)}`, 'utf8'));
      at = last.end;
    }
    pieces.push(bytes.subarray(at));
    return Buffer.concat(pieces).toString('utf8');
  }

  /** Text the server printed, with each stand-in named as its enum again. */
  restoreText(text: string): string {
    if (!this.restoring) return text;
    return text.replace(this.restoring, (whole, n: string) => {
      const e = this.byName.get(`standin$${n}`);
      return e ? qualify(e.schema, e.name) : whole;
    });
  }

  /** Rows read back, every string restored; an enum's schema column (`pg_temp_3`) too. */
  restore<T>(value: T): T {
    if (this.byName.size === 0) return value;
    const visit = (v: unknown): unknown => {
      if (typeof v === 'string') return this.restoreText(v);
      if (Array.isArray(v)) return v.map(visit);
      if (v === null || typeof v !== 'object') return v;
      const out: AstNode = {};
      for (const [k, x] of Object.entries(v)) out[k] = visit(x);
      const schema = out['enum_schema'];
      const name = out['enum_name'];
      const e = typeof schema === 'string' && /^pg_temp(_\d+)?$/.test(schema) && typeof name === 'string' ? this.byName.get(name) : undefined;
      if (e) {
        out['enum_schema'] = e.schema;
        out['enum_name'] = e.name;
      }
      return out;
    };
    return visit(value) as T;
  }
}
