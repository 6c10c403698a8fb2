import { FaultlineError, formatIssue } from '../../errors.ts';
import type { InputIssue } from '../../errors.ts';
import { field } from '../../document/check.ts';
import { checkGateOptions, checkScenarioForRun, type GateOptions } from '../../gate/index.ts';
import { resolveScenarioRef } from '../../scenario/catalog.ts';
import { readYamlSource } from '../../document/source.ts';
import type { YamlSource } from '../../document/source.ts';
import { checkTopology } from '../../topology/load.ts';
import type { Command } from '../command.ts';
import { parseCommandArgs } from '../options.ts';
import { ExitCode } from '../exit-code.ts';

const usage = `Usage: faultline validate <file|name>... [--topology FILE] [--profile P]

Checks scenario files (and topology files: a file with 'services' and no 'load') without
starting anything, through the same gate as run: each scenario against the topology it would
run on (--topology replaces the scenario's) and the profile it would use. Prints 'ok <file>'
for each valid file and every issue of the others as file:line:column field: message.

Options:
  --topology <file>   check scenarios against this topology instead of their own
  --profile <name>    check scenarios with this policy profile instead of their own
  --scenarios <dir>   the project's scenarios folder (default: faultline.config.json's, else ./scenarios)

Exit codes: 0 every file valid, 2 otherwise.`;

/** A topology file is told apart by its content: `services`, and no `load`. */
function isTopologyFile(source: YamlSource): boolean {
  return field(source.data, 'services') !== undefined && field(source.data, 'load') === undefined;
}

async function issuesOf(ref: string, options: GateOptions): Promise<{ file: string; issues: readonly InputIssue[] }> {
  const file = resolveScenarioRef(ref, { scenarios: options.scenarios });
  const source = await readYamlSource(file);
  if (isTopologyFile(source)) return { file, issues: checkTopology(source).issues };
  return { file, issues: (await checkScenarioForRun(file, options)).issues };
}

export const validateCommand: Command = {
  name: 'validate',
  summary: 'check scenario and topology files; every issue, located; nothing started',
  usage,
  async run(ctx) {
    const { values, positionals } = parseCommandArgs(
      ctx.argv,
      { topology: { type: 'string' }, profile: { type: 'string' }, scenarios: { type: 'string' } },
      usage,
    );
    if (positionals.length === 0) throw new FaultlineError('FL_USAGE', `name at least one file or scenario\n\n${usage}`);
    const options: GateOptions = {
      ...(values.topology ? { topology: values.topology } : {}),
      ...(values.profile ? { profiles: [values.profile] } : {}),
      ...(values.scenarios ? { scenarios: values.scenarios } : {}),
    };
    checkGateOptions(options);
    let valid = true;
    for (const ref of positionals) {
      try {
        const { file, issues } = await issuesOf(ref, options);
        if (issues.length === 0) ctx.stdout.write(`ok ${file}\n`);
        for (const issue of issues) ctx.stderr.write(`${formatIssue(issue)}\n`);
        valid &&= issues.length === 0;
      } catch (error) {
        // An unknown name is one more invalid input; the other files are still checked.
        if (!(error instanceof FaultlineError) || error.code !== 'FL_UNKNOWN_SCENARIO') throw error;
        ctx.stderr.write(`faultline: ${error.message}\n`);
        valid = false;
      }
    }
    return valid ? ExitCode.Ok : ExitCode.Usage;
  },
};
