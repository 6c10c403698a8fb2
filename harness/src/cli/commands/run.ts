import { runScenario } from '../../api/run-scenario.ts';
import { FaultlineError } from '../../errors.ts';
import { admitScenario } from '../../gate/index.ts';
import { combineReporters, type RunEvents } from '../../model/events.ts';
import type { RunResult } from '../../model/result.ts';
import { createHarnessMetrics, createMetricsReporter } from '../../report/exposition.ts';
import { serveMetrics, type MetricsServer } from '../../report/metrics-server.ts';
import { consoleMode, createConsoleReporter } from '../../report/index.ts';
import { checkResultsWritable, savingResults } from '../../report/files.ts';
import { fileReporters } from '../../report/reporters.ts';
import { listScenarios } from '../../scenario/index.ts';
import type { Command } from '../command.ts';
import { describeK6 } from '../../report/k6.ts';
import { type ExitCode, exitCodeFor, worstExitCode } from '../exit-code.ts';
import { loadEngineOptions, loadEngineUsage, parseCommandArgs, parseLoadEngineOptions, parseNumberOption } from '../options.ts';

/** What `faultline run` (and `npm start`) runs when no scenario is named. */
export const defaultScenario = 'dispatch-outage';

const usage = `Usage: faultline run [<name|file>...] [--all] [options]

Runs failure scenarios on the embedded stack (or a real Toxiproxy) and answers with a verdict.
With no scenario, runs '${defaultScenario}'.

Options:
  --all                 run every scenario of the project's folder (in faultline's clone: the catalog)
  --scenarios <dir>     the project's scenarios folder (default: faultline.config.json's,
                        else ./scenarios); names are looked for there, then built in
  --profile <name>      policy profile of the sample services (naive, timeouts, retries, resilient)
  --toxiproxy <url>     drive a real Toxiproxy (env TOXIPROXY_URL); default: embedded
  --broker <url>        a running MQTT broker (mqtt://host:port) in place of the topology's
                        own (default: the embedded one); for topologies with a broker
  --topology <file>     topology file instead of the scenario's
  --out <dir>           result folder (default results/<scenario>/<timestamp>-<profile>/)
  --json <file>         also write the result(s) as JSON here
  --junit <file>        also write JUnit XML here (one test case per SLO)
  --seed <n>            seed for every random decision (default: the scenario's)
  --time-scale <x>      multiply every scenario duration by x (e.g. 0.25 for quick CI runs)
  --verbose             print the services' output
${loadEngineUsage}
  --metrics-port <n>    serve the run's own Prometheus metrics on this port while it runs
                        (/metrics), and its scrape targets for Prometheus http_sd (/targets)
  --metrics-host <addr> address for --metrics-port (default 127.0.0.1; 0.0.0.0 in a container)
  --metrics-linger <s>  keep serving metrics this long after the last run, so a scraper
                        sees the final verdicts (default 0)

Exit codes: 0 every SLO met, 1 an SLO missed, 2 usage or input error,
3 environment error or inconclusive run, 130 SIGINT, 143 SIGTERM.`;

