import { scopeOf, type MetricEvaluator } from '../evaluator.ts';
import { counterIncrease } from './counter-delta.ts';

/** Δ dependency_request_duration_seconds_count{outcome="short_circuit"}: calls that ended because
 * an open breaker refused them (at the first try or a retry), whether or not a fallback then
 * answered (both values of the `fallback` label summed). */
export const shortCircuits: MetricEvaluator<'short_circuits'> = {
  unit: 'count',
  label: (metric) => `short circuits${scopeOf(metric)}`,
  measure: (metric, context) =>
    counterIncrease(context, 'dependency_request_duration_seconds_count', {
      service: metric.service,
      dependency: metric.dependency,
      labels: { outcome: 'short_circuit' },
    }),
};
