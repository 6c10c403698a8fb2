import type { AcceptedRequest, RequestSample, K6Report } from '../model/recording.ts';
import type { Plan } from '../plan/model.ts';
import { runLoad } from './index.ts';
import type { LiveSecond } from './live.ts';

/** What the runner hands a load engine: the plan's load, where to send it, and when t = 0 is. */
export interface LoadEngineRun {
  plan: Plan;
  /** Origin of the load target, e.g. `http://127.0.0.1:41234`. */
  baseUrl: string;
  /** t = 0 on the runner's monotonic clock (`now`), and the same moment as epoch ms. */
  originMs: number;
  originEpochMs: number;
  now: () => number;
  /** Abort: stop the load; the outcome holds what was recorded. */
  signal?: AbortSignal | undefined;
  /** Called once per elapsed second of the load, for live progress and the harness /metrics. */
  onSecond?: (second: LiveSecond) => void;
  /** With the plan's `async:` block: called with each accepted request as its response is read
   * (engines that read no response bodies never call it). */
  onAccepted?: (request: AcceptedRequest) => void;
}

/** What a load engine observed: the Recording's samples and dropped arrivals, and its problems. */
export interface LoadEngineOutcome {
  samples: RequestSample[];
  /** Times (ms since t = 0) of arrivals not sent because the in-flight cap was reached. */
  dropped: number[];
  aborted: boolean;
  /** Problems that make the run's verdict inconclusive (e.g. the load did not start at t = 0). */
  problems: string[];
  /** k6's own report, when k6 sent the load. */
  k6?: K6Report;
  /** With the plan's `async:` block: the accepted requests' ids (builtin engine only). */
  accepted?: AcceptedRequest[];
  acceptedWithoutId?: number;
}

/**
 * What sends the load: the built-in generator or k6. The runner decides t = 0 and runs the
 * fault timeline and the scrapes; the engine sends the requests on the plan's schedule from t = 0
 * and hands back the samples, the same whichever engine it is.
 */
export interface LoadEngine {
  readonly name: 'builtin' | 'k6';
  /** Lead between the runner deciding t = 0 and t = 0: long enough for the engine to be ready. */
  readonly startLeadMs: number;
  /** Checks the engine can run at all (k6 present, recent enough) before anything starts. */
  check?(): Promise<void>;
  run(options: LoadEngineRun): Promise<LoadEngineOutcome>;
}

/** Faultline's own open-model generator (docs/load.md). */
export const builtinEngine: LoadEngine = {
  name: 'builtin',
  startLeadMs: 250,
  async run(options) {
    const outcome = await runLoad({
      baseUrl: options.baseUrl,
      spec: options.plan.load,
      seed: options.plan.seed,
      originMs: options.originMs,
      now: options.now,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onSecond ? { onSecond: options.onSecond } : {}),
      acceptedId: options.plan.async?.requestId,
      onAccepted: options.onAccepted,
    });
    return {
      samples: outcome.samples,
      dropped: outcome.dropped,
      aborted: outcome.aborted,
      problems: [],
      ...(options.plan.async ? { accepted: outcome.accepted, acceptedWithoutId: outcome.acceptedWithoutId } : {}),
    };
  },
};
