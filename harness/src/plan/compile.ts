import { FaultlineError } from '../errors.ts';
import type { FaultSpec, LoadSpec, Scenario } from '../scenario/model.ts';
import { faultEndMs, loadDurationMs } from '../scenario/rules.ts';
import { proxyName } from '../topology/model.ts';
import type { Topology } from '../topology/model.ts';
import type { Plan, PlanEvent, PlannedWindow } from './model.ts';

export interface PlanOptions {
  /** Policy profile; defaults to the scenario's `profile`. */
  profile?: string;
  /** Seed; defaults to the scenario's `seed`. */
  seed?: number;
  /** Multiplies every scenario duration (at, for, load stages, windows, the async drain), not SLO thresholds,
   * toxic attributes, client timeout or http fault delays. Default 1; must be > 0. */
  timeScale?: number;
}

/** Warm-up before every run: long enough for the services' JIT and connection pools. */
export const defaultWarmupMs = 2000;

/** Scrape period: once a second at full scale, never more often than every 200 ms. */
export function scrapeIntervalMs(timeScale: number): number {
  return Math.max(200, Math.round(1000 * timeScale));
}

function scaleLoad(load: LoadSpec, timeScale: number): LoadSpec {
  return { ...load, stages: load.stages.map((stage) => ({ ...stage, durationMs: Math.round(stage.durationMs * timeScale) })) };
}

function scaleFault(fault: FaultSpec, timeScale: number, durationMs: number): FaultSpec {
  const atMs = Math.round(fault.atMs * timeScale);
  if (fault.forMs === undefined) return { ...fault, atMs };
  // Rounding must not push a fault that ended by the end of the load past it.
  return { ...fault, atMs, forMs: Math.min(Math.round(fault.forMs * timeScale), durationMs - atMs) };
}

/** Apply at `at`; remove at the end, except a restart (instant) and a crash with no `for` (stays down). */
function faultEvents(fault: FaultSpec, durationMs: number): PlanEvent[] {
  const apply: PlanEvent = { atMs: fault.atMs, action: 'apply', faultId: fault.id };
  if (fault.kind === 'restart' || (fault.kind === 'crash' && fault.forMs === undefined)) return [apply];
  return [apply, { atMs: faultEndMs(fault, durationMs), action: 'remove', faultId: fault.id }];
}

/** Time order; at equal times a remove comes before an apply (so a slot is free again). */
export function sortEvents(events: readonly PlanEvent[]): PlanEvent[] {
  const rank = (event: PlanEvent) => (event.action === 'remove' ? 0 : 1);
  return [...events].sort((a, b) => a.atMs - b.atMs || rank(a) - rank(b));
}

function builtinWindows(faults: readonly FaultSpec[], durationMs: number): PlannedWindow[] {
  const windows: PlannedWindow[] = [{ name: 'whole', startMs: 0, endMs: durationMs }];
  if (faults.length === 0) return [...windows, { name: 'baseline', startMs: 0, endMs: durationMs }];
  const firstAtMs = Math.min(...faults.map((f) => f.atMs));
  const lastEndMs = Math.max(...faults.map((f) => faultEndMs(f, durationMs)));
  if (firstAtMs > 0) windows.push({ name: 'baseline', startMs: 0, endMs: firstAtMs });
  windows.push({ name: 'fault', startMs: firstAtMs, endMs: lastEndMs });
  if (lastEndMs < durationMs) windows.push({ name: 'recovery', startMs: lastEndMs, endMs: durationMs });
  return windows;
}

/**
 * The absolute timeline of one run. Pure: same inputs, same plan. The scenario is assumed
 * valid (loadScenario); only the options are checked here.
 */
export function compilePlan(scenario: Scenario, topology: Topology, options: PlanOptions = {}): Plan {
  const timeScale = options.timeScale ?? 1;
  if (!(timeScale > 0 && Number.isFinite(timeScale))) throw new FaultlineError('FL_USAGE', `--time-scale must be a number greater than 0, got ${timeScale}`);
  const seed = options.seed ?? scenario.seed;
  if (!Number.isInteger(seed) || seed < 0) throw new FaultlineError('FL_USAGE', `--seed must be a non-negative integer, got ${seed}`);

  const load = scaleLoad(scenario.load, timeScale);
  const durationMs = loadDurationMs(load);
  const faults = scenario.faults.map((fault) => scaleFault(fault, timeScale, durationMs));
  const declared = scenario.windows.map((w) => ({
    name: w.name,
    startMs: Math.round(w.startMs * timeScale),
    endMs: Math.min(Math.round(w.endMs * timeScale), durationMs),
  }));
  return {
    scenario,
    topology,
    profile: options.profile ?? scenario.profile,
    seed,
    timeScale,
    proxies: topology.edges.map((edge) => ({ name: proxyName(edge), caller: edge.caller, callee: edge.callee })),
    load,
    faults,
    events: sortEvents(faults.flatMap((fault) => faultEvents(fault, durationMs))),
    windows: [...builtinWindows(faults, durationMs), ...declared],
    warmupMs: defaultWarmupMs,
    scrapeIntervalMs: scrapeIntervalMs(timeScale),
    durationMs,
    ...(scenario.async ? { async: { ...scenario.async, drainMs: Math.round(scenario.async.drainMs * timeScale) } } : {}),
  };
}
