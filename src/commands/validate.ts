// `schema validate`: every problem in schema.yaml, each at its line, without any database.
import { readSchemaFile, validateSchema } from '../operations/schema-file.js';
import { SpecError } from '../errors.js';
import { isError } from '../desired/diagnostics.js';
import { FileCommand } from './base.js';

export default class Validate extends FileCommand<typeof Validate> {
  static override summary = 'Check schema.yaml without touching any database.';
  static override description = `Parses the schema file and checks it against the JSON Schema (schemas/schema.json), then checks every name, reference, type and SQL expression with PostgreSQL's own parser. Reports every problem at once, each as file:line:column. A type that is neither built in nor an enum of the file (from an extension, such as citext, or a domain) is only known to a database that has it: it is reported as a warning (exit status 0), and \`schema plan\` checks it there. A name one slip from a built-in type (varchr, integr) is an error, with its did-you-mean.`;
  static override examples = ['<%= config.bin %> validate', '<%= config.bin %> validate --schema db/schema.yaml'];

  async run(): Promise<void> {
    const file = this.schemaPath();
    const diagnostics = validateSchema(file, await readSchemaFile(file));
    if (diagnostics.some(isError)) throw new SpecError(diagnostics);
    if (diagnostics.length > 0) this.note(this.formatDiagnostics(diagnostics));
    this.say(this.colour().green(`${file} is valid.`));
  }
}
