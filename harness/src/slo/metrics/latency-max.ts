import { measured, unmeasured, type MetricEvaluator } from '../evaluator.ts';

/** `max`: the longest latency from the scheduled time of a request sent in the window. */
export const latencyMax: MetricEvaluator<'latency_max'> = {
  unit: 'ms',
  label: () => 'max latency',
  measure(_metric, { traffic, window }) {
    const value = traffic.latencies.at(-1);
    return value === undefined ? unmeasured(`no request was sent in window ${window.name}`) : measured(value);
  },
};
