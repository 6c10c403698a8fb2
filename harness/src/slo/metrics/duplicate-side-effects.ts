import { scopeOf, type MetricEvaluator } from '../evaluator.ts';
import { counterIncrease } from './counter-delta.ts';

/** Δ side_effect_duplicates_total: side effects applied twice (a retried non-idempotent call). */
export const duplicateSideEffects: MetricEvaluator<'duplicate_side_effects'> = {
  unit: 'count',
  label: (metric) => `duplicate side effects${scopeOf(metric)}`,
  measure: (metric, context) => counterIncrease(context, 'side_effect_duplicates_total', { service: metric.service }),
};
