import { FaultlineError } from '../../errors.ts';
import { exportK6Script } from '../../k6/script.ts';
import { compilePlan } from '../../plan/compile.ts';
import { admitScenario } from '../../gate/index.ts';
import type { Topology } from '../../topology/model.ts';
import type { Command, CommandContext } from '../command.ts';
import { ingestK6 } from '../../api/ingest-k6.ts';
import { combineReporters } from '../../model/events.ts';
import { consoleMode, createConsoleReporter } from '../../report/index.ts';
import { fileReporters } from '../../report/reporters.ts';
import { describeK6 } from '../../report/k6.ts';
import { exitCodeFor, type ExitCode as ExitCodeValue } from '../exit-code.ts';
import { parseCommandArgs, parseNumberOption } from '../options.ts';
import { ExitCode } from '../exit-code.ts';
import { FileWriteError, writeTextFile } from '../../util/write-text-file.ts';

/** Used when the load target is a managed service: its port is only known during a run. */
const DEFAULT_BASE_URL = 'http://127.0.0.1:8080';

const usage = `Usage: faultline k6 export <name|file> [--out FILE] [--base-url URL] [--time-scale X] [--profile P]
       faultline k6 ingest <k6.ndjson>... (--into <result-dir> | --scenario <name|file> --start <t0>) [--out DIR]

export: prints (or writes) a k6 script with the scenario's load model — arrival-rate executor,
request, client timeout — and its whole-run client SLOs as k6 thresholds. Other SLOs are listed
in a comment: faultline checks them. Nothing is started.

ingest: merges several k6 instances' --out json files by time into one recording and judges it
once: into the run that drove the faults (--into, whose t = 0 is its k6 start), or as a new
recording of --scenario's load alone. Runs nothing. See docs/k6.md and docs/scale-out.md.

Options (export):
  --out <file>        write the script there instead of printing it
  --base-url <url>    default of the script's BASE_URL (env BASE_URL overrides it when k6 runs;
                      default: the target's url for an external service, else ${DEFAULT_BASE_URL})
  --time-scale <x>    multiply every scenario duration by x (default 1)
  --profile <name>    policy profile named in the script's header (default: the scenario's)
  --scenarios <dir>   the project's scenarios folder (default: faultline.config.json's, else ./scenarios)

Options (ingest):
  --into <dir>        a saved run (result folder) the files join; outputs are written there
  --scenario <ref>    without --into: the scenario the instances ran
  --start <t0>        t = 0: epoch ms or an ISO time (the instances' FAULTLINE_START_EPOCH_MS);
                      default with --into: the run's own k6 start
  --out <dir>         result folder (default: the --into folder; none without --into)
  --profile, --time-scale  as for export, with --scenario

Exit codes (ingest): 0 every SLO met, 1 an SLO missed, 2 bad input (a malformed line is named
file:line), 3 inconclusive.`;

function defaultBaseUrl(topology: Topology, target: string): string {
  const service = topology.services.find((candidate) => candidate.name === target);
  return service?.kind === 'external' ? service.url : DEFAULT_BASE_URL;
}

function checkBaseUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new FaultlineError('FL_USAGE', `--base-url expects an http(s) URL, got '${value}'`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new FaultlineError('FL_USAGE', `--base-url expects an http(s) URL, got '${value}'`);
  return value;
}

export const k6Command: Command = {
  name: 'k6',
  summary: 'export a scenario as a k6 script (load model and thresholds)',
  usage,
  async run(ctx) {
    const { values, positionals } = parseCommandArgs(
      ctx.argv,
      {
        out: { type: 'string' },
        'base-url': { type: 'string' },
        'time-scale': { type: 'string' },
        profile: { type: 'string' },
        into: { type: 'string' },
        scenario: { type: 'string' },
        start: { type: 'string' },
        scenarios: { type: 'string' },
      },
      usage,
    );
    const [action, ref, ...extra] = positionals;
    if (action === 'ingest') return ingest(ctx, positionals.slice(1), values);
    if (action !== 'export')
      throw new FaultlineError(
        'FL_USAGE',
        `${action === undefined ? 'missing sub-command' : `unknown sub-command '${action}'`}; expected 'export' or 'ingest'\n\n${usage}`,
      );
    for (const flag of ['into', 'scenario', 'start'] as const)
      if (values[flag] !== undefined) throw new FaultlineError('FL_USAGE', `--${flag} goes with 'k6 ingest'\n\n${usage}`);
    if (ref === undefined || extra.length > 0) throw new FaultlineError('FL_USAGE', `name exactly one scenario\n\n${usage}`);
    const timeScale = parseNumberOption(values['time-scale'], '--time-scale', (n) => n > 0, 'a factor greater than 0');
    const baseUrlOption = values['base-url'] === undefined ? undefined : checkBaseUrl(values['base-url']);
    const { scenario, topology } = await admitScenario(ref, {
      ...(values.profile ? { profiles: [values.profile] } : {}),
      ...(values.scenarios ? { scenarios: values.scenarios } : {}),
    });
    const plan = compilePlan(scenario, topology, {
      ...(values.profile ? { profile: values.profile } : {}),
      ...(timeScale === undefined ? {} : { timeScale }),
    });
    const script = exportK6Script(plan, { baseUrl: baseUrlOption ?? defaultBaseUrl(topology, scenario.load.target) });
    if (values.out === undefined) {
      ctx.stdout.write(script);
      return ExitCode.Ok;
    }
    try {
      await writeTextFile(values.out, script);
    } catch (error) {
      throw new FaultlineError('FL_USAGE', error instanceof FileWriteError ? error.message : `cannot write ${values.out}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    ctx.stderr.write(`k6 script for ${scenario.name} written to ${values.out}\n`);
    return ExitCode.Ok;
  },
};

/** `--start`: epoch ms, or an ISO 8601 time. */
function parseStart(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const epochMs = /^\d+(\.\d+)?$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(epochMs)) throw new FaultlineError('FL_USAGE', `--start expects epoch ms or an ISO time, got '${value}'`);
  return epochMs;
}

async function ingest(ctx: CommandContext, files: string[], values: Record<string, string | undefined>): Promise<ExitCodeValue> {
  if (files.length === 0) throw new FaultlineError('FL_USAGE', `name at least one k6 JSON output file\n\n${usage}`);
  if (values['base-url'] !== undefined) throw new FaultlineError('FL_USAGE', `--base-url goes with 'k6 export'\n\n${usage}`);
  if ((values.into === undefined) === (values.scenario === undefined))
    throw new FaultlineError('FL_USAGE', `give either --into <result-dir> or --scenario <name|file>\n\n${usage}`);
  const timeScale = parseNumberOption(values['time-scale'], '--time-scale', (n) => n > 0, 'a factor greater than 0');
  const startEpochMs = parseStart(values.start);
  const out = values.out ?? values.into;
  const reporters = [
    ...(out ? fileReporters() : []),
    createConsoleReporter({ stream: ctx.stdout, ...consoleMode(ctx.stdout as { isTTY?: boolean }, ctx.env) }),
  ];
  const { result, recording } = await ingestK6({
    files,
    into: values.into,
    scenario: values.scenario,
    profile: values.profile,
    timeScale,
    startEpochMs,
    outDir: out ?? false,
    reporters,
  });
  await combineReporters(...reporters).onEnd?.([result]);
  if (recording.k6) ctx.stdout.write(`${describeK6(recording.k6)}\n`);
  return exitCodeFor(result);
}
