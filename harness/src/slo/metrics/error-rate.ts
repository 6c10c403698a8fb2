import { measured, unmeasured, type MetricEvaluator } from '../evaluator.ts';
import { errorRate as errorRateOf } from '../traffic.ts';

/** (errors + dropped) / (sent + dropped). */
export const errorRate: MetricEvaluator<'error_rate'> = {
  unit: 'ratio',
  label: () => 'error rate',
  measure(_metric, { traffic, window }) {
    const value = errorRateOf(traffic);
    return value === undefined ? unmeasured(`no request was scheduled in window ${window.name}`) : measured(value);
  },
};
