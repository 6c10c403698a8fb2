import { unmeasured, type MetricEvaluator } from '../evaluator.ts';
import { measuredAsync, pendingReason, windowRequests } from './async-requests.ts';

/** Accepted requests of the window whose asynchronous outcome arrived (by the end of the
 * drain), over the accepted requests of the window. */
export const asyncCompletionRate: MetricEvaluator<'async_completion_rate'> = {
  unit: 'ratio',
  label: () => 'async completion rate',
  measure(_metric, context) {
    const found = windowRequests(context);
    if ('measurement' in found) return found.measurement;
    const pending = pendingReason(found.outcomes, found.requests);
    if (pending) return unmeasured(pending);
    const completed = found.requests.filter((request) => request.completedMs !== undefined).length;
    return measuredAsync(completed / found.requests.length, found.outcomes);
  },
};
