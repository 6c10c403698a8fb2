import { measured, unmeasured, type MetricEvaluator } from '../evaluator.ts';
import { nearestRank } from '../latency.ts';

/** `p(N)`: nearest-rank percentile of the latency from the scheduled time of every request sent
 * in the window, errors included (a fast failure is fast). */
export const latencyPercentile: MetricEvaluator<'latency_percentile'> = {
  unit: 'ms',
  label: (metric) => `p(${metric.percentile})`,
  measure(metric, { traffic, window }) {
    const value = nearestRank(traffic.latencies, metric.percentile);
    return value === undefined ? unmeasured(`no request was sent in window ${window.name}`) : measured(value);
  },
};
