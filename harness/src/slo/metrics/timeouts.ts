import { scopeOf, type MetricEvaluator } from '../evaluator.ts';
import { counterIncrease } from './counter-delta.ts';

/** Δ dependency_attempts_total{outcome="timeout"}: network attempts cut off by the per-attempt
 * timeout or the propagated deadline (counted when their call ends). Attempts, not calls: a call
 * retried after two timeouts counts 2. */
export const timeouts: MetricEvaluator<'timeouts'> = {
  unit: 'count',
  label: (metric) => `timeouts${scopeOf(metric)}`,
  measure: (metric, context) =>
    counterIncrease(context, 'dependency_attempts_total', { service: metric.service, dependency: metric.dependency, labels: { outcome: 'timeout' } }),
};
