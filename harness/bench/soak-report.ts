// The soak's bounds and its result table. Pure.
import { judgeFlatness, type FlatnessBound, type FlatnessVerdict, type Point } from './flatness.ts';
import { soakMetrics, type SoakMetric } from './soak-target.ts';

/**
 * How fast each metric may rise over the judged window and still be called flat (docs/
 * benchmarks.md says why these): a leak of one connection's buffers per few seconds shows as
 * megabytes per minute, a leaked socket or timer per request as descriptors or handles per second.
 */
export const soakBounds: Readonly<Record<SoakMetric, FlatnessBound>> = {
  rss: { metric: 'RSS', unit: 'MB', maxSlopePerMin: 1 },
  heap: { metric: 'heap used', unit: 'MB', maxSlopePerMin: 1 },
  fds: { metric: 'open fds', unit: 'fds', maxSlopePerMin: 0.1 },
  handles: { metric: 'active handles', unit: 'handles', maxSlopePerMin: 0.1 },
  loopP99: { metric: 'event-loop delay p99', unit: 'ms', maxSlopePerMin: 1 },
};

/** Every series of a soak: process → metric → readings. */
export type SoakSeries = Map<string, Map<SoakMetric, Point[]>>;

export interface SoakRow extends FlatnessVerdict {
  process: string;
}

export function judgeSoak(series: SoakSeries, windowMs: number): SoakRow[] {
  const rows: SoakRow[] = [];
  for (const [process, metrics] of series) {
    for (const metric of soakMetrics) {
      const points = metrics.get(metric)?.filter((p) => Number.isFinite(p.value));
      if (points) rows.push({ process, ...judgeFlatness(points, windowMs, soakBounds[metric]) });
    }
  }
  return rows;
}

const fixed = (n: number, digits: number) => (Number.isFinite(n) ? n.toFixed(digits) : '–');

export function soakTable(rows: readonly SoakRow[]): string[] {
  const lines = ['| process | metric | start | end | slope /min | bound /min | flat |', '|---|---|---|---|---|---|---|'];
  for (const r of rows) {
    const digits = r.unit === 'fds' || r.unit === 'handles' ? 0 : 1;
    lines.push(
      `| ${r.process} | ${r.metric} (${r.unit}) | ${fixed(r.start, digits)} | ${fixed(r.end, digits)} | ${fixed(r.slopePerMin, 3)} | ≤ ${r.maxSlopePerMin} | ${r.flat ? '✓' : '✗'} |`,
    );
  }
  return lines;
}
