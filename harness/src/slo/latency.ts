import type { RequestSample } from '../model/recording.ts';
import type { LatencySummary } from '../model/result.ts';

/** Latency as the user saw it: from the time the open model meant to send the request, so
 * queueing in the client (coordinated omission) counts. Errors have a latency too. */
export function latencyMs(sample: RequestSample): number {
  return sample.endMs - sample.scheduledMs;
}

/** Latencies of the samples, sorted ascending (sort once, read many percentiles). */
export function sortedLatencies(samples: readonly RequestSample[]): number[] {
  return samples.map(latencyMs).sort((a, b) => a - b);
}

/**
 * Exact nearest-rank percentile of an ascending array: the smallest value such that at least
 * `percentile` % of the values are ≤ it, i.e. `sorted[ceil(p/100 × n) − 1]` (p = 0 → the
 * minimum). No interpolation, so the result is always a latency that was observed.
 * Undefined for an empty array.
 */
export function nearestRank(sorted: readonly number[], percentile: number): number | undefined {
  if (sorted.length === 0) return undefined;
  const rank = Math.ceil((percentile / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export function mean(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  let sum = 0;
  for (const value of values) sum += value;
  return sum / values.length;
}

/** The usual percentiles, max and mean of an ascending array; every field 0 when it is empty. */
export function summariseLatency(sorted: readonly number[]): LatencySummary {
  return {
    p50: nearestRank(sorted, 50) ?? 0,
    p90: nearestRank(sorted, 90) ?? 0,
    p95: nearestRank(sorted, 95) ?? 0,
    p99: nearestRank(sorted, 99) ?? 0,
    max: sorted.at(-1) ?? 0,
    mean: mean(sorted) ?? 0,
  };
}
