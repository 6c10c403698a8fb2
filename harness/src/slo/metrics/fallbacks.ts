import { scopeOf, type MetricEvaluator } from '../evaluator.ts';
import { counterIncrease } from './counter-delta.ts';

/** Δ dependency_request_duration_seconds_count{fallback="true"}: calls answered by a fallback,
 * whatever made them fail (every outcome summed). */
export const fallbacks: MetricEvaluator<'fallbacks'> = {
  unit: 'count',
  label: (metric) => `fallbacks${scopeOf(metric)}`,
  measure: (metric, context) =>
    counterIncrease(context, 'dependency_request_duration_seconds_count', {
      service: metric.service,
      dependency: metric.dependency,
      labels: { fallback: 'true' },
    }),
};
