// What every command shares: the common flags, the target, colour, and the one place errors
// become messages (`file:line:col`, a hint, exit status 1, no stack trace unless --debug).
import { existsSync, statSync } from 'node:fs';
import { normalize } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { Command, Errors, Flags, type Interfaces } from '@oclif/core';
import { Chalk, type ChalkInstance } from 'chalk';
import { ApplyError } from '../apply/apply.js';
import { DbError, notMadeYet } from '../db/db.js';
import { describeTarget, resolveTarget, TargetError, type Target } from '../db/target.js';
import { CancelledError, SpecError, UserError } from '../errors.js';
import { RevisionError } from '../revisions/file.js';
import { visible } from '../render/words.js';
import { formatDiagnostic, type Diagnostic } from '../desired/diagnostics.js';
import { suggestion } from '../desired/did-you-mean.js';
import { DURATION, TIMEOUT_HINT, timeoutProblem } from '../desired/duration.js';
import { HAZARD_CODES, type HazardCode } from '../plan/types.js';
import type { Consent, Ui } from '../operations/ui.js';
import type { RunSettings } from '../plan/run-settings.js';
import { DEFAULT_SETTINGS, type Settings } from '../desired/spec.js';

/** A whole number of at least `min`, with the reason in words when it is not. */
const atLeast =
  (min: number) =>
  async (input: string, _ctx: unknown, flag: { name: string }): Promise<number> => {
    if (!/^-?[0-9]+$/.test(input.trim())) throw new UserError(`--${flag.name} must be a whole number, not "${input}"`);
    const n = Number.parseInt(input, 10);
    if (n < min) throw new UserError(`--${flag.name} must be at least ${min}, not ${n}`);
    return n;
  };

/** Flags of the commands that measure hazards in today's data. */
export const dataCheckFlags = {
  'data-checks': Flags.boolean({
    summary: 'Count the rows behind each hazard in the target (read only); --no-data-checks skips it.',
    default: true,
    allowNo: true,
  }),
  'check-timeout': Flags.integer({ summary: 'The statement timeout of each data check, in milliseconds.', default: 2000, parse: atLeast(1) }),
};

const interval = (name: string) =>
  Flags.string({
    summary: name === 'lock-timeout' ? 'Online: how long one statement waits for a lock before its step is tried again (default 5s).' : 'Online: the longest one statement may run (default: no limit).',
    parse: async (v) => {
      // A bare number says the same as in schema.yaml: its unit is what is missing.
      if (/^[0-9]+$/.test(v.trim())) throw new UserError(`--${name}: ${v.trim()} needs a unit, like ${v.trim()}s`, 'write it like 5s, 500ms, 10min or 1h (0s for no limit)');
      if (!DURATION.test(v)) throw new UserError(`--${name}: "${v}" is not a duration`, 'write it like 5s, 500ms, 10min or 1h (0s for no limit)');
      const problem = timeoutProblem(v);
      if (problem) throw new UserError(`--${name}: ${problem}`, TIMEOUT_HINT);
      return v;
    },
  });

/** Flags of the commands that run changes: how long to wait, and how to run online. */
export const runFlags = {
  'lock-wait': Flags.integer({
    summary: 'Seconds to wait for another schema command changing this database, or for a table lock held by another session while reading, before giving up.',
    default: 60,
    parse: atLeast(0),
  }),
  'lock-timeout': interval('lock-timeout'),
  'statement-timeout': interval('statement-timeout'),
  'lock-retries': Flags.integer({ summary: 'Online: how many times a step that timed out on its lock is tried again (default 3).', parse: atLeast(0) }),
};

export const onlineFlag = {
  online: Flags.boolean({
    summary:
      'Plan for a busy database: indexes CONCURRENTLY, constraints NOT VALID then VALIDATE, SET NOT NULL through a check, each step committed on its own with a lock timeout. --no-online overrides settings.online in the schema file.',
    allowNo: true,
  }),
};

