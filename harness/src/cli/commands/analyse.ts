import { analyseSaved } from '../../api/analyse-saved.ts';
import { FaultlineError } from '../../errors.ts';
import { combineReporters } from '../../model/events.ts';
import { consoleMode, createConsoleReporter } from '../../report/console.ts';
import { fileReporters } from '../../report/reporters.ts';
import type { Command } from '../command.ts';
import { exitCodeFor } from '../exit-code.ts';
import { parseCommandArgs } from '../options.ts';

const usage = `Usage: faultline analyse <result-dir> [--scenario FILE] [--out DIR] [--json FILE] [--junit FILE]

Judges a saved run again, without running anything: reads <result-dir>/recording.json, checks
the scenario's SLOs against it, prints the verdict and writes result.json, junit.xml and
report.html. Same recording and scenario, same verdict; edit an SLO (or give another scenario
file with --scenario) to see the verdict it deserves.

Options:
  --scenario <file>   scenario to judge with (default: the file the run was planned from)
  --topology <file>   topology to check that scenario against (when the run used --topology)
  --out <dir>         write the outputs there instead of <result-dir>
  --json <file>       also write the result as JSON here
  --junit <file>      also write JUnit XML here

Exit codes: as for run — 0 every SLO met, 1 an SLO missed, 2 usage or input error,
3 inconclusive.`;

export const analyseCommand: Command = {
  name: 'analyse',
  summary: 're-judge a saved run (recording.json); nothing runs',
  usage,
  async run(ctx) {
    const { values, positionals } = parseCommandArgs(
      ctx.argv,
      { scenario: { type: 'string' }, topology: { type: 'string' }, out: { type: 'string' }, json: { type: 'string' }, junit: { type: 'string' } },
      usage,
    );
    if (positionals.length !== 1) throw new FaultlineError('FL_USAGE', `name exactly one result folder\n\n${usage}`);
    const reporters = [
      ...fileReporters({ ...(values.json ? { json: values.json } : {}), ...(values.junit ? { junit: values.junit } : {}) }),
      createConsoleReporter({ stream: ctx.stdout, ...consoleMode(ctx.stdout as { isTTY?: boolean }, ctx.env) }),
    ];
    const { result } = await analyseSaved({
      dir: positionals[0]!,
      ...(values.scenario ? { scenario: values.scenario } : {}),
      ...(values.topology ? { topology: values.topology } : {}),
      ...(values.out ? { outDir: values.out } : {}),
      reporters,
    });
    await combineReporters(...reporters).onEnd?.([result]);
    return exitCodeFor(result);
  },
};
