import type { Registry } from 'prom-client';
import type { MessagingPolicy } from '../profile/schema.ts';
import type { Random } from '../random.ts';
import type { BrokerAdapter, Consumer, Publisher } from './bus.ts';
import { applyConsumerPolicy, SeenIds } from './consumer-policy.ts';
import { newEnvelope, type Envelope } from './envelope.ts';
import type { Journal, JournalRecord } from './journal.ts';
import { createMessagingMetrics, type MessagingMetrics } from './metrics.ts';
import { MemoryOutboxStore, Outbox, type OutboxEntry } from './outbox.ts';

/** Where failed messages go when the profile dead-letters them. */
export const deadLetterChannel = 'dead-letter';

/**
 * What a handler (HTTP or message) does inside one transaction: state records to keep and
 * messages to publish. Nothing leaves the process until the transaction is written.
 */
export interface UnitOfWork {
  /** Publishes after the commit, by the profile's policy; returns the envelope (its id). */
  publish(channel: string, type: string, payload: unknown): Envelope;
  /** A state change to replay after a restart (handed to `restore`). */
  record(record: JournalRecord): void;
}

export type AppMessageHandler = (envelope: Envelope, uow: UnitOfWork) => void | Promise<void>;

export interface MessagingOptions {
  service: string;
  policy: MessagingPolicy;
  adapter: BrokerAdapter;
  /** The broker as this service's publishing link reaches it (`<service> -> broker`). */
  publishUrl?: string | undefined;
  /** The broker as this service's consuming link reaches it (`broker -> <service>`). */
  subscribeUrl?: string | undefined;
  publishes: readonly string[];
  /** Channels the service must have a handler for (registered with `consume`) before `start`. */
  consumes: readonly string[];
  journal: Journal;
  registry: Registry;
  random: Random;
}

export class MessagingUnavailableError extends Error {
  override readonly name = 'MessagingUnavailableError';
}

/**
 * One service's messaging: its broker connections, the profile's publish policy applied to
 * every transaction, the consumer policy around every handler, the outbox relay, and the metrics.
 */
export class Messaging {
  readonly metrics: MessagingMetrics;
  private readonly publisher: Publisher | undefined;
  private consumer: Consumer | undefined;
  private readonly outbox: Outbox | undefined;
  private readonly seen = new SeenIds();
  private readonly store = new MemoryOutboxStore();
  private readonly handlers = new Map<string, AppMessageHandler>();
  private restore: ((record: JournalRecord) => void) | undefined;

  constructor(private readonly options: MessagingOptions) {
    this.metrics = createMessagingMetrics(options.registry, [...options.publishes, deadLetterChannel]);
    if (options.publishes.length > 0 || options.consumes.length > 0) {
      if (!options.publishUrl) throw new MessagingUnavailableError(`${options.service} publishes messages: set BROKER_URL`);
      this.publisher = options.adapter.connectPublisher({
        url: options.publishUrl,
        clientId: `${options.service}-publisher`,
        onConnectionChange: (up) => this.metrics.brokerConnected.set({ role: 'publisher' }, up ? 1 : 0),
      });
      this.metrics.brokerConnected.set({ role: 'publisher' }, 0);
    }
    if (this.publisher && options.policy.publish === 'outbox') {
      this.outbox = new Outbox({
        publisher: this.publisher,
        store: this.store,
        publishTimeoutMs: options.policy.publishTimeoutMs,
        maxInFlight: 32,
        backoff: { baseMs: 100, maxMs: 2000 },
        random: options.random,
        onPublished: (entry) => {
          options.journal.append([{ kind: 'sent', id: entry.envelope.id }]);
          this.metrics.published.inc({ channel: entry.channel, mode: 'confirmed' });
        },
        onFailedAttempt: (entry) => this.metrics.publishFailures.inc({ channel: entry.channel }),
        onPendingChange: (pending) => this.metrics.outboxPending.set(pending),
      });
    }
    this.metrics.outboxPending.set(this.store.size);
  }

  /** The service's handler of one channel it consumes. */
  consume(channel: string, handler: AppMessageHandler): void {
    if (!this.options.consumes.includes(channel)) throw new Error(`${this.options.service} does not declare that it consumes '${channel}'`);
    this.handlers.set(channel, handler);
    this.metrics.addConsumedChannel(channel);
  }

  /** Where the service's own journal records go after a restart (called from `start`). */
  onRestore(restore: (record: JournalRecord) => void): void {
    this.restore = restore;
  }

