import type { BreakerLog } from '../breaker-log.ts';
import { measured, scopeOf, unmeasured, type Measurement, type MetricEvaluator } from '../evaluator.ts';
import type { IndexedSeries, ScrapeIndex, SeriesFilter } from '../scrape-index.ts';
import type { NamedWindow } from '../traffic.ts';

const OPEN = 1;

/**
 * Time from the window start (use window `fault`) to the first moment, up to the window end,
 * a matching breaker opened. From the services' exact transitions when every matching breaker's
 * service recorded them; otherwise from the scrapes (to the scrape interval, said in the
 * detail): the first scrape at or after the window start that shows a matching breaker open —
 * `circuit_breaker_state` == 1, or `circuit_breaker_transitions_total{to="open"}` grown since
 * that service's previous scrape (a breaker that opened and went half-open between two scrapes).
 */
export const breakerTimeToOpen: MetricEvaluator<'breaker_time_to_open'> = {
  unit: 'ms',
  label: (metric) => `breaker time to open${scopeOf(metric)}`,
  measure(metric, { scrapes, breakers, window }) {
    const filter = { service: metric.service, dependency: metric.dependency };
    const coverage = breakers.coverage(breakers.breakers(filter));
    if (coverage.usable) return fromEvents(breakers, filter, window);
    return fromScrapes(scrapes, filter, window, coverage.why);
  },
};

function fromEvents(breakers: BreakerLog, filter: SeriesFilter, window: NamedWindow): Measurement {
  const opened = breakers
    .breakers(filter)
    .flatMap((key) => breakers.events(key))
    .filter((event) => event.to === 'open' && event.atMs >= window.startMs && event.atMs <= window.endMs)
    .map((event) => event.atMs);
  if (opened.length === 0) return unmeasured(`the breaker never opened in window ${window.name}`);
  return measured(Math.min(...opened) - window.startMs);
}

function fromScrapes(scrapes: ScrapeIndex, filter: SeriesFilter, window: NamedWindow, why: string): Measurement {
  const states = scrapes.series('circuit_breaker_state', filter);
  const transitions = scrapes.series('circuit_breaker_transitions_total', { ...filter, labels: { to: 'open' } });
  if (states.length === 0 && transitions.length === 0) return unmeasured('no circuit breaker metrics were scraped');
  const note = `from scrapes, to the scrape interval (${why})`;
  const times = [...openedAt(states, transitions)].filter((atMs) => atMs >= window.startMs && atMs <= window.endMs);
  if (times.length === 0) return unmeasured(`the breaker never opened in window ${window.name}; ${note}`);
  return measured(Math.min(...times) - window.startMs, note);
}

/** Scrape times at which some breaker was seen open or seen to have opened. */
function openedAt(states: readonly IndexedSeries[], transitions: readonly IndexedSeries[]): Set<number> {
  const times = new Set<number>();
  for (const series of states) {
    for (const point of series.points) if (point.raw === OPEN) times.add(point.atMs);
  }
  // The counter may carry a `from` label (several series per breaker); any of them growing counts.
  for (const series of transitions) {
    let before = 0;
    for (const point of series.points) {
      if (point.adjusted > before) times.add(point.atMs);
      before = point.adjusted;
    }
  }
  return times;
}
