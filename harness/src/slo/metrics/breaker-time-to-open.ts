import { measured, scopeOf, unmeasured, type MetricEvaluator } from '../evaluator.ts';
import type { IndexedSeries } from '../scrape-index.ts';

const OPEN = 1;

/**
 * Time from the window start (use window `fault`) to the first scrape at or after it, up to the
 * window end, that shows a matching breaker open: `circuit_breaker_state` == 1, or
 * `circuit_breaker_transitions_total{to="open"}` grown since that service's previous scrape
 * (which catches a breaker that opened and went half-open between two scrapes).
 */
export const breakerTimeToOpen: MetricEvaluator<'breaker_time_to_open'> = {
  unit: 'ms',
  label: (metric) => `breaker time to open${scopeOf(metric)}`,
  measure(metric, { scrapes, window }) {
    const filter = { service: metric.service, dependency: metric.dependency };
    const states = scrapes.series('circuit_breaker_state', filter);
    const transitions = scrapes.series('circuit_breaker_transitions_total', { ...filter, labels: { to: 'open' } });
    if (states.length === 0 && transitions.length === 0) {
      return unmeasured('no circuit breaker metrics were scraped');
    }
    const times = [...openedAt(states, transitions)].filter((atMs) => atMs >= window.startMs && atMs <= window.endMs);
    if (times.length === 0) return unmeasured(`the breaker never opened in window ${window.name}`);
    return measured(Math.min(...times) - window.startMs);
  },
};

/** Scrape times at which some breaker was seen open or seen to have opened. */
function openedAt(states: readonly IndexedSeries[], transitions: readonly IndexedSeries[]): Set<number> {
  const times = new Set<number>();
  for (const series of states) {
    for (const point of series.points) if (point.raw === OPEN) times.add(point.atMs);
  }
  for (const series of transitions) {
    let before = 0;
    for (const point of series.points) {
      if (point.adjusted > before) times.add(point.atMs);
      before = point.adjusted;
    }
  }
  return times;
}