export const verifyFlag = {
  verify: Flags.boolean({
    summary: 'Prove the plan first: run it and its downgrade on a copy of the schema without data (a temporary database on the server, else the embedded PostgreSQL). A plan that fails the proof exits 1.',
  }),
};

/** Flags of the commands that change a database: the same consent everywhere. */
export const consentFlags = {
  'auto-approve': Flags.boolean({ summary: 'Go ahead without asking (hazards that need consent and touch rows still need --allow-hazards).' }),
  'allow-hazards': Flags.string({
    summary: 'Hazards to allow without asking, comma-separated: data_loss,lossy_type_change.',
    // Checked as the flags are read, so a misspelt code stops before anything connects.
    parse: async (v) => {
      parseAllowed(v);
      return v;
    },
  }),
};

export function parseAllowed(text: string | undefined): HazardCode[] {
  if (text === undefined || text.trim() === '') return [];
  const codes = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const code of codes) {
    if (!(HAZARD_CODES as readonly string[]).includes(code)) {
      throw new UserError(`--allow-hazards: unknown hazard "${code}".${suggestion(code, HAZARD_CODES)}`, `hazard codes: ${HAZARD_CODES.join(', ')}`);
    }
  }
  return codes as HazardCode[];
}

const schemaFlag = {
  schema: Flags.string({
    char: 's',
    summary: 'The schema file (or a folder of .yaml files): the desired state of the database.',
    default: './schema.yaml',
    helpGroup: 'COMMON',
  }),
};

const targetFlags = {
  url: Flags.string({
    summary: 'The target database: a postgres:// URL, or a keyword/value string ("host=db dbname=app").',
    description: "Without it: DATABASE_URL from the environment, then DATABASE_URL in ./.env, then libpq's PGHOST, PGPORT, PGUSER, PGDATABASE, PGPASSWORD, then the embedded PostgreSQL (PGlite) kept in ./.schema/.",
    helpGroup: 'COMMON',
  }),
  'plans-dir': Flags.string({ summary: 'The folder of revision files.', default: './plans', helpGroup: 'COMMON' }),
};

const outputFlags = {
  'no-color': Flags.boolean({ summary: 'Print without colour (also: NO_COLOR=1).', helpGroup: 'COMMON' }),
  debug: Flags.boolean({ summary: 'Show stack traces of internal errors.', helpGroup: 'COMMON' }),
};

/**
 * oclif wraps an error thrown while parsing a flag's value as "Parsing --x \\n\\t<reason>\\nSee
 * more help with --help"; keep the reason, naming the flag once.
 */
function unwrapFlagError(error: Error): void {
  const m = /^Parsing (--[\w-]+) ?\n\t([\s\S]*?)(?:\nSee more help with --help)?$/.exec(error.message);
  if (!m) return;
  const reason = m[2]!.trim();
  error.message = reason.startsWith(m[1]!) ? reason : `${m[1]}: ${reason}`;
}

/** True when nothing is at `path` (a path through a file, or one we may not read, is left to whoever reads it). */
function missing(path: string): boolean {
  try {
    return statSync(path, { throwIfNoEntry: false }) === undefined;
  } catch {
    return false;
  }
}

export type FileFlags<T extends typeof Command> = Interfaces.InferredFlags<(typeof FileCommand)['baseFlags'] & T['flags']>;
export type BaseFlags<T extends typeof Command> = Interfaces.InferredFlags<(typeof BaseCommand)['baseFlags'] & T['flags']>;

/** A command that reads the schema file only: no database, no plans/ (`validate`). */
export abstract class FileCommand<T extends typeof Command> extends Command {
  static override baseFlags = { ...schemaFlag, ...outputFlags };

  protected flags!: FileFlags<T>;
  protected args!: Interfaces.InferredArgs<T['args']>;

