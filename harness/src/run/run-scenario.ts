import { randomBytes } from 'node:crypto';
import { cpus } from 'node:os';
import { FaultlineError } from '../errors.ts';
import { faultKindOf } from '../faults/index.ts';
import { httpToxicType } from '../faults/kinds/http.ts';
import { isTcpService } from '../topology/model.ts';
import { builtinEngine, type LoadEngine, type LoadEngineOutcome } from '../load/engine.ts';
import { runLoad, type LiveSecond } from '../load/index.ts';
import { BreakerEventCollector, type BreakerEventTarget } from '../metrics/breaker-events.ts';
import { Scraper } from '../metrics/scrape.ts';
import type { Plan } from '../plan/model.ts';
import type { RunEvents, ServiceExit } from '../model/events.ts';
import { Journal } from '../proxies/journal.ts';
import { faultlineVersion } from '../util/version.ts';
import { systemClock, type Clock } from './clock.ts';
import { FaultsRuntime } from './faults-runtime.ts';
import type { BrokerEnvironment, Interruption, InterruptionPhase, Recording } from '../model/recording.ts';
import { brokerEnvironment, brokerPhrase, withBrokerSoftware } from './broker-environment.ts';
import { bringUp, type Stack } from './stack.ts';
import { asyncObservations, checkAsyncEngine, drainAsync, startAsyncObservation, type AsyncObservation } from './async-observation.ts';
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
  onServiceOutput?: (service: string, line: string, stream: 'stdout' | 'stderr') => void;
  /** What sends the load: the built-in generator (default) or k6 (k6/engine.ts). */
  load?: LoadEngine;
}

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
  const engine = options.load ?? builtinEngine;
  checkAsyncEngine(plan, engine);
  // Before anything starts: a missing k6 is an environment error with nothing to tear down.
  await engine.check?.();

  let broker = brokerEnvironment(plan.topology);
  events?.onPhase?.(
    'starting',
    `${plan.topology.services.length} services, ${plan.proxies.length} proxies, toxiproxy ${options.toxiproxyUrl ?? 'embedded'}${broker ? `, broker ${brokerPhrase(broker)}` : ''}`,
  );
  /** Asks a broker that is not faultline's what it is, beside the warm-up; awaited before the
   * load and before teardown, so its connection never outlives the run. */
  let brokerSoftware: Promise<BrokerEnvironment> | undefined;
  let stack: Stack | undefined;
  let faults: FaultsRuntime | undefined;
  let scraper: Scraper | undefined;
  let breakerEvents: BreakerEventCollector | undefined;
  let recording: Recording | undefined;
  let observation: AsyncObservation | undefined;
  /** The observer keeps listening until cleanup; what it hears after the drain is not recorded. */
  let drained = false;
  /** t = 0 of the load on `clock`, once decided (the async observer starts before it is). */
  let originAtMs: number | undefined;
  // Where a signal arrives is noted the moment it arrives: the Recording says where the run was
  // interrupted, and analysis marks the windows it did not complete.
  let phase: InterruptionPhase = 'start-up';
  let elapsedMs: (() => number) | undefined;
  let interruption: Interruption | undefined;
  const noteInterruption = () => {
    const atMs = phase === 'load' && elapsedMs ? Math.round(Math.min(plan.durationMs, Math.max(0, elapsedMs()))) : undefined;
    interruption ??= atMs === undefined ? { phase } : { phase, atMs };
  };
  if (options.signal?.aborted) noteInterruption();
  options.signal?.addEventListener('abort', noteInterruption, { once: true });
  /** The Recording of this run from what it observed; the parts not given are what the run got
   * to (an interrupted start-up has no samples, maybe no scrapes or events). */
  const recordingOf = (
    live: Stack | undefined,
    observed: Partial<Pick<Recording, 'samples' | 'dropped' | 'status' | 'interruption' | 'k6'>>,
    load?: LoadEngineOutcome,
  ): Recording => {
    const asyncSeen = asyncObservations(plan, observation, load, originAtMs === undefined ? 0 : clock.now() - originAtMs);
    return {
      runId,
      scenario: plan.scenario.name,
      scenarioFile: plan.scenario.file,
      profile: plan.profile,
      seed: plan.seed,
      timeScale: plan.timeScale,
      status: observed.status ?? 'interrupted',
      problems,
      startedAt,
      durationMs: plan.durationMs,
      samples: observed.samples ?? [],
      dropped: observed.dropped ?? [],
      scrapes: scraper?.scrapes ?? [],
      faults: faults?.list() ?? plan.faults.map((f) => ({ id: f.id, kind: f.kind, target: faultKindOf(f).target(f) })),
      windows: plan.windows,
      environment: environment(options.toxiproxyUrl ?? 'embedded', live?.toxiproxyVersion, broker),
      policyEvents: breakerEvents?.events() ?? [],
      policyEventSources: breakerEvents?.sources() ?? [],
      ...(observed.interruption ? { interruption: observed.interruption } : {}),
      ...(observed.k6 ? { k6: observed.k6 } : {}),
      ...(asyncSeen ? { async: asyncSeen } : {}),
    };
  };
  const interrupted = (live: Stack | undefined): Recording => recordingOf(live, { interruption: interruption ?? { phase } });

  let timelineStop: AbortController | undefined;
  const stopTimeline = () => timelineStop?.abort();
  try {
    stack = await bringUp({
      topology: plan.topology,
      profile: plan.profile,
      seed: plan.seed,
      ...(options.toxiproxyUrl ? { toxiproxyUrl: options.toxiproxyUrl } : {}),
      requiredToxics: requiredExtensionToxics(plan),
      ...(journal ? { journal } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onServiceOutput ? { onOutput: options.onServiceOutput } : {}),
      ...(events?.onServiceExit ? { onExit: (exit: ServiceExit) => events.onServiceExit?.(exit) } : {}),
      ...(events?.onPhase ? { onPhase: (phase, detail) => events.onPhase?.(phase, detail) } : {}),
    });
    const live = stack;
    const brokerUrl = live.brokerUrl();
    if (broker && brokerUrl) brokerSoftware = withBrokerSoftware(broker, brokerUrl, runId, options.signal);
    events?.onStack?.({
      toxiproxyUrl: stack.proxies.api.url,
      embedded: !options.toxiproxyUrl,
      services: plan.topology.services.map((s) => ({ name: s.name, url: live.serviceUrl(s.name) })),
      ...(brokerUrl ? { broker: brokerUrl } : {}),
    });
    // What a dead run left in a shared Toxiproxy is undone before this one changes anything
    // (nothing to do without a journal: the embedded server is this run's own).
    const { problems: undoProblems } = await stack.proxies.undoDeadRuns({ keepRunId: runId });
    problems.push(...undoProblems);
    phase = 'warm-up';
    await warmUp(plan, live.serviceUrl(plan.load.target), events, options.signal);
    if (options.signal?.aborted) throw new FaultlineError('FL_INTERRUPTED', 'interrupted during warm-up');
    if (brokerSoftware) broker = await brokerSoftware;
    // The completion channel is watched before the first request can be accepted.
    observation = await startAsyncObservation(
      plan,
      live,
      runId,
      () => clock.now() - (originAtMs ?? clock.now()),
      (message) => {
        // Messages after the drain are not in the recording: reporters hear what analysis judges.
        if (drained) return;
        // Called from the MQTT client's message handler, where a throw would break the
        // subscription: a reporter's failure is the run's problem instead (inconclusive, said).
        try {
          events?.onAsync?.({ kind: 'completion', message });
        } catch (error) {
          const problem = `a reporter failed on a message of ${plan.async!.channel}: ${(error as Error).message}`;
          if (!problems.includes(problem)) problems.push(problem);
        }
      },
    );
    // The lead: time for the engine to be ready (k6 starts a process), so the first arrivals are not late.
    const originMs = clock.now() + engine.startLeadMs;
    originAtMs = originMs;
    const elapsed = () => clock.now() - originMs;
    elapsedMs = elapsed;
    const collector = new BreakerEventCollector({ targets: () => eventTargets(plan, live), originMs, now: () => clock.now() });
    breakerEvents = collector;
    const runtime = new FaultsRuntime(
      plan.faults,
      {
        // Every Toxiproxy change a driver makes goes through the run's session, which journals it.
        proxies: live.proxies,
        broker: live.broker,
        service: live.service,
        relaunch: live.relaunch,
        // Read the breaker events a service recorded since the last read before stopping it:
        // they would go with the process.
        stopService: async (name, how) => {
          await collector.pollService(name);
          await live.stopService(name, how);
        },
        serviceUrl: live.serviceUrl,
        toxicPrefix: `faultline_${runId}_`,
      },
      elapsed,
      (change) => events?.onFault?.(change),
    );
    faults = runtime;
    scraper = new Scraper({
      // A service of the user's that is not faultline-aware has no /metrics of ours to read
      // (validate refuses the SLOs that would need them): it is not polled for one.
      targets: () =>
        plan.topology.services
          .filter((s) => !isTcpService(s) && (s.kind === 'external' || (s.kind === 'managed' && s.faultlineAware)))
          .map((s) => ({ service: s.name, url: live.serviceUrl(s.name) })),
      intervalMs: plan.scrapeIntervalMs,
      originMs,
      now: () => clock.now(),
      onTick: () => collector.poll(),
    });

    const target = live.serviceUrl(plan.load.target);
    timelineStop = new AbortController();
    options.signal?.addEventListener('abort', stopTimeline, { once: true });
    phase = 'load';
    events?.onPhase?.('load', `${(plan.durationMs / 1000).toFixed(1)} s of load at ${target}${plan.load.path}${engine.name === 'k6' ? ' sent by k6' : ''}`);
    scraper.start();
    const timeline = runTimeline(plan.events, {
      originMs,
      clock,
      signal: timelineStop.signal,
      handle: (event) => (event.action === 'apply' ? runtime.apply(event.faultId) : runtime.remove(event.faultId)),
    });
    const load = await engine.run({
      plan,
      baseUrl: target,
      originMs,
      originEpochMs: epochOf(clock, originMs),
      signal: options.signal,
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
      onAccepted: (request) => events?.onAsync?.({ kind: 'accepted', request }),
    });
    // Events planned at the very end of the load may still be pending: stop waiting, remove.
    timelineStop.abort();
    await timeline;
    if (!load.aborted) phase = 'teardown';
    problems.push(...load.problems);
    events?.onPhase?.('draining', 'removing faults, last scrape');
    problems.push(...(await runtime.removeAll()));
    await scraper.tick();
    await scraper.stop();
    if (observation?.observer)
      events?.onPhase?.(
        'draining',
        `waiting up to ${(plan.async!.drainMs / 1000).toFixed(1)} s for ${plan.async!.channel} of ${load.accepted?.length ?? 0} accepted requests`,
      );
    await drainAsync(plan, observation, load, options.signal);
    drained = true;

    recording = recordingOf(
      live,
      {
        samples: load.samples,
        dropped: load.dropped,
        ...(load.k6 ? { k6: load.k6 } : {}),
        status: options.signal?.aborted || load.aborted ? 'interrupted' : 'completed',
        ...(interruption || load.aborted ? { interruption: interruption ?? { phase: 'load', atMs: plan.durationMs } } : {}),
      },
      load,
    );
  } catch (error) {
    // A signal during start-up or warm-up surfaces as an error from whatever was waiting; the
    // run was interrupted, not broken: it still ends with a (mostly empty) recording.
    if (!options.signal?.aborted) throw error;
    recording = interrupted(stack);
  } finally {
    // Every listener this run added to the caller's signal goes: `compare` runs several plans
    // on one signal, and listeners left behind pile up (MaxListenersExceededWarning).
    options.signal?.removeEventListener('abort', stopTimeline);
    phase = 'teardown'; // for a signal from now on; one already noted keeps its place
    events?.onPhase?.('cleanup');
    // A second try at what the end of the load could not remove; its failure is listed once.
    if (faults) for (const problem of await faults.removeAll()) if (!problems.includes(problem)) problems.push(problem);
    await scraper?.stop();
    await breakerEvents?.close();
    await observation?.observer?.close();
    // Settles within its timeout (or at once on a signal); a run interrupted in warm-up has not
    // taken its answer yet.
    if (brokerSoftware) broker = await brokerSoftware;
    if (stack) problems.push(...(await stack.teardown()));
    journal?.forgetIfUndone();
    options.signal?.removeEventListener('abort', noteInterruption);
  }
  // recording.problems is `problems` itself, so what cleanup met above is already in it.
  if (!recording) throw new FaultlineError('FL_ENVIRONMENT', 'the run ended before it recorded anything');
  // A signal during teardown, after a complete load: the run still did not end on its own.
  if (interruption && recording.status === 'completed') recording = { ...recording, status: 'interrupted', interruption };
  return recording;
}

