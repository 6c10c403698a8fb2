import type { FaultSpec } from '../faults/index.ts';

/**
 * A scenario after validation and normalisation: every duration in milliseconds, every rate
 * per second, every default filled in. Frozen; later stages take it read-only.
 * The YAML form (with units such as `250ms`, `100/s`) is described by scenario.schema.json.
 */
export interface Scenario {
  name: string;
  /** One line, shown by `faultline list`. */
  description: string;
  /** What the scenario sets out to show, in one or two sentences. */
  hypothesis: string;
  /** Absolute path of the file it came from. */
  file: string;
  /** `topology:` as written: `taxi` (built-in) or a topology file relative to `file`. */
  topology: string;
  /** Default policy profile of the sample services; `--profile` overrides it. */
  profile: string;
  /** Seed for every random decision; `--seed` overrides it. */
  seed: number;
  load: LoadSpec;
  faults: readonly FaultSpec[];
  slos: readonly SloSpec[];
  /** Named windows besides the built-in ones (whole, baseline, fault, recovery). */
  windows: readonly WindowSpec[];
  /** How accepted requests are correlated with their asynchronous outcome; absent = the
   * scenario measures none (and may not use the async SLO metrics). */
  async?: AsyncSpec;
}

/**
 * The `async:` block: an accepted request (a success response) carries an id in its JSON body;
 * its outcome is a message on `channel` carrying the same id. See docs/slos.md.
 */
export interface AsyncSpec {
  channel: string;
  /** JSON pointer to the id in the accepted response's body, e.g. `/id`. */
  requestId: string;
  /** JSON pointer to the id in each message (the whole envelope), e.g. `/payload/tripId`. */
  completionId: string;
  /** JSON pointer to the message's own id, which a redelivery repeats; default `/id`. */
  messageId: string;
  /** How long the observer waits after the load for outstanding completions (ms). */
  drainMs: number;
}

export interface LoadSpec {
  /** Service the load is sent to (its own address, not through a proxy). */
  target: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
  path: string;
  headers: Readonly<Record<string, string>>;
  /** JSON body; string values may use `{{seq}}` (request sequence number) and `{{rand}}`. */
  body?: unknown;
  /** Open-model arrival rate over time. Consecutive stages; a stage ramps linearly from
   * `fromRate` to `toRate` requests/s over `durationMs` (equal for a constant rate). */
  stages: readonly LoadStage[];
  /** Requests in flight at most; a request due when the cap is reached is dropped (counted). */
  maxInFlight: number;
  /** Client-side timeout of one request; a request that takes longer counts as error `timeout`. */
  timeoutMs: number;
  /** Responses with these statuses count as success; default 200–399. */
  successStatuses?: readonly number[];
}

export interface LoadStage {
  durationMs: number;
  fromRate: number;
  toRate: number;
}

/** Fault kinds live with their drivers in harness/src/faults/kinds/ (one file each); their
 * model types are re-exported here so that every stage keeps reading them from the scenario. */
export type { CrashFault, DownFault, FaultSpec, HttpFault, RestartFault, ToxicFault, ToxicType } from '../faults/index.ts';

export interface WindowSpec {
  name: string;
  startMs: number;
  endMs: number;
}

/** Built-in windows: whole run; baseline = before the first fault; fault = first fault start to
 * last fault end; recovery = last fault end to the end of the load. */
export type BuiltinWindow = 'whole' | 'baseline' | 'fault' | 'recovery';

export interface SloSpec {
  /** Readable name for reports; defaults to the expression. */
  name: string;
  /** The expression as written, e.g. `p(99) < 800ms`. */
  expression: string;
  /** Window name (built-in or declared in `windows`). */
  window: string;
  metric: SloMetric;
  op: '<' | '<=' | '>' | '>=' | '==';
  /** Threshold in the metric's base unit (ms for times, 0..1 for rates, req/s, counts). */
  threshold: number;
}

/**
 * The SLO vocabulary (see harness/src/slo/grammar.ts for the text form). Client metrics come
 * from the load generator; service metrics from scrapes of each service's /metrics; the async
 * ones from the accepted requests' ids matched with the messages the observer saw.
 */
export type SloMetric =
  | { kind: 'latency_percentile'; percentile: number }
  | { kind: 'latency_max' }
  | { kind: 'latency_mean' }
  | { kind: 'success_rate' }
  | { kind: 'error_rate' }
  | { kind: 'throughput' }
  | { kind: 'dropped' }
  | { kind: 'time_to_recover' }
  | { kind: 'retry_amplification'; service?: string; dependency?: string }
  | { kind: 'breaker_time_to_open'; service?: string; dependency?: string }
  | { kind: 'breaker_time_to_close'; service?: string; dependency?: string }
  | { kind: 'bulkhead_rejections'; service?: string; dependency?: string }
  | { kind: 'timeouts'; service?: string; dependency?: string }
  | { kind: 'fallbacks'; service?: string; dependency?: string }
  | { kind: 'short_circuits'; service?: string; dependency?: string }
  | { kind: 'duplicate_side_effects'; service?: string }
  | { kind: 'async_completion_rate' }
  | { kind: 'async_latency_percentile'; percentile: number }
  | { kind: 'async_duplicates' }
  | { kind: 'messages_lost' }
  | { kind: 'time_to_drain' };

export type SloMetricKind = SloMetric['kind'];