  /**
   * Replays the journal (the service's state, pending outbox entries, handled ids), then starts
   * the relay and connects the consumer. Call once the service's handlers are registered.
   */
  start(): void {
    this.replay();
    this.metrics.outboxPending.set(this.store.size);
    this.outbox?.start();
    const consumes = this.options.consumes;
    const missing = consumes.filter((channel) => !this.handlers.has(channel));
    if (missing.length > 0) throw new Error(`${this.options.service} has no handler for ${missing.join(', ')}`);
    if (consumes.length === 0) return;
    if (!this.options.subscribeUrl) throw new MessagingUnavailableError(`${this.options.service} consumes messages: set BROKER_SUBSCRIBE_URL`);
    const { policy } = this.options;
    const handle = applyConsumerPolicy(
      (envelope, channel) => this.transaction((uow) => this.handlers.get(channel)!(envelope, uow), envelope.id),
      {
        dedupe: policy.dedupe,
        maxAttempts: policy.maxAttempts,
        retryDelayMs: policy.retryDelayMs,
        deadLetterChannel: policy.deadLetter ? deadLetterChannel : undefined,
      },
      this.metrics.observer,
      (deadLetters, envelope, error) =>
        this.transaction((uow) => void uow.publish(deadLetters, 'dead-letter', { channel: envelope.type, envelope, error: error.message }), envelope.id),
      this.seen,
    );
    this.metrics.brokerConnected.set({ role: 'consumer' }, 0);
    this.consumer = this.options.adapter.connectConsumer({
      url: this.options.subscribeUrl,
      clientId: `${this.options.service}-consumer`,
      channels: [...consumes],
      durable: policy.durableSubscription,
      ackAfterProcessing: policy.ackAfterProcessing,
      handle,
      onConnectionChange: (up) => this.metrics.brokerConnected.set({ role: 'consumer' }, up ? 1 : 0),
    });
  }

  /**
   * Runs `work`, writes its records and outgoing messages in one journal append, then publishes
   * by the profile's policy. With `confirmed` it rejects when the broker does not acknowledge in
   * time (the caller answers 503); with `outbox` the relay owns delivery from here.
   */
  async transaction<T>(work: (uow: UnitOfWork) => T | Promise<T>, handledId?: string): Promise<T> {
    const records: JournalRecord[] = [];
    const outgoing: OutboxEntry[] = [];
    const uow: UnitOfWork = {
      publish: (channel, type, payload) => {
        const envelope = newEnvelope(type, payload);
        outgoing.push({ channel, envelope });
        return envelope;
      },
      record: (record) => void records.push(record),
    };
    const result = await work(uow);
    const policy = this.options.policy.publish;
    const journalled = [...records];
    if (policy === 'outbox') journalled.push(...outgoing.map((entry) => ({ kind: 'outbox', channel: entry.channel, envelope: entry.envelope })));
    if (handledId) journalled.push({ kind: 'handled', id: handledId });
    this.options.journal.append(journalled);
    if (outgoing.length > 0 && !this.publisher) throw new MessagingUnavailableError(`${this.options.service} has no broker connection to publish on`);
    for (const entry of outgoing) {
      if (policy === 'outbox') this.outbox!.add(entry.channel, entry.envelope);
      else if (policy === 'fire_and_forget') {
        await this.publisher!.publish(entry.channel, entry.envelope, { confirmed: false });
        this.metrics.published.inc({ channel: entry.channel, mode: 'fire_and_forget' });
      } else {
        try {
          await this.publisher!.publish(entry.channel, entry.envelope, { confirmed: true, timeoutMs: this.options.policy.publishTimeoutMs });
        } catch (error) {
          this.metrics.publishFailures.inc({ channel: entry.channel });
          throw new MessagingUnavailableError(`broker did not acknowledge ${entry.channel}: ${(error as Error).message}`);
        }
        this.metrics.published.inc({ channel: entry.channel, mode: 'confirmed' });
      }
    }
    return result;
  }

  /** For /health. */
  status(): { publisher: boolean | null; consumer: boolean | null; outboxPending: number } {
    return { publisher: this.publisher?.connected ?? null, consumer: this.consumer?.connected ?? null, outboxPending: this.store.size };
  }

  async close(): Promise<void> {
    await this.outbox?.stop();
    await Promise.all([this.consumer?.close(), this.publisher?.close()]);
    this.options.journal.close();
  }

  private replay(): void {
    for (const record of this.options.journal.replayed) {
      if (record.kind === 'outbox') this.store.add({ channel: record['channel'] as string, envelope: record['envelope'] as Envelope });
      else if (record.kind === 'sent') this.store.remove(record['id'] as string);
      else if (record.kind === 'handled') this.seen.add(record['id'] as string);
      else this.restore?.(record);
    }
  }
}
