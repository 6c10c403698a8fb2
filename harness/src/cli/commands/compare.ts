import { runScenario } from '../../api/run-scenario.ts';
import { FaultlineError } from '../../errors.ts';
import { admitScenario } from '../../gate/index.ts';
import { combineReporters } from '../../model/events.ts';
import type { RunResult } from '../../model/result.ts';
import { defaultOutDir, resultFiles } from '../../report/files.ts';
import { consoleMode, createConsoleReporter, renderComparison } from '../../report/index.ts';
import { fileReporters } from '../../report/reporters.ts';
import type { Command } from '../command.ts';
import { ExitCode } from '../exit-code.ts';
import { parseCommandArgs, parseNumberOption } from '../options.ts';
import { join } from 'node:path';

const usage = `Usage: faultline compare <name|file> --profiles naive,resilient [options]

Runs one scenario under several policy profiles, one after another, and shows the verdicts
side by side (console table, one report.html, junit.xml). Each profile's run gets its own
result folder inside the comparison's (<dir>/<profile>/, re-judgeable with faultline analyse).

Options:
  --profiles <list>     comma-separated profiles (default naive,timeouts,retries,resilient)
  --toxiproxy <url>     drive a real Toxiproxy (env TOXIPROXY_URL); default: embedded
  --out <dir>           result folder (default results/<scenario>/<timestamp>-compare/)
  --seed <n>            seed for every random decision
  --time-scale <x>      multiply every scenario duration by x
  --expect-discrimination  exit 1 unless 'resilient' passes and 'naive' fails

Exit code: 0 when every run completed (whatever the verdicts), 3 if a run was inconclusive;
with --expect-discrimination, 1 when the verdicts do not tell naive from resilient.`;

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
        out: { type: 'string' },
        seed: { type: 'string' },
        'time-scale': { type: 'string' },
        'expect-discrimination': { type: 'boolean' },
      },
      usage,
    );
    if (positionals.length !== 1) throw new FaultlineError('FL_USAGE', `compare takes exactly one scenario\n\n${usage}`);
    const profiles = (values.profiles ?? 'naive,timeouts,retries,resilient')
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean);
    if (profiles.length < 2) throw new FaultlineError('FL_USAGE', `--profiles needs at least two profiles, got '${values.profiles ?? ''}'`);
    const seed = parseNumberOption(values.seed, '--seed', Number.isSafeInteger, 'an integer');
    const timeScale = parseNumberOption(values['time-scale'], '--time-scale', (n) => n > 0 && n <= 10, 'a factor in (0, 10]');
    const toxiproxyUrl = values.toxiproxy ?? ctx.env.TOXIPROXY_URL;
    const mode = consoleMode(ctx.stdout as { isTTY?: boolean }, ctx.env);
    // Every profile through the gate before the first run starts.
    const { scenario } = await admitScenario(positionals[0]!, { profiles });
    const dir = values.out ?? defaultOutDir(scenario.name, new Date().toISOString(), 'compare');

    const results: RunResult[] = [];
    for (const profile of profiles) {
      if (ctx.signal.aborted) break;
      ctx.stdout.write(`\n== ${positionals[0]} with profile ${profile}\n`);
      const { result } = await runScenario({
        scenario: positionals[0]!,
        profile,
        ...(seed !== undefined ? { seed } : {}),
        ...(timeScale !== undefined ? { timeScale } : {}),
        ...(toxiproxyUrl ? { toxiproxyUrl } : {}),
        outDir: join(dir, profile),
        signal: ctx.signal,
        reporters: [...fileReporters(), createConsoleReporter({ stream: ctx.stdout, ...mode })],
      });
      results.push(result);
    }
    if (results.length === 0) return ExitCode.Interrupted;
    const combined = resultFiles(dir);
    await combineReporters(...fileReporters()).onEnd?.(results, combined);
    ctx.stdout.write(`\n${renderComparison(results, { color: mode.color })}\n`);
    ctx.stdout.write(`report: ${combined.html}\n`);
    if (results.some((r) => r.status === 'interrupted')) return ExitCode.Interrupted;
    if (results.some((r) => r.verdict === 'inconclusive')) return ExitCode.Environment;
    if (values['expect-discrimination']) {
      const verdict = (p: string) => results.find((r) => r.profile === p)?.verdict;
      if (verdict('resilient') !== 'pass' || verdict('naive') !== 'fail') {
        ctx.stdout.write(`the scenario does not discriminate: resilient ${verdict('resilient') ?? 'not run'}, naive ${verdict('naive') ?? 'not run'}\n`);
        return ExitCode.SloFailed;
      }
    }
    return ExitCode.Ok;
  },
};
