import type { Recording } from '../model/recording.ts';
import { nearestRank } from './latency.ts';
import type { SecondStats } from '../model/result.ts';
import { trafficPerBucket } from './traffic.ts';

/**
 * The client-side series: one point per second of the load (t = 0, 1000, … < durationMs), each
 * counting the requests scheduled in that second. `requests` are the ones sent, `errors` those
 * of them that failed, `dropped` the ones never sent; p50/p99 are nearest-rank latencies from
 * the scheduled time (0 for a second without sent requests).
 */
export function perSecondSeries(recording: Recording, reachedMs = recording.durationMs): SecondStats[] {
  // An interrupted run has no seconds after the interruption: they did not happen.
  const seconds = trafficPerBucket(recording, { startMs: 0, endMs: reachedMs }, 1000);
  return seconds.map((traffic) => ({
    t: traffic.range.startMs,
    requests: traffic.samples.length,
    errors: traffic.samples.length - traffic.okCount,
    dropped: traffic.droppedCount,
    p50: nearestRank(traffic.latencies, 50) ?? 0,
    p99: nearestRank(traffic.latencies, 99) ?? 0,
  }));
}
