import { ExitCode } from '../errors.ts';
import { compilePlan } from '../plan/index.ts';
import type { Plan } from '../plan/model.ts';
import type { RunEvents } from '../model/events.ts';
import { admitScenario } from '../gate/index.ts';
import type { Scenario } from '../scenario/model.ts';
import type { RunResult } from '../model/result.ts';
import { writeResultFolder, type OutputFiles } from '../report/outputs.ts';
import { executePlan } from '../run/run-scenario.ts';
import { analyse } from '../slo/analyse.ts';

export interface RunScenarioOptions {
  /** A scenario name (`dispatch-outage`), a file path, or an already loaded Scenario. */
  scenario: string | Scenario;
  /** Policy profile of the sample services; default: the scenario's. */
  profile?: string;
  /** Seed of every random decision; default: the scenario's. */
  seed?: number;
  /** Multiplies every scenario duration (0.25 = four times faster); default 1. */
  timeScale?: number;
  /** External Toxiproxy URL; default: the embedded server. */
  toxiproxyUrl?: string;
  /** Topology file overriding the scenario's. */
  topology?: string;
  /** Result folder; default `results/<scenario>/<timestamp>-<profile>/`; `false` writes nothing. */
  outDir?: string | false;
  signal?: AbortSignal;
  events?: RunEvents;
  /** Journal directory for an external Toxiproxy (default ~/.local/state/faultline). */
  stateDir?: string;
  onServiceOutput?: (service: string, line: string) => void;
}

export interface RunScenarioOutcome {
  result: RunResult;
  plan: Plan;
  files?: OutputFiles;
}

/** Admits a scenario through the validation gate and compiles it into its plan; starts nothing. */
export async function planScenario(options: Pick<RunScenarioOptions, 'scenario' | 'profile' | 'seed' | 'timeScale' | 'topology'>): Promise<Plan> {
  const ref = typeof options.scenario === 'string' ? options.scenario : options.scenario.file;
  const { scenario, topology } = await admitScenario(ref, {
    ...(options.topology !== undefined ? { topology: options.topology } : {}),
    ...(options.profile !== undefined ? { profiles: [options.profile] } : {}),
  });
  return compilePlan(scenario, topology, {
    ...(options.profile !== undefined ? { profile: options.profile } : {}),
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
    ...(options.timeScale !== undefined ? { timeScale: options.timeScale } : {}),
  });
}

/**
 * Runs one scenario end to end and returns its typed result — the programmatic API, e.g. to
 * assert resilience inside a vitest suite:
 *   const { result } = await runScenario({ scenario: 'dispatch-outage', timeScale: 0.25, outDir: false });
 *   expect(result.verdict).toBe('pass');
 */
export async function runScenario(options: RunScenarioOptions): Promise<RunScenarioOutcome> {
  const plan = await planScenario(options);
  options.events?.onPlan?.({
    scenario: plan.scenario.name,
    profile: plan.profile,
    durationMs: plan.durationMs,
    faults: plan.faults.map((f) => ({ id: f.id, label: f.id, atMs: f.atMs, ...(f.forMs !== undefined ? { forMs: f.forMs } : {}) })),
  });
  const recording = await executePlan({
    plan,
    ...(options.toxiproxyUrl ? { toxiproxyUrl: options.toxiproxyUrl } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.events ? { events: options.events } : {}),
    ...(options.stateDir ? { stateDir: options.stateDir } : {}),
    ...(options.onServiceOutput ? { onServiceOutput: options.onServiceOutput } : {}),
  });
  options.events?.onPhase?.('analysing');
  const result = analyse(recording, plan.scenario);
  const files = options.outDir === false ? undefined : await writeResultFolder([result], options.outDir);
  options.events?.onResult?.(result, files ?? { dir: '' });
  return files ? { result, plan, files } : { result, plan };
}

/** Exit code of one result (DESIGN.md): pass 0, fail 1, inconclusive 3. */
export function exitCodeFor(result: RunResult): number {
  if (result.status === 'interrupted') return ExitCode.Interrupted;
  if (result.verdict === 'pass') return ExitCode.Ok;
  if (result.verdict === 'fail') return ExitCode.SloFailed;
  return ExitCode.Environment;
}

/** The worst of several exit codes: interrupted > environment > SLO missed > ok. */
export function worstExitCode(codes: readonly number[]): number {
  const rank = (code: number) => [ExitCode.Ok, ExitCode.SloFailed, ExitCode.Usage, ExitCode.Environment, ExitCode.Terminated, ExitCode.Interrupted].indexOf(code as never);
  return codes.reduce((worst, code) => (rank(code) > rank(worst) ? code : worst), ExitCode.Ok as number);
}
