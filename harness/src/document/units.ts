/**
 * Units of scenario files: durations (`250ms`, `1.5s`, `2m`, `1m30s`), rates (`100/s`,
 * `6000/m`) and ratios (`0.5`, `50%`). The patterns are used by the schema (so editors check
 * them too); the parsers turn text into the base units of the model: ms, requests/s, 0..1.
 */

const durationUnitsMs = { us: 0.001, µs: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;
const rateUnitsPerSecond = { s: 1, m: 1 / 60, h: 1 / 3600 } as const;

/** One or more `<number><unit>` parts, e.g. `250ms`, `1.5s`, `1m30s`. No sign: never negative. */
export const DURATION_PATTERN = '^(?:\\d+(?:\\.\\d+)?(?:us|µs|ms|s|m|h))+$';
/** `<number>/<unit>`, e.g. `100/s`, `6000/m`. */
export const RATE_PATTERN = '^\\d+(?:\\.\\d+)?/(?:s|m|h)$';
/** `<number>%` from 0% to 100%, e.g. `50%`, `0.5%`. */
export const PERCENT_PATTERN = '^(?:100(?:\\.0+)?|\\d{1,2}(?:\\.\\d+)?)%$';

const durationPart = /(\d+(?:\.\d+)?)(us|µs|ms|s|m|h)/g;

/** Milliseconds of a duration text; `undefined` when it does not match DURATION_PATTERN. */
export function parseDuration(text: string): number | undefined {
  if (!new RegExp(DURATION_PATTERN).test(text)) return undefined;
  let totalMs = 0;
  for (const [, amount, unit] of text.matchAll(durationPart)) {
    totalMs += Number(amount) * durationUnitsMs[unit as keyof typeof durationUnitsMs];
  }
  // Sums of decimal parts (0.1s + …) should not leave float dust such as 1500.0000000002.
  return Math.round(totalMs * 1000) / 1000;
}

/** Requests per second of a rate text; `undefined` when it does not match RATE_PATTERN. */
export function parseRate(text: string): number | undefined {
  if (!new RegExp(RATE_PATTERN).test(text)) return undefined;
  const [amount, unit] = text.split('/') as [string, keyof typeof rateUnitsPerSecond];
  return Number(amount) * rateUnitsPerSecond[unit];
}

/** A ratio 0..1 from a number or a percentage text; `undefined` when neither. */
export function parseRatio(value: number | string): number | undefined {
  if (typeof value === 'number') return value;
  if (!new RegExp(PERCENT_PATTERN).test(value)) return undefined;
  return Number(value.slice(0, -1)) / 100;
}

function show(input: unknown): string {
  return typeof input === 'string' ? `'${input}'` : (JSON.stringify(input) ?? String(input));
}

/** Why `input` is not a duration, with a hint that says the fix. */
export function durationProblem(input: unknown): string {
  if (typeof input === 'number') {
    const sign = input < 0 ? 'cannot be negative and ' : '';
    return `a duration ${sign}needs a unit: got the bare number ${input}; write e.g. '${Math.abs(input)}s' or '${Math.abs(input)}ms'`;
  }
  if (typeof input === 'string' && input.trim().startsWith('-')) return `a duration cannot be negative: got ${show(input)}`;
  return `expected a duration such as '250ms', '1.5s' or '2m' (units us, ms, s, m, h); got ${show(input)}`;
}

/** Why `input` is not a rate, with a hint. */
export function rateProblem(input: unknown): string {
  if (typeof input === 'number') return `a rate needs a unit: got the bare number ${input}; write e.g. '${input}/s'`;
  return `expected a rate such as '100/s' or '6000/m'; got ${show(input)}`;
}

/** Why `input` is not a ratio, with a hint. */
export function ratioProblem(input: unknown): string {
  return `expected a ratio between 0 and 1 (e.g. 0.5) or a percentage (e.g. '50%'); got ${show(input)}`;
}

/** Short text of a millisecond duration for plans and messages: `250ms`, `1.5s`, `2m30s`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms * 1000) / 1000}ms`;
  if (ms < 60_000 || ms % 1000 !== 0) return `${Math.round(ms) / 1000}s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = (ms % 60_000) / 1000;
  return seconds ? `${minutes}m${seconds}s` : `${minutes}m`;
}
