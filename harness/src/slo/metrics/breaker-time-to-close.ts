import { INITIAL_STATE, type BreakerLog } from '../breaker-log.ts';
import { measured, scopeOf, unmeasured, type Measurement, type MetricEvaluator } from '../evaluator.ts';
import { pointAt, type IndexedSeries, type ScrapeIndex, type SeriesFilter } from '../scrape-index.ts';
import type { NamedWindow } from '../traffic.ts';

const CLOSED = 0;

/**
 * Time from the window start (use window `recovery`) to the moment from which every matching
 * breaker is closed and stays closed up to the window end; 0 when they were already closed at
 * the window start. Half-open is not closed. From the services' exact transitions when every
 * matching breaker's service recorded them (the last transition to closed); otherwise from the
 * scrapes (`circuit_breaker_state`, latest scrape of each; to the scrape interval, said in the
 * detail).
 */
export const breakerTimeToClose: MetricEvaluator<'breaker_time_to_close'> = {
  unit: 'ms',
  label: (metric) => `breaker time to close${scopeOf(metric)}`,
  measure(metric, { scrapes, breakers, window }) {
    const filter = { service: metric.service, dependency: metric.dependency };
    const coverage = breakers.coverage(breakers.breakers(filter));
    if (coverage.usable) return fromEvents(breakers, filter, window);
    return fromScrapes(scrapes, filter, window, coverage.why);
  },
};

function fromEvents(breakers: BreakerLog, filter: SeriesFilter, window: NamedWindow): Measurement {
  let closedSince = window.startMs;
  for (const key of breakers.breakers(filter)) {
    if (breakers.stateAt(key, window.endMs) !== INITIAL_STATE) return unmeasured(`the breaker was not closed at the end of window ${window.name}`);
    const last = breakers.events(key).findLast((event) => event.atMs <= window.endMs);
    if (last && last.atMs > closedSince) closedSince = last.atMs;
  }
  return measured(closedSince - window.startMs);
}

function fromScrapes(scrapes: ScrapeIndex, filter: SeriesFilter, window: NamedWindow, why: string): Measurement {
  const states = scrapes.series('circuit_breaker_state', filter);
  if (states.length === 0) return unmeasured('no circuit_breaker_state series was scraped');
  const note = `from scrapes, to the scrape interval (${why})`;
  const times = [window.startMs, ...scrapeTimes(states).filter((atMs) => atMs > window.startMs && atMs <= window.endMs)];
  let closedSince: number | undefined;
  for (const atMs of times) {
    if (allClosed(states, atMs)) closedSince ??= atMs;
    else closedSince = undefined;
  }
  if (closedSince === undefined) return unmeasured(`the breaker was not closed at the end of window ${window.name}; ${note}`);
  return measured(closedSince - window.startMs, note);
}

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
