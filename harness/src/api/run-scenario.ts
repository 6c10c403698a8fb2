import { FaultlineError } from '../errors.ts';
import { admitScenario } from '../gate/index.ts';
import { k6Binary } from '../k6/binary.ts';
import { k6Engine } from '../k6/engine.ts';
import type { LoadEngine } from '../load/engine.ts';
import { combineReporters, type ResultFiles, type RunEvents } from '../model/events.ts';
import type { Recording } from '../model/recording.ts';
import type { RunResult } from '../model/result.ts';
import { compilePlan } from '../plan/index.ts';
import type { Plan } from '../plan/model.ts';
import { checkResultsWritable, defaultOutDir, resultFiles, savingResults } from '../report/files.ts';
import { fileReporters } from '../report/reporters.ts';
import { createServiceLogReporter } from '../report/service-logs.ts';
import { checkAsyncEngine } from '../run/async-observation.ts';
import { executePlan, newRunId } from '../run/run-scenario.ts';
import type { Scenario } from '../scenario/model.ts';
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
  /** `mqtt://host:port` of a broker already running, in place of the topology's own (the
   * embedded one by default). */
  broker?: string;
  /** The project's scenarios folder, where a scenario name is looked for before the built-in
   * catalog; default: faultline.config.json's `scenarios`, else `./scenarios`. */
  scenarios?: string;
  /** Result folder; default `results/<scenario>/<timestamp>-<profile>/`; `false` writes nothing. */
  outDir?: string | false;
  signal?: AbortSignal;
  /**
   * The reporters of the run, in order. Default: with a result folder, the file reporters
   * (recording.json, result.json, junit.xml, report.html); without one, none.
   */
  reporters?: readonly RunEvents[];
  /** One more reporter after `reporters` (e.g. the console). */
  events?: RunEvents;
  /** Journal directory for an external Toxiproxy (default ~/.local/state/faultline). */
  stateDir?: string;
  /** Every line a service writes, as it comes (they are also kept in `services/<name>.log`). */
  onServiceOutput?: (service: string, line: string, stream: 'stdout' | 'stderr') => void;
  /** What sends the load: `builtin` (default, faultline's generator) or `k6` (docs/k6.md). */
  load?: 'builtin' | 'k6';
  /** With `load: 'k6'`: the k6 executable; default env K6_BIN, else `k6` on PATH. */
  k6?: string;
  /** With `load: 'k6'`: the user's k6 script instead of the exported one. */
  k6Script?: string;
  /** With `load: 'k6'`: ms between t = 0 being decided and t = 0, for k6 to start (default 3000;
   * env FAULTLINE_K6_LEAD_MS). */
  k6LeadMs?: number;
}

/** The engine the options ask for; undefined = the runner's default (built-in). */
export function loadEngineFor(options: Pick<RunScenarioOptions, 'load' | 'k6' | 'k6Script' | 'k6LeadMs'>): LoadEngine | undefined {
  if (options.load !== 'k6') return undefined;
  const fromEnv = process.env.FAULTLINE_K6_LEAD_MS;
  const lead = options.k6LeadMs ?? (fromEnv ? Number(fromEnv) : undefined);
  // The exported setup() waits out the lead, and k6 gives setup() 60 s by default.
  if (lead !== undefined && !(Number.isFinite(lead) && lead >= 0 && lead <= 50_000))
    throw new FaultlineError(
      'FL_USAGE',
      `the k6 lead (FAULTLINE_K6_LEAD_MS) expects ms in [0, 50000] (k6's setup() times out after 60 s), got '${options.k6LeadMs ?? fromEnv}'`,
    );
  return k6Engine({ bin: k6Binary(options.k6, process.env), script: options.k6Script, startLeadMs: lead });
}

export interface RunScenarioOutcome {
  result: RunResult;
  plan: Plan;
  /** What the run observed; `faultline analyse` judges a saved one again. */
  recording: Recording;
  /** The result folder's files; absent when `outDir` is false. */
  files?: ResultFiles;
}

/** Admits a scenario through the validation gate and compiles it into its plan; starts nothing. */
export async function planScenario(
  options: Pick<RunScenarioOptions, 'scenario' | 'profile' | 'seed' | 'timeScale' | 'topology' | 'broker' | 'scenarios'>,
): Promise<Plan> {
  const ref = typeof options.scenario === 'string' ? options.scenario : options.scenario.file;
  const { scenario, topology } = await admitScenario(ref, {
    ...(options.topology !== undefined ? { topology: options.topology } : {}),
    ...(options.broker !== undefined ? { broker: options.broker } : {}),
    ...(options.profile !== undefined ? { profiles: [options.profile] } : {}),
    ...(options.scenarios !== undefined ? { scenarios: options.scenarios } : {}),
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
 * The pipeline in one place: plan (gate) → execute (the recording) → analyse (the verdict) →
 * reporters (files, console). Nothing here writes a file itself.
 */
export async function runScenario(options: RunScenarioOptions): Promise<RunScenarioOutcome> {
  const plan = await planScenario(options);
  // Before anything starts: an unwritable result folder would waste the whole run.
  if (options.outDir !== false) await checkResultsWritable(options.outDir === undefined ? { scenario: plan.scenario.name } : { outDir: options.outDir });
  const load = loadEngineFor(options);
  // A usage error (async: with k6) comes before an environment one (no k6).
  if (load) checkAsyncEngine(plan, load);
  // No k6, or a script k6 rejects: said before the run announces itself, and nothing starts.
  await load?.check?.();
  const chosen = options.reporters ?? (options.outDir === false ? [] : fileReporters());
  // The services' output goes to services/<name>.log in the result folder, whatever reporters
  // the caller chose: it is the first thing to read when a service misbehaved.
  const serviceLogs = createServiceLogReporter();
  const events = combineReporters(...chosen, ...(options.events ? [options.events] : []), serviceLogs);
  // Chosen here, not in execute, so that reporters label the run's series from its first event.
  const runId = newRunId();
  events.onPlan?.({
    runId,
    scenario: plan.scenario.name,
    profile: plan.profile,
    durationMs: plan.durationMs,
    faults: plan.faults.map((f) => ({ id: f.id, label: f.id, atMs: f.atMs, ...(f.forMs !== undefined ? { forMs: f.forMs } : {}) })),
    ...(plan.async ? { async: { channel: plan.async.channel } } : {}),
  });
  const recording = await executePlan({
    plan,
    runId,
    events,
    ...(options.toxiproxyUrl ? { toxiproxyUrl: options.toxiproxyUrl } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.stateDir ? { stateDir: options.stateDir } : {}),
    onServiceOutput: (service, line, stream) => {
      serviceLogs.record(service, line, stream);
      options.onServiceOutput?.(service, line, stream);
    },
    ...(load ? { load } : {}),
  });
  const files: ResultFiles =
    options.outDir === false ? { dir: '' } : resultFiles(options.outDir ?? defaultOutDir(plan.scenario.name, recording.startedAt, plan.profile));
  // A write that fails (a full disk) leaves earlier files whole (atomic writes); the verdict is
  // still computed and every reporter (the console's verdict) still runs before it is thrown.
  let saveFailure: unknown;
  await savingResults(async () => events.onRecording?.(recording, files)).catch((error: unknown) => (saveFailure ??= error));
  events.onPhase?.('analysing');
  const result = analyse(recording, plan.scenario);
  await savingResults(async () => events.onResult?.(result, files)).catch((error: unknown) => (saveFailure ??= error));
  if (saveFailure !== undefined) throw saveFailure;
  return { result, plan, recording, ...(files.dir ? { files } : {}) };
}
