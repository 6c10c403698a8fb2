import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { ConsumerObserver } from './consumer-policy.ts';

/** Seconds from an event's `occurredAt` to its delivery: 1 ms … 60 s. */
const lagBucketsSeconds = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/** The messaging metric families of one service (docs/metrics.md, "Messaging"). */
export interface MessagingMetrics {
  published: Counter<'channel' | 'mode'>;
  publishFailures: Counter<'channel'>;
  delivered: Counter<'channel'>;
  redelivered: Counter<'channel' | 'cause'>;
  duplicates: Counter<'channel'>;
  deadLetters: Counter<'channel'>;
  dropped: Counter<'channel'>;
  outboxPending: Gauge;
  consumerInflight: Gauge<'channel'>;
  brokerConnected: Gauge<'role'>;
  deliveryLag: Histogram<'channel'>;
  observer: ConsumerObserver;
  /** Exposes a consumed channel's series at 0 (called when its handler is registered). */
  addConsumedChannel(channel: string): void;
}

export function createMessagingMetrics(registry: Registry, publishes: readonly string[]): MessagingMetrics {
  const registers = [registry];
  const metrics = {
    published: new Counter({
      name: 'messages_published_total',
      help: 'Messages the broker accepted (mode="confirmed": acknowledged) or that were handed to the connection (mode="fire_and_forget").',
      labelNames: ['channel', 'mode'],
      registers,
    }),
    publishFailures: new Counter({
      name: 'message_publish_failures_total',
      help: 'Confirmed publishes that were not acknowledged in time or failed; the outbox tries them again.',
      labelNames: ['channel'],
      registers,
    }),
    delivered: new Counter({
      name: 'messages_delivered_total',
      help: 'Messages received from the broker, redeliveries included.',
      labelNames: ['channel'],
      registers,
    }),
    redelivered: new Counter({
      name: 'messages_redelivered_total',
      help: 'Deliveries after the first: cause="broker" (the broker sent it again), cause="retry" (the consumer tried its handler again).',
      labelNames: ['channel', 'cause'],
      registers,
    }),
    duplicates: new Counter({
      name: 'messages_duplicates_total',
      help: 'Deliveries of an envelope id this consumer had already handled.',
      labelNames: ['channel'],
      registers,
    }),
    deadLetters: new Counter({
      name: 'dead_letters_total',
      help: 'Messages moved to the dead-letter channel after their last failed attempt.',
      labelNames: ['channel'],
      registers,
    }),
    dropped: new Counter({
      name: 'messages_dropped_total',
      help: 'Messages given up without a dead letter (the handler failed for good).',
      labelNames: ['channel'],
      registers,
    }),
    outboxPending: new Gauge({ name: 'outbox_pending', help: 'Outbox entries not yet acknowledged by the broker.', registers }),
    consumerInflight: new Gauge({ name: 'consumer_inflight', help: 'Messages being handled now.', labelNames: ['channel'], registers }),
    brokerConnected: new Gauge({
      name: 'broker_connected',
      help: '1 while the connection (role="publisher"|"consumer") to the broker is up.',
      labelNames: ['role'],
      registers,
    }),
    deliveryLag: new Histogram({
      name: 'message_delivery_lag_seconds',
      help: "Seconds from the event's occurredAt to its delivery to this consumer.",
      labelNames: ['channel'],
      buckets: lagBucketsSeconds,
      registers,
    }),
  };
  // Every series from start at 0, so rate() sees the first message.
  for (const channel of publishes) {
    metrics.published.inc({ channel, mode: 'confirmed' }, 0);
    metrics.published.inc({ channel, mode: 'fire_and_forget' }, 0);
    metrics.publishFailures.inc({ channel }, 0);
  }
  const addConsumedChannel = (channel: string) => {
    for (const counter of [metrics.delivered, metrics.duplicates, metrics.deadLetters, metrics.dropped]) counter.inc({ channel }, 0);
    metrics.redelivered.inc({ channel, cause: 'broker' }, 0);
    metrics.redelivered.inc({ channel, cause: 'retry' }, 0);
    metrics.consumerInflight.set({ channel }, 0);
  };
  const observer: ConsumerObserver = {
    delivered: ({ channel, envelope }) => {
      metrics.delivered.inc({ channel });
      const lagMs = Date.now() - Date.parse(envelope.occurredAt);
      metrics.deliveryLag.observe({ channel }, Math.max(0, lagMs) / 1000);
    },
    redelivered: (channel, cause) => metrics.redelivered.inc({ channel, cause }),
    duplicate: (channel) => metrics.duplicates.inc({ channel }),
    inflight: (channel, change) => metrics.consumerInflight.inc({ channel }, change),
    deadLettered: (channel) => metrics.deadLetters.inc({ channel }),
    dropped: (channel) => metrics.dropped.inc({ channel }),
  };
  return { ...metrics, observer, addConsumedChannel };
}
