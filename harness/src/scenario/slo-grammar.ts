import { FaultlineError } from '../errors.ts';
import type { SloMetric, SloMetricKind, SloSpec } from './model.ts';
import { didYouMean } from '../document/suggest.ts';

/**
 * The SLO expression grammar (after k6's thresholds_parser). Whitespace between tokens is free.
 *
 * ```
 * expression := metric [ '{' label '=' value { ',' label '=' value } '}' ] op number [unit]
 * metric     := 'p(' N ')' | max | mean | success_rate | error_rate | throughput | dropped
 *             | time_to_recover | retry_amplification | breaker_time_to_open
 *             | breaker_time_to_close | bulkhead_rejections | timeouts | fallbacks
 *             | short_circuits | duplicate_side_effects
 *             | async_completion_rate | 'async_latency_p(' N ')' | async_duplicates
 *             | messages_lost | time_to_drain      (need the scenario's `async:` block)
 * label      := service | dependency          (only on the service-side metrics;
 *                                             duplicate_side_effects takes service only)
 * op         := '<' | '<=' | '>' | '>=' | '=='
 * unit       := ms | s   (time metrics: p(N), async_latency_p(N), max, mean, time_to_*,
 *                         breaker_time_*; → ms; required)
 *             | %        (success_rate, error_rate, async_completion_rate → ratio 0..1; without
 *                         it the number is a ratio)
 *             | /s       (throughput; optional)
 *             | none     (counts, ratios, retry_amplification)
 * ```
 * Examples: `p(99) < 800ms`, `error_rate < 1%`, `throughput >= 35/s`,
 * `breaker_time_to_open{service=trip,dependency=dispatch} < 5s`, `retry_amplification <= 1.5`.
 * N of p(N) is in (0, 100]. Thresholds are non-negative.
 */

type UnitClass = 'time' | 'rate' | 'throughput' | 'plain';

/** The metrics written with a percentile, `p(N)` and `async_latency_p(N)`: parsed on their own. */
type PercentileKind = 'latency_percentile' | 'async_latency_percentile';
type WordKind = Exclude<SloMetricKind, PercentileKind>;

const metricClasses: Record<WordKind, { word: string; unit: UnitClass; labels: readonly string[] }> = {
  latency_max: { word: 'max', unit: 'time', labels: [] },
  latency_mean: { word: 'mean', unit: 'time', labels: [] },
  success_rate: { word: 'success_rate', unit: 'rate', labels: [] },
  error_rate: { word: 'error_rate', unit: 'rate', labels: [] },
  throughput: { word: 'throughput', unit: 'throughput', labels: [] },
  dropped: { word: 'dropped', unit: 'plain', labels: [] },
  time_to_recover: { word: 'time_to_recover', unit: 'time', labels: [] },
  retry_amplification: { word: 'retry_amplification', unit: 'plain', labels: ['service', 'dependency'] },
  breaker_time_to_open: { word: 'breaker_time_to_open', unit: 'time', labels: ['service', 'dependency'] },
  breaker_time_to_close: { word: 'breaker_time_to_close', unit: 'time', labels: ['service', 'dependency'] },
  bulkhead_rejections: { word: 'bulkhead_rejections', unit: 'plain', labels: ['service', 'dependency'] },
  timeouts: { word: 'timeouts', unit: 'plain', labels: ['service', 'dependency'] },
  fallbacks: { word: 'fallbacks', unit: 'plain', labels: ['service', 'dependency'] },
  short_circuits: { word: 'short_circuits', unit: 'plain', labels: ['service', 'dependency'] },
  duplicate_side_effects: { word: 'duplicate_side_effects', unit: 'plain', labels: ['service'] },
  async_completion_rate: { word: 'async_completion_rate', unit: 'rate', labels: [] },
  async_duplicates: { word: 'async_duplicates', unit: 'plain', labels: [] },
  messages_lost: { word: 'messages_lost', unit: 'plain', labels: [] },
  time_to_drain: { word: 'time_to_drain', unit: 'time', labels: [] },
};

const asyncKinds: ReadonlySet<SloMetricKind> = new Set<SloMetricKind>([
  'async_completion_rate',
  'async_latency_percentile',
  'async_duplicates',
  'messages_lost',
  'time_to_drain',
]);

