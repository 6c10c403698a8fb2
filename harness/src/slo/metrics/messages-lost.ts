import { unmeasured, type MetricEvaluator } from '../evaluator.ts';
import { disconnectionNote } from '../async-outcomes.ts';
import { measuredAsync, pendingReason, windowRequests } from './async-requests.ts';

/** Accepted requests of the window with no completion when the observer stopped after the drain. */
export const messagesLost: MetricEvaluator<'messages_lost'> = {
  unit: 'count',
  label: () => 'messages lost',
  measure(_metric, context) {
    const found = windowRequests(context);
    if ('measurement' in found) return found.measurement;
    const pending = pendingReason(found.outcomes, found.requests);
    if (pending) return unmeasured(pending);
    const lost = found.requests.filter((request) => request.completedMs === undefined).length;
    return measuredAsync(lost, found.outcomes, lost > 0 ? disconnectionNote(found.outcomes.observations) : undefined);
  },
};
