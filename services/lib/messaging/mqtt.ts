import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { BrokerError, type BrokerAdapter, type Consumer, type ConsumerOptions, type Publisher, type PublisherOptions, type PublishOptions } from './bus.ts';
import { decodeEnvelope, encodeEnvelope, type Envelope } from './envelope.ts';

/**
 * MQTT 3.1.1 (the protocol both the embedded aedes broker and Mosquitto speak) behind the
 * broker port. Publisher and consumer use separate connections: mqtt.js handles a connection's
 * incoming packets one at a time, so a consumer that acknowledges after processing would
 * otherwise hold up its own publish acknowledgements — and separate connections are separate
 * links in the topology (`trip -> broker`, `broker -> dispatch`), each with its own proxy.
 */
export const mqttAdapter: BrokerAdapter = {
  schemes: ['mqtt:'],
  connectPublisher: (options) => new MqttPublisher(options),
  connectConsumer: (options) => new MqttConsumer(options),
};

const defaultPublishTimeoutMs = 5_000;

function clientOptions(options: PublisherOptions | ConsumerOptions, clean: boolean): IClientOptions {
  return {
    clientId: options.clientId,
    clean,
    protocolVersion: 4,
    // Reconnect quickly: an outage ends when the link heals, not a backoff period later.
    reconnectPeriod: 250,
    connectTimeout: 3_000,
    // Detects a dead link (a black-holing proxy) within 1.5 × keepalive.
    keepalive: 5,
    // Fire-and-forget means it: a QoS 0 message published while disconnected is dropped, not
    // queued until the next connection.
    queueQoSZero: false,
  };
}

function watchConnection(client: MqttClient, onChange: ((connected: boolean) => void) | undefined): void {
  client.on('connect', () => onChange?.(true));
  client.on('close', () => onChange?.(false));
  // Errors (refused, reset) are followed by 'close' and a reconnect; without a listener an
  // 'error' event would crash the service.
  client.on('error', () => undefined);
}

class MqttPublisher implements Publisher {
  private readonly client: MqttClient;

  constructor(options: PublisherOptions) {
    this.client = mqtt.connect(options.url, clientOptions(options, true));
    watchConnection(this.client, options.onConnectionChange);
  }

  get connected(): boolean {
    return this.client.connected;
  }

  async publish(channel: string, envelope: Envelope, options: PublishOptions): Promise<void> {
    const payload = encodeEnvelope(envelope);
    if (!options.confirmed) {
      // QoS 0: no acknowledgement exists to wait for. Dropped when disconnected (queueQoSZero).
      this.client.publish(channel, payload, { qos: 0 }, () => undefined);
      return;
    }
    const timeoutMs = options.timeoutMs ?? defaultPublishTimeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new BrokerError('PUBLISH_TIMEOUT', `no acknowledgement for ${channel} ${envelope.id} within ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    try {
      // mqtt.js keeps an unacknowledged QoS 1 message and sends it again after a reconnect, so a
      // timed-out publish may still arrive later: consumers deduplicate by envelope id.
      await Promise.race([this.client.publishAsync(channel, payload, { qos: 1 }), timeout]);
    } catch (error) {
      if (error instanceof BrokerError) throw error;
      throw new BrokerError('PUBLISH_FAILED', `publish to ${channel} failed: ${(error as Error).message}`);
    } finally {
      clearTimeout(timer);
    }
  }

  close(): Promise<void> {
    return endClient(this.client);
  }
}

class MqttConsumer implements Consumer {
  private readonly client: MqttClient;

  constructor(options: ConsumerOptions) {
    // A durable subscription is a persistent session (clean = false): the broker keeps the
    // subscription and queues QoS 1 messages while the consumer is away, and sends again the
    // ones it delivered but never got an acknowledgement for.
    this.client = mqtt.connect(options.url, clientOptions(options, !options.durable));
    watchConnection(this.client, options.onConnectionChange);
    // mqtt.js sends PUBACK when this callback is called: that is where "ack after processing"
    // and "ack on receipt" differ.
    this.client.handleMessage = (packet, acknowledge) => {
      const channel = packet.topic;
      let envelope: Envelope;
      try {
        envelope = decodeEnvelope(packet.payload as Buffer);
      } catch (error) {
        options.onUndecodable?.(channel, error as Error);
        acknowledge();
        return;
      }
      const work = options.handle({ channel, envelope, redelivered: packet.dup === true });
      if (options.ackAfterProcessing) {
        // The handler's own policy (retries, dead letter) decides what a failure means; once it
        // settles the message is done with either way.
        work.then(
          () => acknowledge(),
          () => acknowledge(),
        );
      } else {
        acknowledge();
        work.catch(() => undefined);
      }
    };
    // mqtt.js subscribes again after each reconnect (`resubscribe`), so this holds for the
    // consumer's whole life.
    this.client.subscribe([...options.channels], { qos: 1 }, () => undefined);
  }

  get connected(): boolean {
    return this.client.connected;
  }

  close(options: { abandon?: boolean } = {}): Promise<void> {
    return endClient(this.client, options.abandon === true);
  }
}

/** Ends gracefully when connected (in-flight acknowledgements go out), at once otherwise. */
async function endClient(client: MqttClient, abandon = false): Promise<void> {
  if (client.disconnected) return;
  if (abandon) {
    // Drop acknowledgements still to come: the socket goes, not a DISCONNECT.
    client.handleMessage = (_packet, _acknowledge) => undefined;
    client.stream?.destroy();
  }
  await new Promise<void>((resolve) => {
    const forceTimer = setTimeout(() => client.end(true, () => resolve()), 2_000);
    client.end(abandon || !client.connected, () => {
      clearTimeout(forceTimer);
      resolve();
    });
  });
}
