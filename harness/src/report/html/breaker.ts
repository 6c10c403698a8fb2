import type { DependencyPoint, RunResult } from '../../model/result.ts';
import { CHART, renderBand, timeAxis, xAt } from './chart.ts';
import { escapeHtml } from './escape.ts';
import { COLORS, faultBands, groupByDependency } from './series.ts';

/** Each row: the dependency's name above its bar, so the x scale matches the other charts. */
const ROW_HEIGHT = 32;
const BAR_HEIGHT = 14;
const STATE_NAMES = ['closed', 'open', 'half-open'] as const;
const STATE_COLORS = [COLORS.closed, COLORS.open, COLORS.halfOpen];

/**
 * Circuit-breaker state over time, one row per `service → dependency` that exposes a breaker:
 * each scrape's state holds until the next scrape (the last one until the end of the load).
 */
export function renderBreakerTimeline(result: RunResult): string {
  const rows = [...groupByDependency(result.dependencySeries)].filter(([, points]) => points.some((p) => p.breakerState !== undefined));
  if (rows.length === 0) {
    return '<figure class="chart"><figcaption>Circuit-breaker state</figcaption><p class="note">No circuit-breaker state was scraped: no dependency exposes a breaker under this profile.</p></figure>';
  }
  const top = CHART.top;
  const plotBottom = top + rows.length * ROW_HEIGHT;
  const height = plotBottom + CHART.bottom;
  const parts: string[] = faultBands(result).map((band) => renderBand(band, result.durationMs, top - 14, plotBottom));
  rows.forEach(([name, points], row) => {
    const labelY = top + row * ROW_HEIGHT + 10;
    const y = labelY + 4;
    parts.push(`<text class="row-label" x="${CHART.left}" y="${labelY}">${escapeHtml(name)}</text>`);
    for (const span of stateSpans(points, result.durationMs)) {
      const x1 = xAt(span.fromMs, result.durationMs);
      const x2 = xAt(span.toMs, result.durationMs);
      if (x2 <= x1) continue;
      const state = STATE_NAMES[span.state] ?? `state ${span.state}`;
      const color = STATE_COLORS[span.state] ?? '#9ca3af';
      const tooltip = `${name}: ${state} from ${(span.fromMs / 1000).toFixed(1)} s to ${(span.toMs / 1000).toFixed(1)} s`;
      parts.push(
        `<rect class="breaker ${escapeHtml(state)}" x="${x1}" y="${y}" width="${Math.round((x2 - x1) * 10) / 10}" height="${BAR_HEIGHT}" fill="${color}"><title>${escapeHtml(tooltip)}</title></rect>`,
      );
    }
  });
  parts.push(timeAxis(result.durationMs, plotBottom));
  const legend = STATE_NAMES.map((s, i) => `<span class="key"><span class="swatch" style="background:${STATE_COLORS[i]}"></span>${s}</span>`).join(' ');
  return [
    '<figure class="chart">',
    '<figcaption>Circuit-breaker state</figcaption>',
    `<svg viewBox="0 0 ${CHART.width} ${height}" role="img" aria-label="Circuit-breaker state per dependency">`,
    '<title>Circuit-breaker state per dependency</title>',
    ...parts,
    '</svg>',
    `<div class="legend">${legend}</div>`,
    '</figure>',
  ].join('\n');
}

/** One state held over an interval. */
export interface StateSpan {
  state: number;
  fromMs: number;
  toMs: number;
}

/**
 * Consecutive scrapes with the same breaker state merged into one span; each scrape's state
 * holds until the next scrape, the last one until `endMs`. Scrapes without a state are gaps.
 */
export function stateSpans(points: readonly DependencyPoint[], endMs: number): StateSpan[] {
  const spans: StateSpan[] = [];
  points.forEach((p, i) => {
    const toMs = points[i + 1]?.t ?? endMs;
    const last = spans.at(-1);
    if (p.breakerState === undefined) return;
    if (last && last.state === p.breakerState && last.toMs === p.t) last.toMs = toMs;
    else spans.push({ state: p.breakerState, fromMs: p.t, toMs });
  });
  return spans;
}
