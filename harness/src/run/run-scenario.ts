import { randomBytes } from 'node:crypto';
import { cpus } from 'node:os';
import { FaultlineError } from '../errors.ts';
import { runLoad, type LiveSecond } from '../load/index.ts';
import { Scraper } from '../metrics/scrape.ts';
import type { Plan } from '../plan/model.ts';
import type { RunEvents } from '../model/events.ts';
import { Journal } from '../proxies/journal.ts';
import { faultlineVersion } from '../util/version.ts';
import { systemClock, type Clock } from './clock.ts';
import { FaultsRuntime } from './faults-runtime.ts';
import type { Recording } from '../model/recording.ts';
import { bringUp, type Stack } from './stack.ts';
import { runTimeline } from './timeline.ts';

export interface ExecuteOptions {
  plan: Plan;
  /** The run's id; default: a new one (newRunId). */
  runId?: string | undefined;
  /** External Toxiproxy URL; undefined = the embedded server. */
  toxiproxyUrl?: string;
  signal?: AbortSignal;
  events?: RunEvents;
  /** Directory of the external-Toxiproxy journal (default: see journal.ts stateDir). */
  stateDir?: string;
  clock?: Clock;
  /** Child output lines, for debugging (`--verbose`). */
  onServiceOutput?: (service: string, line: string) => void;
}

/** Lead time between the system being up and t = 0, so the first arrivals are not late. */
const startLeadMs = 250;

export function newRunId(): string {
  return `${new Date()
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')}-${randomBytes(3).toString('hex')}`;
}

/**
 * Executes a plan against the real world — the one impure stage: brings the system up, drives
 * the load, applies the fault timeline, scrapes metrics, and always tears everything down.
 * Returns what it observed — the Recording, every problem met (cleanup's included) in it — and
 * judges nothing: the verdict is analysis's alone. An interrupted run returns its recording too,
 * with status `interrupted`.
 */
