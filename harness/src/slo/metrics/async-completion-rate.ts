import type { MetricEvaluator } from '../evaluator.ts';
import { measureWindow } from './async-requests.ts';

/** Accepted requests of the window whose asynchronous outcome arrived (by the end of the
 * drain), over the accepted requests of the window. */
export const asyncCompletionRate: MetricEvaluator<'async_completion_rate'> = {
  unit: 'ratio',
  label: () => 'async completion rate',
  measure: (_metric, context) =>
    measureWindow(context, true, (requests) => ({ value: requests.filter((request) => request.completedMs !== undefined).length / requests.length })),
};
