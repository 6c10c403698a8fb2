import { scopeOf, type MetricEvaluator } from '../evaluator.ts';
import { counterIncrease } from './counter-delta.ts';

/** Δ dependency_request_duration_seconds_count{outcome="fallback"}: calls answered by a fallback. */
export const fallbacks: MetricEvaluator<'fallbacks'> = {
  unit: 'count',
  label: (metric) => `fallbacks${scopeOf(metric)}`,
  measure: (metric, context) =>
    counterIncrease(context, 'dependency_request_duration_seconds_count', {
      service: metric.service,
      dependency: metric.dependency,
      labels: { outcome: 'fallback' },
    }),
};
