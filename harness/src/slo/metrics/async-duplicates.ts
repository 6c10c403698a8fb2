import type { MetricEvaluator } from '../evaluator.ts';
import { duplicatesOf } from '../async-outcomes.ts';
import { measuredAsync, windowRequests } from './async-requests.ts';

/** Second (third, …) side effects seen end to end: for each accepted request of the window, the
 * messages carrying its id with a message id other than the first — a redelivery of the same
 * message is no duplicate. */
export const asyncDuplicates: MetricEvaluator<'async_duplicates'> = {
  unit: 'count',
  label: () => 'async duplicates',
  measure(_metric, context) {
    const found = windowRequests(context);
    if ('measurement' in found) return found.measurement;
    return measuredAsync(duplicatesOf(found.requests), found.outcomes);
  },
};
