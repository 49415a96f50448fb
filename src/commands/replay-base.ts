// What upgrade and downgrade share: read where the database stands once no other command is
// changing it, refuse while an apply is unfinished, finish an interrupted run first, pick the
// revisions, print the script (--sql) or show, ask and run them one by one.
import { Flags, type Command } from '@oclif/core';
import { loadChain, readSettled, readStatus, replayScriptFor, type Status } from '../api.js';
import { resumeRun, runRevisions, unfinishedError, type Direction } from '../apply/replay.js';
import { withDb, type Db } from '../db/db.js';
import { UserError } from '../errors.js';
import { renderReplay } from '../render/revisions.js';
import type { Revision } from '../revisions/chain.js';
import type { Pending } from '../revisions/ledger.js';
import { BaseCommand, consentFlags, runFlags } from './base.js';

export const replayFlags = {
  sql: Flags.boolean({ summary: 'Print the SQL script instead of running it.' }),
  ...consentFlags,
  ...runFlags,
};

interface Words {
  /** "Upgraded to" */
  readonly done: string;
  /** What the database is at afterwards, said when nothing had to run. */
  readonly nothing: (status: Status) => string;
  /** "these revisions" / "these downgrades": what has hazards. */
  readonly subject: (n: number) => string;
}

type ReplayFlags = { sql: boolean; 'lock-wait': number; 'auto-approve'?: boolean; 'allow-hazards'?: string };

export abstract class ReplayCommand<T extends typeof Command> extends BaseCommand<T> {
  /**
   * Run the revisions `select` picks for `to` (the target as the user gave it). A relative target
   * (-1, +2) counts from where the database stood when it was typed, so after finishing an
   * interrupted run this way nothing more runs.
   */
  protected async replay(direction: Direction, to: string, select: (status: Status, to: string) => Revision[], words: Words): Promise<void> {
    const flags = this.flags as typeof this.flags & ReplayFlags;
    const target = this.target();
    this.announce(target);
    const c = this.colour();
    const lockWaitMs = flags['lock-wait'] * 1000;
    await withDb(target, async (db) => {
      // Where the database stands, read once no other schema command is changing it.
      const settled = await readSettled(db, this.plansDir(), lockWaitMs);
      if (settled.pending) {
        await this.finishInterrupted(db, settled.pending, direction, flags);
        // The interrupted run was the step the user counted from: going on would take one more.
        if (/^[+-]\d+$/.test(to.trim())) {
          const at = (await readStatus(db, this.plansDir())).current.map((r) => r.revision).join(', ') || 'base';
          this.say(`The database is now at ${at}. Nothing more was run: ${to} counts from where the database stood, so run \`schema ${direction} ${to}\` again to go further.`);
          return;
        }
      }
      const status = settled.status ?? (await readStatus(db, this.plansDir()));
      const revisions = select(status, to);
      if (flags.sql) {
        const script = await replayScriptFor(db, revisions, direction);
        if (script.note) this.note(c.yellow(script.note));
        this.say(script.text);
        return;
      }
      if (revisions.length === 0) {
        this.say(c.green(words.nothing(status)));
        return;
      }
      this.say(renderReplay(revisions, direction, c));
      const steps = (r: Revision) => (direction === 'upgrade' ? r.upgrade : r.downgrade);
      const what = revisions.length === 1 ? 'this revision' : `these ${revisions.length} revisions`;
      await this.consent(revisions.flatMap(steps), `${direction} ${what}`, words.subject(revisions.length), flags);
      const { ran, skipped } = await runRevisions(db, status.chain, revisions, direction, {
        lockWaitMs,
        settings: this.runSettings(),
        onStep: (r, i, step) => this.note(c.dim(`  [${i + 1}/${steps(r).length}] ${step.op} ${step.object}`)),
        onGroups: (r, _n, reason) => this.note(c.yellow(`${r.revision} runs in steps: ${reason}. If it is cut short, run \`schema ${direction}\` again to finish it.`)),
        onDone: (r, ms) => this.say(`${c.green(words.done)} ${r.revision} (${r.fileName}) in ${ms} ms.`),
      });
      // Another run may have done some of them while this one waited for the lock.
      const [did, done] = direction === 'upgrade' ? ['applied', 'applied'] : ['undid', 'undone'];
      if (ran.length === 0) {
        const at = (await readStatus(db, this.plansDir())).current.map((r) => r.revision).join(', ') || 'base';
        this.say(c.green(`Nothing was left to do: another schema command ${did} ${skipped.length === 1 ? 'it' : 'them'} meanwhile. The database is at ${at}.`));
        return;
      }
      for (const r of skipped) this.note(c.yellow(`${r.revision} (${r.fileName}) was ${done} meanwhile by another schema command; skipped.`));
      if (direction === 'downgrade') {
        const after = await readStatus(db, this.plansDir());
        this.say(`The database is now at ${after.current.map((r) => r.revision).join(', ') || 'base'}.`);
      }
    });
  }

  /**
   * Unfinished work first: an apply is refused (only `schema apply` can finish it, and a replay
   * now would leave it recording its revision in the wrong place), and so is a run the other
   * way (finishing it would do the opposite of what was asked); an interrupted run this way is
   * finished, with consent, unless only a script is wanted. Nothing runs before a refusal.
   */
  private async finishInterrupted(db: Db, pending: Pending, direction: Direction, flags: ReplayFlags): Promise<void> {
    if (pending.direction !== direction || flags.sql) throw unfinishedError(pending, flags.sql, direction);
    const c = this.colour();
    const revision = (await loadChain(this.plansDir())).get(pending.revision);
    if (!revision) throw new UserError(`an interrupted ${pending.direction} of revision ${pending.revision} is waiting, but its file is not in ${this.plansDir()}`);
    this.say(c.yellow(`An earlier ${pending.direction} of ${revision.revision} (${revision.fileName}) stopped after step ${pending.done} of ${pending.steps.length}; it is finished first.`));
    await this.consent(pending.steps.slice(pending.done), 'finish it', 'what is left', flags);
    const options = { lockWaitMs: flags['lock-wait'] * 1000, settings: this.runSettings() };
    this.say(`${c.green('Finished')} ${revision.revision} in ${await resumeRun(db, revision, options)} ms.`);
  }
}