/** Whether a metric is measured from the asynchronous outcomes (the scenario's `async:` block). */
export function isAsyncMetric(kind: SloMetricKind): boolean {
  return asyncKinds.has(kind);
}

/** Whether a metric is read from the services' own metrics (`dependency_*`, breaker events)
 * rather than from the load generator's view: those are the ones that take labels. */
export function isServiceSideMetric(kind: SloMetricKind): boolean {
  return kind !== 'latency_percentile' && kind !== 'async_latency_percentile' && metricClasses[kind].labels.length > 0;
}

const kindByWord = new Map(Object.entries(metricClasses).map(([kind, c]) => [c.word, kind as WordKind]));
/** Every metric word of the grammar, `p(N)` and `async_latency_p(N)` included. */
export const sloMetricWords: readonly string[] = ['p(N)', ...kindByWord.keys(), 'async_latency_p(N)'];

const unitsByClass: Record<UnitClass, readonly string[]> = { time: ['ms', 's'], rate: ['%', ''], throughput: ['/s', ''], plain: [''] };

/** The parts of an SloSpec an expression defines. */
export type ParsedSlo = Pick<SloSpec, 'metric' | 'op' | 'threshold'>;

export type SloParseResult = { ok: true; slo: ParsedSlo } | { ok: false; column: number; reason: string; message: string };

class Fail {
  constructor(
    readonly index: number,
    readonly reason: string,
  ) {}
}

/** A cursor over the expression; `fail` records the column (1-based) of the problem. */
class Scanner {
  index = 0;
  constructor(readonly text: string) {}
  skipSpace(): void {
    while (this.text[this.index] === ' ' || this.text[this.index] === '\t') this.index++;
  }
  match(pattern: RegExp): string | undefined {
    const found = pattern.exec(this.text.slice(this.index));
    if (!found || found.index !== 0) return undefined;
    this.index += found[0].length;
    return found[0];
  }
  fail(reason: string, index = this.index): never {
    throw new Fail(index, reason);
  }
}

/** `p(` or `async_latency_p(` already matched: the percentile and `)`. */
function parsePercentile(scan: Scanner, prefix: string, kind: PercentileKind): { metric: SloMetric; name: string; unit: UnitClass; labels: readonly string[] } {
  const numberAt = scan.index;
  const number = scan.match(/\d+(\.\d+)?/);
  if (!number) scan.fail(`expected a percentile number after ${prefix}(, e.g. ${prefix}(99)`);
  if (!scan.match(/\)/)) scan.fail("expected ')' after the percentile");
  const percentile = Number(number);
  if (!(percentile > 0 && percentile <= 100)) scan.fail(`percentile must be in (0, 100], got ${number}`, numberAt);
  return { metric: { kind, percentile } as SloMetric, name: `${prefix}(${number})`, unit: 'time', labels: [] };
}

