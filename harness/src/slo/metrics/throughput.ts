import { measured, unmeasured, type MetricEvaluator } from '../evaluator.ts';

/** Successful responses per second of the window (by scheduled time). */
export const throughput: MetricEvaluator<'throughput'> = {
  unit: 'req/s',
  label: () => 'throughput',
  measure(_metric, { traffic, window }) {
    const seconds = (window.endMs - window.startMs) / 1000;
    return seconds > 0 ? measured(traffic.okCount / seconds) : unmeasured(`window ${window.name} is empty`);
  },
};
