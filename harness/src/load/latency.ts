import { build } from 'hdr-histogram-js';
import type { Histogram } from 'hdr-histogram-js';

/** Latency distribution in milliseconds (HdrHistogram, 3 significant digits). All 0 when count is 0. */
export interface LatencySummaryMs {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
}

/**
 * An HdrHistogram of latencies, recorded in whole microseconds (the pure-JS build: no WASM to
 * initialise, works the same under Node and vitest) and summarised in milliseconds.
 */
export class LatencyHistogram {
  readonly #histogram: Histogram = build({
    bitBucketSize: 32,
    autoResize: true,
    lowestDiscernibleValue: 1,
    numberOfSignificantValueDigits: 3,
  });

  recordMs(latencyMs: number): void {
    // Values below 1 µs (or a clock step backwards) still count, as the smallest value.
    this.#histogram.recordValue(latencyMs > 0.001 ? Math.round(latencyMs * 1000) : 1);
  }

  get count(): number {
    return this.#histogram.totalCount;
  }

  percentileMs(percentile: number): number {
    return this.count === 0 ? 0 : this.#histogram.getValueAtPercentile(percentile) / 1000;
  }

  summary(): LatencySummaryMs {
    const count = this.count;
    if (count === 0) return { count: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0, mean: 0 };
    return {
      count,
      p50: this.percentileMs(50),
      p90: this.percentileMs(90),
      p99: this.percentileMs(99),
      p999: this.percentileMs(99.9),
      max: this.#histogram.maxValue / 1000,
      mean: this.#histogram.mean / 1000,
    };
  }

  reset(): void {
    this.#histogram.reset();
  }
}
