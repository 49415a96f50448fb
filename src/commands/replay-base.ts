// What upgrade and downgrade share: finish an interrupted run first, pick the revisions, print
// the script (--sql) or ask and run them one by one.
import { Flags, type Command } from '@oclif/core';
import { readStatus, type Status } from '../api.js';
import { interruptedRun, replayScript, resumeRun, runRevision, type Direction } from '../apply/replay.js';
import { withDb } from '../db/db.js';
import { UserError } from '../errors.js';
import { revisionLine } from '../render/revisions.js';
import type { Revision } from '../revisions/chain.js';
import { BaseCommand, consentFlags, runFlags } from './base.js';

export const replayFlags = {
  sql: Flags.boolean({ summary: 'Print the SQL script instead of running it.' }),
  ...consentFlags,
  ...runFlags,
};

interface Words {
  /** "Revisions to apply, in order" */
  readonly heading: string;
  /** "Upgraded to" */
  readonly done: string;
  /** What the database is at afterwards, said when nothing had to run. */
  readonly nothing: (status: Status) => string;
  /** "these revisions" / "these downgrades": what has hazards. */
  readonly subject: (n: number) => string;
}

export abstract class ReplayCommand<T extends typeof Command> extends BaseCommand<T> {
  protected async replay(direction: Direction, select: (status: Status) => Revision[], words: Words): Promise<void> {
    const flags = this.flags as typeof this.flags & { sql: boolean; 'lock-wait': number; 'auto-approve'?: boolean; 'allow-hazards'?: string };
    const target = this.target();
    this.announce(target);
    const c = this.colour();
    await withDb(target, async (db) => {
      const options = { lockWaitMs: flags['lock-wait'] * 1000, settings: this.runSettings() };
      const interrupted = flags.sql ? null : await interruptedRun(db);
      if (interrupted) {
        const revision = (await readStatus(db, this.plansDir())).chain.get(interrupted.revision);
        if (!revision) throw new UserError(`an interrupted ${interrupted.direction} of revision ${interrupted.revision} is waiting, but its file is not in ${this.plansDir()}`);
        this.say(c.yellow(`An earlier ${interrupted.direction} of ${revision.revision} (${revision.fileName}) stopped after step ${interrupted.done} of ${interrupted.steps.length}; it is finished first.`));
        await this.consent(interrupted.steps.slice(interrupted.done), 'finish it', 'what is left', flags);
        this.say(`${c.green('Finished')} ${revision.revision} in ${await resumeRun(db, revision, options)} ms.`);
      }
      const status = await readStatus(db, this.plansDir());
      const revisions = select(status);
      if (flags.sql) {
        this.say(replayScript(revisions, direction));
        return;
      }
      if (revisions.length === 0) {
        this.say(c.green(words.nothing(status)));
        return;
      }
      const steps = (r: Revision) => (direction === 'upgrade' ? r.upgrade : r.downgrade);
      this.say(`${words.heading}:\n${revisions.map((r) => `  ${revisionLine(r, c)}`).join('\n')}\n`);
      const what = revisions.length === 1 ? 'this revision' : `these ${revisions.length} revisions`;
      await this.consent(revisions.flatMap(steps), `${direction} ${what}`, words.subject(revisions.length), flags);
      for (const r of revisions) {
        const ms = await runRevision(db, r, direction, { ...options, onStep: (i, step) => this.note(c.dim(`  [${i + 1}/${steps(r).length}] ${step.op} ${step.object}`)) });
        this.say(`${c.green(words.done)} ${r.revision} (${r.fileName}) in ${ms} ms.`);
      }
      if (direction === 'downgrade') {
        const after = await readStatus(db, this.plansDir());
        this.say(`The database is now at ${after.current.map((r) => r.revision).join(', ') || 'base'}.`);
      }
    });
  }
}
