import type { ChannelSeries, DependencyPoint, RunResult } from '../../model/result.ts';
import { retryAmplification } from '../../slo/amplification.ts';
import type { ChartLine, TimeBand } from './chart.ts';

/**
 * Chart data taken from a RunResult. Formatting only: per-second values are plotted at the
 * middle of their second, and the only arithmetic is turning cumulative scraped counters into
 * per-interval ratios for display (the SLO values themselves come from analysis).
 */

export const COLORS = {
  ok: '#2563eb',
  errors: '#dc2626',
  dropped: '#d97706',
  p50: '#0d9488',
  p99: '#7c3aed',
  closed: '#16a34a',
  completed: '#16a34a',
  backlog: '#d97706',
  open: '#dc2626',
  halfOpen: '#f59e0b',
  published: '#2563eb',
  delivered: '#16a34a',
  redelivered: '#d97706',
  duplicates: '#dc2626',
} as const;

const DEPENDENCY_COLORS = ['#2563eb', '#7c3aed', '#0d9488', '#d97706', '#db2777', '#4b5563'];

/** Shaded intervals: each fault from applied to removed (or the end of the load). */
export function faultBands(result: RunResult): TimeBand[] {
  return result.faults
    .filter((f) => f.appliedAtMs !== undefined)
    .map((f) => {
      const toMs = f.removedAtMs ?? result.durationMs;
      const title = `${f.id}: ${f.kind} ${f.target}, ${(f.appliedAtMs! / 1000).toFixed(1)} s – ${(toMs / 1000).toFixed(1)} s`;
      return { label: `${f.id} ${f.kind}`, title, fromMs: f.appliedAtMs!, toMs };
    });
}

/** Successful responses, errors and dropped requests per second. */
export function throughputLines(result: RunResult): ChartLine[] {
  const mid = (t: number) => t + 500;
  return [
    { name: 'ok/s', color: COLORS.ok, points: result.series.map((s) => [mid(s.t), s.requests - s.errors] as const) },
    { name: 'errors/s', color: COLORS.errors, points: result.series.map((s) => [mid(s.t), s.errors] as const) },
    { name: 'dropped/s', color: COLORS.dropped, points: result.series.map((s) => [mid(s.t), s.dropped] as const) },
  ];
}

/** Latency percentiles (ms, from the scheduled send time) per second. */
export function latencyLines(result: RunResult): ChartLine[] {
  const mid = (t: number) => t + 500;
  return [
    { name: 'p50', color: COLORS.p50, points: result.series.map((s) => [mid(s.t), s.p50] as const) },
    { name: 'p99', color: COLORS.p99, points: result.series.map((s) => [mid(s.t), s.p99] as const) },
  ];
}

/** `service → dependency`: how dependency rows and lines are named. */
export function dependencyKey(p: Pick<DependencyPoint, 'service' | 'dependency'>): string {
  return `${p.service} → ${p.dependency}`;
}

/** Points grouped per (service, dependency), in time order, groups in first-seen order. */
export function groupByDependency(points: readonly DependencyPoint[]): Map<string, DependencyPoint[]> {
  const groups = new Map<string, DependencyPoint[]>();
  for (const p of points) {
    const key = dependencyKey(p);
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(p);
  }
  for (const group of groups.values()) group.sort((a, b) => a.t - b.t);
  return groups;
}

/**
 * Retry amplification per scrape interval and dependency, by the SLO's definition
 * (slo/amplification.ts): attempts / calls that reached the network, both counted when the
 * call ended since the previous scrape; no value (a gap) when no such call ended. Calls never
 * sent (breaker open, bulkhead full) are not in either counter. A counter that went down means
 * the service restarted, so its new value is the increase.
 */
export function amplificationLines(result: RunResult): ChartLine[] {
  return [...groupByDependency(result.dependencySeries)].map(([name, points], i) => ({
    name,
    color: DEPENDENCY_COLORS[i % DEPENDENCY_COLORS.length]!,
    points: points.slice(1).map((p, j) => {
      const previous = points[j]!;
      return [p.t, retryAmplification(increase(previous.attempts, p.attempts), increase(previous.calls, p.calls))] as const;
    }),
  }));
}

function increase(before: number, after: number): number {
  return after >= before ? after - before : after;
}

/** Requests accepted and completed per second, and the backlog (accepted, not yet completed) at
 * each second's end, over the load and the drain. */
export function asyncLines(result: RunResult): ChartLine[] {
  const series = result.async?.series ?? [];
  const mid = (t: number) => t + 500;
  return [
    { name: 'accepted/s', color: COLORS.ok, points: series.map((s) => [mid(s.t), s.accepted] as const) },
    { name: 'completed/s', color: COLORS.completed, points: series.map((s) => [mid(s.t), s.completed] as const) },
    { name: 'backlog', color: COLORS.backlog, points: series.map((s) => [s.t + 1000, s.backlog] as const) },
  ];
}

/** One channel's messages per second as analysis gave them (published, delivered, redelivered,
 * duplicates); a gap where no scrape covered a second. */
export function messagingLines(channel: ChannelSeries): ChartLine[] {
  const mid = (t: number) => t + 500;
  return (['published', 'delivered', 'redelivered', 'duplicates'] as const).map((column) => ({
    name: `${column}/s`,
    color: COLORS[column],
    points: channel.seconds.map((s) => [mid(s.t), s[column]] as const),
  }));
}

/** Whether any message was counted on the channel: a channel where none was gets no chart. */
export function channelHadMessages(channel: ChannelSeries): boolean {
  return channel.seconds.some((s) => [s.published, s.delivered, s.redelivered, s.duplicates].some((v) => v !== null && v > 0));
}

/** Async latency p50/p99 per second of the load (requests by scheduled send); a gap where none
 * of a second's requests completed. */
export function asyncLatencyLines(result: RunResult): ChartLine[] {
  const series = result.async?.latencySeries ?? [];
  const mid = (t: number) => t + 500;
  return [
    { name: 'p50', color: COLORS.p50, points: series.map((s) => [mid(s.t), s.p50] as const) },
    { name: 'p99', color: COLORS.p99, points: series.map((s) => [mid(s.t), s.p99] as const) },
  ];
}
