// `npm run bench:stability -- --runs 10 --hog`: every catalog scenario N times under each of
// `resilient` (expected: pass) and `naive` (expected: fail) at --time-scale 0.25, optionally with
// a CPU hog keeping one core busy, and an agreement table: how often each verdict was the one the
// catalog promises. Prints progress on stderr and Markdown for docs/benchmarks.md on stdout.
import { spawn, type ChildProcess } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { runScenario } from '../src/api/run-scenario.ts';
import type { RunResult } from '../src/model/result.ts';
import { listScenarios } from '../src/scenario/catalog.ts';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    hog: { type: 'boolean', default: false },
    scenarios: { type: 'string' },
    profiles: { type: 'string', default: 'resilient,naive' },
    'time-scale': { type: 'string', default: '0.25' },
  },
});
const runs = Number(values.runs);
const timeScale = Number(values['time-scale']);
if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs expects a whole number ≥ 1, got ${values.runs}`);
if (!(timeScale > 0)) throw new Error(`--time-scale expects a factor > 0, got ${values['time-scale']}`);
const profiles = values.profiles.split(',').map((p) => p.trim());
const scenarios = values.scenarios ? values.scenarios.split(',').map((s) => s.trim()) : listScenarios().map((s) => s.name);
/** The catalog's promise: every SLO met with the resilience on, one missed with it off — but
 * for baseline, which has no fault to guard against and passes with both (scenarios/README.md). */
const expected = (scenario: string, profile: string): RunResult['verdict'] => (profile === 'naive' && scenario !== 'baseline' ? 'fail' : 'pass');
const expectation = (profile: string): string => (profile === 'naive' ? 'fail; baseline pass' : 'pass');

/** A busy core: the other processes of the run get what is left, as on a shared CI runner. */
function startHog(): ChildProcess {
  return spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' });
}

const controller = new AbortController();
let hog: ChildProcess | undefined = values.hog ? startHog() : undefined;
const stop = () => {
  hog?.kill('SIGKILL');
  hog = undefined;
};
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    controller.abort();
    stop();
  });
}

interface Cell {
  agreed: number;
  total: number;
  /** What the runs that disagreed said: verdict and the SLOs that decided it. */
  misses: string[];
  seconds: number;
}

const table = new Map<string, Map<string, Cell>>();
const started = performance.now();
try {
  for (const scenario of scenarios) {
    const row = new Map<string, Cell>();
    table.set(scenario, row);
    for (const profile of profiles) {
      const cell: Cell = { agreed: 0, total: 0, misses: [], seconds: 0 };
      row.set(profile, cell);
      for (let run = 1; run <= runs && !controller.signal.aborted; run++) {
        const t0 = performance.now();
        const { result } = await runScenario({ scenario, profile, timeScale, outDir: false, signal: controller.signal });
        cell.seconds += (performance.now() - t0) / 1000;
        cell.total++;
        if (result.verdict === expected(scenario, profile)) cell.agreed++;
        else {
          // An SLO that could not be measured says why (its detail), not only n/a.
          const missed = result.slos.filter((s) => !s.passed).map((s) => `${s.name}: ${s.measured ?? `n/a, ${s.detail}`}`);
          cell.misses.push(`${result.verdict}${missed.length > 0 ? ` (${missed.join('; ')})` : result.reasons.length > 0 ? ` (${result.reasons[0]})` : ''}`);
        }
        console.error(`${scenario} ${profile} run ${run}/${runs}: ${result.verdict} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
      }
    }
  }
} finally {
  stop();
}

const cpu = cpus();
const lines = [
  `Command: \`npm run bench:stability -- --runs ${runs}${values.hog ? ' --hog' : ''} --time-scale ${timeScale}\`; machine: ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, Node ${process.version}; CPU hog on one core: ${values.hog ? 'yes' : 'no'}; load average at the end ${loadavg()[0]!.toFixed(2)}; wall time ${((performance.now() - started) / 60_000).toFixed(1)} min.`,
  '',
  `| scenario | ${profiles.map((p) => `${p} (expect ${expectation(p)})`).join(' | ')} | mean s per run |`,
  `|---|${profiles.map(() => '---').join('|')}|---|`,
];
for (const [scenario, row] of table) {
  const cells = profiles.map((p) => {
    const cell = row.get(p);
    return cell ? `${cell.agreed}/${cell.total}` : '–';
  });
  const all = [...row.values()];
  const mean =
    all.reduce((sum, c) => sum + c.seconds, 0) /
    Math.max(
      1,
      all.reduce((sum, c) => sum + c.total, 0),
    );
  lines.push(`| ${scenario} | ${cells.join(' | ')} | ${mean.toFixed(1)} |`);
}
const misses = [...table].flatMap(([scenario, row]) => [...row].flatMap(([profile, cell]) => cell.misses.map((m) => `- ${scenario} / ${profile}: ${m}`)));
if (misses.length > 0) lines.push('', 'Runs whose verdict was not the expected one:', ...misses);
process.stdout.write(`${lines.join('\n')}\n`);
process.exitCode = controller.signal.aborted ? 130 : 0;
