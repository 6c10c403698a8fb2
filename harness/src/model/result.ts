import type { FaultRecord, Interruption, K6Report, RunEnvironment } from './recording.ts';

/**
 * The result of one run: `result.json` is this object (a typed, documented contract, see
 * docs/result-json.md). Produced by analysis from a Recording; reporters only format it.
 */
export interface RunResult {
  schemaVersion: 1;
  runId: string;
  scenario: { name: string; description: string; hypothesis: string; file: string };
  profile: string;
  seed: number;
  timeScale: number;
  startedAt: string;
  durationMs: number;
  /** How the run ended (chaostoolkit-style closed set). */
  status: 'completed' | 'failed' | 'aborted' | 'interrupted';
  /** pass: every SLO met; fail: one missed; inconclusive: a fault touched no traffic, or the run
   * failed; interrupted: a signal stopped it (see `interruption`), so it is not judged as a whole. */
  verdict: 'pass' | 'fail' | 'inconclusive' | 'interrupted';
  /** Where a signal stopped the run; absent when none did. */
  interruption?: Interruption;
  /** Why the verdict is inconclusive, or why the run failed. */
  reasons: readonly string[];
  windows: readonly WindowStats[];
  /** Client-side series, one point per second of the load. */
  series: readonly SecondStats[];
  /** Service-side series from the scrapes, one point per scrape per service/dependency. */
  dependencySeries: readonly DependencyPoint[];
  /** Every breaker's state over the load, as spans: from the services' exact transitions where
   * they were recorded (every half-open phase, however short), else from the scrapes. */
  breakerSpans: readonly BreakerSpan[];
  faults: readonly FaultRecord[];
  slos: readonly SloVerdict[];
  environment: RunEnvironment;
  /** k6's own result when k6 sent the load (copied from the recording): beside the verdict, not part of it. */
  k6?: K6Report;
  /** The asynchronous outcomes, when the scenario follows them (`async:`). */
  async?: AsyncResult;
  /** Messages per second per channel, from the services' scraped messaging counters; present when
   * a service exposed any (a topology with a broker), in order of channel name. */
  messaging?: readonly ChannelSeries[];
}

/**
 * One channel's messages per second over the load, summed over every service that publishes or
 * consumes it (docs/slos.md, "Messaging series"): each service's rate is its counter's increase
 * between two scrapes over the time between them (restarts handled), averaged over each second.
 */
export interface ChannelSeries {
  channel: string;
  /** One point per second of the load: t = 0, 1000, … < durationMs (the last may be shorter). */
  seconds: readonly MessagingSecond[];
}

export interface MessagingSecond {
  /** Start of the second (ms). */
  t: number;
  /** Messages per second, to 0.001; null where no scrape interval of any service covered the
   * second for that counter. `published`: accepted by the broker or handed to the connection
   * (both modes); `delivered`: received by consumers, redeliveries included (a message two
   * services consume counts twice); `redelivered`: deliveries after the first (the broker's and
   * the consumer's own retries); `duplicates`: deliveries of a message a consumer had already
   * handled. */
  published: number | null;
  delivered: number | null;
  redelivered: number | null;
  duplicates: number | null;
}

/** What became of the accepted requests' asynchronous outcomes (docs/slos.md). */
export interface AsyncResult {
  channel: string;
  /** Why nothing was observed (`no broker in this run`); every accepted request is then pending. */
  unavailable?: string;
  /** How the observer stopped: every request completed, the drain ran out, or interrupted. */
  stopped: 'all-completed' | 'drain-elapsed' | 'interrupted';
  /** When it stopped (ms since t = 0): the end of the async series. */
  observedUntilMs: number;
  /** Success responses without an id (not followed); messages without ids; messages whose id
   * no accepted request had (warm-up, requests the client gave up on). */
  acceptedWithoutId: number;
  unreadable: number;
  unmatched: number;
  /** Spans during which the observer was disconnected from the broker. */
  disconnections: readonly { fromMs: number; toMs: number }[];
  /** Per window, by scheduled time: accepted = completed + lost + pending. */
  windows: readonly AsyncWindowStats[];
  /** One point per second from t = 0 to `observedUntilMs`. */
  series: readonly AsyncSecond[];
  /** Async latency per second of the load, the requests taken by their scheduled send (as in the
   * windows): one point per second from t = 0 to the end of the load. */
  latencySeries: readonly AsyncLatencySecond[];
}

