import { unmeasured, type MetricEvaluator } from '../evaluator.ts';
import { sortedAsyncLatencies } from '../async-outcomes.ts';
import { nearestRank } from '../latency.ts';
import { measuredAsync, windowRequests } from './async-requests.ts';

/** `async_latency_p(N)`: nearest-rank percentile of the end-to-end latency — scheduled send to
 * the first completion message — of the window's accepted requests that completed. */
export const asyncLatencyPercentile: MetricEvaluator<'async_latency_percentile'> = {
  unit: 'ms',
  label: (metric) => `async latency p(${metric.percentile})`,
  measure(metric, context) {
    const found = windowRequests(context);
    if ('measurement' in found) return found.measurement;
    const value = nearestRank(sortedAsyncLatencies(found.requests), metric.percentile);
    if (value === undefined) return unmeasured(`no request accepted in window ${context.window.name} completed`);
    return measuredAsync(value, found.outcomes);
  },
};
