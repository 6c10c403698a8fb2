import { scopeOf, type MetricEvaluator } from '../evaluator.ts';
import { counterIncrease } from './counter-delta.ts';

/** Δ bulkhead_rejections_total: calls turned away because the bulkhead and its queue were full. */
export const bulkheadRejections: MetricEvaluator<'bulkhead_rejections'> = {
  unit: 'count',
  label: (metric) => `bulkhead rejections${scopeOf(metric)}`,
  measure: (metric, context) => counterIncrease(context, 'bulkhead_rejections_total', metric),
};
