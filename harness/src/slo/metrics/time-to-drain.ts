import { measured, unmeasured, type MetricEvaluator } from '../evaluator.ts';
import { followNote } from '../async-outcomes.ts';

/**
 * From the window's end (use `fault`: the end of the fault; `whole`: the end of the load) to the
 * moment every request accepted before that end had its completion: 0 when the backlog was
 * already empty at the end. A request that never completed means the backlog never drained.
 */
export const timeToDrain: MetricEvaluator<'time_to_drain'> = {
  unit: 'ms',
  label: () => 'time to drain',
  measure(_metric, { asyncOutcomes: outcomes, window }) {
    if (!outcomes.available) return unmeasured(outcomes.reason);
    const backlog = outcomes.requests.filter((request) => request.scheduledMs < window.endMs);
    if (backlog.length === 0) return unmeasured(`no request was accepted before the end of window ${window.name}`);
    const open = backlog.filter((request) => request.completedMs === undefined).length;
    if (open > 0) {
      return unmeasured(
        outcomes.cutShort
          ? `the run was interrupted before the drain ended: ${open} of ${backlog.length} requests accepted before the end of window ${window.name} still pending`
          : `${open} of ${backlog.length} requests accepted before the end of window ${window.name} never completed: the backlog never drained`,
      );
    }
    const lastMs = backlog.reduce((latest, request) => Math.max(latest, request.completedMs!), Number.NEGATIVE_INFINITY);
    return measured(Math.max(0, lastMs - window.endMs), followNote(outcomes.observations));
  },
};
