import type { Scrape } from '../model/recording.ts';
import type { DependencyPoint } from '../model/result.ts';

type Counter = 'calls' | 'attempts' | 'timeouts' | 'rejections' | 'shortCircuits' | 'fallbacks';

/**
 * Which counters of a DependencyPoint a scraped sample feeds. One call's duration sample can
 * feed two: `outcome` says why the call ended and `fallback` whether a fallback answered, so a
 * short-circuited call the fallback answered is both a short circuit and a fallback (the same
 * reading as the short_circuits and fallbacks SLOs).
 */
function countersOf(name: string, labels: Readonly<Record<string, string>>): Counter[] {
  switch (name) {
    case 'dependency_calls_total':
      return ['calls'];
    case 'dependency_attempts_total':
      return labels.outcome === 'timeout' ? ['attempts', 'timeouts'] : ['attempts'];
    case 'bulkhead_rejections_total':
      return ['rejections'];
    case 'dependency_request_duration_seconds_count':
      return [...(labels.outcome === 'short_circuit' ? (['shortCircuits'] as const) : []), ...(labels.fallback === 'true' ? (['fallbacks'] as const) : [])];
    default:
      return [];
  }
}

/**
 * The service-side series: for every successful scrape, one point per (service, dependency)
 * the scrape has series for, with the breaker state and the counters summed over the other
 * labels, as scraped (cumulative, not restart-adjusted: a restart shows as a drop). Sorted by
 * time, service, dependency.
 */
export function dependencySeries(scrapes: readonly Scrape[]): DependencyPoint[] {
  const points: DependencyPoint[] = [];
  for (const scrape of scrapes) {
    if (!scrape.up) continue;
    const byPair = new Map<string, DependencyPoint>();
    for (const sample of scrape.series) {
      const dependency = sample.labels.dependency;
      if (dependency === undefined) continue;
      const service = sample.labels.service ?? scrape.service;
      const key = JSON.stringify([service, dependency]);
      const point = byPair.get(key) ?? newPoint(scrape.atMs, service, dependency);
      byPair.set(key, point);
      if (sample.name === 'circuit_breaker_state') point.breakerState = sample.value;
      for (const counter of countersOf(sample.name, sample.labels)) point[counter] += sample.value;
    }
    points.push(...byPair.values());
  }
  return points.sort((a, b) => a.t - b.t || compare(a.service, b.service) || compare(a.dependency, b.dependency));
}

function newPoint(t: number, service: string, dependency: string): DependencyPoint {
  return { t, service, dependency, calls: 0, attempts: 0, timeouts: 0, rejections: 0, shortCircuits: 0, fallbacks: 0 };
}

/** Code-unit order: the same on every machine, unlike localeCompare. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
