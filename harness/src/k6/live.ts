import type { RequestSample } from '../model/recording.ts';
import { LatencyHistogram } from '../load/latency.ts';
import type { LiveSecond } from '../load/live.ts';

/**
 * Per-second live progress from k6's stream, in the built-in generator's shape (load/live.ts).
 * k6 writes its JSON output in batches (about once a second), so second i is reported `lagMs`
 * after it ended; a sample that arrives after its second was reported counts in the next one —
 * the live view only: the recording keeps every sample's own time. k6 does not say how many
 * requests are in flight, so `inFlight` is 0 and `scheduled` equals `sent`.
 */
export class K6LiveSeconds {
  readonly #emit: (second: LiveSecond) => void;
  readonly #seconds: number;
  readonly #lagMs: number;
  #next = 0;
  #pending = new Map<number, { samples: RequestSample[]; dropped: number }>();

  /** `durationMs`: the load's length; one second is reported per started second of it. */
  constructor(durationMs: number, emit: (second: LiveSecond) => void, lagMs = 1000) {
    this.#seconds = Math.max(1, Math.ceil(durationMs / 1000));
    this.#emit = emit;
    this.#lagMs = lagMs;
  }

  add(sample: RequestSample): void {
    this.#bucket(sample.endMs).samples.push(sample);
  }

  dropped(atMs: number): void {
    this.#bucket(atMs).dropped++;
  }

  /** Reports every second that ended at least `lagMs` before `nowMs`. */
  roll(nowMs: number): void {
    while (this.#next < this.#seconds && nowMs >= (this.#next + 1) * 1000 + this.#lagMs) this.#report();
  }

  /** Reports the seconds not reported yet (the load is over). */
  finish(): void {
    while (this.#next < this.#seconds) this.#report();
  }

  #bucket(atMs: number) {
    const index = Math.min(this.#seconds - 1, Math.max(this.#next, Math.floor(atMs / 1000)));
    let bucket = this.#pending.get(index);
    if (!bucket) this.#pending.set(index, (bucket = { samples: [], dropped: 0 }));
    return bucket;
  }

  #report(): void {
    const index = this.#next++;
    const bucket = this.#pending.get(index) ?? { samples: [], dropped: 0 };
    this.#pending.delete(index);
    const histogram = new LatencyHistogram();
    const latenciesMs = new Float64Array(bucket.samples.length);
    let ok = 0;
    bucket.samples.forEach((sample, i) => {
      latenciesMs[i] = sample.endMs - sample.scheduledMs;
      histogram.recordMs(latenciesMs[i]!);
      if (sample.ok) ok++;
    });
    const sent = bucket.samples.length;
    this.#emit({
      t: index * 1000,
      scheduled: sent,
      sent,
      ok,
      errors: sent - ok,
      dropped: bucket.dropped,
      inFlight: 0,
      p50Ms: histogram.percentileMs(50),
      p99Ms: histogram.percentileMs(99),
      latenciesMs,
    });
  }
}
