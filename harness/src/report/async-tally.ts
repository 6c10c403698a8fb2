import type { AcceptedRequest, CompletionMessage } from '../model/recording.ts';

/** What one accepted request or one completion message adds to a run's async counters. */
export interface AsyncIncrement {
  accepted: number;
  completed: number;
  duplicates: number;
  redeliveries: number;
  /** End-to-end latencies (ms) of the requests that completed with this event. */
  latenciesMs: number[];
}

interface Followed {
  scheduledMs: number;
  /** Message ids seen for it so far; empty while it has not completed. */
  messageIds: Set<string>;
}

const nothing = (): AsyncIncrement => ({ accepted: 0, completed: 0, duplicates: 0, redeliveries: 0, latenciesMs: [] });

/**
 * A run's asynchronous outcomes counted as they happen, for the live exposition. The definitions
 * are analysis's (slo/async-outcomes.ts, docs/slos.md), applied one event at a time, so once
 * every event is in, the totals are the whole-run numbers analysis reports:
 * - an accepted id counts once, however many responses carried it (the first one read is kept;
 *   analysis keeps the earliest scheduled, which differs only for an id accepted twice);
 * - it is **completed** by the first message carrying it; its latency runs from its scheduled
 *   send to that message;
 * - each further message with a **new** message id is a **duplicate** (a second side effect);
 *   one repeating a message id already seen is a **redelivery**.
 * A completion can arrive before the response that accepted its request has been read: it waits
 * here until that id is accepted. Messages whose id is never accepted (warm-up requests, a
 * request the client gave up on) are never counted, as analysis counts them only as unmatched.
 */
export class AsyncTally {
  readonly #followed = new Map<string, Followed>();
  /** Messages whose id has not been accepted (yet), in arrival order. */
  readonly #waiting = new Map<string, CompletionMessage[]>();

  accept(request: AcceptedRequest): AsyncIncrement {
    const increment = nothing();
    if (this.#followed.has(request.id)) return increment;
    const followed: Followed = { scheduledMs: request.scheduledMs, messageIds: new Set() };
    this.#followed.set(request.id, followed);
    increment.accepted = 1;
    for (const message of this.#waiting.get(request.id) ?? []) this.#count(followed, message, increment);
    this.#waiting.delete(request.id);
    return increment;
  }

  complete(message: CompletionMessage): AsyncIncrement {
    const increment = nothing();
    const followed = this.#followed.get(message.id);
    if (followed) this.#count(followed, message, increment);
    else {
      const waiting = this.#waiting.get(message.id);
      if (waiting) waiting.push(message);
      else this.#waiting.set(message.id, [message]);
    }
    return increment;
  }

  #count(followed: Followed, message: CompletionMessage, increment: AsyncIncrement): void {
    if (followed.messageIds.has(message.messageId)) increment.redeliveries++;
    else if (followed.messageIds.size > 0) increment.duplicates++;
    else {
      increment.completed++;
      increment.latenciesMs.push(message.atMs - followed.scheduledMs);
    }
    followed.messageIds.add(message.messageId);
  }
}
