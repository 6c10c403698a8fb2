import { runScenario } from '../../api/run-scenario.ts';
import { FaultlineError } from '../../errors.ts';
import { admitScenario } from '../../gate/index.ts';
import { combineReporters } from '../../model/events.ts';
import type { RunResult } from '../../model/result.ts';
import { defaultOutDir, resultFiles } from '../../report/files.ts';
import { consoleMode, createConsoleReporter, renderComparison } from '../../report/index.ts';
import { fileReporters } from '../../report/reporters.ts';
import type { Command } from '../command.ts';
import { describeK6 } from '../../report/k6.ts';
import { exitCodeForComparison } from '../exit-code.ts';
import { DISCRIMINATION, parseExpectations, unexpected } from '../expectations.ts';
import { loadEngineOptions, loadEngineUsage, parseCommandArgs, parseLoadEngineOptions, parseNumberOption } from '../options.ts';
import { join } from 'node:path';

const usage = `Usage: faultline compare <name|file> --profiles naive,resilient [--expect naive=fail,resilient=pass] [options]

Runs one scenario under several policy profiles, one after another, and shows the verdicts
side by side (console table, one report.html, junit.xml), each marked expected or not. Each
profile's run gets its own result folder inside the comparison's (<dir>/<profile>/,
re-judgeable with faultline analyse).

Options:
  --profiles <list>     comma-separated profiles (default naive,timeouts,retries,resilient)
  --expect <list>       the verdict each profile should get: profile=pass|fail|inconclusive,
                        comma-separated; a profile not named must pass (default: every one)
  --toxiproxy <url>     drive a real Toxiproxy (env TOXIPROXY_URL); default: embedded
  --broker <url>        a running MQTT broker (mqtt://host:port) in place of the topology's
                        own (default: the embedded one); for topologies with a broker
  --out <dir>           result folder (default results/<scenario>/<timestamp>-compare/)
  --seed <n>            seed for every random decision
  --time-scale <x>      multiply every scenario duration by x
${loadEngineUsage}
  --scenarios <dir>     the project's scenarios folder (default: faultline.config.json's, else ./scenarios)
  --expect-discrimination  deprecated: means --expect ${DISCRIMINATION}

Exit codes: 0 every profile's verdict is the expected one; 1 one is not; 2 usage or input
error; 3 a run was inconclusive and that was not expected (or an environment error);
130 SIGINT, 143 SIGTERM.`;

export const compareCommand: Command = {
  name: 'compare',
  summary: 'run one scenario under several policy profiles, side by side',
  usage,
  async run(ctx) {
    const { values, positionals } = parseCommandArgs(
      ctx.argv,
      {
        profiles: { type: 'string' },
        toxiproxy: { type: 'string' },
        broker: { type: 'string' },
        out: { type: 'string' },
        seed: { type: 'string' },
        'time-scale': { type: 'string' },
        expect: { type: 'string' },
        'expect-discrimination': { type: 'boolean' },
        ...loadEngineOptions,
        scenarios: { type: 'string' },
      },
      usage,
    );
    if (positionals.length !== 1) throw new FaultlineError('FL_USAGE', `compare takes exactly one scenario\n\n${usage}`);
    const profiles = (values.profiles ?? 'naive,timeouts,retries,resilient')
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean);
    if (profiles.length < 2) throw new FaultlineError('FL_USAGE', `--profiles needs at least two profiles, got '${values.profiles ?? ''}'`);
    if (values.expect !== undefined && values['expect-discrimination'])
      throw new FaultlineError('FL_USAGE', `give --expect or --expect-discrimination, not both\n\n${usage}`);
    if (values['expect-discrimination']) ctx.stderr.write(`faultline: --expect-discrimination is deprecated; use --expect ${DISCRIMINATION}\n`);
    const expectations = parseExpectations(values['expect-discrimination'] ? DISCRIMINATION : values.expect, profiles);
    const seed = parseNumberOption(values.seed, '--seed', Number.isSafeInteger, 'an integer');
    const timeScale = parseNumberOption(values['time-scale'], '--time-scale', (n) => n > 0 && n <= 10, 'a factor in (0, 10]');
    const toxiproxyUrl = values.toxiproxy ?? ctx.env.TOXIPROXY_URL;
    const engine = parseLoadEngineOptions(values, ctx.env);
    const mode = consoleMode(ctx.stdout as { isTTY?: boolean }, ctx.env);
    // Every profile through the gate before the first run starts.
    const { scenario } = await admitScenario(positionals[0]!, {
      profiles,
      ...(values.scenarios ? { scenarios: values.scenarios } : {}),
      ...(values.broker !== undefined ? { broker: values.broker } : {}),
    });
    const dir = values.out ?? defaultOutDir(scenario.name, new Date().toISOString(), 'compare');

    const results: RunResult[] = [];
    for (const profile of profiles) {
      if (ctx.signal.aborted) break;
      ctx.stdout.write(`\n== ${positionals[0]} with profile ${profile}\n`);
      const { result, recording } = await runScenario({
        scenario: positionals[0]!,
        ...(values.scenarios ? { scenarios: values.scenarios } : {}),
        profile,
        ...(seed !== undefined ? { seed } : {}),
        ...(timeScale !== undefined ? { timeScale } : {}),
        ...(toxiproxyUrl ? { toxiproxyUrl } : {}),
        ...(values.broker !== undefined ? { broker: values.broker } : {}),
        outDir: join(dir, profile),
        ...engine,
        signal: ctx.signal,
        reporters: [...fileReporters(), createConsoleReporter({ stream: ctx.stdout, ...mode })],
      });
      results.push(result);
      if (recording.k6) ctx.stdout.write(`${describeK6(recording.k6)}\n`);
    }
    if (results.length === 0) return exitCodeForComparison(results, expectations, profiles.length);
    const combined = resultFiles(dir);
    await combineReporters(...fileReporters()).onEnd?.(results, combined);
    ctx.stdout.write(`\n${renderComparison(results, { color: mode.color, expectations })}\n`);
    ctx.stdout.write(`report: ${combined.html}\n`);
    const wrong = unexpected(results, expectations);
    if (wrong.length > 0)
      ctx.stdout.write(`not as expected: ${wrong.map((r) => `${r.profile} ${r.verdict} (expected ${expectations.get(r.profile)})`).join(', ')}\n`);
    return exitCodeForComparison(results, expectations, profiles.length);
  },
};
