import { LatencyHistogram } from './latency.ts';
import type { SampleLog } from './samples.ts';
import type { ArrivalSchedule } from './schedule.ts';

/** Progress of one elapsed second of the schedule (see LoadRunOptions.onSecond). */
export interface LiveSecond {
  /** Start of the second (ms since t = 0). */
  t: number;
  /** Arrivals the schedule puts in this second. */
  scheduled: number;
  /** Requests sent during this second. */
  sent: number;
  /** Responses completed during this second, by outcome. */
  ok: number;
  errors: number;
  /** Arrivals dropped during this second because maxInFlight was reached. */
  dropped: number;
  /** Requests in flight when the second ended. */
  inFlight: number;
  /** Latency from the scheduled time of the responses completed in this second (ms). */
  p50Ms: number;
  p99Ms: number;
  /** Each of those latencies (ms; empty without a sample log), e.g. for a Prometheus histogram. */
  latenciesMs: Float64Array;
}

const noLatencies = new Float64Array(0);

/**
 * Per-second counters for live progress. Counts are attributed to the second in which they
 * happen; whoever notices first that a second has ended (the send loop or a response) calls
 * `roll`, so each second is reported once and in order, even when the send loop is late.
 */
export class LiveSeconds {
  /** Monotonic time (ms since t = 0) at which the current second ends; Infinity when all are reported. */
  rollAtMs: number;
  sent = 0;
  ok = 0;
  errors = 0;
  dropped = 0;
  readonly #latency = new LatencyHistogram();
  readonly #schedule: ArrivalSchedule;
  readonly #log: SampleLog | undefined;
  readonly #emit: (second: LiveSecond) => void;
  #index = 0;
  /** First sample of the current second in the log (samples are logged in end order). */
  #fromSample = 0;

  /** Percentiles come from `log` (the samples completed during the second); without one they are 0. */
  constructor(schedule: ArrivalSchedule, log: SampleLog | undefined, emit: (second: LiveSecond) => void) {
    this.#schedule = schedule;
    this.#log = log;
    this.#emit = emit;
    this.rollAtMs = this.#endOf(0);
  }

  /** Reports every second that has ended by `nowMs`. */
  roll(nowMs: number, inFlight: number): void {
    while (nowMs >= this.rollAtMs) {
      const startMs = this.#index * 1000;
      let latenciesMs: Float64Array = noLatencies;
      if (this.#log !== undefined) {
        latenciesMs = this.#log.latenciesFromScheduled(this.#fromSample, this.#log.length);
        for (const ms of latenciesMs) this.#latency.recordMs(ms);
        this.#fromSample = this.#log.length;
      }
      const second: LiveSecond = {
        t: startMs,
        scheduled: this.#schedule.countBefore(this.rollAtMs) - this.#schedule.countBefore(startMs),
        sent: this.sent,
        ok: this.ok,
        errors: this.errors,
        dropped: this.dropped,
        inFlight,
        p50Ms: this.#latency.percentileMs(50),
        p99Ms: this.#latency.percentileMs(99),
        latenciesMs,
      };
      this.sent = this.ok = this.errors = this.dropped = 0;
      this.#latency.reset();
      this.#index++;
      this.rollAtMs = this.#endOf(this.#index);
      this.#emit(second);
    }
  }

  /** Whether the current second is the schedule's last: only the send loop may end that one, once
   * it has sent every arrival (a late batch would otherwise be counted in no second). */
  get onLastSecond(): boolean {
    return this.rollAtMs >= this.#schedule.durationMs;
  }

  #endOf(index: number): number {
    const startMs = index * 1000;
    return startMs < this.#schedule.durationMs ? Math.min(startMs + 1000, this.#schedule.durationMs) : Infinity;
  }
}
