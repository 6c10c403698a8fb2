import type { Recording } from '../model/recording.ts';
import type { SloMetric, SloMetricKind } from '../scenario/model.ts';
import type { AsyncOutcomes } from './async-outcomes.ts';
import type { BreakerLog } from './breaker-log.ts';
import type { ScrapeIndex } from './scrape-index.ts';
import type { NamedWindow, Traffic } from './traffic.ts';

/** Base unit of a metric's measured value and threshold. */
export type SloUnit = 'ms' | 'ratio' | 'req/s' | 'count';

/** What an evaluator measured: a value, or null with the reason it could not be measured.
 * `note` says how a value was obtained when that limits it (e.g. measured from scrapes only),
 * and ends the SLO's detail sentence. */
export type Measurement = { value: number; note?: string } | { value: null; reason: string };

/** Everything an evaluator may read; derived data is computed once by analysis and shared. */
export interface EvaluationContext {
  recording: Recording;
  /** The window the SLO names. */
  window: NamedWindow;
  /** Client traffic scheduled in that window. */
  traffic: Traffic;
  /** Client traffic of the `baseline` window, when the recording has one. */
  baseline: Traffic | undefined;
  scrapes: ScrapeIndex;
  /** The run's breakers and their exact transitions. */
  breakers: BreakerLog;
  /** Every accepted request matched with its asynchronous outcome (or why there are none). */
  asyncOutcomes: AsyncOutcomes;
}

/**
 * How one SLO metric kind is measured. One file per kind in ./metrics, registered in
 * ./metrics/registry.ts; adding a metric is one file plus one registry line.
 */
export interface MetricEvaluator<K extends SloMetricKind = SloMetricKind> {
  unit: SloUnit;
  /** `percent` shows ratios as percentages (the default for `ratio`); `times` as `1.4×`. */
  display?: 'percent' | 'times';
  /** Short name for sentences, e.g. `p(99)`, `error rate`, `retry amplification of a -> b`. */
  label(metric: Extract<SloMetric, { kind: K }>): string;
  measure(metric: Extract<SloMetric, { kind: K }>, context: EvaluationContext): Measurement;
}

export function measured(value: number, note?: string): Measurement {
  return note === undefined ? { value } : { value, note };
}

export function unmeasured(reason: string): Measurement {
  return { value: null, reason };
}

/** ` of dispatch -> pricing`, ` of dispatch`, ` of calls to pricing`, or nothing. */
export function scopeOf(metric: { service?: string; dependency?: string }): string {
  if (metric.service && metric.dependency) return ` of ${metric.service} -> ${metric.dependency}`;
  if (metric.service) return ` of ${metric.service}`;
  if (metric.dependency) return ` of calls to ${metric.dependency}`;
  return '';
}
