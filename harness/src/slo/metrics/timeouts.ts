import { scopeOf, type MetricEvaluator } from '../evaluator.ts';
import { counterIncrease } from './counter-delta.ts';

/** Δ dependency_attempts_total{outcome="timeout"}: attempts the per-attempt timeout cut off. */
export const timeouts: MetricEvaluator<'timeouts'> = {
  unit: 'count',
  label: (metric) => `timeouts${scopeOf(metric)}`,
  measure: (metric, context) =>
    counterIncrease(context, 'dependency_attempts_total', { service: metric.service, dependency: metric.dependency, labels: { outcome: 'timeout' } }),
};
