import type { Delivery } from './bus.ts';
import type { Envelope } from './envelope.ts';

/** How a consumer treats what it receives; one per profile (services/lib/profile). */
export interface ConsumerPolicy {
  /** Skip a message whose envelope id was already handled (an idempotent consumer). */
  dedupe: boolean;
  /** Handler attempts per delivery before giving up; 1 = no retry. */
  maxAttempts: number;
  /** Pause between attempts. */
  retryDelayMs: number;
  /** Where a message goes after its last failed attempt; none = it is dropped. */
  deadLetterChannel?: string | undefined;
}

/** What the wrapper reports; the service turns these into metrics. */
export interface ConsumerObserver {
  delivered(delivery: Delivery): void;
  redelivered(channel: string, cause: 'broker' | 'retry'): void;
  duplicate(channel: string): void;
  inflight(channel: string, change: 1 | -1): void;
  deadLettered(channel: string): void;
  dropped(channel: string, error: Error): void;
}

export type MessageHandler = (envelope: Envelope, channel: string) => Promise<void>;
export type DeadLetterSink = (channel: string, envelope: Envelope, error: Error) => Promise<void>;

/**
 * Remembers envelope ids handled (or being handled), oldest forgotten past `capacity`. Used to
 * count duplicates in every profile, and to skip them when the policy dedupes.
 */
export class SeenIds {
  private readonly ids = new Set<string>();
  constructor(private readonly capacity = 50_000) {}
  has(id: string): boolean {
    return this.ids.has(id);
  }
  add(id: string): void {
    this.ids.add(id);
    if (this.ids.size > this.capacity) this.ids.delete(this.ids.values().next().value!);
  }
  delete(id: string): void {
    this.ids.delete(id);
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Wraps a service's message handler in its consumer policy. The result never rejects: a message
 * is handled, skipped as a duplicate, dead-lettered or dropped — and the adapter may acknowledge it.
 */
export function applyConsumerPolicy(
  handler: MessageHandler,
  policy: ConsumerPolicy,
  observer: ConsumerObserver,
  deadLetter: DeadLetterSink,
  seen: SeenIds = new SeenIds(),
): (delivery: Delivery) => Promise<void> {
  return async (delivery) => {
    const { channel, envelope } = delivery;
    observer.delivered(delivery);
    if (delivery.redelivered) observer.redelivered(channel, 'broker');
    if (seen.has(envelope.id)) {
      observer.duplicate(channel);
      if (policy.dedupe) return;
    }
    seen.add(envelope.id);
    observer.inflight(channel, 1);
    try {
      let lastError: Error | undefined;
      for (let attempt = 1; attempt <= Math.max(1, policy.maxAttempts); attempt++) {
        if (attempt > 1) {
          observer.redelivered(channel, 'retry');
          await sleep(policy.retryDelayMs);
        }
        try {
          await handler(envelope, channel);
          return;
        } catch (error) {
          lastError = error as Error;
        }
      }
      // Failed for good: forget the id, so a later delivery of it is tried again, not skipped.
      seen.delete(envelope.id);
      if (policy.deadLetterChannel) {
        try {
          await deadLetter(policy.deadLetterChannel, envelope, lastError!);
          observer.deadLettered(channel);
          return;
        } catch (error) {
          lastError = error as Error;
        }
      }
      observer.dropped(channel, lastError!);
    } finally {
      observer.inflight(channel, -1);
    }
  };
}
