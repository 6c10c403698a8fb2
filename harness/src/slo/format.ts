import type { SloUnit } from './evaluator.ts';

/** How a value is shown in sentences. */
export type Display = 'percent' | 'times' | 'plain';

/** `412 ms`, `12.5 %`, `1.35×`, `48.2 req/s`, `3`: readable, rounded, trailing zeros trimmed —
 * but a ratio of attempts always shows two decimals, so exactly one reads `1.00×`. */
export function formatValue(value: number, unit: SloUnit, display: Display = defaultDisplay(unit)): string {
  if (display === 'percent') return `${trim(value * 100, 2)} %`;
  if (display === 'times') return `${(Number(value.toFixed(2)) + 0).toFixed(2)}×`;
  switch (unit) {
    case 'ms':
      return `${trim(value, Math.abs(value) >= 100 ? 0 : 1)} ms`;
    case 'req/s':
      return `${trim(value, 1)} req/s`;
    default:
      return trim(value, 2);
  }
}

export function defaultDisplay(unit: SloUnit): Display {
  return unit === 'ratio' ? 'percent' : 'plain';
}

function trim(value: number, decimals: number): string {
  const rounded = Number(value.toFixed(decimals));
  return String(Object.is(rounded, -0) ? 0 : rounded);
}
