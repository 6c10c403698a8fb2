import type { RequestErrorKind, RequestSample } from '../model/recording.ts';
import type { LatencyHistogram } from './latency.ts';

/** Error kinds by code; code 0 is success. */
const ERROR_KINDS: readonly (RequestErrorKind | undefined)[] = [undefined, 'status', 'timeout', 'connect', 'reset', 'other'];
export const ERROR_CODE: Readonly<Record<RequestErrorKind, number>> = { status: 1, timeout: 2, connect: 3, reset: 4, other: 5 };

/** Capacity reserved up front: large enough for most runs, small enough not to matter for short ones. */
const MAX_INITIAL_CAPACITY = 1 << 16;

/**
 * The samples of a run, in end order, stored column-wise in typed arrays: recording one is a
 * handful of stores with no allocation and nothing for the garbage collector to trace, which
 * keeps the response path cheap. RequestSample objects are built once, after the run.
 */
export class SampleLog {
  length = 0;
  #scheduledMs: Float64Array;
  #sentMs: Float64Array;
  #endMs: Float64Array;
  #status: Uint16Array;
  #error: Uint8Array;

  /** `expected`: how many samples the run can produce at most (the arrival count). */
  constructor(expected: number) {
    const capacity = Math.max(16, Math.min(expected, MAX_INITIAL_CAPACITY));
    this.#scheduledMs = new Float64Array(capacity);
    this.#sentMs = new Float64Array(capacity);
    this.#endMs = new Float64Array(capacity);
    this.#status = new Uint16Array(capacity);
    this.#error = new Uint8Array(capacity);
  }

  /** `errorCode`: 0 for success, else ERROR_CODE of the kind. */
  push(scheduledMs: number, sentMs: number, endMs: number, status: number, errorCode: number): void {
    if (this.length === this.#endMs.length) this.#grow();
    const i = this.length++;
    this.#scheduledMs[i] = scheduledMs;
    this.#sentMs[i] = sentMs;
    this.#endMs[i] = endMs;
    this.#status[i] = status;
    this.#error[i] = errorCode;
  }

  /** Records samples [from, to) into `histogram`, latency measured from the scheduled time. */
  recordFromScheduled(histogram: LatencyHistogram, from = 0, to = this.length): void {
    for (let i = from; i < to; i++) histogram.recordMs(this.#endMs[i]! - this.#scheduledMs[i]!);
  }

  /** Latencies of samples [from, to), measured from the scheduled time (ms). */
  latenciesFromScheduled(from = 0, to = this.length): Float64Array {
    const latencies = new Float64Array(Math.max(0, to - from));
    for (let i = from; i < to; i++) latencies[i - from] = this.#endMs[i]! - this.#scheduledMs[i]!;
    return latencies;
  }

  /** Records every sample into `histogram`, latency measured from the actual send. */
  recordFromSent(histogram: LatencyHistogram): void {
    for (let i = 0; i < this.length; i++) histogram.recordMs(this.#endMs[i]! - this.#sentMs[i]!);
  }

  toSamples(): RequestSample[] {
    const samples = new Array<RequestSample>(this.length);
    for (let i = 0; i < this.length; i++) {
      const error = ERROR_KINDS[this.#error[i]!];
      const sample: RequestSample = {
        scheduledMs: this.#scheduledMs[i]!,
        sentMs: this.#sentMs[i]!,
        endMs: this.#endMs[i]!,
        status: this.#status[i]!,
        ok: error === undefined,
      };
      if (error !== undefined) sample.error = error;
      samples[i] = sample;
    }
    return samples;
  }

  #grow(): void {
    const capacity = this.#endMs.length * 2;
    const scheduledMs = new Float64Array(capacity);
    const sentMs = new Float64Array(capacity);
    const endMs = new Float64Array(capacity);
    const status = new Uint16Array(capacity);
    const error = new Uint8Array(capacity);
    scheduledMs.set(this.#scheduledMs);
    sentMs.set(this.#sentMs);
    endMs.set(this.#endMs);
    status.set(this.#status);
    error.set(this.#error);
    this.#scheduledMs = scheduledMs;
    this.#sentMs = sentMs;
    this.#endMs = endMs;
    this.#status = status;
    this.#error = error;
  }
}
