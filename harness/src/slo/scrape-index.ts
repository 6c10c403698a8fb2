import type { MetricSample, Scrape } from '../model/recording.ts';

/** Narrows series by their `service` / `dependency` labels; an absent field matches all. */
export interface SeriesFilter {
  service?: string | undefined;
  dependency?: string | undefined;
  /** Further exact label matches, e.g. `{ outcome: 'timeout' }`. */
  labels?: Readonly<Record<string, string>>;
}

export interface SeriesPoint {
  atMs: number;
  /** As scraped. */
  raw: number;
  /** Cumulative across service restarts (meaningful for counters only). */
  adjusted: number;
}

/** One time series of one scraped service, with its points in time order. */
export interface IndexedSeries {
  /** The scraped service (the `service` label when the series has one, else the scrape's). */
  service: string;
  /** The service whose /metrics it was read from (the Scrape's `service`): where its failed
   * scrapes are. */
  scraped: string;
  name: string;
  labels: Readonly<Record<string, string>>;
  points: readonly SeriesPoint[];
}

/**
 * Every scraped series, indexed by name, with counters made cumulative across restarts.
 *
 * A service restarted between two successful scrapes when one of its counters went down, a
 * series it exposed disappeared, or its `process_start_time_seconds` changed. A restarted
 * process counts from 0 again, so each series' value before the restart is carried as an offset
 * and the post-restart value is added to it. Failed scrapes (`up: false`) hold no series and are
 * skipped.
 */
export class ScrapeIndex {
  private readonly byName = new Map<string, IndexedSeries[]>();
  /** Per scraped service, the times of the scrapes at which it was found restarted. */
  private readonly restarts = new Map<string, number[]>();

  constructor(scrapes: readonly Scrape[]) {
    const byService = new Map<string, Scrape[]>();
    for (const scrape of scrapes) {
      if (!scrape.up) continue;
      const list = byService.get(scrape.service) ?? [];
      list.push(scrape);
      byService.set(scrape.service, list);
    }
    for (const [service, list] of byService) {
      this.indexService(
        service,
        [...list].sort((a, b) => a.atMs - b.atMs),
      );
    }
  }

  /** Whether the scraped service was found restarted at its scrape at `atMs` (since its
   * previous successful scrape): every series of the service counts from 0 again there, even one
   * that was still 0 before, whose offset does not show it. */
  restartedAt(scraped: string, atMs: number): boolean {
    return this.restarts.get(scraped)?.includes(atMs) ?? false;
  }

  /** Series with this name that pass the filter. */
  series(name: string, filter: SeriesFilter = {}): IndexedSeries[] {
    return (this.byName.get(name) ?? []).filter((series) => matches(series, filter));
  }

  private indexService(scrapeService: string, scrapes: readonly Scrape[]): void {
    const all = new Map<string, { series: IndexedSeries; points: SeriesPoint[] }>();
    const offsets = new Map<string, number>();
    // Last raw value of each series in the current process lifetime.
    let lifetime = new Map<string, number>();
    let previous: Map<string, number> | undefined;
    for (const scrape of scrapes) {
      const current = new Map<string, number>();
      const samplesByKey = new Map<string, MetricSample>();
      for (const sample of scrape.series) {
        const key = seriesKey(sample);
        current.set(key, sample.value);
        samplesByKey.set(key, sample);
      }
      if (previous && restarted(previous, current)) {
        for (const [key, raw] of lifetime) offsets.set(key, (offsets.get(key) ?? 0) + raw);
        lifetime = new Map();
        this.restarts.set(scrapeService, [...(this.restarts.get(scrapeService) ?? []), scrape.atMs]);
      }
      for (const [key, raw] of current) {
        lifetime.set(key, raw);
        let entry = all.get(key);
        if (!entry) {
          const sample = samplesByKey.get(key)!;
          const points: SeriesPoint[] = [];
          const series = { service: sample.labels.service ?? scrapeService, scraped: scrapeService, name: sample.name, labels: sample.labels, points };
          entry = { series, points };
          all.set(key, entry);
          const named = this.byName.get(sample.name) ?? [];
          named.push(series);
          this.byName.set(sample.name, named);
        }
        entry.points.push({ atMs: scrape.atMs, raw, adjusted: (offsets.get(key) ?? 0) + raw });
      }
      previous = current;
    }
  }
}

/** The point of a series last scraped at or before `atMs`. */
export function pointAt(series: IndexedSeries, atMs: number): SeriesPoint | undefined {
  let found: SeriesPoint | undefined;
  for (const point of series.points) {
    if (point.atMs > atMs) break;
    found = point;
  }
  return found;
}

/** Cumulative (restart-adjusted) counter value at `atMs`: the last scrape ≤ atMs, else 0. */
export function counterAt(series: IndexedSeries, atMs: number): number {
  return pointAt(series, atMs)?.adjusted ?? 0;
}

/** Σ over the series of the counter increase between the two times (see counterAt). */
export function counterDelta(series: readonly IndexedSeries[], fromMs: number, toMs: number): number {
  let total = 0;
  for (const one of series) total += counterAt(one, toMs) - counterAt(one, fromMs);
  return total;
}

function matches(series: IndexedSeries, filter: SeriesFilter): boolean {
  if (filter.service !== undefined && series.service !== filter.service) return false;
  if (filter.dependency !== undefined && series.labels.dependency !== filter.dependency) return false;
  for (const [label, value] of Object.entries(filter.labels ?? {})) {
    if (series.labels[label] !== value) return false;
  }
  return true;
}

function seriesKey(sample: MetricSample): string {
  const labels = Object.keys(sample.labels)
    .sort()
    .map((label) => `${label}=${JSON.stringify(sample.labels[label])}`);
  return `${sample.name}{${labels.join(',')}}`;
}

const COUNTER_SUFFIX = /(_total|_count|_bucket)\{/;
const START_TIME = 'process_start_time_seconds{';

function restarted(previous: ReadonlyMap<string, number>, current: ReadonlyMap<string, number>): boolean {
  for (const [key, before] of previous) {
    const now = current.get(key);
    if (now === undefined) return true;
    if (COUNTER_SUFFIX.test(key) && now < before) return true;
    if (key.startsWith(START_TIME) && now !== before) return true;
  }
  return false;
}
