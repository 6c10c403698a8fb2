import { FaultlineError } from '../../errors.ts';
import { exportK6Script } from '../../k6/script.ts';
import { compilePlan } from '../../plan/compile.ts';
import { admitScenario } from '../../gate/index.ts';
import type { Topology } from '../../topology/model.ts';
import type { Command } from '../command.ts';
import { parseCommandArgs, parseNumberOption } from '../options.ts';
import { ExitCode } from '../exit-code.ts';
import { writeTextFile } from '../../util/write-text-file.ts';

/** Used when the load target is a managed service: its port is only known during a run. */
const DEFAULT_BASE_URL = 'http://127.0.0.1:8080';

const usage = `Usage: faultline k6 export <name|file> [--out FILE] [--base-url URL] [--time-scale X] [--profile P]

Prints (or writes) a k6 script with the scenario's load model — arrival-rate executor, request,
client timeout — and its whole-run client SLOs as k6 thresholds. Other SLOs are listed in a
comment: faultline checks them. Nothing is started. See docs/k6.md.

Options:
  --out <file>        write the script there instead of printing it
  --base-url <url>    default of the script's BASE_URL (env BASE_URL overrides it when k6 runs;
                      default: the target's url for an external service, else ${DEFAULT_BASE_URL})
  --time-scale <x>    multiply every scenario duration by x (default 1)
  --profile <name>    policy profile named in the script's header (default: the scenario's)
  --scenarios <dir>   the project's scenarios folder (default: faultline.config.json's, else ./scenarios)`;

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
      { out: { type: 'string' }, 'base-url': { type: 'string' }, 'time-scale': { type: 'string' }, profile: { type: 'string' }, scenarios: { type: 'string' } },
      usage,
    );
    const [action, ref, ...extra] = positionals;
    if (action !== 'export')
      throw new FaultlineError(
        'FL_USAGE',
        `${action === undefined ? 'missing sub-command' : `unknown sub-command '${action}'`}; expected 'export'\n\n${usage}`,
      );
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
      throw new FaultlineError('FL_USAGE', `cannot write ${values.out}: ${(error as Error).message}`, { cause: error });
    }
    ctx.stderr.write(`k6 script for ${scenario.name} written to ${values.out}\n`);
    return ExitCode.Ok;
  },
};
