// `schema sql`: the user's own SQL on the target (the embedded database in .schema/, or --url),
// rows printed as a table. A write-capable command: the statements run as written, each
// committed on its own unless they BEGIN a transaction; nothing asks for consent.
import { createInterface } from 'node:readline';
import { Args } from '@oclif/core';
import { DbError, withDb, type Db } from '../db/db.js';
import { UserError } from '../errors.js';
import { commandLine, renderTable } from '../render/table.js';
import { splitStatements } from '../revisions/file.js';
import { BaseCommand } from './base.js';

/** The search_path of a psql session, for names as the user writes them (the other commands use an empty one). */
const USER_SEARCH_PATH = `SET search_path TO "$user", public`;

const PROMPT = 'schema=> ';

/** The statements of `text`, or null while a quoted string, quoted name or comment is still open. */
function statementsOf(text: string): string[] | null {
  try {
    return splitStatements(text).filter((s) => s.trim() !== '');
  } catch {
    return null;
  }
}

async function readAll(stream: NodeJS.ReadStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

export default class Sql extends BaseCommand<typeof Sql> {
  static override summary = 'Run SQL of your own on the target database and print the rows: the way to open the embedded database by hand.';
  static override description = `Runs the statements given as the argument, or read from stdin, on the target: the embedded PostgreSQL (PGlite) in ./.schema/ unless --url, DATABASE_URL or the PG* variables name a server. Rows are printed as a table; other statements print what they did (INSERT 2, CREATE).

This command writes: the SQL is yours and runs as written, each statement committed on its own unless it is inside BEGIN ... COMMIT, and nothing asks for consent. A change made here is drift to \`schema\` (see \`schema drift\`): put it in schema.yaml too, or plan to undo it.

From stdin, a script runs statement by statement and stops at the first error (exit status 1; the statements before it stay done). On a terminal with no argument, a prompt reads statements ending with ";" until \\q or Ctrl-D; an error is printed and the prompt goes on.

Names resolve as in psql (search_path "$user", public), so \`select * from users\` finds public.users.`;
  static override examples = [
    `<%= config.bin %> sql "select * from users limit 5"`,
    `<%= config.bin %> sql --url postgres://postgres@localhost:5432/app "select count(*) from orders"`,
    `<%= config.bin %> sql < fixtures.sql   # a script: stops at the first error`,
    `<%= config.bin %> sql                  # on a terminal: a prompt, \\q or Ctrl-D to leave`,
  ];
  static override args = {
    statement: Args.string({ description: 'The SQL to run (one statement or several, separated by ;). Without it, read from stdin.', required: false }),
  };

  async run(): Promise<void> {
    const target = this.target();
    this.announce(target);
    const given = this.args.statement;
    const interactive = given === undefined && Boolean(process.stdin.isTTY);
    const script = given ?? (interactive ? '' : await readAll(process.stdin));
    await withDb(target, async (db) => {
      await db.exec(USER_SEARCH_PATH);
      if (interactive) return this.prompt(db);
      const statements = statementsOf(script);
      if (statements === null) throw new UserError('the SQL has a quoted string, quoted name or /* comment that is never closed; nothing was run', 'close it, and end each statement with ;');
      if (statements.length === 0) throw new UserError('no SQL to run', 'give a statement as the argument (`schema sql "select 1"`), or on stdin');
      for (const [i, statement] of statements.entries()) {
        try {
          this.say(await this.runOne(db, statement));
        } catch (error) {
          if (!(error instanceof DbError) || statements.length === 1) throw error;
          const before = i === 0 ? '' : `; the ${i === 1 ? 'statement' : `${i} statements`} before it stayed done`;
          throw new DbError(`statement ${i + 1} of ${statements.length} failed: ${error.message}${before}`, error.code, error.detail);
        }
      }
    });
  }

  /** One statement's result as text: its rows as a table, or what it did. */
  private async runOne(db: Db, statement: string): Promise<string> {
    const r = await db.run(statement);
    return (r.columns.length > 0 ? renderTable(r.columns, r.rows) : [commandLine(r.command, r.rowCount)]).join('\n');
  }

  /** A prompt on a terminal: statements end at ";"; \q or Ctrl-D leaves; Ctrl-C drops what was typed. */
  private async prompt(db: Db): Promise<void> {
    const c = this.colour(process.stderr);
    const rl = createInterface({ input: process.stdin, output: process.stdout, prompt: PROMPT });
    process.stderr.write(c.dim('Statements end with ";". \\q or Ctrl-D leaves.') + '\n');
    let buffer = '';
    rl.on('SIGINT', () => {
      if (buffer === '') return rl.close();
      buffer = '';
      process.stdout.write('\n');
      rl.setPrompt(PROMPT);
      rl.prompt();
    });
    rl.prompt();
    for await (const line of rl) {
      if (buffer === '' && line.trim() === '\\q') break;
      buffer += `${line}\n`;
      const statements = buffer.trim().endsWith(';') ? statementsOf(buffer) : null;
      if (statements === null) {
        rl.setPrompt(buffer.trim() === '' ? PROMPT : 'schema-> ');
        if (buffer.trim() === '') buffer = '';
        rl.prompt();
        continue;
      }
      buffer = '';
      for (const statement of statements) {
        try {
          this.say(await this.runOne(db, statement));
        } catch (error) {
          if (!(error instanceof DbError)) throw error;
          process.stderr.write(c.red(`error: ${error.message}`) + '\n');
          break;
        }
      }
      rl.setPrompt(PROMPT);
      rl.prompt();
    }
    rl.close();
  }
}
