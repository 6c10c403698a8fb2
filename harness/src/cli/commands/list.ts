import { listScenarios } from '../../scenario/catalog.ts';
import { projectScenarios } from '../../scenario/project.ts';
import type { Command } from '../command.ts';
import { parseCommandArgs } from '../options.ts';
import { ExitCode } from '../exit-code.ts';

const usage = `Usage: faultline list [--scenarios DIR]

Lists the named scenarios with their one-line descriptions: the project's (--scenarios DIR,
else the folder faultline.config.json names, else ./scenarios), then faultline's built-in ones,
marked (built-in). A project scenario of the same name hides the built-in one.

Options:
  --scenarios <dir>   the project's scenarios folder`;

export const listCommand: Command = {
  name: 'list',
  summary: "list the named scenarios: the project's, then the built-in ones",
  usage,
  async run(ctx) {
    const { values } = parseCommandArgs(ctx.argv, { scenarios: { type: 'string' } }, usage, false);
    const options = values.scenarios ? { scenarios: values.scenarios } : {};
    const scenarios = listScenarios(options);
    const label = (s: { name: string; builtin: boolean }) => (s.builtin ? `${s.name} (built-in)` : s.name);
    const width = Math.max(0, ...scenarios.map((s) => label(s).length));
    for (const scenario of scenarios) ctx.stdout.write(`${label(scenario).padEnd(width)}  ${scenario.description}\n`);
    if (!scenarios.some((s) => !s.builtin)) ctx.stderr.write(`no scenarios of this project in ${projectScenarios(options).dir}\n`);
    return ExitCode.Ok;
  },
};
