// `npm run bench:signals -- --trials 50 [--kill-trials 6] [--seed S] [--time-scale 0.25]`:
// SIGINT or SIGTERM at a random moment (start-up, warm-up, mid-fault, recovery, teardown) of
// random catalog scenarios, with the embedded Toxiproxy and with an external one (a second
// `faultline toxiproxy` holding proxies of its own), then SIGKILL trials followed by
// `faultline cleanup`. Each trial checks the exit code, the time to exit (< 7.5 s) and that no
// process, listener, proxy, toxic or journal entry is left. Progress on stderr, Markdown for
// docs/benchmarks.md on stdout; exit 1 when any trial failed.
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { listScenarios } from '../src/scenario/catalog.ts';
import { startExternalToxiproxy, type ExternalToxiproxy } from './external-toxiproxy.ts';
import { planTrials, trialPhases, type ScenarioChoice } from './signal-plan.ts';
import { runTrial, type TrialOutcome } from './signal-trial.ts';
import { signalTable } from './signal-table.ts';

const { values } = parseArgs({
  options: {
    trials: { type: 'string', default: '10' },
    'kill-trials': { type: 'string' },
    seed: { type: 'string' },
    'time-scale': { type: 'string', default: '0.25' },
    profiles: { type: 'string', default: 'resilient,naive' },
    scenarios: { type: 'string' },
  },
});
const trials = Number(values.trials);
const killTrials = values['kill-trials'] === undefined ? Math.max(2, Math.round(trials / 8)) : Number(values['kill-trials']);
const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed);
const timeScale = Number(values['time-scale']);
if (!Number.isInteger(trials) || trials < 0) throw new Error(`--trials expects a whole number ≥ 0, got ${values.trials}`);
if (!Number.isInteger(killTrials) || killTrials < 0) throw new Error(`--kill-trials expects a whole number ≥ 0, got ${values['kill-trials']}`);
if (!Number.isSafeInteger(seed)) throw new Error(`--seed expects an integer, got ${values.seed}`);
if (!(timeScale > 0 && timeScale <= 10)) throw new Error(`--time-scale expects a factor in (0, 10], got ${values['time-scale']}`);

const wanted = values.scenarios?.split(',').map((s) => s.trim());
const scenarios: ScenarioChoice[] = listScenarios()
  .filter((s) => !wanted || wanted.includes(s.name))
  .map((s) => {
    const document = parseYaml(readFileSync(s.file, 'utf8')) as { faults?: unknown[] };
    return { name: s.name, hasFaults: (document.faults?.length ?? 0) > 0 };
  });
const plan = planTrials({ seed, trials, killTrials, scenarios, profiles: values.profiles.split(',').map((p) => p.trim()), timeScale });
console.error(`seed ${seed}: ${trials} SIGINT/SIGTERM trials and ${killTrials} SIGKILL + cleanup trials at time scale ${timeScale}`);

// A signal to the bench stops it after the trial under way (which cleans up after itself).
let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => (stopping = true));

const outcomes: TrialOutcome[] = [];
const started = performance.now();
let external: ExternalToxiproxy | undefined;
try {
  if (plan.some((t) => t.toxiproxy === 'external')) external = await startExternalToxiproxy();
  for (const trial of plan) {
    if (stopping) break;
    const outcome = await runTrial(trial, { timeScale, external });
    outcomes.push(outcome);
    const verdict = !outcome.delivered && outcome.problems.length === 0 ? 'missed (ended before the signal)' : outcome.problems.length === 0 ? 'ok' : 'FAILED';
    const exit = outcome.exitMs === undefined ? '' : ` exit ${outcome.exit} in ${(outcome.exitMs / 1000).toFixed(2)} s;`;
    console.error(
      `#${trial.index} ${trial.signal} ${trial.phase}+${trial.delayMs} ms ${trial.scenario} [${trial.profile}] ${trial.toxiproxy}${trial.killScope ? ` (${trial.killScope})` : ''}:${exit} ${verdict}` +
        ` (checked ${outcome.checked.processes} processes, ${outcome.checked.ports} listeners, ${outcome.checked.proxiesAdded} proxies)`,
    );
    for (const problem of outcome.problems) console.error(`    ${problem}`);
    for (const note of outcome.notes) console.error(`    note: ${note}`);
  }
} finally {
  await external?.stop();
}

const failed = outcomes.filter((o) => o.problems.length > 0);
const cpu = cpus();
const lines = [
  `Command: \`npm run bench:signals -- --trials ${trials} --kill-trials ${killTrials} --seed ${seed} --time-scale ${timeScale}\`; machine: ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, Node ${process.version}; load average at the end ${loadavg()[0]!.toFixed(2)}; wall time ${((performance.now() - started) / 60_000).toFixed(1)} min.`,
  '',
  ...signalTable(outcomes, trialPhases),
];
if (failed.length > 0) {
  lines.push('', 'Failed trials:');
  for (const o of failed) {
    const t = o.trial;
    lines.push(`- #${t.index} (seed ${seed}) ${t.signal} ${t.phase}+${t.delayMs} ms, ${t.scenario} [${t.profile}], ${t.toxiproxy}: ${o.problems.join('; ')}`);
    lines.push('  ```', ...o.outputTail.split('\n').map((l) => `  ${l}`), '  ```');
  }
}
process.stdout.write(`${lines.join('\n')}\n`);
process.exitCode = stopping ? 130 : failed.length > 0 ? 1 : 0;
