import { measured, type MetricEvaluator } from '../evaluator.ts';

/** Requests scheduled in the window but never sent because the in-flight cap was reached. */
export const dropped: MetricEvaluator<'dropped'> = {
  unit: 'count',
  label: () => 'dropped requests',
  measure: (_metric, { traffic }) => measured(traffic.droppedCount),
};
