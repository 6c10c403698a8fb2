import type { RunResult } from './result.ts';

/** The run's phases, in order; the console shows the current one. `services`: the system
 * starting, each service behind its proxies once its callees are up. */
export type RunPhase = 'starting' | 'services' | 'warming' | 'load' | 'draining' | 'analysing' | 'cleanup';

/** What the run is about to do, announced once before the load starts. */
export interface PlanInfo {
  scenario: string;
  profile: string;
  /** Length of the load schedule (ms, already time-scaled). */
  durationMs: number;
  faults: { id: string; label: string; atMs: number; forMs?: number }[];
}

/** Client-side numbers of one elapsed second of the load, for live progress. */
export interface SecondProgress {
  /** Time since t = 0 of the load (ms). */
  elapsedMs: number;
  /** Length of the load schedule (ms). */
  totalMs: number;
  reqPerSec: number;
  p99Ms: number;
  /**
   * Latency of every response completed in that second, from its scheduled time (ms). Optional:
   * a reporter that only shows progress needs none of it.
   */
  latenciesMs?: ArrayLike<number>;
  /** Errors in that second. */
  errors: number;
  /** Requests dropped in that second (in-flight cap reached). */
  dropped: number;
  /** Labels of the faults active at that moment. */
  activeFaults: string[];
}

/** A fault applied or removed (or an attempt that failed, with `error`). */
export interface FaultEvent {
  id: string;
  label: string;
  action: 'apply' | 'remove';
  /** When it happened (ms since t = 0 of the load). */
  atMs: number;
  error?: string;
}

/** Files written for one result (absolute or cwd-relative paths). */
export interface ResultFiles {
  /** The result folder. */
  dir: string;
  json?: string;
  junit?: string;
  html?: string;
}

/**
 * Run events a reporter may subscribe to; every hook is optional (vitest's reporter model).
 * The runner calls them in order: onPlan, then onPhase/onSecond/onFault as the run goes, then
 * onResult once per result (several for `--all` or `compare`).
 */
export interface RunEvents {
  onPlan?(info: PlanInfo): void;
  onPhase?(phase: RunPhase, detail?: string): void;
  onSecond?(s: SecondProgress): void;
  onFault?(e: FaultEvent): void;
  onResult?(result: RunResult, files: ResultFiles): void;
}

/** One reporter that forwards every event to each of `reporters`, in order. */
export function combineReporters(...reporters: RunEvents[]): RunEvents {
  return {
    onPlan: (info) => reporters.forEach((r) => r.onPlan?.(info)),
    onPhase: (phase, detail) => reporters.forEach((r) => r.onPhase?.(phase, detail)),
    onSecond: (s) => reporters.forEach((r) => r.onSecond?.(s)),
    onFault: (e) => reporters.forEach((r) => r.onFault?.(e)),
    onResult: (result, files) => reporters.forEach((r) => r.onResult?.(result, files)),
  };
}
