import type { BreakerSpan, RunResult } from '../../model/result.ts';
import { CHART, renderBand, timeAxis, xAt } from './chart.ts';
import { escapeHtml } from './escape.ts';
import { COLORS, faultBands } from './series.ts';

/** Each row: the dependency's name above its bar, so the x scale matches the other charts. */
const ROW_HEIGHT = 32;
const BAR_HEIGHT = 14;
/**
 * Narrowest bar drawn (SVG units; the plot is 688 wide, so about 3 px on a laptop screen). At
 * the chart's scale a half-open phase of 50 ms in a 60 s run is 0.6 units: drawn to scale it
 * would vanish, and showing that it happened is the point of the band. A short phase is drawn
 * this wide from its start, over its neighbour; its tooltip gives its true length.
 */
export const MIN_SPAN_WIDTH = 3;
const STATES = [
  { state: 'closed', label: 'closed', color: COLORS.closed },
  { state: 'open', label: 'open', color: COLORS.open },
  { state: 'half_open', label: 'half-open', color: COLORS.halfOpen },
] as const;

/**
 * Circuit-breaker state over time, one row per `service → dependency` that has a breaker, from
 * the result's breaker spans: exact where the service recorded its transitions, else sampled by
 * the scrapes (each scrape's state held until the next; such rows are marked).
 */
export function renderBreakerTimeline(result: RunResult): string {
  const rows = groupByBreaker(result.breakerSpans);
  if (rows.size === 0) {
    return '<figure class="chart"><figcaption>Circuit-breaker state</figcaption><p class="note">No circuit-breaker state was recorded: no dependency exposes a breaker under this profile.</p></figure>';
  }
  const top = CHART.top;
  const plotBottom = top + rows.size * ROW_HEIGHT;
  const height = plotBottom + CHART.bottom;
  const parts: string[] = faultBands(result).map((band) => renderBand(band, result.durationMs, top - 14, plotBottom));
  let sampled = false;
  [...rows].forEach(([name, spans], row) => {
    const labelY = top + row * ROW_HEIGHT + 10;
    const fromScrapes = spans.some((span) => span.source === 'scrapes');
    sampled ||= fromScrapes;
    parts.push(`<text class="row-label" x="${CHART.left}" y="${labelY}">${escapeHtml(name)}</text>${fromScrapes ? scrapedMark(labelY) : ''}`);
    // Long spans first, short ones over them, so a brief phase is never hidden by its neighbour.
    const ordered = [...spans].sort((a, b) => b.toMs - b.fromMs - (a.toMs - a.fromMs));
    for (const span of ordered) parts.push(renderSpan(name, span, labelY + 4, result.durationMs));
  });
  parts.push(timeAxis(result.durationMs, plotBottom));
  const legend = STATES.map((s) => `<span class="key"><span class="swatch" style="background:${s.color}"></span>${s.label}</span>`).join(' ');
  const note = sampled ? '<p class="note">* sampled by the scrapes: a phase shorter than the scrape interval may not show.</p>' : '';
  return [
    '<figure class="chart">',
    '<figcaption>Circuit-breaker state</figcaption>',
    `<svg viewBox="0 0 ${CHART.width} ${height}" role="img" aria-label="Circuit-breaker state per dependency">`,
    '<title>Circuit-breaker state per dependency</title>',
    ...parts,
    '</svg>',
    `<div class="legend">${legend}</div>`,
    note,
    '</figure>',
  ].join('\n');
}

function renderSpan(name: string, span: BreakerSpan, y: number, durationMs: number): string {
  const x1 = xAt(span.fromMs, durationMs);
  const x2 = xAt(span.toMs, durationMs);
  if (span.toMs <= span.fromMs) return '';
  const width = Math.max(MIN_SPAN_WIDTH, Math.round((x2 - x1) * 10) / 10);
  // A bar widened to be seen must not run past the end of the axis.
  const x = Math.min(x1, xAt(durationMs, durationMs) - width);
  const style = STATES.find((s) => s.state === span.state);
  const label = style?.label ?? span.state;
  const tooltip = `${name}: ${label} from ${seconds(span.fromMs)} s to ${seconds(span.toMs)} s (${length(span.toMs - span.fromMs)})`;
  return `<rect class="breaker ${escapeHtml(label)}" x="${x}" y="${y}" width="${width}" height="${BAR_HEIGHT}" fill="${style?.color ?? '#9ca3af'}"><title>${escapeHtml(tooltip)}</title></rect>`;
}

function scrapedMark(labelY: number): string {
  return `<text class="row-label" x="${CHART.width - CHART.right}" y="${labelY}" text-anchor="end">*</text>`;
}

/** Spans by `service → dependency`, in the result's order. */
export function groupByBreaker(spans: readonly BreakerSpan[]): Map<string, BreakerSpan[]> {
  const rows = new Map<string, BreakerSpan[]>();
  for (const span of spans) {
    const key = `${span.service} → ${span.dependency}`;
    rows.set(key, [...(rows.get(key) ?? []), span]);
  }
  return rows;
}

const seconds = (ms: number): string => (ms / 1000).toFixed(2);
const length = (ms: number): string => (ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`);
