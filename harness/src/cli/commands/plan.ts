import { compilePlan } from '../../plan/compile.ts';
import { formatPlan } from '../../plan/format.ts';
import { FaultlineError } from '../../errors.ts';
import { admitScenario } from '../../gate/index.ts';
import type { Command } from '../command.ts';
import { parseCommandArgs, parseNumberOption } from '../options.ts';
import { ExitCode } from '../exit-code.ts';

const usage = `Usage: faultline plan <name|file> [--profile P] [--seed N] [--time-scale X] [--topology FILE]

Prints the compiled timeline of a scenario — proxies, load profile, fault events, windows,
SLOs — without starting anything.

Options:
  --profile <name>    policy profile (default: the scenario's)
  --seed <n>          seed (default: the scenario's)
  --time-scale <x>    multiply every scenario duration by x (default 1)
  --topology <file>   topology file instead of the scenario's
  --scenarios <dir>   the project's scenarios folder (default: faultline.config.json's, else ./scenarios)`;

export const planCommand: Command = {
  name: 'plan',
  summary: 'print the compiled timeline of a scenario; nothing started',
  usage,
  async run(ctx) {
    const { values, positionals } = parseCommandArgs(
      ctx.argv,
      { profile: { type: 'string' }, seed: { type: 'string' }, 'time-scale': { type: 'string' }, topology: { type: 'string' }, scenarios: { type: 'string' } },
      usage,
    );
    if (positionals.length !== 1) throw new FaultlineError('FL_USAGE', `name exactly one scenario\n\n${usage}`);
    const seed = parseNumberOption(values.seed, '--seed', (n) => Number.isSafeInteger(n) && n >= 0, 'a non-negative integer');
    const timeScale = parseNumberOption(values['time-scale'], '--time-scale', (n) => n > 0, 'a factor greater than 0');
    const { scenario, topology } = await admitScenario(positionals[0]!, {
      ...(values.topology ? { topology: values.topology } : {}),
      ...(values.profile ? { profiles: [values.profile] } : {}),
      ...(values.scenarios ? { scenarios: values.scenarios } : {}),
    });
    const plan = compilePlan(scenario, topology, {
      ...(values.profile ? { profile: values.profile } : {}),
      ...(seed === undefined ? {} : { seed }),
      ...(timeScale === undefined ? {} : { timeScale }),
    });
    ctx.stdout.write(formatPlan(plan));
    return ExitCode.Ok;
  },
};
