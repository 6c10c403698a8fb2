import type { Envelope } from './envelope.ts';

/**
 * The port between the services and a broker. The services speak only this; one adapter per
 * broker protocol implements it (mqtt.ts today). A second protocol (AMQP 0-9-1 for RabbitMQ) is
 * one more file implementing `BrokerAdapter`: confirmed publish = publisher confirms, ack after
 * processing = `basic.ack` after the handler, durable subscription = a durable queue bound to
 * the channel's exchange.
 */
export interface BrokerAdapter {
  /** URL schemes this adapter serves, e.g. `mqtt:`. */
  readonly schemes: readonly string[];
  connectPublisher(options: PublisherOptions): Publisher;
  connectConsumer(options: ConsumerOptions): Consumer;
}

export interface ConnectionOptions {
  url: string;
  /** Stable across restarts of the same service: a durable subscription is found again by it. */
  clientId: string;
  /** Called on every change, so metrics and /health can say whether the broker is reachable. */
  onConnectionChange?: ((connected: boolean) => void) | undefined;
}

export type PublisherOptions = ConnectionOptions;

export interface PublishOptions {
  /**
   * true: resolves once the broker acknowledged the message (it will be delivered to durable
   * subscribers), rejects on `timeoutMs`. false: fire-and-forget — resolves when the message is
   * handed to the connection; lost if the connection or the broker is down.
   */
  confirmed: boolean;
  timeoutMs?: number | undefined;
}

export interface Publisher {
  publish(channel: string, envelope: Envelope, options: PublishOptions): Promise<void>;
  readonly connected: boolean;
  close(): Promise<void>;
}

export interface Delivery {
  channel: string;
  envelope: Envelope;
  /** The broker says it delivered this message before (MQTT's DUP flag). */
  redelivered: boolean;
}

export interface ConsumerOptions extends ConnectionOptions {
  channels: readonly string[];
  /**
   * true: the broker's acknowledgement is sent after `handle` settles, so a consumer that dies
   * mid-message gets it again; messages are then handled one at a time per consumer connection.
   * false: acknowledged on receipt, handled concurrently without bound; a crash loses them.
   */
  ackAfterProcessing: boolean;
  /** Keep the subscription (and messages queued for it) while the consumer is away. */
  durable: boolean;
  /** A message that cannot be decoded is handed to `onUndecodable`, never to `handle`. */
  handle(delivery: Delivery): Promise<void>;
  onUndecodable?: ((channel: string, error: Error) => void) | undefined;
}

export interface Consumer {
  readonly connected: boolean;
  /**
   * Graceful by default: acknowledgements due go out first. `abandon` cuts the connection at
   * once and acknowledges nothing more — what a crash does, so the broker sends the
   * unacknowledged messages again to the next consumer with this client id.
   */
  close(options?: { abandon?: boolean }): Promise<void>;
}

export class BrokerError extends Error {
  override readonly name = 'BrokerError';
  constructor(
    readonly code: 'PUBLISH_TIMEOUT' | 'PUBLISH_FAILED' | 'NOT_CONNECTED' | 'UNSUPPORTED_BROKER_URL',
    message: string,
  ) {
    super(message);
  }
}
