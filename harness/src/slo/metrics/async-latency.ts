import type { MetricEvaluator } from '../evaluator.ts';
import { sortedAsyncLatencies } from '../async-outcomes.ts';
import { nearestRank } from '../latency.ts';
import { measureWindow } from './async-requests.ts';

/** `async_latency_p(N)`: nearest-rank percentile of the end-to-end latency — scheduled send to
 * the first completion message — of the window's accepted requests that completed. */
export const asyncLatencyPercentile: MetricEvaluator<'async_latency_percentile'> = {
  unit: 'ms',
  label: (metric) => `async latency p(${metric.percentile})`,
  measure: (metric, context) =>
    measureWindow(context, false, (requests) => {
      const value = nearestRank(sortedAsyncLatencies(requests), metric.percentile);
      return value === undefined ? { reason: `no request accepted in window ${context.window.name} completed` } : { value };
    }),
};
