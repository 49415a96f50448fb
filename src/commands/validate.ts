// `schema validate`: every problem in schema.yaml, each at its line, without any database.
import { readSchemaFile, validateSchema } from '../api.js';
import { SpecError } from '../errors.js';
import { BaseCommand } from './base.js';

export default class Validate extends BaseCommand<typeof Validate> {
  static override summary = 'Check schema.yaml without touching any database.';
  static override description = `Parses the schema file and checks it against the JSON Schema (schemas/schema.json), then checks every name, reference, type and SQL expression with PostgreSQL's own parser. Reports every problem at once, each as file:line:column. Types that come from an extension are only known to a database that has it: \`schema plan\` checks them there.`;
  static override examples = ['<%= config.bin %> validate', '<%= config.bin %> validate --schema db/schema.yaml'];

  async run(): Promise<void> {
    const file = this.schemaPath();
    const diagnostics = validateSchema(file, await readSchemaFile(file));
    if (diagnostics.length > 0) throw new SpecError(diagnostics);
    this.say(this.colour().green(`${file} is valid.`));
  }
}