/** Waits `ms` or until `signal` aborts, whichever comes first; leaves no timer behind. */
function lingerUntil(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

export const runCommand: Command = {
  name: 'run',
  summary: 'run named failure scenarios and print the verdict',
  usage,
  async run(ctx) {
    const { values, positionals } = parseCommandArgs(
      ctx.argv,
      {
        all: { type: 'boolean' },
        profile: { type: 'string' },
        toxiproxy: { type: 'string' },
        broker: { type: 'string' },
        topology: { type: 'string' },
        out: { type: 'string' },
        json: { type: 'string' },
        junit: { type: 'string' },
        seed: { type: 'string' },
        'time-scale': { type: 'string' },
        verbose: { type: 'boolean' },
        'metrics-port': { type: 'string' },
        'metrics-host': { type: 'string' },
        'metrics-linger': { type: 'string' },
        ...loadEngineOptions,
        scenarios: { type: 'string' },
      },
      usage,
    );
    const seed = parseNumberOption(values.seed, '--seed', Number.isSafeInteger, 'an integer');
    const catalog = values.scenarios ? { scenarios: values.scenarios } : {};
    const timeScale = parseNumberOption(values['time-scale'], '--time-scale', (n) => n > 0 && n <= 10, 'a factor in (0, 10]');
    if (values.all && positionals.length > 0) throw new FaultlineError('FL_USAGE', `--all runs every scenario; do not name scenarios too\n\n${usage}`);
    const names = values.all
      ? listScenarios(catalog)
          .filter((s) => !s.builtin)
          .map((s) => s.name)
      : positionals.length > 0
        ? positionals
        : [defaultScenario];
    if (values.out && names.length > 1) throw new FaultlineError('FL_USAGE', `--out names one result folder; it cannot hold ${names.length} scenarios`);
    const toxiproxyUrl = values.toxiproxy ?? ctx.env.TOXIPROXY_URL;
    const engine = parseLoadEngineOptions(values, ctx.env);
    const metricsPort = parseNumberOption(values['metrics-port'], '--metrics-port', (n) => Number.isInteger(n) && n >= 0 && n <= 65535, 'a port number');
    const lingerSeconds = parseNumberOption(values['metrics-linger'], '--metrics-linger', (n) => n >= 0 && n <= 3600, 'seconds in [0, 3600]') ?? 0;
    if ((values['metrics-host'] || values['metrics-linger']) && metricsPort === undefined)
      throw new FaultlineError('FL_USAGE', `--metrics-host and --metrics-linger need --metrics-port\n\n${usage}`);

    // The gate, for every scenario, before anything starts: one bad file stops the whole run.
    const gateOptions = {
      ...catalog,
      ...(values.topology ? { topology: values.topology } : {}),
      ...(values.broker !== undefined ? { broker: values.broker } : {}),
      ...(values.profile ? { profiles: [values.profile] } : {}),
    };
    for (const name of names) await admitScenario(name, gateOptions);
    // And the --json/--junit copies' folders (each run checks its own result folder).
    await checkResultsWritable({ copies: [values.json, values.junit].filter((f): f is string => f !== undefined) });

    const mode = consoleMode(ctx.stdout as { isTTY?: boolean }, ctx.env);
    const results: RunResult[] = [];
    const codes: ExitCode[] = [];
    // File reporters live for the whole invocation: their onEnd writes the --json/--junit copies.
    const files = fileReporters({ ...(values.json ? { json: values.json } : {}), ...(values.junit ? { junit: values.junit } : {}) });
    const metrics = metricsPort === undefined ? undefined : createHarnessMetrics();
    const metricsServer: MetricsServer | undefined =
      metrics && (await serveMetrics(metrics, { port: metricsPort!, ...(values['metrics-host'] ? { host: values['metrics-host'] } : {}) }));
    if (metricsServer) ctx.stderr.write(`harness metrics at ${metricsServer.url}\n`);
    try {
      for (const name of names) {
        if (ctx.signal.aborted) break;
        // The reporter prints the verdict block and the result files when the run ends.
        const consoleReporter = createConsoleReporter({ stream: ctx.stdout, ...mode });
        const reporters: RunEvents[] = [...files, ...(metrics ? [createMetricsReporter(metrics)] : []), consoleReporter];
        const { result, recording } = await runScenario({
          scenario: name,
          ...catalog,
          ...(values.profile ? { profile: values.profile } : {}),
          ...(seed !== undefined ? { seed } : {}),
          ...(timeScale !== undefined ? { timeScale } : {}),
          ...(toxiproxyUrl ? { toxiproxyUrl } : {}),
          ...(values.broker !== undefined ? { broker: values.broker } : {}),
          ...(values.topology ? { topology: values.topology } : {}),
          ...(values.out ? { outDir: values.out } : {}),
          ...engine,
          signal: ctx.signal,
          reporters,
          ...(values.verbose ? { onServiceOutput: (service: string, line: string) => ctx.stderr.write(`[${service}] ${line}\n`) } : {}),
        });
        results.push(result);
        codes.push(exitCodeFor(result));
        if (recording.k6) ctx.stdout.write(`${describeK6(recording.k6)}\n`);
      }
      await savingResults(async () => combineReporters(...files).onEnd?.(results));
      if (results.length > 1) {
        const line = results.map((r) => `${r.scenario.name}:${r.verdict}`).join('  ');
        ctx.stdout.write(`\n${results.length} scenarios: ${line}\n`);
      }
      if (metricsServer && lingerSeconds > 0 && !ctx.signal.aborted) await lingerUntil(lingerSeconds * 1000, ctx.signal);
    } finally {
      await metricsServer?.close();
    }
    return worstExitCode(codes);
  },
};
