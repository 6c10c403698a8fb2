import { relative } from 'node:path';
import { listScenarios } from '../../scenario/catalog.ts';
import type { Command } from '../command.ts';
import { parseCommandArgs } from '../options.ts';
import { ExitCode } from '../exit-code.ts';

const usage = `Usage: faultline list

Lists the named scenarios of scenarios/ with their one-line descriptions.`;

export const listCommand: Command = {
  name: 'list',
  summary: 'list the named scenarios',
  usage,
  async run(ctx) {
    parseCommandArgs(ctx.argv, {}, usage, false);
    const scenarios = listScenarios();
    const width = Math.max(0, ...scenarios.map((s) => s.name.length));
    for (const scenario of scenarios) ctx.stdout.write(`${scenario.name.padEnd(width)}  ${scenario.description}\n`);
    if (scenarios.length === 0) ctx.stdout.write(`no scenarios in ${relative(process.cwd(), 'scenarios') || 'scenarios'}\n`);
    return ExitCode.Ok;
  },
};