/** Extension toxics the plan's faults need, each with the first fault that needs it. */
function requiredExtensionToxics(plan: Plan): Map<string, string> {
  const needed = new Map<string, string>();
  for (const fault of plan.faults) {
    if (fault.kind === 'http' && fault.service === undefined && !needed.has(httpToxicType))
      needed.set(httpToxicType, `the http fault '${fault.id}' on link ${fault.caller} -> ${fault.callee}`);
  }
  return needed;
}

/** The services whose breaker events can be read: faultline-aware ones launched with an admin
 * secret (the route is behind it), at their current address and secret. */
function eventTargets(plan: Plan, stack: Stack): BreakerEventTarget[] {
  const targets: BreakerEventTarget[] = [];
  for (const service of plan.topology.services) {
    const headers = stack.service(service.name)?.adminHeaders() ?? {};
    if (Object.keys(headers).length > 0) targets.push({ service: service.name, url: stack.serviceUrl(service.name), headers });
  }
  return targets;
}

/** The runner's origin as epoch ms on the wall clock as it reads now, which is what a process
 * started for this run (k6) reads: not `performance.timeOrigin + performance.now()`, whose base
 * this process fixed at its start and which a wall-clock step since (a virtual machine resumed
 * from a snapshot) leaves behind. Taken as an offset from now, so it holds whatever monotonic
 * clock the runner was given. */
function epochOf(clock: Clock, monotonicMs: number): number {
  return Date.now() + (monotonicMs - clock.now());
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

function environment(toxiproxy: string, toxiproxyVersion: string | undefined, broker: BrokerEnvironment | undefined): Recording['environment'] {
  return {
    faultlineVersion: faultlineVersion(),
    node: process.version,
    toxiproxy,
    ...(toxiproxyVersion === undefined ? {} : { toxiproxyVersion }),
    ...(broker ? { broker } : {}),
    platform: `${process.platform}-${process.arch}`,
    cpus: cpus().length,
  };
}
