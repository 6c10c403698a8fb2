import type { Publisher } from './bus.ts';
import type { Envelope } from './envelope.ts';
import type { Random } from '../random.ts';

/** One message the service has committed to publish. */
export interface OutboxEntry {
  channel: string;
  envelope: Envelope;
}

/**
 * Where outbox entries live until the broker confirmed them. The service writes its own state
 * change and the entry in one step (the "transaction"); an in-memory store keeps them for the
 * process's life, a journal-backed store across a crash.
 */
export interface OutboxStore {
  add(entry: OutboxEntry): void;
  remove(id: string): void;
  entries(): Iterable<OutboxEntry>;
  readonly size: number;
}

export class MemoryOutboxStore implements OutboxStore {
  private readonly byId = new Map<string, OutboxEntry>();
  add(entry: OutboxEntry): void {
    this.byId.set(entry.envelope.id, entry);
  }
  remove(id: string): void {
    this.byId.delete(id);
  }
  entries(): Iterable<OutboxEntry> {
    return this.byId.values();
  }
  get size(): number {
    return this.byId.size;
  }
}

export interface OutboxOptions {
  publisher: Publisher;
  store?: OutboxStore | undefined;
  /** How long one publish waits for the broker's acknowledgement. */
  publishTimeoutMs: number;
  /** Confirmed publishes outstanding at once. */
  maxInFlight: number;
  /** Exponential backoff with full jitter between attempts of one entry. */
  backoff: { baseMs: number; maxMs: number };
  random: Random;
  onPublished?: ((entry: OutboxEntry) => void) | undefined;
  onFailedAttempt?: ((entry: OutboxEntry, error: Error) => void) | undefined;
  onPendingChange?: ((pending: number) => void) | undefined;
}

/**
 * The transactional outbox's relay: publishes every entry with a confirmed publish and removes
 * it only once the broker acknowledged it, trying again with backoff for as long as it takes. A
 * broker outage delays messages; it does not lose them. An acknowledgement lost on the way back
 * makes the relay publish the same envelope again — at least once, so consumers deduplicate by
 * envelope id.
 */
export class Outbox {
  private readonly store: OutboxStore;
  private readonly inFlight = new Set<string>();
  private readonly attempts = new Map<string, number>();
  private readonly waiting = new Map<string, NodeJS.Timeout>();
  private running = false;
  private idle: (() => void) | undefined;

  constructor(private readonly options: OutboxOptions) {
    this.store = options.store ?? new MemoryOutboxStore();
  }

  /** Entries not yet acknowledged by the broker (the `outbox_pending` gauge). */
  get pending(): number {
    return this.store.size;
  }

  add(channel: string, envelope: Envelope): void {
    this.store.add({ channel, envelope });
    this.options.onPendingChange?.(this.store.size);
    this.pump();
  }

  start(): void {
    this.running = true;
    this.pump();
  }

  /** Stops publishing; entries stay in the store. Waits for publishes already sent. */
  async stop(): Promise<void> {
    this.running = false;
    for (const timer of this.waiting.values()) clearTimeout(timer);
    this.waiting.clear();
    if (this.inFlight.size === 0) return;
    await new Promise<void>((resolve) => (this.idle = resolve));
  }

  private pump(): void {
    if (!this.running) return;
    for (const entry of this.store.entries()) {
      if (this.inFlight.size >= this.options.maxInFlight) return;
      const id = entry.envelope.id;
      if (this.inFlight.has(id) || this.waiting.has(id)) continue;
      this.send(entry);
    }
  }

  private send(entry: OutboxEntry): void {
    const id = entry.envelope.id;
    this.inFlight.add(id);
    this.options.publisher.publish(entry.channel, entry.envelope, { confirmed: true, timeoutMs: this.options.publishTimeoutMs }).then(
      () => {
        this.settle(id);
        this.attempts.delete(id);
        this.store.remove(id);
        this.options.onPublished?.(entry);
        this.options.onPendingChange?.(this.store.size);
        this.pump();
      },
      (error: Error) => {
        this.settle(id);
        this.options.onFailedAttempt?.(entry, error);
        if (!this.running) return;
        const attempt = (this.attempts.get(id) ?? 0) + 1;
        this.attempts.set(id, attempt);
        const ceiling = Math.min(this.options.backoff.maxMs, this.options.backoff.baseMs * 2 ** (attempt - 1));
        const delay = Math.round(this.options.random() * ceiling);
        this.waiting.set(
          id,
          setTimeout(() => {
            this.waiting.delete(id);
            this.pump();
          }, delay),
        );
        this.pump();
      },
    );
  }

  private settle(id: string): void {
    this.inFlight.delete(id);
    if (this.inFlight.size === 0 && this.idle) {
      const resolve = this.idle;
      this.idle = undefined;
      resolve();
    }
  }
}
