import { measured, unmeasured, type MetricEvaluator } from '../evaluator.ts';
import { mean } from '../latency.ts';

/** `mean`: the arithmetic mean latency from the scheduled time of the requests sent. */
export const latencyMean: MetricEvaluator<'latency_mean'> = {
  unit: 'ms',
  label: () => 'mean latency',
  measure(_metric, { traffic, window }) {
    const value = mean(traffic.latencies);
    return value === undefined ? unmeasured(`no request was sent in window ${window.name}`) : measured(value);
  },
};
