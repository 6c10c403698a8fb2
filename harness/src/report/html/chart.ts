import { trim } from '../format.ts';
import { escapeHtml } from './escape.ts';

/** Geometry of every time chart (SVG user units). Exported so tests can locate the bands. */
export const CHART = { width: 760, height: 220, left: 56, right: 16, top: 22, bottom: 30 } as const;

/** One line of a chart; a `null` value breaks the line (nothing measured there). */
export interface ChartLine {
  name: string;
  color: string;
  points: readonly (readonly [tMs: number, value: number | null])[];
}

/** A shaded interval on the time axis: a fault while it was active. */
export interface TimeBand {
  /** Short text drawn at the top of the band. */
  label: string;
  /** Tooltip. Default: the label. */
  title?: string;
  fromMs: number;
  toMs: number;
}

export interface TimeChartSpec {
  title: string;
  /** Shown beside the y axis, e.g. `req/s`, `ms`. */
  unit: string;
  /** The x axis spans 0..durationMs (the load). */
  durationMs: number;
  lines: readonly ChartLine[];
  bands: readonly TimeBand[];
  /** Lowest upper bound of the y axis (e.g. 1 for a ratio ≥ 1). Default: 0. */
  minYMax?: number;
}

/** x position (SVG units) of time `ms` on a chart spanning 0..durationMs. */
export function xAt(ms: number, durationMs: number): number {
  const plotWidth = CHART.width - CHART.left - CHART.right;
  const clamped = Math.min(Math.max(ms, 0), durationMs);
  return round(CHART.left + (durationMs > 0 ? (clamped / durationMs) * plotWidth : 0));
}

/**
 * A line chart over the run's time axis, drawn as inline SVG: fault bands shaded and labelled
 * behind the lines, y axis from 0 to a rounded maximum, x axis in seconds, legend below.
 */
export function renderTimeChart(spec: TimeChartSpec): string {
  const values = spec.lines.flatMap((l) => l.points.map((p) => p[1]).filter((v): v is number => v !== null && Number.isFinite(v)));
  const yMax = niceCeil(Math.max(spec.minYMax ?? 0, ...values, 0));
  const plotBottom = CHART.height - CHART.bottom;
  const plotHeight = plotBottom - CHART.top;
  const yAt = (v: number) => round(plotBottom - (yMax > 0 ? (v / yMax) * plotHeight : 0));

  const parts: string[] = [];
  parts.push(...spec.bands.map((band) => renderBand(band, spec.durationMs)));
  for (const tick of ticks(yMax)) {
    const y = yAt(tick);
    parts.push(`<line class="grid" x1="${CHART.left}" x2="${CHART.width - CHART.right}" y1="${y}" y2="${y}"/>`);
    parts.push(`<text class="tick" x="${CHART.left - 6}" y="${y + 4}" text-anchor="end">${escapeHtml(trim(tick, 3))}</text>`);
  }
  parts.push(timeAxis(spec.durationMs, plotBottom));
  parts.push(`<text class="unit" x="${CHART.left - 6}" y="${CHART.top - 8}" text-anchor="end">${escapeHtml(spec.unit)}</text>`);
  for (const line of spec.lines) parts.push(...renderLine(line, spec.durationMs, yAt));
  if (values.length === 0) parts.push(`<text class="empty" x="${CHART.width / 2}" y="${CHART.height / 2}" text-anchor="middle">no data</text>`);

  const legend = spec.lines
    .map((l) => `<span class="key"><span class="swatch" style="background:${escapeHtml(l.color)}"></span>${escapeHtml(l.name)}</span>`)
    .join(' ');
  return [
    '<figure class="chart">',
    `<figcaption>${escapeHtml(spec.title)}</figcaption>`,
    `<svg viewBox="0 0 ${CHART.width} ${CHART.height}" role="img" aria-label="${escapeHtml(spec.title)}">`,
    `<title>${escapeHtml(spec.title)}</title>`,
    ...parts,
    '</svg>',
    `<div class="legend">${legend}</div>`,
    '</figure>',
  ].join('\n');
}

/** The x axis line with ticks in seconds. Shared with the breaker timeline. */
export function timeAxis(durationMs: number, y: number): string {
  const parts = [`<line class="axis" x1="${CHART.left}" x2="${CHART.width - CHART.right}" y1="${y}" y2="${y}"/>`];
  for (const tickMs of ticks(durationMs)) {
    const x = xAt(tickMs, durationMs);
    parts.push(`<line class="axis" x1="${x}" x2="${x}" y1="${y}" y2="${y + 4}"/>`);
    parts.push(`<text class="tick" x="${x}" y="${y + 16}" text-anchor="middle">${escapeHtml(trim(tickMs / 1000, 2))} s</text>`);
  }
  return parts.join('\n');
}

/** A shaded, labelled fault interval spanning the plot's height (or `height` from `top`). */
export function renderBand(band: TimeBand, durationMs: number, top: number = CHART.top, bottom: number = CHART.height - CHART.bottom): string {
  const x1 = xAt(band.fromMs, durationMs);
  const x2 = xAt(band.toMs, durationMs);
  return [
    `<g class="fault-band">`,
    `<rect class="fault" data-from-ms="${band.fromMs}" data-to-ms="${band.toMs}" x="${x1}" y="${top}" width="${round(Math.max(x2 - x1, 1))}" height="${bottom - top}"><title>${escapeHtml(band.title ?? band.label)}</title></rect>`,
    `<text class="fault-label" x="${x1 + 3}" y="${top + 11}">${escapeHtml(band.label)}</text>`,
    `</g>`,
  ].join('');
}

function renderLine(line: ChartLine, durationMs: number, yAt: (v: number) => number): string[] {
  // Split at nulls so a gap shows as a gap, not as a line drawn across it.
  const segments: string[][] = [[]];
  for (const [t, v] of line.points) {
    if (v === null || !Number.isFinite(v)) {
      if (segments.at(-1)!.length > 0) segments.push([]);
      continue;
    }
    segments.at(-1)!.push(`${xAt(t, durationMs)},${yAt(v)}`);
  }
  const color = escapeHtml(line.color);
  return segments
    .filter((s) => s.length > 0)
    .map((s) => {
      if (s.length === 1) {
        const [x, y] = s[0]!.split(',');
        return `<circle cx="${x}" cy="${y}" r="2" fill="${color}"/>`;
      }
      return `<polyline class="line" stroke="${color}" points="${s.join(' ')}"><title>${escapeHtml(line.name)}</title></polyline>`;
    });
}

/** 0 and round steps up to `max` (about 4–7 ticks). */
export function ticks(max: number): number[] {
  if (!(max > 0)) return [0];
  const step = niceStep(max / 6);
  const result: number[] = [];
  for (let i = 0; i * step <= max * (1 + 1e-9); i++) result.push(round(i * step, 6));
  return result;
}

/** The smallest 1/2/5×10ⁿ step ≥ `raw`. */
function niceStep(raw: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  for (const factor of [1, 2, 5, 10]) if (factor * magnitude >= raw) return factor * magnitude;
  return 10 * magnitude;
}

/** A round axis maximum ≥ value: a multiple of a nice step; 1 when there is nothing to show, so an empty chart still has an axis. */
export function niceCeil(value: number): number {
  if (!(value > 0)) return 1;
  const step = niceStep(value / 5);
  return round(Math.ceil(value / step - 1e-9) * step, 6);
}

function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