function parseMetric(scan: Scanner): { metric: SloMetric; name: string; unit: UnitClass; labels: readonly string[] } {
  const start = scan.index;
  if (scan.match(/p\(/)) return parsePercentile(scan, 'p', 'latency_percentile');
  if (scan.match(/async_latency_p\(/)) return parsePercentile(scan, 'async_latency_p', 'async_latency_percentile');
  const word = scan.match(/[A-Za-z_][A-Za-z0-9_()]*/);
  if (!word) scan.fail(`expected a metric (${sloMetricWords.join(', ')})`);
  const kind = kindByWord.get(word);
  if (!kind) {
    const percentile = /^(p|async_latency_p)(\d+(?:\.\d+)?)$/.exec(word);
    const hint = percentile ? `; did you mean '${percentile[1]}(${percentile[2]})'?` : didYouMean(word, [...kindByWord.keys(), 'async_latency_p(N)']);
    scan.fail(`unknown metric '${word}'${hint}`, start);
  }
  const { unit, labels } = metricClasses[kind];
  return { metric: { kind } as SloMetric, name: word, unit, labels };
}

function parseLabels(scan: Scanner, metric: SloMetric, name: string, allowed: readonly string[]): void {
  if (allowed.length === 0) scan.fail(`metric '${name}' takes no labels (labels are for the service-side metrics)`);
  scan.index++; // '{'
  do {
    scan.skipSpace();
    const labelAt = scan.index;
    const label = scan.match(/[A-Za-z_]+/);
    if (!label) scan.fail('expected a label name (service or dependency)');
    if (!allowed.includes(label)) scan.fail(`unknown label '${label}' for ${name}; expected ${allowed.join(' or ')}${didYouMean(label, allowed)}`, labelAt);
    if (label in metric) scan.fail(`label '${label}' given twice`, labelAt);
    scan.skipSpace();
    if (!scan.match(/=/)) scan.fail(`expected '=' after label '${label}'`);
    scan.skipSpace();
    const value = scan.match(/"[^"]*"|'[^']*'|[A-Za-z0-9_.-]+/);
    if (!value) scan.fail(`expected a value for label '${label}'`);
    (metric as Record<string, unknown>)[label] = /^["']/.test(value) ? value.slice(1, -1) : value;
    scan.skipSpace();
  } while (scan.match(/,/));
  if (!scan.match(/\}/)) scan.fail("expected ',' or '}' in the label list");
}

function toBaseUnit(scan: Scanner, unitClass: UnitClass, name: string, value: number, unit: string, unitAt: number): number {
  const allowed = unitsByClass[unitClass];
  if (!allowed.includes(unit)) {
    const expected = allowed.map((u) => (u ? `'${u}'` : 'no unit')).join(' or ');
    const got = unit ? `'${unit}'` : 'no unit';
    const hint = unitClass === 'time' && !unit ? `; write e.g. ${value}ms` : '';
    scan.fail(`${name} takes ${expected}, got ${got}${hint}`, unitAt);
  }
  if (unit === 's') return value * 1000;
  if (unit === '%') {
    if (value > 100) scan.fail(`a percentage is at most 100%, got ${value}%`, unitAt);
    return value / 100;
  }
  if (unitClass === 'rate' && value > 1) scan.fail(`a ratio without '%' is at most 1, got ${value}; did you mean ${value}%?`, unitAt);
  return value;
}

/** Parses one expression; never throws. On failure, `column` is 1-based within `text`. */
export function parseSloExpression(text: string): SloParseResult {
  const scan: Scanner = new Scanner(text);
  try {
    scan.skipSpace();
    const { metric, name, unit: unitClass, labels } = parseMetric(scan);
    scan.skipSpace();
    if (scan.text[scan.index] === '{') parseLabels(scan, metric, name, labels);
    scan.skipSpace();
    const op = scan.match(/<=|>=|==|<|>/) as ParsedSlo['op'] | undefined;
    if (!op) scan.fail(scan.text[scan.index] === '=' ? "expected an operator; did you mean '=='?" : "expected an operator ('<', '<=', '>', '>=', '==')");
    scan.skipSpace();
    const numberAt = scan.index;
    if (scan.text[scan.index] === '-') scan.fail('a threshold cannot be negative');
    const number = scan.match(/\d+(\.\d+)?/);
    if (!number) scan.fail('expected a number');
    // Found by fuzzing: 400 nines parse as Infinity, a threshold nothing can be compared with.
    if (!Number.isFinite(Number(number))) scan.fail(`the threshold ${number.length > 20 ? `${number.slice(0, 20)}…` : number} is too large`, numberAt);
    scan.skipSpace();
    const unitAt = scan.index;
    const unit = scan.match(/\S+/) ?? '';
    scan.skipSpace();
    if (scan.index < text.length) scan.fail(`unexpected '${text.slice(scan.index)}'`, unit ? scan.index : unitAt);
    const threshold = toBaseUnit(scan, unitClass, name, Number(number), unit, unit ? unitAt : numberAt);
    return { ok: true, slo: { metric, op, threshold } };
  } catch (error) {
    if (!(error instanceof Fail)) throw error;
    const column = error.index + 1;
    return { ok: false, column, reason: error.reason, message: `in '${text}' at column ${column}: ${error.reason}` };
  }
}

/** Parses one expression or throws a FaultlineError (FL_INVALID_INPUT) that quotes it. */
export function parseSlo(text: string): ParsedSlo {
  const result = parseSloExpression(text);
  if (!result.ok) throw new FaultlineError('FL_INVALID_INPUT', `SLO ${result.message}`);
  return result.slo;
}
