/**
 * The built-in open-model load generator (see docs/load.md): requests arrive on the schedule of
 * `spec.stages` whatever the responses do, at most `spec.maxInFlight` at a time (the rest are
 * dropped and counted), and latency is measured from each request's scheduled time.
 */
import type { LoadSpec } from '../scenario/model.ts';
import type { AcceptedRequest, RequestSample } from '../model/recording.ts';
import type { LatencySummaryMs } from './latency.ts';
import type { LiveSecond } from './live.ts';
import { executeLoad } from './run.ts';

export type { LiveSecond } from './live.ts';
export type { LatencySummaryMs } from './latency.ts';
export { ArrivalSchedule } from './schedule.ts';

export interface LoadRunOptions {
  /** Origin the load goes to, e.g. `http://127.0.0.1:41234` (loopback). */
  baseUrl: string;
  /** The load, already time-scaled. */
  spec: LoadSpec;
  /** Seed of `{{rand}}` in bodies. */
  seed: number;
  /** `performance.now()` value that is t = 0 of the schedule, so the runner can align its fault
   * timeline. Default: the moment `runLoad` is called. */
  originMs?: number;
  /** Abort: stop scheduling, abort requests in flight (not recorded), resolve with what was recorded. */
  signal?: AbortSignal;
  /** Called once per elapsed second of the schedule (the last one may be shorter), for live progress. */
  onSecond?: (second: LiveSecond) => void;
  /** Monotonic clock in ms. Default: `performance.now()`. */
  now?: () => number;
  /** JSON pointer to the id in a success response's body (the scenario's `async.requestId`):
   * each accepted request's id is kept, with its times, in `accepted`. Default: none kept. */
  acceptedId?: string | undefined;
  /** With `acceptedId`: called with each accepted request as its response is read (the same
   * entry `accepted` ends up holding), for live exposition. */
  onAccepted?: ((request: AcceptedRequest) => void) | undefined;
}

export interface LoadOutcome {
  /** One per request that was sent and ended (response, error or client timeout), in end order. */
  samples: RequestSample[];
  /** Scheduled times (ms) of arrivals dropped because maxInFlight requests were in flight. */
  dropped: number[];
  /** Whether `signal` aborted the run. */
  aborted: boolean;
  /** With `acceptedId`: every success response whose body held an id there, in end order. */
  accepted: AcceptedRequest[];
  /** With `acceptedId`: success responses without one (not JSON, no such field, or a body over
   * MAX_ID_BODY_BYTES). */
  acceptedWithoutId: number;
  histogram: { fromScheduled: LatencySummaryMs; fromSent: LatencySummaryMs };
}

/** Runs the load to the end of its schedule (or until `signal` aborts) and returns what it recorded. */
export function runLoad(options: LoadRunOptions): Promise<LoadOutcome> {
  return executeLoad(options);
}
