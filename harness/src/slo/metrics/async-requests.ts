import { followNote, requestsIn, type AsyncOutcomes, type RequestOutcome } from '../async-outcomes.ts';
import { measured, unmeasured, type EvaluationContext, type Measurement } from '../evaluator.ts';

type Available = Extract<AsyncOutcomes, { available: true }>;

/** The accepted requests of the SLO's window, or the measurement saying why there are none to
 * judge (no async block when it ran, no broker, nothing accepted). Shared by the async metrics. */
export function windowRequests(context: EvaluationContext): { outcomes: Available; requests: RequestOutcome[] } | { measurement: Measurement } {
  const outcomes = context.asyncOutcomes;
  if (!outcomes.available) return { measurement: unmeasured(outcomes.reason) };
  const requests = requestsIn(outcomes.requests, context.window);
  if (requests.length === 0) return { measurement: unmeasured(`no request was accepted in window ${context.window.name}`) };
  return { outcomes, requests };
}

/** Not measured while requests are pending: the run stopped before the drain could end. */
export function pendingReason(outcomes: Available, requests: readonly RequestOutcome[]): string | undefined {
  if (!outcomes.cutShort) return undefined;
  const pending = requests.filter((request) => request.completedMs === undefined).length;
  return pending === 0 ? undefined : `the run was interrupted before the drain ended: ${pending} of ${requests.length} accepted requests still pending`;
}

/** A value, with the note on requests or messages that could not be followed. */
export function measuredAsync(value: number, outcomes: Available, extra?: string): Measurement {
  const notes = [extra, followNote(outcomes.observations)].filter((note) => note !== undefined);
  return measured(value, notes.length > 0 ? notes.join('; ') : undefined);
}