export interface AsyncLatencySecond {
  /** Start of the second (ms). */
  t: number;
  /** Requests scheduled in that second that completed. */
  completed: number;
  /** Nearest-rank p50 and p99 of their async latency (ms, scheduled send → first completion);
   * null when none of them completed. */
  p50: number | null;
  p99: number | null;
}

export interface AsyncWindowStats {
  name: string;
  accepted: number;
  completed: number;
  /** No completion by the end of the drain. */
  lost: number;
  /** No completion yet when the observer stopped early (interrupted, or no broker). */
  pending: number;
  /** Messages beyond the first distinct one per request: second side effects. */
  duplicates: number;
  /** Messages repeating a message id already seen for the request. */
  redeliveries: number;
  /** From the scheduled send to the first completion, over the completed requests (0s when none). */
  latency: LatencySummary;
}

export interface AsyncSecond {
  /** Start of the second (ms). */
  t: number;
  /** Requests accepted (their response arrived) in that second. */
  accepted: number;
  /** Requests whose first completion arrived in that second. */
  completed: number;
  /** Accepted and not yet completed at the end of that second. */
  backlog: number;
}

export interface LatencySummary {
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

export interface WindowStats {
  name: string;
  startMs: number;
  endMs: number;
  requests: number;
  ok: number;
  errors: number;
  /** Errors by kind (status, timeout, connect, reset, other). */
  errorsByKind: Readonly<Record<string, number>>;
  dropped: number;
  /** Successful responses per second. */
  throughput: number;
  /** Latency from the scheduled send time (ms), all responses. */
  latency: LatencySummary;
}

export interface SecondStats {
  /** Start of the second (ms). */
  t: number;
  requests: number;
  errors: number;
  dropped: number;
  p50: number;
  p99: number;
}

export interface DependencyPoint {
  t: number;
  service: string;
  dependency: string;
  /** 0 closed, 1 open, 2 half-open; undefined when the service exposes no breaker. */
  breakerState?: number;
  /** Cumulative counters as scraped. */
  calls: number;
  attempts: number;
  timeouts: number;
  rejections: number;
  shortCircuits: number;
  fallbacks: number;
}

/** A breaker (`service` calling `dependency`) in one state from `fromMs` to `toMs`. */
export interface BreakerSpan {
  service: string;
  dependency: string;
  /** `closed`, `open`, `half_open` or `isolated`. */
  state: string;
  fromMs: number;
  toMs: number;
  /** `events`: exact, from the service's transitions; `scrapes`: each scrape's state held until
   * the next scrape, so a phase shorter than the scrape interval may be missing. */
  source: 'events' | 'scrapes';
}

export interface SloVerdict {
  name: string;
  expression: string;
  window: string;
  /** Measured value in the metric's base unit; null when it could not be measured (e.g. the
   * breaker never opened), which fails the SLO. */
  measured: number | null;
  op: string;
  threshold: number;
  /** Unit of measured/threshold: `ms`, `ratio`, `req/s`, `count`. */
  unit: string;
  passed: boolean;
  /** How far from the threshold, signed so that positive = room to spare (same unit). */
  margin: number | null;
  /** A sentence for humans, e.g. `p(99) was 412 ms, threshold < 800 ms (388 ms to spare)`. */
  detail: string;
  /** Why `measured` is null (`the breaker never opened in window fault`), or why the SLO was not
   * judged (its window was not reached, or only partly); absent otherwise. */
  reason?: string;
  /** Absent when the SLO's window ran to its end. `partial`: the run was interrupted inside the
   * window, so `measured` covers only its start up to the interruption and `passed` is false
   * (not judged); `not-reached`: interrupted before the window started, nothing measured. */
  coverage?: WindowCoverage;
}

/** How much of an SLO's window a run covered, when not all of it. */
export type WindowCoverage = 'partial' | 'not-reached';
