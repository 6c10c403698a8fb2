import { measured, scopeOf, unmeasured, type MetricEvaluator } from '../evaluator.ts';
import { pointAt, type IndexedSeries } from '../scrape-index.ts';

const CLOSED = 0;

/**
 * Time from the window start (use window `recovery`) to the first scrape from which every
 * matching breaker (`circuit_breaker_state`, latest scrape of each) is closed and stays closed
 * up to the window end; 0 when they were already closed at the window start. Half-open (2)
 * is not closed.
 */
export const breakerTimeToClose: MetricEvaluator<'breaker_time_to_close'> = {
  unit: 'ms',
  label: (metric) => `breaker time to close${scopeOf(metric)}`,
  measure(metric, { scrapes, window }) {
    const states = scrapes.series('circuit_breaker_state', { service: metric.service, dependency: metric.dependency });
    if (states.length === 0) return unmeasured('no circuit_breaker_state series was scraped');
    const times = [window.startMs, ...scrapeTimes(states).filter((atMs) => atMs > window.startMs && atMs <= window.endMs)];
    let closedSince: number | undefined;
    for (const atMs of times) {
      if (allClosed(states, atMs)) closedSince ??= atMs;
      else closedSince = undefined;
    }
    if (closedSince === undefined) return unmeasured(`the breaker was not closed at the end of window ${window.name}`);
    return measured(closedSince - window.startMs);
  },
};

function scrapeTimes(states: readonly IndexedSeries[]): number[] {
  const times = new Set<number>();
  for (const series of states) for (const point of series.points) times.add(point.atMs);
  return [...times].sort((a, b) => a - b);
}

/** Every breaker seen so far is closed at its latest scrape; unknown (nothing seen) is not. */
function allClosed(states: readonly IndexedSeries[], atMs: number): boolean {
  const latest = states.map((series) => pointAt(series, atMs)).filter((point) => point !== undefined);
  return latest.length > 0 && latest.every((point) => point.raw === CLOSED);
}
