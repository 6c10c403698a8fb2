/**
 * Number formatting shared by every reporter, so the console, JUnit and HTML show the same
 * value the same way. Units are those of SloVerdict: `ms`, `ratio`, `req/s`, `count`.
 */

/** A duration: `0.8 ms`, `412 ms`, `12.5 s`. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  const abs = Math.abs(ms);
  if (abs >= 10_000) return `${trim(ms / 1000, 1)} s`;
  if (abs < 10 && abs !== 0) return `${trim(ms, 1)} ms`;
  return `${Math.round(ms)} ms`;
}

/** A point in the run's time (ms since t = 0): `12.0 s`. */
export function formatAt(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** A ratio 0..1 as a percentage: `3.20 %`. */
export function formatPercent(ratio: number): string {
  return `${(ratio * 100).toFixed(2)} %`;
}

/** A value in one of the SLO units; `n/a` for null (could not be measured). */
export function formatValue(value: number | null, unit: string): string {
  if (value === null) return 'n/a';
  switch (unit) {
    case 'ms':
      return formatMs(value);
    case 'ratio':
      return formatPercent(value);
    case 'req/s':
      return `${trim(value, 1)} req/s`;
    case 'count':
      return String(Math.round(value * 100) / 100);
    case '×':
      // Always two decimals: exactly one attempt per call reads `1.00×`.
      return `${(Number(value.toFixed(2)) + 0).toFixed(2)}×`;
    default:
      return unit ? `${trim(value, 2)} ${unit}` : trim(value, 2);
  }
}

/** A margin with its sign, `+388 ms` (room to spare) or `-2.20 %` (missed by). */
export function formatMargin(margin: number | null, unit: string): string {
  if (margin === null) return 'n/a';
  const text = formatValue(Math.abs(margin), unit);
  return `${margin < 0 ? '-' : '+'}${text}`;
}

/** `< 800 ms`. */
export function formatThreshold(op: string, threshold: number, unit: string): string {
  return `${op} ${formatValue(threshold, unit)}`;
}

/** A number with at most `digits` decimals, trailing zeros dropped: 12.50 → `12.5`. */
export function trim(value: number, digits: number): string {
  return String(Number(value.toFixed(digits)));
}

/**
 * The unit to show an SLO's values in. The contract's units are base units; a `ratio` is a
 * fraction shown as a percentage, except retry amplification (attempts per call, 1 = no
 * retries), which reads as a multiple: `1.35×`.
 */
export function displayUnit(slo: { unit: string; expression: string }): string {
  return slo.unit === 'ratio' && /^\s*retry_amplification\b/.test(slo.expression) ? '×' : slo.unit;
}
