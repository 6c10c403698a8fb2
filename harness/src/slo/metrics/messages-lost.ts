import type { MetricEvaluator } from '../evaluator.ts';
import { disconnectionNote } from '../async-outcomes.ts';
import { measureWindow } from './async-requests.ts';

/** Accepted requests of the window with no completion when the observer stopped after the drain
 * (with the observer's blind spans in the detail when some are lost). */
export const messagesLost: MetricEvaluator<'messages_lost'> = {
  unit: 'count',
  label: () => 'messages lost',
  measure: (_metric, context) =>
    measureWindow(context, true, (requests, outcomes) => {
      const lost = requests.filter((request) => request.completedMs === undefined).length;
      return { value: lost, note: lost > 0 ? disconnectionNote(outcomes.observations) : undefined };
    }),
};