export async function executePlan(options: ExecuteOptions): Promise<Recording> {
  const { plan, events } = options;
  const clock = options.clock ?? systemClock;
  const runId = options.runId ?? newRunId();
  const startedAt = new Date().toISOString();
  const problems: string[] = [];
  const journal = options.toxiproxyUrl ? new Journal(options.toxiproxyUrl, runId, options.stateDir) : undefined;

  events?.onPhase?.('starting', `${plan.topology.services.length} services, ${plan.proxies.length} proxies, toxiproxy ${options.toxiproxyUrl ?? 'embedded'}`);
  let stack: Stack | undefined;
  let faults: FaultsRuntime | undefined;
  let scraper: Scraper | undefined;
  let recording: Recording | undefined;
  try {
    stack = await bringUp({
      topology: plan.topology,
      profile: plan.profile,
      seed: plan.seed,
      ...(options.toxiproxyUrl ? { toxiproxyUrl: options.toxiproxyUrl } : {}),
      ...(journal ? { journal } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onServiceOutput ? { onOutput: options.onServiceOutput } : {}),
      ...(events?.onPhase ? { onPhase: (phase, detail) => events.onPhase?.(phase, detail) } : {}),
    });
    // What a dead run left in a shared Toxiproxy is undone before this one changes anything
    // (nothing to do without a journal: the embedded server is this run's own).
    const live = stack;
    events?.onStack?.({
      toxiproxyUrl: stack.proxies.api.url,
      embedded: !options.toxiproxyUrl,
      services: plan.topology.services.map((s) => ({ name: s.name, url: live.serviceUrl(s.name) })),
    });
    const { problems: undoProblems } = await stack.proxies.undoDeadRuns({ keepRunId: runId });
    problems.push(...undoProblems);
    await warmUp(plan, live.serviceUrl(plan.load.target), events, options.signal);
    if (options.signal?.aborted) throw new FaultlineError('FL_INTERRUPTED', 'interrupted during warm-up');
    const originMs = clock.now() + startLeadMs;
    const elapsed = () => clock.now() - originMs;
    const runtime = new FaultsRuntime(
      plan.faults,
      {
        // Every Toxiproxy change a driver makes goes through the run's session, which journals it.
        proxies: live.proxies,
        service: live.service,
        relaunch: live.relaunch,
        stopService: live.stopService,
        serviceUrl: live.serviceUrl,
        toxicPrefix: `faultline_${runId}_`,
      },
      elapsed,
      (change) => events?.onFault?.(change),
    );
    faults = runtime;
    scraper = new Scraper({
      targets: () => plan.topology.services.map((s) => ({ service: s.name, url: live.serviceUrl(s.name) })),
      intervalMs: plan.scrapeIntervalMs,
      originMs,
      now: () => clock.now(),
    });

    const target = live.serviceUrl(plan.load.target);
    const timelineStop = new AbortController();
    const stopTimeline = () => timelineStop.abort();
    options.signal?.addEventListener('abort', stopTimeline, { once: true });
    events?.onPhase?.('load', `${(plan.durationMs / 1000).toFixed(1)} s of load at ${target}${plan.load.path}`);
    scraper.start();
    const timeline = runTimeline(plan.events, {
      originMs,
      clock,
      signal: timelineStop.signal,
      handle: (event) => (event.action === 'apply' ? runtime.apply(event.faultId) : runtime.remove(event.faultId)),
    });
    const load = await runLoad({
      baseUrl: target,
      spec: plan.load,
      seed: plan.seed,
      originMs,
      ...(options.signal ? { signal: options.signal } : {}),
      now: () => clock.now(),
      onSecond: (s: LiveSecond) =>
        events?.onSecond?.({
          elapsedMs: s.t + 1000,
          totalMs: plan.durationMs,
          reqPerSec: s.sent,
          p99Ms: s.p99Ms,
          latenciesMs: s.latenciesMs,
          errors: s.errors,
          dropped: s.dropped,
          activeFaults: runtime.activeLabels(),
        }),
    });
    // Events planned at the very end of the load may still be pending: stop waiting, remove.
    timelineStop.abort();
    options.signal?.removeEventListener('abort', stopTimeline);
    await timeline;
    events?.onPhase?.('draining', 'removing faults, last scrape');
    problems.push(...(await runtime.removeAll()));
    await scraper.tick();
    await scraper.stop();

    recording = {
      runId,
      scenario: plan.scenario.name,
      scenarioFile: plan.scenario.file,
      profile: plan.profile,
      seed: plan.seed,
      timeScale: plan.timeScale,
      status: options.signal?.aborted || load.aborted ? 'interrupted' : 'completed',
      problems,
      startedAt,
      durationMs: plan.durationMs,
      samples: load.samples,
      dropped: load.dropped,
      scrapes: scraper.scrapes,
      faults: runtime.list(),
      windows: plan.windows,
      environment: environment(options.toxiproxyUrl ?? 'embedded', live.toxiproxyVersion),
    };
  } finally {
    events?.onPhase?.('cleanup');
    if (faults) problems.push(...(await faults.removeAll()));
    await scraper?.stop();
    if (stack) problems.push(...(await stack.teardown()));
    if (journal && problems.length === 0) journal.forget();
  }
  // recording.problems is `problems` itself, so what cleanup met above is already in it.
  if (!recording) throw new FaultlineError('FL_ENVIRONMENT', 'the run ended before it recorded anything');
  return recording;
}

/** Unrecorded load at the first stage's rate (at least 5/s), then t = 0 of the run. */
async function warmUp(plan: Plan, baseUrl: string, events: RunEvents | undefined, signal: AbortSignal | undefined): Promise<void> {
  if (plan.warmupMs <= 0) return;
  events?.onPhase?.('warming', `${(plan.warmupMs / 1000).toFixed(1)} s, not recorded`);
  const rate = Math.max(5, plan.load.stages[0]?.toRate ?? 5);
  await runLoad({
    baseUrl,
    spec: { ...plan.load, stages: [{ durationMs: plan.warmupMs, fromRate: rate, toRate: rate }] },
    seed: plan.seed,
    ...(signal ? { signal } : {}),
  });
}

function environment(toxiproxy: string, toxiproxyVersion: string): Recording['environment'] {
  return {
    faultlineVersion: faultlineVersion(),
    node: process.version,
    toxiproxy,
    toxiproxyVersion,
    platform: `${process.platform}-${process.arch}`,
    cpus: cpus().length,
  };
}
