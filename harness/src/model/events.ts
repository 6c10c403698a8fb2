import type { AcceptedRequest, CompletionMessage, Recording } from './recording.ts';
import type { RunResult } from './result.ts';

/** The run's phases, in order; the console shows the current one. `services`: the system
 * starting, each service behind its proxies once its callees are up. */
export type RunPhase = 'starting' | 'services' | 'warming' | 'load' | 'draining' | 'analysing' | 'cleanup';

/** What the run is about to do, announced once before the load starts. */
export interface PlanInfo {
  /** The run's id (`20260101T120000Z-1a2b3c`), the same as the Recording's and the result's. */
  runId: string;
  scenario: string;
  profile: string;
  /** Length of the load schedule (ms, already time-scaled). */
  durationMs: number;
  faults: { id: string; label: string; atMs: number; forMs?: number }[];
  /** Present when the run follows asynchronous outcomes (the scenario's `async:` block): the
   * completion channel it watches. */
  async?: { channel: string };
}

/**
 * Where the running system answers, announced once it is up (before warm-up), for reporters that
 * point a scraper at it (the exposition's service discovery). Addresses do not change during a
 * run: a relaunched service gets its previous port back.
 */
export interface StackInfo {
  /** Base URL of the Toxiproxy API the run drives (the embedded server's or `--toxiproxy`). */
  toxiproxyUrl: string;
  /** Whether that is the run's own embedded server (its /metrics always on, gone after the run). */
  embedded: boolean;
  /** Direct base URL of every service (what the harness itself scrapes), in topology order. */
  services: { name: string; url: string }[];
  /** The broker's direct address (`mqtt://host:port`, Stack.brokerUrl) when the topology has one. */
  broker?: string;
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

/**
 * The asynchronous half as the runner follows it, as it happens: a request accepted with an id
 * (its success response read), or a message on the completion channel (the observer). The same
 * facts the Recording's `async` holds at the end; matching them is the subscriber's business.
 */
export type AsyncEvent = { kind: 'accepted'; request: AcceptedRequest } | { kind: 'completion'; message: CompletionMessage };

/** A service that exited on its own during a run (not stopped by a fault or the teardown). */
export interface ServiceExit {
  service: string;
  code: number | null;
  signal: string | null;
  /** The last lines it wrote, stdout and stderr in order. */
  lastLines: readonly string[];
}

/** Files of one result folder (absolute paths); `dir` is empty when nothing is written. */
export interface ResultFiles {
  /** The result folder. */
  dir: string;
  /** result.json */
  json?: string;
  /** junit.xml */
  junit?: string;
  /** report.html */
  html?: string;
  /** recording.json: what the run observed, for `faultline analyse`. */
  recording?: string;
}

/**
 * Run events a reporter may subscribe to; every hook is optional (vitest's reporter model). In
 * order: onPlan, then onStack once the system is up, onPhase/onSecond/onFault/onAsync as the run goes (called and not awaited: a
 * reporter never slows the run), then, awaited, onRecording once the system is torn down,
 * onResult once analysis has judged it, and onEnd when every run of the invocation is over
 * (one for `run x`, several for `--all` and `compare`). File reporters write in the awaited
 * hooks, into the folder named by `files`.
 */
export interface RunEvents {
  onPlan?(info: PlanInfo): void;
  onPhase?(phase: RunPhase, detail?: string): void;
  onStack?(info: StackInfo): void;
  onSecond?(s: SecondProgress): void;
  onFault?(e: FaultEvent): void;
  /** An accepted request's id or a completion message (scenarios with `async:` only). */
  onAsync?(e: AsyncEvent): void;
  /** A service died on its own while the run needed it. */
  onServiceExit?(e: ServiceExit): void;
  onRecording?(recording: Recording, files: ResultFiles): void | Promise<void>;
  onResult?(result: RunResult, files: ResultFiles): void | Promise<void>;
  /** `files` names the invocation's combined folder, when it has one (`compare`). */
  onEnd?(results: readonly RunResult[], files?: ResultFiles): void | Promise<void>;
}

/** One reporter that forwards every event to each of `reporters`, in order (awaiting each). */
export function combineReporters(...reporters: RunEvents[]): RunEvents {
  // Every reporter runs even when one fails (a full disk must not keep the console from
  // printing the verdict); the first failure is thrown once all have run.
  const each = async (hook: (r: RunEvents) => Promise<void> | void): Promise<void> => {
    const failures: unknown[] = [];
    for (const r of reporters) {
      try {
        await hook(r);
      } catch (error) {
        failures.push(error);
      }
    }
    if (failures.length > 0) throw failures[0];
  };
  return {
    onPlan: (info) => reporters.forEach((r) => r.onPlan?.(info)),
    onPhase: (phase, detail) => reporters.forEach((r) => r.onPhase?.(phase, detail)),
    onStack: (info) => reporters.forEach((r) => r.onStack?.(info)),
    onSecond: (s) => reporters.forEach((r) => r.onSecond?.(s)),
    onFault: (e) => reporters.forEach((r) => r.onFault?.(e)),
    onAsync: (e) => reporters.forEach((r) => r.onAsync?.(e)),
    onServiceExit: (e) => reporters.forEach((r) => r.onServiceExit?.(e)),
    onRecording: (recording, files) => each((r) => r.onRecording?.(recording, files)),
    onResult: (result, files) => each((r) => r.onResult?.(result, files)),
    onEnd: (results, files) => each((r) => r.onEnd?.(results, files)),
  };
}
