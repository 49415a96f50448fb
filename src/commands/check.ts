// `schema check`: for CI, fail when the database is not at head or schema.yaml has changes no
// revision holds (like `alembic check`), saying which.
import { checkDatabase } from '../operations/status.js';
import { checkSchema, readSchemaFile } from '../operations/schema-file.js';
import { withReadOnlyDb } from '../db/db.js';
import { UserError } from '../errors.js';
import { checkPassed, checkProblems } from '../render/outcomes.js';
import { BaseCommand } from './base.js';

export default class Check extends BaseCommand<typeof Check> {
  static override summary = 'Fail (exit 1) unless the database is at the head of plans/ and schema.yaml matches it.';
  static override description = `For CI. Says which of these fails: an apply, upgrade or downgrade was cut short (finish it first); plans/ has more than one head; the database has not applied every revision (run \`schema upgrade\`); schema.yaml describes changes that no revision holds (run \`schema apply\` in development to write one); the database changed outside schema since its last revision (see \`schema drift\`). Reads only.`;
  static override examples = ['<%= config.bin %> check --url "$DATABASE_URL"'];

  async run(): Promise<void> {
    const schema = checkSchema(this.schemaPath(), await readSchemaFile(this.schemaPath()));
    const target = this.target();
    this.announce(target, { readOnly: true });
    const c = this.colour();
    const problems = await withReadOnlyDb(target, async (db) => {
      const result = await checkDatabase(db, this.plansDir(), schema);
      const out = checkProblems(result, { schema: this.schemaPath(), plansDir: this.plansDir() });
      if (out.length === 0) this.say(c.green(checkPassed(result, this.schemaPath())));
      return out;
    });
    if (problems.length > 0) {
      for (const p of problems) this.note(c.red('✗ ') + p);
      throw new UserError(`check failed: ${problems.length} problem${problems.length === 1 ? '' : 's'}`);
    }
  }
}
