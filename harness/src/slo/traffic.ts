import type { Recording, RequestSample } from '../model/recording.ts';
import { sortedLatencies } from './latency.ts';

/** A time range of the load, start inclusive, end exclusive (ms). */
export interface TimeRange {
  startMs: number;
  endMs: number;
}

export interface NamedWindow extends TimeRange {
  name: string;
}

/** The client-side traffic scheduled inside one time range, with its latencies sorted once. */
export interface Traffic {
  range: TimeRange;
  /** Requests sent whose scheduled time falls in the range. */
  samples: readonly RequestSample[];
  okCount: number;
  /** Requests dropped (never sent) whose scheduled time falls in the range. */
  droppedCount: number;
  /** Latency (ms, from the scheduled time) of every sent request, ascending. */
  latencies: readonly number[];
}

/** A request belongs to a range by its scheduled time: start ≤ t < end. */
export function inRange(range: TimeRange, tMs: number): boolean {
  return tMs >= range.startMs && tMs < range.endMs;
}

export function trafficIn(recording: Recording, range: TimeRange): Traffic {
  const samples = recording.samples.filter((sample) => inRange(range, sample.scheduledMs));
  return toTraffic(range, samples, recording.dropped.filter((tMs) => inRange(range, tMs)).length);
}

function toTraffic(range: TimeRange, samples: readonly RequestSample[], droppedCount: number): Traffic {
  return { range, samples, okCount: samples.filter((sample) => sample.ok).length, droppedCount, latencies: sortedLatencies(samples) };
}

/** Requests the user asked for in the range: sent plus dropped. */
export function attempted(traffic: Traffic): number {
  return traffic.samples.length + traffic.droppedCount;
}

/** Failed from the user's point of view: errors plus dropped requests. */
export function failed(traffic: Traffic): number {
  return traffic.samples.length - traffic.okCount + traffic.droppedCount;
}

/** Error rate (errors + dropped) / (sent + dropped); undefined when nothing was scheduled. */
export function errorRate(traffic: Traffic): number | undefined {
  const total = attempted(traffic);
  return total === 0 ? undefined : failed(traffic) / total;
}

/** Consecutive ranges of `bucketMs` from `range.startMs`; the last one may be shorter. */
export function buckets(range: TimeRange, bucketMs: number): TimeRange[] {
  const result: TimeRange[] = [];
  for (let startMs = range.startMs; startMs < range.endMs; startMs += bucketMs) {
    result.push({ startMs, endMs: Math.min(startMs + bucketMs, range.endMs) });
  }
  return result;
}

/**
 * Splits the recording's traffic into consecutive buckets in one pass over the samples
 * (instead of filtering the whole recording once per bucket).
 */
export function trafficPerBucket(recording: Recording, range: TimeRange, bucketMs: number): Traffic[] {
  const ranges = buckets(range, bucketMs);
  const sampleLists: RequestSample[][] = ranges.map(() => []);
  const droppedCounts = ranges.map(() => 0);
  const indexOf = (tMs: number) => (inRange(range, tMs) ? Math.floor((tMs - range.startMs) / bucketMs) : -1);
  for (const sample of recording.samples) {
    const index = indexOf(sample.scheduledMs);
    if (index >= 0) sampleLists[index]!.push(sample);
  }
  for (const tMs of recording.dropped) {
    const index = indexOf(tMs);
    if (index >= 0) droppedCounts[index]!++;
  }
  return ranges.map((bucketRange, index) => toTraffic(bucketRange, sampleLists[index]!, droppedCounts[index]!));
}
