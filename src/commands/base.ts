// What every command shares: the common flags, the target, colour, and the one place errors
// become messages (`file:line:col`, a hint, exit status 1, no stack trace unless --debug).
import { normalize } from 'node:path';
import { Command, Errors, Flags, type Interfaces } from '@oclif/core';
import { Chalk, type ChalkInstance } from 'chalk';
import { ApplyError } from '../apply/apply.js';
import { DbError } from '../db/db.js';
import { describeTarget, resolveTarget, TargetError, type Target } from '../db/target.js';
import { SpecError, UserError } from '../errors.js';
import { RevisionError } from '../revisions/file.js';
import { formatDiagnostic } from '../spec/diagnostics.js';

export type BaseFlags<T extends typeof Command> = Interfaces.InferredFlags<(typeof BaseCommand)['baseFlags'] & T['flags']>;

export abstract class BaseCommand<T extends typeof Command> extends Command {
  static override baseFlags = {
    schema: Flags.string({
      char: 's',
      summary: 'The schema file: the desired state of the database.',
      default: './schema.yaml',
      helpGroup: 'COMMON',
    }),
    url: Flags.string({
      summary: 'The target database, as a postgres:// URL.',
      description: 'Without it: DATABASE_URL from the environment, then DATABASE_URL in ./.env, then the embedded PostgreSQL (PGlite) kept in ./.schema/.',
      helpGroup: 'COMMON',
    }),
    'plans-dir': Flags.string({ summary: 'The folder of revision files.', default: './plans', helpGroup: 'COMMON' }),
    'no-color': Flags.boolean({ summary: 'Print without colour (also: NO_COLOR=1).', helpGroup: 'COMMON' }),
    debug: Flags.boolean({ summary: 'Show stack traces of internal errors.', helpGroup: 'COMMON' }),
  };

  protected flags!: BaseFlags<T>;

  override async init(): Promise<void> {
    await super.init();
    const { flags } = await this.parse({ flags: this.ctor.flags, baseFlags: (this.ctor as typeof BaseCommand).baseFlags, args: this.ctor.args, strict: this.ctor.strict });
    this.flags = flags as BaseFlags<T>;
  }

  /** Colour unless NO_COLOR, --no-color, or output that is not a terminal. */
  protected colour(stream: NodeJS.WriteStream = process.stdout): ChalkInstance {
    const off = this.flags['no-color'] || (process.env['NO_COLOR'] ?? '') !== '' || !stream.isTTY;
    return new Chalk({ level: off ? 0 : 1 });
  }

  /** The schema file as messages show it: `schema.yaml`, not `./schema.yaml`. */
  protected schemaPath(): string {
    return normalize(this.flags.schema);
  }

  protected target(): Target {
    return resolveTarget({ url: this.flags.url, env: process.env, cwd: process.cwd() });
  }

  /** One line on stderr saying which database is used (stdout stays clean for --format json). */
  protected announce(target: Target): void {
    process.stderr.write(this.colour(process.stderr).dim(describeTarget(target)) + '\n');
  }

  protected say(text: string): void {
    process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  /** A line on stderr: progress and notes, never part of a result. */
  protected note(text: string): void {
    process.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  override async catch(error: Error): Promise<unknown> {
    if (error instanceof Errors.ExitError) throw error;
    const c = this.colour(process.stderr);
    const lines: string[] = [];
    if (error instanceof SpecError) {
      for (const d of error.diagnostics) lines.push(formatDiagnostic(d).replace(/^([^:]+:\d+:\d+:)/, (m) => c.bold(m)));
      lines.push(c.red(`error: ${error.message}`));
    } else if (error instanceof UserError || error instanceof ApplyError) {
      lines.push(c.red(`error: ${error.message}`));
      if (error.hint) lines.push(`hint: ${error.hint}`);
    } else if (error instanceof DbError) {
      lines.push(c.red(`error: ${error.message}`));
      if (error.detail) lines.push(`hint: ${error.detail}`);
    } else if (error instanceof TargetError || error instanceof RevisionError) {
      lines.push(c.red(`error: ${error.message}`));
    } else if (error instanceof Errors.CLIError) {
      // oclif's own parse errors: an unknown flag, a bad option value.
      lines.push(c.red(`error: ${error.message.split('\n')[0]}`));
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
