// `schema check`: for CI, fail when the database is not at head or schema.yaml has changes no
// revision holds (like `alembic check`), saying which.
import { checkDatabase, checkSchema, readSchemaFile } from '../api.js';
import { withDb } from '../db/db.js';
import { UserError } from '../errors.js';
import { unfinishedLine } from '../render/pending.js';
import { BaseCommand } from './base.js';

export default class Check extends BaseCommand<typeof Check> {
  static override summary = 'Fail (exit 1) unless the database is at the head of plans/ and schema.yaml matches it.';
  static override description = `For CI. Says which of these fails: an apply, upgrade or downgrade was cut short (finish it first); plans/ has more than one head; the database has not applied every revision (run \`schema upgrade\`); schema.yaml describes changes that no revision holds (run \`schema apply\` in development to write one); the database changed outside schema since its last revision (see \`schema drift\`). Reads only.`;
  static override examples = ['<%= config.bin %> check --url "$DATABASE_URL"'];

  async run(): Promise<void> {
    const schema = checkSchema(this.schemaPath(), await readSchemaFile(this.schemaPath()));
    const target = this.target();
    this.announce(target);
    const c = this.colour();
    const problems = await withDb(target, async (db) => {
      const { status, unrecorded, comparedWith, drift } = await checkDatabase(db, this.plansDir(), schema);
      const out: string[] = [];
      if (status.unfinished) out.push(unfinishedLine(status.unfinished));
      if (status.heads.length > 1) out.push(`${this.plansDir()} has ${status.heads.length} heads (${status.heads.map((h) => h.revision).join(', ')}): run \`schema merge\``);
      if (status.pending.length > 0) {
        out.push(`the database is not at head: ${status.pending.length} revision${status.pending.length === 1 ? '' : 's'} not applied (${status.pending.map((r) => r.revision).join(', ')}): run \`schema upgrade\` (${this.schemaPath()} is compared once it is at head)`);
      }
      const steps = (list: readonly { op: string; object: string }[]) => list.map((s) => `    ${s.op} ${s.object}`).join('\n');
      if (unrecorded !== null && unrecorded.length > 0 && comparedWith === 'database' && drift.since) {
        out.push(
          `${this.schemaPath()} and the database differ (${unrecorded.length} change${unrecorded.length === 1 ? '' : 's'}), and no state was recorded when revision ${drift.since.revision} was applied (by a script, or on a database changed outside schema, that could not work it out), so check cannot tell a change no revision holds from a change made outside schema:\n` +
            steps(unrecorded),
        );
      } else if (unrecorded !== null && unrecorded.length > 0) {
        out.push(
          `${this.schemaPath()} has ${unrecorded.length} change${unrecorded.length === 1 ? '' : 's'} that no revision holds: run \`schema apply\` (in development) to write one\n` +
            steps(unrecorded),
        );
      }
      if (drift.changes.length > 0) {
        out.push(
          `the database changed outside schema since revision ${drift.since!.revision}:\n` + steps(drift.changes),
        );
      }
      if (out.length === 0) {
        const at = status.current.map((r) => r.revision).join(', ') || 'base';
        this.say(c.green(`OK: the database is at head (${at}) and ${this.schemaPath()} matches it.`));
      }
      return out;
    });
    if (problems.length > 0) {
      for (const p of problems) this.note(c.red('✗ ') + p);
      throw new UserError(`check failed: ${problems.length} problem${problems.length === 1 ? '' : 's'}`);
    }
  }
}
