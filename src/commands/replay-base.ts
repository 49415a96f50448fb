// What upgrade and downgrade share: read where the database stands once no other command is
// changing it, refuse while an apply is unfinished, finish an interrupted run first, pick the
// revisions, print the script (--sql) or show, ask and run them one by one.
import { Flags, type Command } from '@oclif/core';
import { loadChain, readSettled, readStatus, replayScriptFor, type Status } from '../operations/status.js';
import { unfinishedError, type Direction } from '../apply/replay.js';
import { revisionFigures, runRevisionsWithConsent } from '../operations/replay.js';
import { finishRun } from '../operations/unfinished.js';
import { withDb, type Db } from '../db/db.js';
import { UserError } from '../errors.js';
import { atLine, interruptedRunLine, relativeStopLine, replayedMeanwhileLine, skippedLine } from '../render/outcomes.js';
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

type ReplayFlags = { sql: boolean; 'lock-wait': number; 'auto-approve'?: boolean; 'allow-hazards'?: string; 'replay-on-server'?: boolean };

/** For `upgrade --sql`: where the states the script records are worked out. */
export const replayOnServerFlag = {
  'replay-on-server': Flags.boolean({
    summary: "With --sql: work out the state each revision leaves (the script records it) by running the revisions' SQL in a temporary database on the target's server, as its role.",
    description:
      'Without it, that replay runs only on the embedded PostgreSQL, in memory in this process, so SQL from plans/ never runs on the server before someone runs the script; when the server runs another major version than the embedded one, no state is recorded (drift and check then say so). Use it only for revisions you have reviewed.',
    dependsOn: ['sql'],
  }),
};

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
      for (const found of settled.found) this.note(c.yellow(`warning: ${found}`));
      if (settled.pending) {
        await this.finishInterrupted(db, settled.pending, direction, flags);
        // The interrupted run was the step the user counted from: going on would take one more.
        if (/^[+-]\d+$/.test(to.trim())) {
          this.say(relativeStopLine(atLine((await readStatus(db, this.plansDir())).current), direction, to));
          return;
        }
      }
      const status = settled.status ?? (await readStatus(db, this.plansDir()));
      const revisions = select(status, to);
      if (flags.sql) {
        const onServer = flags['replay-on-server'] === true;
        const script = await replayScriptFor(db, revisions, direction, { replayOnServer: onServer });
        if (script.note) this.note(c.yellow(script.note));
        if (script.note && !onServer && target.kind === 'server') {
          this.note(c.yellow("To work the states out on the server itself, pass --replay-on-server: it runs the revisions' SQL there, in a temporary database, as this role."));
        }
        if (onServer && script.where) this.note(c.dim(`The revisions' SQL was run in ${script.where} to work out the states this script records (--replay-on-server).`));
        this.say(script.text);
        return;
      }
      if (revisions.length === 0) {
        this.say(c.green(words.nothing(status)));
        return;
      }
      // With what each hazard that needs consent touches here (counted again before it runs).
      this.say(renderReplay(await revisionFigures(db, revisions, direction), direction, c));
      const steps = (r: Revision) => (direction === 'upgrade' ? r.upgrade : r.downgrade);
      const what = revisions.length === 1 ? 'this revision' : `these ${revisions.length} revisions`;
      const { ran, skipped } = await runRevisionsWithConsent(db, status.chain, revisions, direction, {
        consent: this.consentOf(flags),
        ui: this.ui(),
        words: { action: `${direction} ${what}`, subject: words.subject(revisions.length) },
        lockWaitMs,
        settings: this.runSettings(),
        onStep: (r, i, step) => this.note(c.dim(`  [${i + 1}/${steps(r).length}] ${step.op} ${step.object}`)),
        onGroups: (r, _n, reason) => this.note(c.yellow(`${r.revision} runs in steps: ${reason}. If it is cut short, run \`schema ${direction}\` again to finish it.`)),
        onDone: (r, ms) => this.say(`${c.green(words.done)} ${r.revision} (${r.fileName}) in ${ms} ms.`),
      });
      // Another run may have done some of them while this one waited for the lock.
      if (ran.length === 0) {
        this.say(c.green(replayedMeanwhileLine(direction, skipped.length, atLine((await readStatus(db, this.plansDir())).current))));
        return;
      }
      for (const r of skipped) this.note(c.yellow(skippedLine(direction, r)));
      if (direction === 'downgrade') this.say(`The database is now at ${atLine((await readStatus(db, this.plansDir())).current)}.`);
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
    this.say(c.yellow(interruptedRunLine(pending.direction, revision, pending.done, pending.steps.length)));
    const ms = await finishRun(db, pending, revision, { consent: this.consentOf(flags), ui: this.ui(), lockWaitMs: flags['lock-wait'] * 1000, settings: this.runSettings() });
    this.say(`${c.green('Finished')} ${revision.revision} in ${ms} ms.`);
  }
}