  override async init(): Promise<void> {
    await super.init();
    const { flags, args } = await this.parse({ flags: this.ctor.flags, baseFlags: (this.ctor as typeof FileCommand).baseFlags, args: this.ctor.args, strict: this.ctor.strict });
    this.flags = flags as FileFlags<T>;
    this.args = args as Interfaces.InferredArgs<T['args']>;
  }

  /** Colour unless NO_COLOR, --no-color, or output that is not a terminal. */
  protected colour(stream: NodeJS.WriteStream = process.stdout): ChalkInstance {
    const off = this.flags?.['no-color'] || (process.env['NO_COLOR'] ?? '') !== '' || !stream.isTTY;
    return new Chalk({ level: off ? 0 : 1 });
  }

  /** The schema file as messages show it: `schema.yaml`, not `./schema.yaml`. */
  protected schemaPath(): string {
    return normalize(this.flags.schema);
  }

  protected say(text: string): void {
    process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  /** Diagnostics as `file:line:col: message` lines, the position in bold. */
  protected formatDiagnostics(list: readonly Diagnostic[]): string {
    const c = this.colour(process.stderr);
    return list.map((d) => formatDiagnostic(d).replace(/^([^:]+:\d+:\d+:)/, (m) => c.bold(m))).join('\n');
  }

  /** A line on stderr: progress and notes, never part of a result. */
  protected note(text: string): void {
    process.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  override async catch(error: Error): Promise<unknown> {
    if (error instanceof Errors.ExitError) throw error;
    unwrapFlagError(error);
    const c = this.colour(process.stderr);
    const lines: string[] = [];
    if (error instanceof CancelledError) {
      process.stderr.write(`\n${error.message}\n`);
      return this.exit(130);
    }
    if (error instanceof SpecError) {
      lines.push(this.formatDiagnostics(error.diagnostics));
      lines.push(c.red(`error: ${error.message}`));
    } else if (error instanceof RevisionError) {
      // It may quote a file of plans/: what a terminal would act on is shown, not sent.
      lines.push(c.red(`error: ${visible(error.message)}`));
      if (error.hint) lines.push(`hint: ${visible(error.hint)}`);
    } else if (error instanceof UserError || error instanceof ApplyError) {
      lines.push(c.red(`error: ${error.message}`));
      if (error.hint) lines.push(`hint: ${error.hint}`);
    } else if (error instanceof DbError) {
      lines.push(c.red(`error: ${error.message}`));
      // The server's detail may carry its own `hint: ...` already.
      if (error.detail) lines.push(error.detail.startsWith('hint: ') ? error.detail : `hint: ${error.detail}`);
    } else if (error instanceof TargetError) {
      lines.push(c.red(`error: ${error.message}`));
    } else if (error instanceof Errors.CLIError) {
      // oclif's own parse errors: an unknown flag, a bad option value.
      const said = error.message.split('\n').map((l) => l.trim());
      lines.push(c.red(`error: ${said.filter((l) => l !== '' && !l.startsWith('See more help') && !/^The following errors? occurred:?$/.test(l)).join('; ')}`));
      lines.push(`hint: see \`schema ${this.id ?? ''} --help\``);
    } else {
      lines.push(c.red(`internal error: ${error.message}`));
      if (!this.flags?.debug) lines.push('hint: run again with --debug for the stack trace, and report it');
    }
    if (this.flags?.debug && error.stack) lines.push(c.dim(error.stack));
    process.stderr.write(lines.join('\n') + '\n');
    return this.exit(1);
  }
}

/** A command with a target database and a plans/ folder: every command but `validate`. */
export abstract class BaseCommand<T extends typeof Command> extends FileCommand<T> {
  static override baseFlags = { ...schemaFlag, ...targetFlags, ...outputFlags };

  declare protected flags: BaseFlags<T>;

  /** Commands that only replay what plans/ holds: a --plans-dir that is not there is a mistake, not an empty chain. */
  private static readonly REPLAYS = new Set(['upgrade', 'downgrade', 'merge']);

  override async init(): Promise<void> {
    await super.init();
    const dir = this.plansDir();
    if (dir === normalize('./plans') || this.id === 'apply' || !missing(dir)) return;
    // A named folder that is not there is most likely a typo: say which, before anything reads it.
    if (BaseCommand.REPLAYS.has(this.id ?? ''))
      throw new UserError(`--plans-dir ${dir}: no such folder, so there are no revisions to ${this.id}`, 'check the path; `schema apply --plans-dir ' + dir + '` creates it with the first revision');
    this.note(this.colour(process.stderr).yellow(`note: --plans-dir ${dir} does not exist: no revisions yet (\`schema apply\` creates it)`));
  }

  protected target(): Target {
    return resolveTarget({ url: this.flags.url, env: process.env, cwd: process.cwd() });
  }

  /**
   * The target when there is a database to read without making one: a server (--url,
   * DATABASE_URL, .env), or the embedded database when ./.schema/ already exists; else null.
   */
  protected existingTarget(): Target | null {
    const target = this.target();
    return target.kind === 'server' || existsSync(target.dir) ? target : null;
  }

  /**
   * One line on stderr saying which database is used (stdout stays clean for --format json).
   * A command that only reads says when the embedded database is not made yet: it reads an
   * empty one in memory instead (see withReadOnlyDb), creating nothing.
   */
  protected announce(target: Target, options: { readOnly?: boolean } = {}): void {
    const c = this.colour(process.stderr);
    process.stderr.write(c.dim(describeTarget(target)) + '\n');
    if (options.readOnly && target.kind === 'embedded' && notMadeYet(target)) {
      process.stderr.write(c.dim(`${target.display} does not exist yet, so there is nothing there: reading it as the empty database it would be, without creating it`) + '\n');
    }
  }

  /** Consent given in advance by the flags. */
  protected consentOf(flags: { 'auto-approve'?: boolean; 'allow-hazards'?: string | undefined }): Consent {
    return { autoApprove: Boolean(flags['auto-approve']), allowHazards: parseAllowed(flags['allow-hazards']) };
  }

  /**
   * The operations' port on a terminal: notes on stderr, and a question at the prompt when stdin
   * and stderr are a terminal; elsewhere there is no one to ask, and only --auto-approve goes
   * ahead. Ctrl-C, SIGINT, Ctrl-D or a closed input cancel (CancelledError); only 'yes' accepts.
   */
  protected ui(): Ui {
    const interactive = Boolean(process.stdin.isTTY && process.stderr.isTTY);
    const confirm = async (question: string): Promise<boolean> => {
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      const cancel = new AbortController();
      const onSignal = (): void => cancel.abort();
      rl.on('SIGINT', onSignal);
      process.on('SIGINT', onSignal);
      try {
        return (await rl.question(question, { signal: cancel.signal })).trim() === 'yes';
      } catch {
        throw new CancelledError();
      } finally {
        process.off('SIGINT', onSignal);
        rl.close();
      }
    };
    const nobody = async (): Promise<boolean> => {
      throw new UserError(`not on a terminal, so there is no one to ask; nothing was changed`, 'pass --auto-approve to go ahead without asking');
    };
    return {
      note: (line) => this.note(this.colour(process.stderr).yellow(line)),
      warn: (list) => this.note(this.formatDiagnostics(list)),
      confirm: interactive ? confirm : nobody,
    };
  }

  /** Timeouts and retries for steps run on their own: flags first, then the schema file's settings. */
  protected runSettings(settings: Settings = DEFAULT_SETTINGS): RunSettings {
    const f = this.flags as BaseFlags<T> & { 'lock-timeout'?: string; 'statement-timeout'?: string; 'lock-retries'?: number };
    return {
      lockTimeout: f['lock-timeout'] ?? settings.lockTimeout,
      statementTimeout: f['statement-timeout'] ?? settings.statementTimeout,
      lockRetries: f['lock-retries'] ?? settings.lockRetries,
    };
  }

  protected plansDir(): string {
    return normalize(this.flags['plans-dir']);
  }
}
