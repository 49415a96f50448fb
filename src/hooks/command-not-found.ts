// What oclif does with words it cannot match to a command: `schema help plan` shows help;
// an unknown command or a stray argument gets one clear message and exit status 1 (oclif's
// own says "command apply:add users not found" and exits 2, which `--detailed-exitcode`
// readers take for "changes").
import { loadHelpClass, type Hook } from '@oclif/core';
import { closest, distance } from 'fastest-levenshtein';

const hook: Hook<'command_not_found'> = async function (options) {
  const words = [...options.id.split(':'), ...(options.argv ?? [])];
  const commands = this.config.commands.map((c) => c.id);
  if (words[0] === 'help') {
    const Help = await loadHelpClass(this.config);
    await new Help(this.config, this.config.pjson.oclif.helpOptions).showHelp(words.slice(1));
    return;
  }
  const [first, ...rest] = words;
  let message: string;
  let hint: string;
  if (first !== undefined && commands.includes(first)) {
    message = `\`schema ${first}\` takes no argument "${rest.join(' ')}"`;
    hint = first === 'apply' ? `to give the revision a message, write -m "${rest.join(' ')}"; see \`schema apply --help\`` : `see \`schema ${first} --help\``;
  } else {
    const near = first === undefined ? null : closest(first, commands);
    message = `unknown command "${first ?? ''}"`;
    hint = near !== null && first !== undefined && distance(first, near) <= 2 ? `did you mean \`schema ${near}\`? (\`schema --help\` lists the commands)` : '`schema --help` lists the commands';
  }
  process.stderr.write(`error: ${message}\nhint: ${hint}\n`);
  this.exit(1);
};

export default hook;
