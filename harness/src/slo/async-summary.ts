import type { AsyncLatencySecond, AsyncResult, AsyncSecond, AsyncWindowStats } from '../model/result.ts';
import { duplicatesOf, redeliveriesOf, requestsIn, sortedAsyncLatencies, type AsyncOutcomes, type RequestOutcome } from './async-outcomes.ts';
import { nearestRank, summariseLatency } from './latency.ts';
import { buckets, type NamedWindow } from './traffic.ts';

const SECOND_MS = 1000;

/**
 * The result's `async`: per window what became of the accepted requests, and per-second series
 * for the report's timeline (counts up to `observedUntilMs`, latency over the load, up to
 * `loadEndMs`). Undefined when the recording follows no async outcome. Without observations (no
 * broker) every accepted request is pending: the counts still add up.
 */
export function asyncSummary(outcomes: AsyncOutcomes, windows: readonly NamedWindow[], loadEndMs: number): AsyncResult | undefined {
  const observations = outcomes.observations;
  if (!observations) return undefined;
  const requests: readonly RequestOutcome[] = outcomes.available
    ? outcomes.requests
    : observations.accepted.map((accepted) => ({ ...accepted, messages: 0, deliveries: 0 }));
  const unknownFate = !outcomes.available || outcomes.cutShort;
  return {
    channel: observations.channel,
    ...(outcomes.available ? {} : { unavailable: outcomes.reason }),
    stopped: observations.stopped,
    observedUntilMs: observations.observedUntilMs,
    acceptedWithoutId: observations.acceptedWithoutId,
    unreadable: observations.unreadable,
    unmatched: outcomes.available ? outcomes.unmatched : 0,
    disconnections: observations.disconnections,
    windows: windows.map((window) => windowStats(window, requestsIn(requests, window), unknownFate)),
    series: perSecond(requests, observations.observedUntilMs),
    latencySeries: latencyPerSecond(requests, loadEndMs),
  };
}

function windowStats(window: NamedWindow, requests: readonly RequestOutcome[], unknownFate: boolean): AsyncWindowStats {
  const completed = requests.filter((request) => request.completedMs !== undefined).length;
  const open = requests.length - completed;
  return {
    name: window.name,
    accepted: requests.length,
    completed,
    lost: unknownFate ? 0 : open,
    pending: unknownFate ? open : 0,
    duplicates: duplicatesOf(requests),
    redeliveries: redeliveriesOf(requests),
    latency: summariseLatency(sortedAsyncLatencies(requests)),
  };
}

/** Accepted and completed per second and the backlog at each second's end, over [0, untilMs). */
function perSecond(requests: readonly RequestOutcome[], untilMs: number): AsyncSecond[] {
  const seconds = Math.max(0, Math.ceil(untilMs / SECOND_MS));
  const accepted = new Array<number>(seconds).fill(0);
  const completed = new Array<number>(seconds).fill(0);
  // Backlog changes: +1 when a request is accepted, −1 when it completes after that (a completion
  // that beat its own response never was in the backlog).
  const delta = new Array<number>(seconds + 1).fill(0);
  const slot = (ms: number) => Math.min(seconds, Math.max(0, Math.floor(ms / SECOND_MS)));
  for (const request of requests) {
    if (slot(request.acceptedMs) < seconds) accepted[slot(request.acceptedMs)]!++;
    if (request.completedMs !== undefined && slot(request.completedMs) < seconds) completed[slot(request.completedMs)]!++;
    if (request.completedMs === undefined || request.completedMs > request.acceptedMs) {
      delta[slot(request.acceptedMs)]!++;
      if (request.completedMs !== undefined) delta[slot(request.completedMs)]!--;
    }
  }
  const series: AsyncSecond[] = [];
  let backlog = 0;
  for (let index = 0; index < seconds; index++) {
    backlog += delta[index]!;
    series.push({ t: index * SECOND_MS, accepted: accepted[index]!, completed: completed[index]!, backlog });
  }
  return series;
}

/** Per second of the load, the requests scheduled in it that completed and their async latency
 * p50/p99 (nearest rank): the same requests a window starting and ending there would take. */
function latencyPerSecond(requests: readonly RequestOutcome[], loadEndMs: number): AsyncLatencySecond[] {
  return buckets({ startMs: 0, endMs: loadEndMs }, SECOND_MS).map((second) => {
    const latencies = sortedAsyncLatencies(requestsIn(requests, second));
    return { t: second.startMs, completed: latencies.length, p50: nearestRank(latencies, 50) ?? null, p99: nearestRank(latencies, 99) ?? null };
  });
}
