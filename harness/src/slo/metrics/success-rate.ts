import { measured, unmeasured, type MetricEvaluator } from '../evaluator.ts';
import { attempted } from '../traffic.ts';

/** ok / (sent + dropped): a dropped request is a failed one for the user. */
export const successRate: MetricEvaluator<'success_rate'> = {
  unit: 'ratio',
  label: () => 'success rate',
  measure(_metric, { traffic, window }) {
    const total = attempted(traffic);
    return total === 0 ? unmeasured(`no request was scheduled in window ${window.name}`) : measured(traffic.okCount / total);
  },
};
