import type { MetricEvaluator } from '../evaluator.ts';
import { duplicatesOf } from '../async-outcomes.ts';
import { measureWindow } from './async-requests.ts';

/** Second (third, …) side effects seen end to end: for each accepted request of the window, the
 * messages carrying its id with a message id other than the first — a redelivery of the same
 * message is no duplicate. */
export const asyncDuplicates: MetricEvaluator<'async_duplicates'> = {
  unit: 'count',
  label: () => 'async duplicates',
  measure: (_metric, context) => measureWindow(context, false, (requests) => ({ value: duplicatesOf(requests) })),
};
