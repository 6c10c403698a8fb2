import type { AsyncObservations, Recording } from '../model/recording.ts';
import { inRange, type TimeRange } from './traffic.ts';

/**
 * The asynchronous outcome of every accepted request, matched once per analysis: the messages
 * on the completion channel that carry its id. Definitions (docs/slos.md):
 * - **completed**: at least one message carried its id; its completion time is the first one's.
 * - **duplicate**: every further message with the same request id and a *different* message id
 *   — a second side effect (a second driver assigned, a second notification).
 * - **redelivery**: a message whose message id was already seen for that request — the broker
 *   or a publisher sending the same message again, which an idempotent consumer absorbs.
 * - **lost**: no message by the time the observer stopped after the drain; **pending** instead
 *   when the run was interrupted before the drain could end (its fate is unknown).
 */
export interface RequestOutcome {
  id: string;
  scheduledMs: number;
  acceptedMs: number;
  /** First message carrying the id (ms since t = 0); undefined: none seen. */
  completedMs?: number;
  /** Distinct message ids carrying the id: 1 = once, 2 = one duplicate side effect, … */
  messages: number;
  /** Every message carrying the id, redeliveries included. */
  deliveries: number;
}

export type AsyncOutcomes =
  | {
      available: true;
      /** One per accepted id (the first acceptance of an id that was accepted more than once). */
      requests: readonly RequestOutcome[];
      observations: AsyncObservations;
      /** The observer stopped before the drain ended (interrupted): uncompleted is pending, not lost. */
      cutShort: boolean;
      /** Messages whose id no accepted request had (warm-up, a request the client gave up on). */
      unmatched: number;
    }
  | { available: false; reason: string; observations?: AsyncObservations };

/** Why a recording without `async` has no outcomes to judge. */
export const NO_ASYNC_RECORDED = 'the recording has no asynchronous outcomes (the scenario had no async: block when it ran)';

export function asyncOutcomes(recording: Recording): AsyncOutcomes {
  const observations = recording.async;
  if (!observations) return { available: false, reason: NO_ASYNC_RECORDED };
  if (observations.unavailable !== undefined) return { available: false, reason: observations.unavailable, observations };
  const messagesById = new Map<string, { firstMs: number; messageIds: Set<string>; deliveries: number }>();
  for (const message of observations.completions) {
    const entry = messagesById.get(message.id);
    if (!entry) messagesById.set(message.id, { firstMs: message.atMs, messageIds: new Set([message.messageId]), deliveries: 1 });
    else {
      entry.firstMs = Math.min(entry.firstMs, message.atMs);
      entry.messageIds.add(message.messageId);
      entry.deliveries++;
    }
  }
  const requests: RequestOutcome[] = [];
  const seen = new Set<string>();
  for (const accepted of [...observations.accepted].sort((a, b) => a.scheduledMs - b.scheduledMs)) {
    // The same id answered twice is one resource with one outcome, not two requests.
    if (seen.has(accepted.id)) continue;
    seen.add(accepted.id);
    const messages = messagesById.get(accepted.id);
    requests.push({
      id: accepted.id,
      scheduledMs: accepted.scheduledMs,
      acceptedMs: accepted.acceptedMs,
      ...(messages ? { completedMs: messages.firstMs } : {}),
      messages: messages?.messageIds.size ?? 0,
      deliveries: messages?.deliveries ?? 0,
    });
  }
  const unmatched = [...messagesById.entries()].filter(([id]) => !seen.has(id)).reduce((sum, [, entry]) => sum + entry.deliveries, 0);
  return { available: true, requests, observations, cutShort: observations.stopped === 'interrupted', unmatched };
}

/** The requests of a range, by scheduled time (start ≤ t < end), as for every client metric. */
export function requestsIn(requests: readonly RequestOutcome[], range: TimeRange): RequestOutcome[] {
  return requests.filter((request) => inRange(range, request.scheduledMs));
}

/** End-to-end latency of a completed request: from its scheduled send to its first completion. */
export function asyncLatencyMs(request: RequestOutcome): number | undefined {
  return request.completedMs === undefined ? undefined : request.completedMs - request.scheduledMs;
}

/** Ascending async latencies of the completed requests. */
export function sortedAsyncLatencies(requests: readonly RequestOutcome[]): number[] {
  return requests.flatMap((request) => (request.completedMs === undefined ? [] : [request.completedMs - request.scheduledMs])).sort((a, b) => a - b);
}

/** Duplicate side effects: messages beyond the first distinct one, per request, summed. */
export function duplicatesOf(requests: readonly RequestOutcome[]): number {
  return requests.reduce((sum, request) => sum + Math.max(0, request.messages - 1), 0);
}

/** Redeliveries: deliveries that repeated a message id already seen for the request. */
export function redeliveriesOf(requests: readonly RequestOutcome[]): number {
  return requests.reduce((sum, request) => sum + (request.deliveries - request.messages), 0);
}

/** What limits the async numbers, for the end of an SLO's detail; undefined when nothing does. */
export function followNote(observations: AsyncObservations): string | undefined {
  const notes: string[] = [];
  if (observations.acceptedWithoutId > 0)
    notes.push(`${observations.acceptedWithoutId} accepted response(s) had no id at ${observations.requestId} and are not followed`);
  if (observations.unreadable > 0)
    notes.push(`${observations.unreadable} message(s) on ${observations.channel} had no id at ${observations.completionId} or ${observations.messageId}`);
  return notes.length > 0 ? notes.join('; ') : undefined;
}

/** The observer's blind spans, said with a loss: with a broker that lost its state, messages
 * published before the observer subscribed again were not seen. */
export function disconnectionNote(observations: AsyncObservations): string | undefined {
  const spans = observations.disconnections;
  if (spans.length === 0) return undefined;
  const totalMs = spans.reduce((sum, span) => sum + (span.toMs - span.fromMs), 0);
  return `the observer was disconnected from the broker ${spans.length} time(s), ${Math.round(totalMs)} ms in all; a broker that lost its state then may have lost the observer's subscription too`;
}
