import type { Recording } from '../model/recording.ts';
import type { BreakerSpan, DependencyPoint } from '../model/result.ts';
import { INITIAL_STATE, type BreakerKey, type BreakerLog } from './breaker-log.ts';

/** `circuit_breaker_state`'s values, by number. */
const GAUGE_STATES = ['closed', 'open', 'half_open', 'isolated'] as const;

/**
 * Every breaker's states over the load, [0, durationMs], as spans. From the exact transitions
 * when the breaker's service recorded them — so a half-open phase of a few milliseconds is a
 * span of its own — otherwise from the scrapes, each scrape's state held until the next one
 * (a phase between two scrapes is then invisible). Sorted by service, dependency, time.
 */
export function breakerSpans(recording: Recording, breakers: BreakerLog, series: readonly DependencyPoint[]): BreakerSpan[] {
  const spans: BreakerSpan[] = [];
  for (const key of breakers.breakers()) {
    spans.push(...(breakers.hasLog(key.service) ? fromEvents(key, breakers, recording.durationMs) : fromScrapes(key, series, recording.durationMs)));
  }
  return spans.sort((a, b) => compare(a.service, b.service) || compare(a.dependency, b.dependency) || a.fromMs - b.fromMs);
}

function fromEvents(key: BreakerKey, breakers: BreakerLog, endMs: number): BreakerSpan[] {
  const spans: BreakerSpan[] = [];
  let state = INITIAL_STATE;
  let fromMs = 0;
  for (const event of breakers.events(key)) {
    if (event.atMs > endMs) break;
    // Transitions before t = 0 (warm-up) only set the state the load starts in.
    if (event.atMs > fromMs) spans.push(span(key, state, fromMs, event.atMs, 'events'));
    state = event.to;
    fromMs = Math.max(fromMs, event.atMs);
  }
  if (endMs > fromMs) spans.push(span(key, state, fromMs, endMs, 'events'));
  return spans;
}

/** Consecutive scrapes with the same state merged, each scrape's state held until the
 * breaker's next scrape (the last one until the end of the load); a scrape without the state
 * is a gap. */
function fromScrapes(key: BreakerKey, series: readonly DependencyPoint[], endMs: number): BreakerSpan[] {
  const points = series.filter((p) => p.service === key.service && p.dependency === key.dependency);
  const spans: BreakerSpan[] = [];
  points.forEach((point, i) => {
    if (point.breakerState === undefined || point.t >= endMs) return;
    const toMs = Math.min(points[i + 1]?.t ?? endMs, endMs);
    const state = GAUGE_STATES[point.breakerState] ?? `state ${point.breakerState}`;
    const last = spans.at(-1);
    if (last && last.state === state && last.toMs === point.t) last.toMs = toMs;
    else spans.push(span(key, state, point.t, toMs, 'scrapes'));
  });
  return spans;
}

function span(key: BreakerKey, state: string, fromMs: number, toMs: number, source: BreakerSpan['source']): BreakerSpan {
  return { service: key.service, dependency: key.dependency, state, fromMs, toMs, source };
}

/** Code-unit order: the same on every machine, unlike localeCompare. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
