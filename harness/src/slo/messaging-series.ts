import type { Scrape } from '../model/recording.ts';
import type { ChannelSeries, MessagingSecond } from '../model/result.ts';
import type { IndexedSeries, ScrapeIndex, SeriesPoint } from './scrape-index.ts';
import { buckets, type TimeRange } from './traffic.ts';

/** The services' messaging counters (services/lib/messaging/metrics.ts) and the column each
 * feeds; their other labels (`mode`, `cause`) are summed over. */
const COUNTERS = {
  messages_published_total: 'published',
  messages_delivered_total: 'delivered',
  messages_redelivered_total: 'redelivered',
  messages_duplicates_total: 'duplicates',
} as const;
type Column = (typeof COUNTERS)[keyof typeof COUNTERS];
const COLUMNS: readonly Column[] = Object.values(COUNTERS);

/** A counter's increase spread evenly over a span of the timeline. */
interface Span {
  fromMs: number;
  toMs: number;
  increase: number;
}

/**
 * Messages per second per channel over [0, untilMs), summed over services (docs/slos.md,
 * "Messaging series").
 *
 * A service's rate between two successful scrapes is its counter's increase over the time
 * between them, restart-adjusted by the ScrapeIndex: a crashed and restarted service counts from
 * 0 again, and its new count is the increase — never a negative, never the old total again. Its
 * value in a second is that rate averaged over the part of the second its scrapes cover (the
 * last second may be short; before a service's first scrape it says nothing). The services'
 * values are summed; a second no service's scrapes cover is null.
 *
 * After a restart, the increase happened after the new process started: it is placed after the
 * last scrape that found the service down (rate 0 before it), not spread over the outage.
 */
export function messagingSeries(index: ScrapeIndex, scrapes: readonly Scrape[], untilMs: number): ChannelSeries[] | undefined {
  const seconds = buckets({ startMs: 0, endMs: untilMs }, 1000);
  const failed = failedScrapeTimes(scrapes);
  const channels = new Map<string, Record<Column, IndexedSeries[]>>();
  for (const [name, column] of Object.entries(COUNTERS) as [keyof typeof COUNTERS, Column][]) {
    for (const series of index.series(name)) {
      const channel = series.labels.channel;
      if (channel === undefined) continue;
      const columns = channels.get(channel) ?? { published: [], delivered: [], redelivered: [], duplicates: [] };
      columns[column].push(series);
      channels.set(channel, columns);
    }
  }
  if (channels.size === 0) return undefined;
  return [...channels.keys()].sort(compare).map((channel) => {
    const columns = channels.get(channel)!;
    const values = Object.fromEntries(COLUMNS.map((column) => [column, perSecond(index, columns[column], seconds, failed)])) as Record<
      Column,
      (number | null)[]
    >;
    return {
      channel,
      seconds: seconds.map((second, i): MessagingSecond => ({
        t: second.startMs,
        published: values.published[i]!,
        delivered: values.delivered[i]!,
        redelivered: values.redelivered[i]!,
        duplicates: values.duplicates[i]!,
      })),
    };
  });
}

/** Σ over the series of each one's average rate in each second (/s), null where none covers it. */
function perSecond(
  index: ScrapeIndex,
  series: readonly IndexedSeries[],
  seconds: readonly TimeRange[],
  failed: ReadonlyMap<string, readonly number[]>,
): (number | null)[] {
  const totals: (number | null)[] = seconds.map(() => null);
  for (const one of series) {
    const spans = spansOf(one.points, failed.get(one.scraped) ?? [], (atMs) => index.restartedAt(one.scraped, atMs));
    seconds.forEach((second, i) => {
      let count = 0;
      let coveredMs = 0;
      for (const span of spans) {
        const overlapMs = Math.min(second.endMs, span.toMs) - Math.max(second.startMs, span.fromMs);
        if (overlapMs <= 0) continue;
        coveredMs += overlapMs;
        count += span.toMs > span.fromMs ? (span.increase * overlapMs) / (span.toMs - span.fromMs) : 0;
      }
      if (coveredMs > 0) totals[i] = (totals[i] ?? 0) + (count / coveredMs) * 1000;
    });
  }
  return totals.map((value) => (value === null ? null : Math.round(value * 1000) / 1000));
}

/** The increase between each pair of successive points, as spans; a restart of the service
 * between them puts it after the last failed scrape in between (and 0 before). */
function spansOf(points: readonly SeriesPoint[], failedAt: readonly number[], restartedAt: (atMs: number) => boolean): Span[] {
  const spans: Span[] = [];
  for (let i = 1; i < points.length; i++) {
    const [before, after] = [points[i - 1]!, points[i]!];
    const increase = after.adjusted - before.adjusted;
    const lastDown = restartedAt(after.atMs) ? failedAt.filter((t) => t > before.atMs && t < after.atMs).at(-1) : undefined;
    if (lastDown === undefined) {
      spans.push({ fromMs: before.atMs, toMs: after.atMs, increase });
    } else {
      spans.push({ fromMs: before.atMs, toMs: lastDown, increase: 0 }, { fromMs: lastDown, toMs: after.atMs, increase });
    }
  }
  return spans;
}

/** When each scraped service's scrapes failed, in time order. */
function failedScrapeTimes(scrapes: readonly Scrape[]): Map<string, number[]> {
  const failed = new Map<string, number[]>();
  for (const scrape of scrapes) {
    if (scrape.up) continue;
    failed.set(scrape.service, [...(failed.get(scrape.service) ?? []), scrape.atMs]);
  }
  for (const times of failed.values()) times.sort((a, b) => a - b);
  return failed;
}

/** Code-unit order: the same on every machine, unlike localeCompare. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
