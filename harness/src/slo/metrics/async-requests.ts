import { followNote, requestsIn, type AsyncOutcomes, type RequestOutcome } from '../async-outcomes.ts';
import { measured, unmeasured, type EvaluationContext, type Measurement } from '../evaluator.ts';

type Available = Extract<AsyncOutcomes, { available: true }>;

/** What a window-based async metric computes from the window's accepted requests: a value, a
 * reason it has none, and optionally a note for the detail. */
export type WindowMeasure = (requests: readonly RequestOutcome[], outcomes: Available) => { value: number; note?: string | undefined } | { reason: string };

/**
 * The frame every window-based async metric shares: not measured without outcomes (no async
 * block when it ran, no broker) or without a request accepted in the window; with `needsDrain`,
 * not measured while requests are pending (the run stopped before the drain could end). A value
 * carries the note on requests or messages that could not be followed.
 */
export function measureWindow(context: EvaluationContext, needsDrain: boolean, measure: WindowMeasure): Measurement {
  const outcomes = context.asyncOutcomes;
  if (!outcomes.available) return unmeasured(outcomes.reason);
  const requests = requestsIn(outcomes.requests, context.window);
  if (requests.length === 0) return unmeasured(`no request was accepted in window ${context.window.name}`);
  const pending = outcomes.cutShort ? requests.filter((request) => request.completedMs === undefined).length : 0;
  if (needsDrain && pending > 0)
    return unmeasured(`the run was interrupted before the drain ended: ${pending} of ${requests.length} accepted requests still pending`);
  const result = measure(requests, outcomes);
  if ('reason' in result) return unmeasured(result.reason);
  const notes = [result.note, followNote(outcomes.observations)].filter((note) => note !== undefined);
  return measured(result.value, notes.length > 0 ? notes.join('; ') : undefined);
}
